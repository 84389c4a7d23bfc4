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
    """The editor works without JavaScript: the body's text box takes the paragraphs,
    separated by a blank line."""
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
    page.get_by_label("Body text").fill(
        "The ferry will run every 40 minutes from March.\n\nWeekend sailings are unchanged."
    )
    page.get_by_role("button", name="Create draft").click()

    article = Article.objects.get(headline="Ferry timetable changes in spring")
    assert [b.text for b in article.blocks.all()] == [
        "The ferry will run every 40 minutes from March.",
        "Weekend sailings are unchanged.",
    ]
    assert page.get_by_text("Draft created.").is_visible()


# Selects a word where it stands in a phrase inside an element, as a mouse drag would.
SELECT_WORD = """(el, {word, in: phrase}) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.data.indexOf(phrase) < 0) continue;
    const at = node.data.indexOf(phrase) + phrase.indexOf(word);
    el.closest("[contenteditable]").focus();
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + word.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return;
  }
  throw new Error("not found: " + phrase);
}"""


def test_an_editor_corrects_the_seed_and_readers_see_it(page, live_server, client):
    """The issue's 'done': a correction in the desk shows on the page, the log and the feed."""
    call_command("load_demo", verbosity=0)
    account_set_role(username="elena", role="editor", password=PASSWORD)
    seed = Article.objects.get(slug=SEED_SLUG)
    log_in(page, live_server, "elena")

    page.goto(f"{live_server.url}/desk/articles/{seed.pk}/")
    # In the body editor: select the word in paragraph 11 and type over it.
    paragraph = page.locator('#body-editor-text [data-paragraph-number="11"]')
    assert "Gen. Stephen Townsend" in paragraph.inner_text()
    paragraph.evaluate(SELECT_WORD, {"word": "forces", "in": "forces (sic)"})
    page.keyboard.type("militaries")
    page.get_by_role("button", name="Publish correction").click()

    # Nothing is live yet: the desk shows the change and a note drafted from it, and does
    # not offer to "restore" the words it has just sent back.
    assert page.get_by_text("This changes published wording").is_visible()
    banner = page.locator("[data-autosave-banner]")
    page.wait_for_load_state()  # desk.js has run
    assert banner.is_hidden()
    assert page.get_by_label("Paragraphs").input_value() == "11"
    assert page.get_by_label("Words before").input_value() == "forces"
    assert page.get_by_label("Words after").input_value() == "militaries"
    page.get_by_label("Non-substantive: a typo, formatting or a link (no public note)").check()
    page.get_by_label("Why it is non-substantive").fill("Spelling")
    page.get_by_role("button", name="Publish correction").click()
    assert page.get_by_text("always needs a public note").is_visible()
    page.wait_for_load_state()
    assert banner.is_hidden()

    page.get_by_label("Substantive: publish a note readers can see").check()
    page.get_by_role("button", name="Publish correction").click()
    assert page.get_by_text("Correction published: note on paragraph 11.").is_visible()
    page.wait_for_load_state()
    assert banner.is_hidden()
    page.reload()
    assert banner.is_hidden()

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


PHONE = {"width": 375, "height": 812}


def test_the_desk_menu_opens_at_phone_width_with_javascript_off(page_without_js, live_server):
    """At 375 px without JavaScript the desk's links and Log out (a POST form) show, with no
    dead menu button, and the page does not scroll sideways."""
    call_command("load_demo", verbosity=0)
    account_set_role(username="elena", role="editor", password=PASSWORD)
    page = page_without_js
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("elena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/desk/")

    nav = page.get_by_role("navigation", name="Desk")
    assert page.get_by_role("button", name="Show or hide the menu").is_hidden()
    for name in ["Dashboard", "Articles", "New article", "Sources", "Change password"]:
        assert nav.get_by_role("link", name=name, exact=True).is_visible(), name
    log_out = nav.get_by_role("button", name="Log out")
    assert log_out.is_visible()
    assert log_out.evaluate("b => b.form.method") == "post"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    log_out.click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.goto(f"{live_server.url}/desk/").url.startswith(
        f"{live_server.url}/accounts/login/"
    )


def test_a_reader_copies_a_paragraphs_link(browser, live_server):
    """The "¶" after a paragraph appears on hover and on keyboard focus; clicking it copies
    the paragraph's full address and says so; without JavaScript it is a plain link."""
    call_command("load_demo", verbosity=0)
    seed = Article.objects.get(slug=SEED_SLUG)
    url = f"{live_server.url}{seed.get_absolute_url()}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(url)
    link = page.locator("#p3 [data-paragraph-link]")
    opacity = "el => getComputedStyle(el).opacity"
    assert link.get_attribute("href") == "#p3"
    assert link.evaluate(opacity) == "0"
    page.locator("#p3").hover()
    assert link.evaluate(opacity) == "1"
    page.mouse.move(0, 0)
    assert link.evaluate(opacity) == "0"
    link.focus()
    assert link.evaluate(opacity) == "1"

    link.click()
    status = page.get_by_role("status")
    status.filter(has_text="copied").wait_for()
    assert f"{url}#p3" in status.inner_text()
    assert status.get_attribute("aria-live") == "polite"
    assert page.evaluate("navigator.clipboard.readText()") == f"{url}#p3"
    context.close()

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    page.locator("#p3").hover()
    page.locator("#p3 [data-paragraph-link]").click()
    assert page.url == f"{url}#p3"
    context.close()


def test_the_section_bar_shows_that_it_scrolls_at_phone_width(page, live_server):
    """At 375 px the sections that do not fit are behind a shadowed edge, which moves to
    the other side once the bar is scrolled to its end (Science then in view)."""
    import io

    from PIL import Image

    call_command("load_demo", verbosity=0)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    bar = page.locator(".section-nav")
    science = bar.get_by_role("link", name="Science")
    assert bar.evaluate("el => el.scrollWidth > el.clientWidth")

    def edges() -> tuple[int, int]:
        """How dark the bar's left and right edges are (0 is white), above the links."""
        shot = Image.open(io.BytesIO(bar.screenshot())).convert("L")
        return 255 - shot.getpixel((1, 2)), 255 - shot.getpixel((shot.width - 2, 2))

    left, right = edges()
    assert left == 0 and right > 20, (left, right)
    box = science.bounding_box()
    assert box["x"] + box["width"] > PHONE["width"]
    bar.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    left, right = edges()
    assert left > 20 and right == 0, (left, right)
    box = science.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
