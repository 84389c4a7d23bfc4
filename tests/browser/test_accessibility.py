"""Every representative reader and desk page passes axe-core and the keyboard basics.

axe-core comes from the npm package (``npm ci``; see ``package.json``) and is injected into
Debian's headless Chromium. Violations rated "serious" or "critical" fail; the rules are the
WCAG 2.0/2.1 A and AA sets plus axe's best practices.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.browser.pages import (
    AXE,
    AXE_TAGS,
    DESK_PAGES,
    EDITOR,
    ERROR_PAGES,
    LOGGED_IN,
    READER_PAGES,
    build_site,
    describe,
    error_page,
    expected_status,
    require_tool,
    serious_axe_violations,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_WIDTH = 390
PAGES = READER_PAGES + DESK_PAGES

# What the focused element looks like: an outline or a box-shadow counts as a focus ring.
FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    tag: el.tagName.toLowerCase(),
    href: el.getAttribute("href"),
    text: (el.textContent || "").trim().slice(0, 40),
    visible: outline || style.boxShadow !== "none",
    top: el.getBoundingClientRect().top,
  };
}"""


def log_in(page, live_server, client) -> None:
    """Share the test client's session with the browser: the desk pages need an editor."""
    client.force_login(get_user_model().objects.get(username=EDITOR))
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


@pytest.fixture
def site_page(page, live_server, client):
    """Builds the demo site and opens one page of it, logged in as an editor on the desk."""

    def visit(name: str):
        paths = build_site()
        if name in LOGGED_IN:
            log_in(page, live_server, client)
        response = page.goto(f"{live_server.url}{paths[name]}")
        assert response.status == expected_status(name), f"{name}: {paths[name]}"
        return page

    return visit


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_axe_violations(site_page, name):
    """axe-core finds nothing serious or critical on the page."""
    require_tool(AXE, what="axe-core", how="npm ci")
    page = site_page(name)
    bad = serious_axe_violations(page)
    assert not bad, f"{name}: {len(bad)} axe violations\n" + "\n".join(bad)


def test_keyboard_landmarks_and_phone_width(page, live_server, client):
    """Each page: skip link first, visible focus, one main landmark, no sideways phone scroll."""
    paths = build_site()
    problems = []
    for name in PAGES:
        if name in LOGGED_IN:
            log_in(page, live_server, client)
        else:
            page.context.clear_cookies()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}{paths[name]}")
        problems += [f"{name}: {problem}" for problem in keyboard_and_layout_problems(page)]
    assert not problems, "\n".join(problems)


def keyboard_and_layout_problems(page) -> list[str]:
    """What a keyboard or phone user would trip over on the open page (empty when nothing)."""
    problems = []
    if page.evaluate("document.documentElement.lang") != "en":
        problems.append('<html> has no lang="en"')
    if page.evaluate("document.querySelectorAll('main, [role=main]').length") != 1:
        problems.append("there is not exactly one main landmark")
    elif page.evaluate("document.querySelector('main').id") != "main":
        problems.append("<main> is not #main, where the skip link goes")

    if page.evaluate("document.activeElement !== document.body"):
        # An autofocused field (the login form) takes the first stop; start from the top.
        page.evaluate("document.body.tabIndex = -1; document.body.focus()")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_RING)
    if first["href"] != "#main":
        problems.append(f"the first Tab stop is not the skip link but {first}")
    elif not first["visible"] or first["top"] < 0:
        problems.append(f"the focused skip link is not visible: {first}")
    page.keyboard.press("Tab")
    second = page.evaluate(FOCUS_RING)
    if not second["visible"]:
        problems.append(f"no visible focus ring on the second Tab stop {second}")

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        problems.append(f"{width}px wide at a {PHONE_WIDTH}px viewport")
    return problems


def test_a_printed_article_keeps_corrections_and_sources_without_screen_chrome(page, live_server):
    """Printing a story drops navigation and search but keeps corrections, sources and URLs."""
    paths = build_site()
    page.goto(f"{live_server.url}{paths['article']}")
    page.evaluate(
        """() => document.getElementById("p1").insertAdjacentHTML(
             "beforeend", ' <a id="outside" href="https://example.org/report">the report</a>')"""
    )
    page.emulate_media(media="print")

    for chrome in [".section-nav", ".masthead-search", ".site-footer nav", ".skip-link"]:
        assert page.locator(chrome).first.is_hidden(), f"{chrome} shows on paper"
    assert page.locator("#corrections").is_visible()
    assert page.locator("#sources").is_visible()
    assert page.locator(".story-lead-image img").is_visible()
    after = page.evaluate("getComputedStyle(document.getElementById('outside'), '::after').content")
    assert "https://example.org/report" in after
    colours = page.evaluate(
        """() => [...document.querySelectorAll(".story-corrections, .story-body p, .kicker a")]
             .map((el) => getComputedStyle(el))
             .map((s) => [s.color, s.backgroundColor])"""
    )
    assert {tuple(c) for c in colours} == {("rgb(0, 0, 0)", "rgba(0, 0, 0, 0)")}
    assert page.evaluate("getComputedStyle(document.querySelector('figure')).breakInside") in {
        "avoid",
        "avoid-page",
    }


@pytest.mark.parametrize("name", ERROR_PAGES)
def test_error_pages_pass_axe_and_the_keyboard_basics(page, live_server, name):
    """Each error page, in both looks: nothing serious or critical for axe, the skip link
    first, visible focus, one main landmark, no sideways scroll at phone width."""
    require_tool(AXE, what="axe-core", how="npm ci")
    path, response = error_page(name)
    url = f"{live_server.url}{path}"
    # Served at the path it stands for; its stylesheets and scripts come from the server.
    page.route(
        url,
        lambda route: route.fulfill(
            status=response.status_code,
            content_type=response["Content-Type"],
            body=response.content,
        ),
    )
    assert page.goto(url).status == response.status_code
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    bad = [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    assert not bad, f"{name}: {len(bad)} axe violations\n" + "\n".join(map(describe, bad))
    problems = keyboard_and_layout_problems(page)
    assert not problems, f"{name}: " + "\n".join(problems)
