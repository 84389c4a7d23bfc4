"""What people do in a real browser: keyboard use, JavaScript off, correcting the seed."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from articles.models import Article, CorrectionNote
from editors.accounts import account_set_role
from tests.helpers import SEED_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-demo-password-42"


def log_in(page, live_server, username: str) -> None:
    """Log in with the keyboard only, as someone who does not use a mouse would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")  # the skip link comes first
    page.get_by_label("Username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/desk/")


def test_the_skip_link_is_the_first_stop_and_reaches_the_main_content(page, live_server):
    """Keyboard users can jump past the navigation on the reader site."""
    call_command("load_demo", verbosity=0)
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_a_reporter_creates_a_draft_with_javascript_off(page_without_js, live_server):
    """The editor works without JavaScript: the spare block forms take new paragraphs."""
    call_command("load_demo", verbosity=0)
    account_set_role(username="rosa", role="reporter", password=PASSWORD)
    page = page_without_js
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/desk/articles/new/")
    page.get_by_label("Headline").fill("Ferry timetable changes in spring")
    page.get_by_label("Section").select_option(label="Local")
    texts = page.locator("textarea[name$='-text']")
    texts.nth(0).fill("The ferry will run every 40 minutes from March.")
    texts.nth(1).fill("Weekend sailings are unchanged.")
    page.get_by_role("button", name="Create draft").click()

    article = Article.objects.get(headline="Ferry timetable changes in spring")
    assert [b.text for b in article.blocks.all()] == [
        "The ferry will run every 40 minutes from March.",
        "Weekend sailings are unchanged.",
    ]
    assert page.get_by_text("Draft created.").is_visible()


def test_an_editor_corrects_the_seed_and_readers_see_it(page, live_server, client):
    """The issue's 'done': a correction in the desk shows on the page, the log and the feed."""
    call_command("load_demo", verbosity=0)
    account_set_role(username="elena", role="editor", password=PASSWORD)
    seed = Article.objects.get(slug=SEED_SLUG)
    log_in(page, live_server, "elena")

    page.goto(f"{live_server.url}/desk/articles/{seed.pk}/")
    box = page.locator("textarea[name$='-text']").filter(has_text="Gen. Stephen Townsend")
    box.fill(box.input_value().replace("forces (sic)", "militaries (sic)"))
    page.get_by_role("button", name="Publish correction").click()

    # Nothing is live yet: the desk shows the change and a note drafted from it.
    assert page.get_by_text("This changes published wording").is_visible()
    assert page.get_by_label("Paragraphs").input_value() == "11"
    assert page.get_by_label("Words before").input_value() == "forces"
    assert page.get_by_label("Words after").input_value() == "militaries"
    page.get_by_label("Non-substantive: a typo, formatting or a link (no public note)").check()
    page.get_by_label("Why it is non-substantive").fill("Spelling")
    page.get_by_role("button", name="Publish correction").click()
    assert page.get_by_text("always needs a public note").is_visible()

    page.get_by_label("Substantive: publish a note readers can see").check()
    page.get_by_role("button", name="Publish correction").click()
    assert page.get_by_text("Correction published.").is_visible()

    note = CorrectionNote.objects.filter(article=seed).latest("issued_at")
    assert note.paragraphs == [11]
    assert (note.before, note.after) == ("forces", "militaries")

    page.goto(f"{live_server.url}{seed.get_absolute_url()}")
    marker = page.locator(f"#p11 a[href='#correction-{note.pk}']")
    assert marker.count() == 1
    assert "militaries (sic)" in page.locator("#p11").inner_text()
    log = client.get("/corrections/").content.decode()
    assert f"{seed.get_absolute_url()}#p11" in log
    feed = client.get("/feeds/corrections/").content.decode()
    assert f"{seed.get_absolute_url()}#p11" in feed
