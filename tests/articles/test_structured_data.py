"""What the article page tells search engines and link previews, and the corrections policy
its structured data points to.

The seed story (``load_demo``) carries an editor's note and report/document attributions, so
its page exercises every part of the ``NewsArticle``.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.factories import PublishedArticleFactory, image_upload
from tests.helpers import seed_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
ABSOLUTE = ("https://", "http://testserver/")


@pytest.fixture
def seed(db) -> Article:
    return seed_article()


class HeadTags(HTMLParser):
    """The page's <meta> tags by property or name, and its <link> tags by rel."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (key := values.get("property") or values.get("name")):
            self.meta.setdefault(key, []).append(values.get("content") or "")
        elif tag == "link" and values.get("rel"):
            self.links.setdefault(values["rel"], []).append(values.get("href") or "")

    def one(self, key: str) -> str:
        (value,) = self.meta[key]
        return value


def jsonld(html: str) -> dict[str, dict]:
    """Every JSON-LD object on the page, by ``@type``."""
    objects = [json.loads(raw) for raw in _SCRIPT.findall(html)]
    by_type = {data["@type"]: data for data in objects}
    assert len(by_type) == len(objects)
    return by_type


def _path(url: str) -> str:
    return url.removeprefix("http://testserver")


class TestSeedStoryNewsArticle:
    def test_every_required_key_with_absolute_urls(self, client, seed):
        """The NewsArticle has headline, description, image, dates, author, publisher, page."""
        data = jsonld(client.get(seed.get_absolute_url()).content.decode())["NewsArticle"]

        assert data["@context"] == "https://schema.org"
        assert data["headline"] == seed.headline
        assert data["description"] == seed.dek
        assert data["image"] and all(url.startswith(ABSOLUTE) for url in data["image"])
        assert data["datePublished"] == seed.first_published_at.isoformat()
        assert data["dateModified"]
        assert data["articleSection"] == "World"
        page = f"http://testserver{seed.get_absolute_url()}"
        assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": page}
        assert data["url"] == page

    def test_author_is_a_person_with_name_and_url(self, client, seed):
        """Each byline is a Person whose url is the author's page."""
        data = jsonld(client.get(seed.get_absolute_url()).content.decode())["NewsArticle"]

        (author,) = data["author"]
        assert author["@type"] == "Person"
        assert author["name"] == "World Desk"
        assert author["url"] == "http://testserver/authors/world-desk/"
        assert client.get(_path(author["url"])).status_code == 200

    def test_publisher_has_logo_and_corrections_policy(self, client, seed):
        """The publisher is a NewsMediaOrganization with a logo and a corrections policy."""
        publisher = jsonld(client.get(seed.get_absolute_url()).content.decode())["NewsArticle"][
            "publisher"
        ]

        assert publisher["@type"] == "NewsMediaOrganization"
        assert publisher["name"] == settings.SITE_NAME
        logo = publisher["logo"]
        assert logo["@type"] == "ImageObject"
        assert logo["url"].startswith(ABSOLUTE)
        with Image.open(finders.find(_path(logo["url"]).removeprefix("/static/"))) as image:
            assert image.size == (logo["width"], logo["height"]) == (600, 60)
        policy = publisher["correctionsPolicy"]
        assert policy == f"http://testserver{reverse('articles:corrections_policy')}"
        assert client.get(_path(policy)).status_code == 200

    def test_editors_note_is_a_correction_comment(self, client, seed):
        """The seed story's editor's note goes out as a CorrectionComment."""
        data = jsonld(client.get(seed.get_absolute_url()).content.decode())["NewsArticle"]

        (note,) = data["correction"]
        assert note["@type"] == "CorrectionComment"
        assert "paragraph eleven" in note["text"]
        assert note["datePublished"]

    def test_reports_and_documents_are_citations(self, client, seed):
        """The reports and documents the story relies on are cited; quotes are parts."""
        data = jsonld(client.get(seed.get_absolute_url()).content.decode())["NewsArticle"]

        names = {citation["name"] for citation in data["citation"]}
        assert {"CBS News report", "USA Today report"} <= names
        assert any(c.get("author", {}).get("@type") == "Organization" for c in data["citation"])
        assert {part["@type"] for part in data["hasPart"]} == {"Quotation"}

    def test_breadcrumbs_run_home_section_story(self, client, seed):
        """A BreadcrumbList of three: the site, the section, the story."""
        data = jsonld(client.get(seed.get_absolute_url()).content.decode())["BreadcrumbList"]

        assert data["@context"] == "https://schema.org"
        items = data["itemListElement"]
        assert [item["position"] for item in items] == [1, 2, 3]
        assert [item["@type"] for item in items] == ["ListItem"] * 3
        assert [item["name"] for item in items] == [settings.SITE_NAME, "World", seed.headline]
        assert [item["item"] for item in items] == [
            "http://testserver/",
            f"http://testserver{seed.section.get_absolute_url()}",
            f"http://testserver{seed.get_absolute_url()}",
        ]


