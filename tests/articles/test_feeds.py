"""Feeds of stories: latest, per section and per author, in RSS 2.0 and Atom.

Every feed is read the way a reader's feed client reads it, with ``feedparser``.
"""

from __future__ import annotations

import re

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    SectionFactory,
    UnpublishedArticleFactory,
)
from tests.helpers import published_ago, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

TAG_ID = re.compile(r"^tag:testserver,\d{4}-\d{2}-\d{2}:article/(\d+)$")


def feed_urls(article: Article) -> dict[str, str]:
    """Every story feed ``article`` could be in, by name."""
    section, author = article.section.slug, article.bylines.first().author.slug
    return {
        "latest": reverse("articles:latest_feed"),
        "latest_atom": reverse("articles:latest_atom"),
        "section": reverse("articles:section_feed", args=[section]),
        "section_atom": reverse("articles:section_atom", args=[section]),
        "author": reverse("articles:author_feed", args=[author]),
        "author_atom": reverse("articles:author_atom", args=[author]),
    }


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    assert parsed.version == ("atom10" if url.endswith("/atom/") else "rss20")
    return parsed


@pytest.fixture
def hidden(db) -> list[Article]:
    """Stories readers must not see, in one section with one author."""
    section, author = SectionFactory(slug="hidden-beat"), AuthorFactory(slug="hidden-hand")
    kinds = [
        ArticleFactory(headline="Hidden draft"),
        ArticleFactory(headline="Hidden in review", status=Article.Status.IN_REVIEW),
        ScheduledArticleFactory(headline="Hidden scheduled"),
        UnpublishedArticleFactory(headline="Hidden unpublished"),
        PublishedArticleFactory(
            headline="Hidden until tomorrow",
            first_published_at=timezone.now() + timezone.timedelta(days=1),
        ),
    ]
    for article in kinds:
        article.section = section
        article.save(update_fields=["section"])
        article.bylines.update(author=author)
    return kinds


class TestEveryFeed:
    @pytest.mark.parametrize(
        "name", ["latest", "latest_atom", "section", "section_atom", "author", "author_atom"]
    )
    def test_feed_is_valid_and_every_entry_is_complete(self, client, name):
        """A feed client reads each entry's title, link, id, dates, summary and author."""
        article = PublishedArticleFactory(
            headline="Budget passes", dek="By one vote.", section__name="Politics"
        )
        parsed = parse(client, feed_urls(article)[name])

        assert parsed.feed.title
        assert parsed.feed.link.startswith("http://testserver/")
        (entry,) = parsed.entries
        assert entry.title == "Budget passes"
        assert entry.link == f"http://testserver{article.get_absolute_url()}"
        assert TAG_ID.match(entry.id).group(1) == str(article.pk)
        assert tuple(entry.published_parsed)[:6] == article.first_published_at.utctimetuple()[:6]
        assert entry.summary == "By one vote."
        assert entry.author == article.bylines.first().author.display_name
        assert [t.term for t in entry.tags] == ["Politics"]

    @pytest.mark.parametrize("name", ["latest", "latest_atom"])
    def test_entries_are_newest_first(self, client, name):
        """Subscribers see the newest story at the top."""
        old = PublishedArticleFactory(**published_ago(days=2))
        new = PublishedArticleFactory(**published_ago(hours=1))
        middle = PublishedArticleFactory(**published_ago(days=1))

        links = [e.link for e in parse(client, feed_urls(new)[name]).entries]

        assert links == [f"http://testserver{a.get_absolute_url()}" for a in (new, middle, old)]

    def test_unpublished_draft_and_scheduled_stories_are_in_no_feed(self, client, hidden):
        """Nothing readers can't read reaches a feed, whichever feed they follow."""
        visible = PublishedArticleFactory(headline="Visible story")
        urls = {
            *feed_urls(visible).values(),
            reverse("articles:section_feed", args=["hidden-beat"]),
            reverse("articles:section_atom", args=["hidden-beat"]),
            reverse("articles:author_feed", args=["hidden-hand"]),
            reverse("articles:author_atom", args=["hidden-hand"]),
            reverse("articles:corrections_feed"),
        }
        for url in urls:
            titles = [e.title for e in parse(client, url).entries]
            assert not [t for t in titles if "Hidden" in t], url
        assert [e.title for e in parse(client, reverse("articles:latest_feed")).entries] == [
            "Visible story"
        ]

    def test_unknown_section_or_author_feed_is_404(self, client):
        """A feed for a section or author that doesn't exist is not found."""
        for name in ("section_feed", "section_atom", "author_feed", "author_atom"):
            assert client.get(reverse(f"articles:{name}", args=["nobody"])).status_code == 404


