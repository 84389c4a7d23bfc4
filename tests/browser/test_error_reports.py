"""Readers' error reports in a real browser: the form passes axe and the keyboard basics, a
person can send it (the honeypot stays out of sight and out of the tab order), and the
desk's queue passes axe too."""

from __future__ import annotations

import time

import pytest

from reports import services, spam
from reports.models import ErrorReport
from tests.browser.pages import require_tool, serious_axe_violations
from tests.browser.test_accessibility import keyboard_and_layout_problems
from tests.factories import PublishedArticleFactory
from tests.helpers import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(db):
    return PublishedArticleFactory(
        headline="Council approves the harbour budget",
        blocks=[
            ("paragraph", "The council approved the harbour budget on Tuesday night."),
            ("paragraph", "The vote was 7 to 2, the clerk said."),
        ],
    )


def test_a_reader_sends_a_report(page, live_server, story):
    """From the story's link to the thanks: the form is accessible, the honeypot is neither
    seen nor reached with Tab, and the report arrives."""
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    page.get_by_role("link", name="Report an error in this story").click()
    page.wait_for_url("**/report/")

    assert serious_axe_violations(page) == []
    trap = page.locator("#id_website")
    box = trap.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0
    assert trap.get_attribute("tabindex") == "-1"

    page.get_by_label("Where is the error?").select_option("2")
    page.get_by_label("What is wrong?").fill("The vote was 6 to 3, not 7 to 2.")
    # As if the form had been open a minute: a person takes longer than the 3 s minimum.
    earlier = spam.form_token(story.pk, now=lambda: time.time() - 60)
    page.evaluate("(t) => { document.querySelector('[name=started]').value = t; }", earlier)
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url("**/report/thanks/")

    assert page.get_by_role("heading", name="Thank you").is_visible()
    report = ErrorReport.objects.get()
    assert (report.paragraph, report.text) == (2, "The vote was 6 to 3, not 7 to 2.")
    assert keyboard_and_layout_problems(page) == []


def test_the_form_keeps_the_keyboard_basics(page, live_server, story):
    page.goto(f"{live_server.url}/articles/{story.slug}/report/?p=2")

    assert keyboard_and_layout_problems(page) == []


def test_the_desk_queue_passes_axe(page, live_server, client, story):
    services.report_create(
        article=story, paragraph=2, text="The vote was 6 to 3.", email="ana@example.org"
    )
    client.force_login(user_with_role("editor"))
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])

    page.goto(f"{live_server.url}/desk/reports/")

    assert page.get_by_role("heading", name="Error reports from readers").is_visible()
    assert serious_axe_violations(page) == []
    # Bootstrap animates a button's hover colours; axe must see where they end.
    page.emulate_media(reduced_motion="reduce")
    page.get_by_text("Dismiss…").click()
    assert page.get_by_label("Reason").is_visible()
    assert serious_axe_violations(page) == []


def test_the_report_pages_are_valid_html(client, story, tmp_path):
    """The form (fresh and refused), the thanks, the queue and the prefilled correction
    page pass the Nu HTML Checker."""
    from tests.browser.test_validity import VNU_JAR, run_vnu
    from tests.browser.test_validity import describe as describe_html

    require_tool("java", what="Java", how="apt-get install default-jre-headless")
    require_tool(VNU_JAR, what="the Nu HTML Checker", how="npm ci")
    editor = user_with_role("editor")
    report = services.report_create(article=story, paragraph=2, text="The vote was 6 to 3.")
    form = f"/articles/{story.slug}/report/"
    pages = {
        "form": lambda: client.get(form + "?p=2"),
        "refused": lambda: client.post(form, {"text": "short", "email": "bad", "website": "x"}),
        "thanks": lambda: client.get(form + "thanks/"),
        "queue": lambda: client.get("/desk/reports/"),
        "correction": lambda: client.get(f"/desk/articles/{story.pk}/?report={report.pk}"),
    }
    files = []
    for name, fetch in pages.items():
        if name == "queue":
            client.force_login(editor)
        response = fetch()
        assert response.status_code in {200, 400}, name
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(file)

    errors = [m for m in run_vnu(files) if m.get("type") == "error"]
    assert not errors, "\n".join(describe_html(m) for m in errors)
