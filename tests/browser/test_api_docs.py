"""``/api/v1/docs/``: Swagger UI from our own static files, under the site's enforced
Content-Security-Policy (no inline script or style, no other origin)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.api.test_schema import _Inline
from tests.factories import PublishedArticleFactory

DOCS = reverse("api:docs")


@pytest.mark.django_db
class TestDocsPage:
    def test_page_needs_nothing_the_policy_forbids(self, client):
        """The page is HTML under the enforced policy, with no inline script, style or
        handler, and every file it loads is one of ours."""
        response = client.get(DOCS)

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        html = response.content.decode()
        parser = _Inline()
        parser.feed(html)
        assert parser.blocked == []
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets
        assert all(a.startswith("/") and not a.startswith("//") for a in assets), assets

    def test_its_files_are_served_locally(self, client):
        """Swagger UI's script and stylesheet are static files here; its start-up script is
        served by the view itself, as JavaScript, pointing at our schema."""
        html = client.get(DOCS).content.decode()
        static = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
        assert {s.rsplit("/", 1)[-1] for s in static} >= {
            "swagger-ui-bundle.js",
            "swagger-ui-standalone-preset.js",
            "swagger-ui.css",
        }
        for name in static:
            assert finders.find(name), name
        (init,) = [s for s in re.findall(r'<script src="([^"]+)"', html) if "script" in s]

        script = client.get(init.replace("&amp;", "&"))

        assert script.status_code == 200
        assert script["Content-Type"].startswith("application/javascript")
        assert reverse("api:schema") in script.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_runs_in_chromium_without_a_violation(browser, live_server):
    """In Chromium, under the enforced policy: not one violation, and Swagger UI draws the
    API's operations from the schema."""
    from tests.browser.test_content_security_policy import LISTEN

    PublishedArticleFactory()
    context = browser.new_context()
    violations: list = []
    context.expose_function("reportViolation", lambda details: violations.append(details))
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        response = page.goto(f"{live_server.url}{DOCS}")
        assert response.status == 200
        page.wait_for_selector(".opblock", timeout=15_000)
        page.wait_for_load_state("networkidle")
        text = page.inner_text("#swagger-ui")
        assert "/api/v1/articles/" in text
        assert "/api/v1/corrections/" in text
    finally:
        context.close()
    assert violations == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["api:article_list", "api:correction_list", "api:source_list", "api:section_list"]
)
def test_browsable_lists_need_nothing_the_policy_forbids(client, name):
    """A list's browsable page, its next/previous controls included, loads under the policy."""
    for _ in range(3):
        PublishedArticleFactory()

    response = client.get(reverse(name), {"page_size": 1}, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    parser = _Inline()
    parser.feed(response.content.decode())
    assert parser.blocked == []
