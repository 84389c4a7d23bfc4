"""The Content-Security-Policy in Chromium: reader, desk and admin pages load under the
enforced policy without a single violation, and the JavaScript that must run still runs (the
desk's block controls, autosave and menu; the admin's autocomplete and actions)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article
from tests.browser.pages import (
    ADMIN,
    ADMIN_LOGGED_OUT,
    ADMIN_PAGES,
    EDITOR,
    LOGGED_IN,
    PASSWORD,
    admin_paths,
    build_site,
    expected_status,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in every document before its own scripts; reports each violation to Python.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation({
    page: location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
}, true);
"""


class Watched:
    """A browser page whose CSP violations are collected, from events and the console (with
    any complaint about the Permissions-Policy header)."""

    def __init__(self, browser, live_server, client):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.violations: list = []
        self.context.expose_function("reportViolation", self._violation)
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.live_server = live_server
        self.client = client

    def _violation(self, details: dict) -> None:
        self.violations.append(details)

    def _console(self, message) -> None:
        # Chromium also warns here about a Permissions-Policy feature it does not know.
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.violations.append(message.text)

    def as_user(self, username: str | None) -> None:
        """Browse as ``username`` (the test client's session, shared), or as nobody."""
        self.context.clear_cookies()
        if username:
            self.client.force_login(get_user_model().objects.get(username=username))
            cookie = self.client.cookies["sessionid"].value
            self.context.add_cookies(
                [{"name": "sessionid", "value": cookie, "url": self.live_server.url}]
            )

    def open(self, path: str, status: int = 200):
        response = self.page.goto(f"{self.live_server.url}{path}")
        assert response.status == status, path
        headers = response.all_headers()
        assert "content-security-policy" in headers, f"{path}: the policy is not enforced"
        assert "script-src 'self'" in headers["content-security-policy"]
        self.page.wait_for_load_state("networkidle")
        return self.page


@pytest.fixture
def watched(browser, live_server, client):
    watched = Watched(browser, live_server, client)
    yield watched
    watched.context.close()


def report(violations: list) -> str:
    return f"{len(violations)} CSP violations:\n" + "\n".join(map(str, violations))


def test_the_watcher_sees_a_violation(watched):
    """The check below can fail: an inline script added to a page is refused and reported."""
    build_site()
    page = watched.open("/")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.ran = true"; document.body.append(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran === undefined")
    assert any("script-src" in str(v) for v in watched.violations), watched.violations


def test_reader_desk_and_admin_pages_load_without_a_violation(watched):
    """Every representative reader, desk and admin page loads with nothing blocked."""
    paths = {**build_site(), **admin_paths()}
    for name, path in paths.items():
        if name in LOGGED_IN:
            watched.as_user(EDITOR)
        elif name in ADMIN_PAGES and name not in ADMIN_LOGGED_OUT:
            watched.as_user(ADMIN)
        else:
            watched.as_user(None)
        watched.open(path, expected_status(name))
    assert not watched.violations, report(watched.violations)


def test_the_admin_works_under_the_policy(watched):
    """Autocomplete widgets fetch and show choices, the change list's actions count the
    selection and open their intermediate pages, the theme toggle switches: no violation."""
    paths = {**build_site(), **admin_paths()}
    watched.as_user(ADMIN)

    for name, search in [("admin-source-change", "CBS"), ("admin-note-add", "Haley")]:
        page = watched.open(paths[name])
        page.locator(".select2-selection").first.click()
        page.locator(".select2-search__field").fill(search)
        options = page.locator(".select2-results__option:not(.loading-results)")
        options.filter(has_text=search).first.wait_for()
        options.filter(has_text=search).first.click()
        assert search in page.locator(".select2-selection__rendered").first.inner_text(), name

    page = watched.open(paths["admin-source-list"])
    boxes = page.locator("input.action-select")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert "2 of" in page.locator(".action-counter").inner_text()
    page.locator("select[name=action]").select_option("merge_sources")
    page.get_by_role("button", name="Go").click()
    assert page.get_by_text("Choose the source to keep").is_visible()

    page = watched.open("/admin/articles/correctionnote/")
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("withdraw_notes")
    page.get_by_role("button", name="Go").click()
    assert page.get_by_text("Withdrawn notes no longer appear").is_visible()

    before = page.evaluate("document.documentElement.dataset.theme || 'auto'")
    page.locator("button.theme-toggle").first.click()
    assert page.evaluate("document.documentElement.dataset.theme") != before

    assert not watched.violations, report(watched.violations)


def test_the_desk_javascript_works_under_the_policy(watched):
    """Log in through the form, type and reorder paragraphs in the body editor, get the
    autosaved text back after a reload, open the phone menu: all without a violation."""
    build_site()
    page = watched.open("/accounts/login/")
    page.get_by_label("Username").fill(EDITOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{watched.live_server.url}/desk/")

    page = watched.open("/desk/articles/new/")
    page.get_by_label("Headline").fill("Harbour bridge to close for repairs")
    page.get_by_label("Section").select_option(label="Local")
    page.get_by_role("textbox", name="Story body").click()
    page.keyboard.type("The bridge closes on Monday.")
    page.keyboard.press("Enter")
    page.keyboard.type("Ferries will run instead.")
    paragraphs = page.locator("#body-editor-text p")
    assert [p.get_attribute("data-paragraph-number") for p in paragraphs.all()] == ["1", "2"]
    paragraphs.first.click()
    page.get_by_role("button", name="Move block down").click()
    assert paragraphs.first.inner_text() == "Ferries will run instead."
    page.get_by_role("button", name="Create draft").click()
    page.get_by_text("Draft created.").wait_for()
    article = Article.objects.get(headline="Harbour bridge to close for repairs")
    assert [b.text for b in article.blocks.all()] == [
        "Ferries will run instead.",
        "The bridge closes on Monday.",
    ]

    headline = page.get_by_label("Headline")
    headline.fill("Harbour bridge to close for three weeks")
    page.locator("#body-editor-text p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(" Buses too.")
    page.wait_for_timeout(4500)  # desk.js autosaves every four seconds
    page.reload()
    banner = page.locator("[data-autosave-banner]")
    assert banner.is_visible()
    assert "Restore unsaved text" in banner.inner_text()
    assert page.locator("#body-editor-text p").last.inner_text() == "The bridge closes on Monday."
    banner.get_by_role("button", name="Restore").click()
    assert page.get_by_label("Headline").input_value() == "Harbour bridge to close for three weeks"
    assert page.locator("#body-editor-text p").last.inner_text() == (
        "The bridge closes on Monday. Buses too."
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Show or hide the menu").click()
    page.locator("#desk-nav.show").wait_for()

    assert not watched.violations, report(watched.violations)