class TestScope:
    def test_section_feed_has_only_that_section(self, client):
        """A section's feed lists its own stories and no other section's."""
        world = SectionFactory(name="World")
        mine = [PublishedArticleFactory(section=world, **published_ago(hours=h)) for h in (1, 2)]
        PublishedArticleFactory(section__name="Sport")

        parsed = parse(client, reverse("articles:section_feed", args=[world.slug]))

        assert parsed.feed.title.endswith(": World")
        assert [e.link for e in parsed.entries] == [
            f"http://testserver{a.get_absolute_url()}" for a in mine
        ]
        assert {t.term for e in parsed.entries for t in e.tags} == {"World"}

    def test_author_feed_has_only_that_authors_stories(self, client):
        """An author's feed lists the stories they share a byline on, and no one else's."""
        solo = PublishedArticleFactory(**published_ago(hours=2))
        author = solo.bylines.get().author
        shared = PublishedArticleFactory(bylines=2, **published_ago(hours=1))
        shared.bylines.filter(position=1).update(author=author)
        PublishedArticleFactory()

        parsed = parse(client, reverse("articles:author_atom", args=[author.slug]))

        assert author.display_name in parsed.feed.title
        assert [e.link for e in parsed.entries] == [
            f"http://testserver{a.get_absolute_url()}" for a in (shared, solo)
        ]
        assert author.display_name in parsed.entries[0].author


class TestItems:
    def test_ids_are_tag_uris_that_are_not_permalinks(self, client):
        """RSS guids are tag: URIs marked isPermaLink="false", one per story, stable."""
        articles = [PublishedArticleFactory(**published_ago(hours=h)) for h in (1, 2, 3)]
        url = reverse("articles:latest_feed")

        first = parse(client, url).entries
        again = parse(client, url).entries

        assert [e.id for e in first] == [e.id for e in again]
        assert sorted(int(TAG_ID.match(e.id).group(1)) for e in first) == sorted(
            a.pk for a in articles
        )
        assert 'isPermaLink="false"' in client.get(url).content.decode()
        assert not any(e.guidislink for e in first)

    def test_id_survives_a_new_headline(self, client):
        """Rewriting the headline doesn't make subscribers see the story as new."""
        article = PublishedArticleFactory(headline="First headline")
        url = reverse("articles:latest_atom")
        before = parse(client, url).entries[0]
        Article.objects.filter(pk=article.pk).update(headline="Better headline")

        after = parse(client, url).entries[0]

        assert after.title == "Better headline"
        assert after.id == before.id

    def test_summary_falls_back_to_body_text_then_headline(self, client):
        """Without a standfirst the summary is the opening of the text, else the headline."""
        with_body = PublishedArticleFactory(
            dek="", body_text="The council met on Tuesday. " * 40, **published_ago(hours=1)
        )
        bare = PublishedArticleFactory(
            dek="", body_text="", headline="Bare", **published_ago(hours=2)
        )

        entries = parse(client, reverse("articles:latest_feed")).entries

        assert entries[0].link.endswith(with_body.get_absolute_url())
        assert entries[0].summary.startswith("The council met on Tuesday.")
        assert len(entries[0].summary.split()) <= 61
        assert entries[0].summary.endswith("…")
        assert entries[1].link.endswith(bare.get_absolute_url())
        assert entries[1].summary == "Bare"

    def test_updated_date_is_the_last_substantive_update(self, client):
        """Atom's <updated> moves with the story's last substantive update."""
        article = PublishedArticleFactory(**published_ago(days=1))
        article.updated_at = timezone.now() - timezone.timedelta(hours=1)
        article.save(update_fields=["updated_at"])

        entry = parse(client, reverse("articles:latest_atom")).entries[0]

        assert tuple(entry.updated_parsed)[:6] == article.updated_at.utctimetuple()[:6]
        assert tuple(entry.published_parsed)[:6] == article.first_published_at.utctimetuple()[:6]

    def test_story_with_only_a_credit_line_names_it_as_author(self, client):
        """A wire story without bylines still has an author, so the Atom feed stays valid."""
        PublishedArticleFactory(bylines=0, credit_line="Staff and wire reports")

        entry = parse(client, reverse("articles:latest_atom")).entries[0]

        assert entry.author == "Staff and wire reports"

    def test_retracted_story_stays_in_the_feed_marked_retracted(self, client):
        """Subscribers learn of a retraction: the item is retitled, not dropped."""
        editor = user_with_role("editor")
        article = PublishedArticleFactory(headline="Council hid the audit")
        services.article_retract(article=article, actor=editor, comment="We cannot stand by it.")

        entry = parse(client, reverse("articles:latest_feed")).entries[0]

        assert entry.title == "Retracted: Council hid the audit"

    def test_feed_holds_the_30_newest_stories(self, client):
        """A feed is a window on the newest stories, not the archive."""
        section = SectionFactory()
        for hours in range(32):
            PublishedArticleFactory(section=section, bylines=0, **published_ago(hours=hours + 1))

        assert len(parse(client, reverse("articles:latest_feed")).entries) == 30