class TestSharingTags:
    def test_seed_story_has_canonical_open_graph_and_twitter_tags(self, client, seed):
        """A shared link previews with title, description, image and the canonical URL."""
        head = HeadTags(client.get(seed.get_absolute_url()).content.decode())
        page = f"http://testserver{seed.get_absolute_url()}"

        assert head.links["canonical"] == [page]
        assert head.one("og:type") == "article"
        assert head.one("og:url") == page
        assert head.one("og:title") == seed.headline
        assert head.one("og:description") == seed.dek
        assert head.one("og:site_name") == settings.SITE_NAME
        assert head.one("og:locale") == "en_US"
        assert head.one("og:image").startswith(ABSOLUTE)
        assert head.one("article:section") == "World"
        assert head.one("article:published_time") == seed.first_published_at.isoformat()
        assert head.one("twitter:title") == seed.headline
        assert head.one("twitter:description") == seed.dek
        assert head.one("twitter:image").startswith(ABSOLUTE)

    def test_without_lead_image_the_site_card_and_a_summary_card(self, client):
        """No lead image: Open Graph gets the 1200x630 site card, Twitter a summary card."""
        article = PublishedArticleFactory()
        head = HeadTags(client.get(article.get_absolute_url()).content.decode())

        assert head.one("og:image") == "http://testserver/static/img/share-card.png"
        assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630")
        assert head.one("twitter:card") == "summary"
        assert head.one("twitter:image") == "http://testserver/static/img/icon.png"
        for name in ("img/share-card.png", "img/icon.png"):
            assert finders.find(name), name

    def test_lead_image_gives_a_large_card_with_its_size(
        self, client, django_capture_on_commit_callbacks
    ):
        """With a lead image, every preview uses it, with its real width and height (read
        from the renditions made once the upload is committed)."""
        with django_capture_on_commit_callbacks(execute=True):
            article = PublishedArticleFactory(
                lead_image=image_upload("lead.jpg", size=(1280, 720)),
                lead_image_alt="The council",
            )
        html = client.get(article.get_absolute_url()).content.decode()
        head = HeadTags(html)

        image_url = f"http://testserver{article.lead_image.url}"
        assert head.one("og:image") == image_url
        assert (head.one("og:image:width"), head.one("og:image:height")) == ("1280", "720")
        assert head.one("og:image:alt") == "The council"
        assert head.one("twitter:card") == "summary_large_image"
        assert head.one("twitter:image") == image_url
        assert jsonld(html)["NewsArticle"]["image"] == [image_url]

    def test_missing_image_file_does_not_break_the_page(self, client):
        """A lead image whose file is gone still gives a page, just without a size."""
        article = PublishedArticleFactory(lead_image=image_upload("lead.jpg"))
        article.lead_image.storage.delete(article.lead_image.name)

        response = client.get(article.get_absolute_url())

        assert response.status_code == 200
        head = HeadTags(response.content.decode())
        assert head.one("og:image") == f"http://testserver{article.lead_image.url}"
        assert "og:image:width" not in head.meta

    def test_description_falls_back_to_the_opening_paragraph(self, client):
        """Without a standfirst, previews and structured data quote the first paragraph."""
        article = PublishedArticleFactory(dek="")
        html = client.get(article.get_absolute_url()).content.decode()

        assert HeadTags(html).one("og:description") == "The council met on Tuesday."
        assert jsonld(html)["NewsArticle"]["description"] == "The council met on Tuesday."

    def test_text_in_tags_is_escaped(self, client):
        """A headline with markup cannot break out of the meta tags."""
        article = PublishedArticleFactory(headline='Quote " and <b>bold</b>', dek="")
        html = client.get(article.get_absolute_url()).content.decode()

        assert "<b>bold</b>" not in html
        assert HeadTags(html).one("twitter:title") == 'Quote " and <b>bold</b>'

    def test_previews_get_no_sharing_tags(self, client, superuser):
        """A desk preview is not something to share or index."""
        article = PublishedArticleFactory()
        client.force_login(superuser)
        html = client.get(reverse("editors:article_preview", args=[article.pk])).content.decode()

        assert 'content="noindex, nofollow"' in html
        assert not _SCRIPT.findall(html)
        assert "og:title" not in html


class TestCorrectionsPolicy:
    def test_policy_page_explains_every_kind_of_note(self, client, db):
        """The policy names each kind of note readers will meet, and what it means."""
        response = client.get(reverse("articles:corrections_policy"))

        assert response.status_code == 200
        html = response.content.decode()
        for kind in ("Correction", "Clarification", "Update", "Editor’s note", "Retraction"):
            assert f">{kind}</dt>" in html
        assert "never edit it or delete it" in html
        assert "paragraph" in html

    def test_policy_gives_the_corrections_address_from_settings(self, client, settings):
        """Readers are told where to report an error: the address the newsroom configured."""
        settings.NEWSROOM_CORRECTIONS_EMAIL = "errors@news.example"

        html = client.get(reverse("articles:corrections_policy")).content.decode()

        assert 'href="mailto:errors@news.example"' in html

    def test_policy_links_to_the_log_and_its_feeds(self, client, db):
        """From the policy readers reach the corrections log and its RSS and Atom feeds."""
        html = client.get(reverse("articles:corrections_policy")).content.decode()

        for name in ("corrections", "corrections_feed", "corrections_atom"):
            assert f'href="{reverse(f"articles:{name}")}"' in html

    def test_footer_links_to_the_policy(self, client, db):
        """Every reader page links to the corrections policy from its footer."""
        html = client.get(reverse("articles:home")).content.decode()
        footer = html[html.index('<footer class="site-footer"') :]

        assert f'href="{reverse("articles:corrections_policy")}"' in footer
