"""The OpenAPI schema (drf-spectacular) and the browsable API under the site's policy."""

from __future__ import annotations

from html.parser import HTMLParser
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from tests.factories import PublishedArticleFactory


@pytest.mark.django_db
class TestSchema:
    def test_generates_and_validates_without_warnings(self, tmp_path):
        """``manage.py spectacular --validate --fail-on-warn`` passes: no warning for any
        endpoint, and the result is a valid OpenAPI 3 document."""
        out = tmp_path / "schema.yaml"
        call_command(
            "spectacular", "--file", str(out), "--validate", "--fail-on-warn", stdout=StringIO()
        )
        schema = yaml.safe_load(out.read_text())
        operation = schema["paths"]["/api/v1/articles/{id}/ninjs"]["get"]
        assert operation["operationId"] == "article_ninjs"
        assert set(operation["responses"]) >= {"200", "304", "404"}

    def test_served_at_the_schema_url(self, client):
        """YAML by default, JSON with ``?format=json``."""
        as_yaml = client.get(reverse("api:schema"))
        as_json = client.get(reverse("api:schema"), {"format": "json"})

        assert as_yaml.status_code == as_json.status_code == 200
        assert "/api/v1/articles/{id}/ninjs" in yaml.safe_load(as_yaml.content)["paths"]
        assert "/api/v1/articles/{id}/ninjs" in as_json.json()["paths"]


class _Inline(HTMLParser):
    """What a Content-Security-Policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.blocked: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=...>")
        if tag == "script" and "src" not in attrs:
            kind = attrs.get("type", "text/javascript")
            if kind not in ("application/json", "application/ld+json"):
                self.blocked.append("inline <script>")
        if tag == "style":
            self.blocked.append("<style>")
        if tag == "a" and (attrs.get("href") or "").startswith("javascript:"):
            self.blocked.append("javascript: link")


@pytest.mark.django_db
def test_browsable_page_needs_nothing_the_policy_forbids(client):
    """The browsable API page of the endpoint loads only our own scripts and styles, with no
    inline script, style or handler, under the site's enforced policy."""
    article = PublishedArticleFactory()

    response = client.get(
        reverse("api:article_ninjs", kwargs={"pk": article.pk}), HTTP_ACCEPT="text/html"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    parser = _Inline()
    parser.feed(response.content.decode())
    assert parser.blocked == []
    assert "Vary" in response and "Accept" in response["Vary"]