class TestQueryCount:
    # The stories with their sections, then their bylines with authors; section and author
    # feeds first look up the section or author. The page cache is off (see the fixture).
    @pytest.mark.parametrize(
        ("name", "queries"),
        [
            ("latest", 2),
            ("latest_atom", 2),
            ("section", 3),
            ("section_atom", 3),
            ("author", 3),
            ("author_atom", 3),
        ],
    )
    def test_feed_costs_the_same_whatever_its_length(
        self, client, django_assert_num_queries, name, queries
    ):
        """A feed costs a fixed number of queries however many stories and bylines it holds."""
        first = PublishedArticleFactory(bylines=2)
        url = feed_urls(first)[name]
        author = first.bylines.first().author
        with django_assert_num_queries(queries):
            assert len(parse(client, url).entries) == 1

        for _ in range(4):
            more = PublishedArticleFactory(section=first.section, bylines=3)
            more.bylines.filter(position=0).update(author=author)
        with django_assert_num_queries(queries):
            assert len(parse(client, url).entries) == 5


class TestDiscovery:
    def test_every_page_advertises_the_latest_feeds(self, client):
        """Feed readers find the latest-stories feeds from any reader page."""
        article = PublishedArticleFactory()
        for url in (reverse("articles:home"), article.get_absolute_url()):
            html = client.get(url).content.decode()
            assert _alternate(html, "rss", reverse("articles:latest_feed")), url
            assert _alternate(html, "atom", reverse("articles:latest_atom")), url

    def test_section_and_author_pages_advertise_their_own_feeds(self, client):
        """A section page offers its section's feeds; an author page, the author's."""
        article = PublishedArticleFactory()
        section, author = article.section, article.bylines.get().author

        html = client.get(section.get_absolute_url()).content.decode()
        assert _alternate(html, "rss", reverse("articles:section_feed", args=[section.slug]))
        assert _alternate(html, "atom", reverse("articles:section_atom", args=[section.slug]))
        assert _alternate(html, "rss", reverse("articles:latest_feed"))

        html = client.get(author.get_absolute_url()).content.decode()
        assert _alternate(html, "rss", reverse("articles:author_feed", args=[author.slug]))
        assert _alternate(html, "atom", reverse("articles:author_atom", args=[author.slug]))

    def test_alternate_links_point_at_working_feeds(self, client):
        """Every feed a page advertises opens and parses."""
        article = PublishedArticleFactory()
        html = client.get(article.section.get_absolute_url()).content.decode()
        hrefs = re.findall(r'<link rel="alternate" type="[^"]+"[^>]*href="([^"]+)"', html)

        assert len(hrefs) == 4
        for href in hrefs:
            parse(client, href)


def _alternate(html: str, kind: str, href: str) -> bool:
    pattern = rf'<link rel="alternate" type="application/{kind}\+xml"[^>]*href="{re.escape(href)}"'
    return re.search(pattern, html) is not None


@pytest.mark.django_db
def test_feed_summaries_from_the_body_cost_no_query_per_item(
    client, django_assert_num_queries, settings
):
    """Stories without a standfirst are summarised from their body without a query each."""
    settings.NEWSROOM_PAGE_CACHE = False
    from tests.factories import PublishedArticleFactory

    for _ in range(3):
        PublishedArticleFactory(dek="")
    client.get("/feeds/latest/")  # fill the navigation cache
    with django_assert_num_queries(2) as few:
        client.get("/feeds/latest/")
    for _ in range(10):
        PublishedArticleFactory(dek="")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/feeds/latest/")
