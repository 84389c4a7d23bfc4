"""Structured data on the article page: schema.org NewsArticle with its corrections."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import jsonld, services
from tests.factories import CorrectionNoteFactory, PublishedArticleFactory

_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _jsonld(client, article) -> dict:
    html = client.get(article.get_absolute_url()).content.decode()
    objects = [json.loads(raw) for raw in _SCRIPT.findall(html)]
    assert [o["@type"] for o in objects] == ["NewsArticle", "BreadcrumbList"]
    return objects[0]


@pytest.mark.django_db
class TestArticleJsonld:
    def test_news_article_fields(self, client):
        """Search engines get headline, dates, authors, publisher, section and keywords."""
        article = PublishedArticleFactory(
            headline="Budget passes", dek="By one vote.", bylines=2, section__name="Politics"
        )
        article.tags.add("budget", "council")
        data = _jsonld(client, article)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == "Budget passes"
        assert data["description"] == "By one vote."
        assert data["datePublished"] == article.first_published_at.isoformat()
        assert data["dateModified"] == article.updated_at.isoformat()
        assert data["articleSection"] == "Politics"
        assert sorted(data["keywords"]) == ["budget", "council"]
        page_url = f"http://testserver{article.get_absolute_url()}"
        assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": page_url}
        authors = [b.author for b in article.bylines.select_related("author")]
        assert data["author"] == [
            {
                "@type": "Person",
                "name": a.display_name,
                "url": f"http://testserver{a.get_absolute_url()}",
            }
            for a in authors
        ]
        assert data["publisher"]["@type"] == "NewsMediaOrganization"
        assert data["publisher"]["name"] == settings.SITE_NAME
        assert data["image"] == ["http://testserver/static/img/share-card.png"]
        assert "correction" not in data

    def test_lead_image_is_an_absolute_url(self, client):
        """The lead image is given as an absolute URL."""
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
        article = PublishedArticleFactory(
            lead_image=SimpleUploadedFile("lead.png", buffer.getvalue()),
            lead_image_alt="A red square",
        )
        data = _jsonld(client, article)
        assert data["image"] == [f"http://testserver{article.lead_image.url}"]

    def test_public_notes_are_correction_comments(self, client, superuser):
        """Each public note goes out as a CorrectionComment; withdrawn ones do not."""
        note = CorrectionNoteFactory(text="We misstated the day.")
        withdrawn = CorrectionNoteFactory(article=note.article, text="Issued in error.")
        services.correction_note_withdraw(note=withdrawn, actor=superuser, reason="Error.")
        data = _jsonld(client, note.article)
        assert data["correction"] == [
            {
                "@type": "CorrectionComment",
                "text": "We misstated the day.",
                "datePublished": note.published_at.isoformat(),
            }
        ]
        assert data["correction"][0]["@type"] == "CorrectionComment"

    def test_script_breakout_in_headline_is_escaped(self, client):
        """Text that would close the script element is escaped but survives as data."""
        headline = "</script><script>alert(1)</script> & more"
        article = PublishedArticleFactory(headline=headline)
        html = client.get(article.get_absolute_url()).content.decode()
        assert "</script><script>alert(1)" not in html
        assert "\\u003C/script\\u003E" in html
        assert _jsonld(client, article)["headline"] == headline


def test_script_tag_escapes_html_significant_characters():
    """``script_tag`` leaves no raw <, > or & inside the JSON."""
    tag = jsonld.script_tag({"text": "<b>a & b</b>"})
    payload = tag.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not set("<>&") & set(payload)
    assert json.loads(payload) == {"text": "<b>a & b</b>"}
