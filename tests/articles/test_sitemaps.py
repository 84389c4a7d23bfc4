"""What crawlers read: the sitemap index and its sitemaps, the Google News sitemap, robots.txt.

Every sitemap is parsed as XML with ``xml.etree.ElementTree``, namespaces checked.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles import services, sitemaps
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

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SITEMAP_NS, "news": NEWS_NS}


def fetch_xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml"), url
    return ET.fromstring(response.content)  # noqa: S314 - our own response, in a test


def locations(root: ET.Element) -> list[str]:
    return [loc.text for loc in root.iterfind("sm:url/sm:loc", NS)]


def absolute(path: str) -> str:
    return f"http://testserver{path}"


@pytest.fixture
def hidden(db) -> list[Article]:
    """Stories readers must not see, each with its own author."""
    return [
        ArticleFactory(headline="Hidden draft"),
        ArticleFactory(headline="Hidden in review", status=Article.Status.IN_REVIEW),
        ScheduledArticleFactory(headline="Hidden scheduled"),
        UnpublishedArticleFactory(headline="Hidden unpublished", **published_ago(hours=2)),
        PublishedArticleFactory(
            headline="Hidden until tomorrow",
            first_published_at=timezone.now() + timezone.timedelta(days=1),
        ),
    ]


def month_url(at: datetime) -> str:
    return f"/sitemap-articles-{at:%Y-%m}.xml"


class TestIndex:
    def test_index_lists_every_sitemap_with_absolute_urls(self, client):
        """/sitemap.xml is a sitemap index naming the sections, authors and pages sitemaps,
        then one sitemap per month of stories, newest first; each is a urlset."""
        PublishedArticleFactory()
        old = PublishedArticleFactory(first_published_at=datetime(2024, 1, 31, 23, 59, tzinfo=UTC))

        root = fetch_xml(client, reverse("articles:sitemap"))

        assert root.tag == f"{{{SITEMAP_NS}}}sitemapindex"
        listed = [loc.text for loc in root.iterfind("sm:sitemap/sm:loc", NS)]
        assert listed[:3] == [
            absolute(f"/sitemap-{name}.xml") for name in ("sections", "authors", "pages")
        ]
        assert listed[3:] == [
            absolute(month_url(timezone.now() - timezone.timedelta(hours=1))),
            absolute(month_url(old.first_published_at)),
        ]
        for url in listed:
            child = fetch_xml(client, url.removeprefix("http://testserver"))
            assert child.tag == f"{{{SITEMAP_NS}}}urlset"

    def test_months_without_indexable_stories_are_left_out(self, client, hidden):
        """Only months holding an indexable story are listed; gaps and hidden stories are not."""
        for month in (1, 3):
            PublishedArticleFactory(first_published_at=datetime(2025, month, 10, tzinfo=UTC))
        UnpublishedArticleFactory(first_published_at=datetime(2025, 2, 10, tzinfo=UTC))
        ArticleFactory(first_published_at=datetime(2024, 12, 10, tzinfo=UTC))

        root = fetch_xml(client, reverse("articles:sitemap"))

        months = [loc.text for loc in root.iterfind("sm:sitemap/sm:loc", NS)][3:]
        assert months == [
            absolute("/sitemap-articles-2025-03.xml"),
            absolute("/sitemap-articles-2025-01.xml"),
        ]

    def test_index_lastmod_of_sections_is_the_newest_update(self, client):
        """The sections entry in the index carries the newest story update."""
        PublishedArticleFactory(**published_ago(days=3))
        newest = PublishedArticleFactory(**published_ago(hours=5))

        root = fetch_xml(client, reverse("articles:sitemap"))

        entry = root.find("sm:sitemap", NS)
        assert entry.find("sm:loc", NS).text.endswith("/sitemap-sections.xml")
        assert datetime.fromisoformat(entry.find("sm:lastmod", NS).text) == newest.updated_at

    def test_index_cost_does_not_grow_with_the_archive(self, client, django_assert_num_queries):
        """The index costs the same few queries for one month of stories as for thirty:
        the sections (with their newest story), the newest and oldest story, and one
        query that asks each month whether it holds a story."""
        PublishedArticleFactory()
        PublishedArticleFactory(first_published_at=datetime(2019, 6, 5, tzinfo=UTC))
        with django_assert_num_queries(4):
            fetch_xml(client, reverse("articles:sitemap"))
        for month in range(30):
            PublishedArticleFactory(
                first_published_at=datetime(2020 + month // 12, month % 12 + 1, 5, tzinfo=UTC)
            )
        with django_assert_num_queries(4):
            root = fetch_xml(client, reverse("articles:sitemap"))
        assert len(root.findall("sm:sitemap", NS)) == 3 + 32

    def test_unknown_sitemap_is_404(self, client):
        """A sitemap section that doesn't exist is not found."""
        assert client.get("/sitemap-nothing.xml").status_code == 404

    def test_the_old_article_sitemap_redirects_to_the_index(self, client):
        """/sitemap-articles.xml (and its ?p=N pages) of old moves for good to the index."""
        for url in ("/sitemap-articles.xml", "/sitemap-articles.xml?p=3"):
            response = client.get(url)
            assert response.status_code == 301
            assert response["Location"] == reverse("articles:sitemap")


class TestArticleSitemap:
    def test_lists_published_stories_with_lastmod_of_last_update(self, client):
        """Each story is listed once, in its month; its lastmod is its last substantive
        update."""
        article = PublishedArticleFactory(**published_ago(days=2))
        article.updated_at = timezone.now() - timezone.timedelta(hours=3)
        article.save(update_fields=["updated_at"])

        root = fetch_xml(client, month_url(article.first_published_at))

        (url,) = root.findall("sm:url", NS)
        assert url.find("sm:loc", NS).text == absolute(article.get_absolute_url())
        lastmod = datetime.fromisoformat(url.find("sm:lastmod", NS).text)
        assert lastmod == article.updated_at
        assert lastmod.date() == article.updated_at.date()

    def test_a_month_holds_its_own_stories_newest_first(self, client):
        """A month's sitemap lists the stories first published in it (UTC), newest first."""
        inside = [
            PublishedArticleFactory(first_published_at=datetime(2025, 3, day, tzinfo=UTC))
            for day in (1, 31)
        ]
        PublishedArticleFactory(first_published_at=datetime(2025, 2, 28, 23, 59, tzinfo=UTC))
        PublishedArticleFactory(first_published_at=datetime(2025, 4, 1, tzinfo=UTC))

        root = fetch_xml(client, "/sitemap-articles-2025-03.xml")

        assert locations(root) == [absolute(a.get_absolute_url()) for a in inside[::-1]]

    def test_hidden_and_retracted_stories_are_not_listed(self, client, hidden):
        """Drafts, scheduled, unpublished and noindex (retracted) stories stay out."""
        editor = user_with_role("editor")
        visible = PublishedArticleFactory()
        retracted = PublishedArticleFactory()
        services.article_retract(article=retracted, actor=editor, comment="We got it wrong.")

        root = fetch_xml(client, month_url(visible.first_published_at))

        assert locations(root) == [absolute(visible.get_absolute_url())]

    @pytest.mark.parametrize("month", ["2019-05", "2099-01"])
    def test_a_month_without_stories_is_404(self, client, month):
        """A month with nothing indexable in it is not found, nor are malformed months."""
        PublishedArticleFactory()
        assert client.get(f"/sitemap-articles-{month}.xml").status_code == 404
        assert client.get("/sitemap-articles-2025-13.xml").status_code == 404

    def test_costs_two_queries(self, client, django_assert_num_queries):
        """A month's sitemap costs a count of that month and its stories, however many there
        are in the archive."""
        for hours in range(5):
            PublishedArticleFactory(first_published_at=datetime(2025, 3, 3, hours, tzinfo=UTC))
        PublishedArticleFactory.create_batch(3)
        with django_assert_num_queries(2):
            root = fetch_xml(client, "/sitemap-articles-2025-03.xml")
        assert len(locations(root)) == 5


class TestSectionAndAuthorSitemaps:
    def test_sections_are_listed_with_their_newest_story(self, client, hidden):
        """Every section front is listed; lastmod is the newest visible story in it."""
        world = SectionFactory(name="World", position=1)
        empty = SectionFactory(name="Empty", position=2)
        PublishedArticleFactory(section=world, **published_ago(days=2))
        newest = PublishedArticleFactory(section=world, **published_ago(hours=4))
        hidden[0].section = world
        hidden[0].updated_at = timezone.now()
        hidden[0].save(update_fields=["section", "updated_at"])

        root = fetch_xml(client, reverse("articles:sitemap_section", args=["sections"]))

        urls = {u.find("sm:loc", NS).text: u for u in root.iterfind("sm:url", NS)}
        assert absolute(empty.get_absolute_url()) in urls
        assert urls[absolute(empty.get_absolute_url())].find("sm:lastmod", NS) is None
        lastmod = urls[absolute(world.get_absolute_url())].find("sm:lastmod", NS).text
        assert datetime.fromisoformat(lastmod) == newest.updated_at

    def test_only_authors_with_visible_stories_are_listed(self, client, hidden):
        """An author page is listed once it has a story readers can read."""
        article = PublishedArticleFactory()
        AuthorFactory(display_name="No stories yet")

        root = fetch_xml(client, reverse("articles:sitemap_section", args=["authors"]))

        author = article.bylines.get().author
        assert locations(root) == [absolute(author.get_absolute_url())]
        lastmod = root.find("sm:url/sm:lastmod", NS).text
        assert datetime.fromisoformat(lastmod) == article.updated_at

    def test_pages_sitemap_lists_home_log_policy_and_indexes(self, client):
        """The front page, corrections log, corrections policy and the author and source
        indexes are listed."""
        root = fetch_xml(client, reverse("articles:sitemap_section", args=["pages"]))

        assert locations(root) == [
            absolute("/"),
            absolute(reverse("articles:corrections")),
            absolute(reverse("articles:corrections_policy")),
            absolute(reverse("articles:author_index")),
            absolute(reverse("articles:source_index")),
        ]


class TestNewsSitemap:
    def test_google_news_format(self, client):
        """Each entry names the publication, its language, the publication date and title."""
        article = PublishedArticleFactory(
            headline="Council & mayor agree <finally>", **published_ago(hours=2)
        )

        root = fetch_xml(client, reverse("articles:news_sitemap"))

        assert root.tag == f"{{{SITEMAP_NS}}}urlset"
        (url,) = root.findall("sm:url", NS)
        assert url.find("sm:loc", NS).text == absolute(article.get_absolute_url())
        news = url.find("news:news", NS)
        assert news.find("news:publication/news:name", NS).text == settings.SITE_NAME
        assert news.find("news:publication/news:language", NS).text == "en"
        published = news.find("news:publication_date", NS).text
        assert datetime.fromisoformat(published) == article.first_published_at
        assert news.find("news:title", NS).text == "Council & mayor agree <finally>"

    def test_only_stories_first_published_in_the_last_48_hours(self, client):
        """A story from two hours ago is in; one from three days ago is not."""
        recent = PublishedArticleFactory(**published_ago(hours=2))
        edge = PublishedArticleFactory(**published_ago(hours=47))
        old = PublishedArticleFactory(**published_ago(days=3))
        old.updated_at = timezone.now()
        old.save(update_fields=["updated_at"])

        root = fetch_xml(client, reverse("articles:news_sitemap"))

        assert locations(root) == [
            absolute(recent.get_absolute_url()),
            absolute(edge.get_absolute_url()),
        ]

    def test_hidden_and_retracted_stories_are_not_listed(self, client, hidden):
        """Drafts, scheduled, unpublished and retracted stories stay out of Google News."""
        editor = user_with_role("editor")
        retracted = PublishedArticleFactory()
        services.article_retract(article=retracted, actor=editor, comment="We got it wrong.")

        assert locations(fetch_xml(client, reverse("articles:news_sitemap"))) == []

    def test_holds_at_most_the_limit_newest_first(self, client, monkeypatch):
        """At most NEWS_LIMIT (1,000) stories, the newest ones."""
        assert sitemaps.NEWS_LIMIT == 1000
        monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 2)
        articles = [PublishedArticleFactory(**published_ago(hours=h)) for h in (3, 1, 2)]

        root = fetch_xml(client, reverse("articles:news_sitemap"))

        assert locations(root) == [absolute(articles[i].get_absolute_url()) for i in (1, 2)]

    def test_costs_one_query(self, client, django_assert_num_queries):
        """The news sitemap is one query whatever it holds."""
        for hours in range(4):
            PublishedArticleFactory(**published_ago(hours=hours + 1))
        with django_assert_num_queries(1):
            assert len(locations(fetch_xml(client, reverse("articles:news_sitemap")))) == 4

    def test_sitemaps_are_not_themselves_indexed(self, client):
        """Search engines are told not to list the sitemap files as pages."""
        for url in (reverse("articles:news_sitemap"), reverse("articles:sitemap")):
            assert "noindex" in client.get(url)["X-Robots-Tag"]


class TestRobots:
    def test_robots_txt_names_both_sitemaps_and_keeps_crawlers_off_private_paths(self, client):
        """robots.txt is plain text naming both sitemaps by absolute URL."""
        response = client.get("/robots.txt")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        lines = response.content.decode().splitlines()
        assert "User-agent: *" in lines
        assert "Sitemap: http://testserver/sitemap.xml" in lines
        assert "Sitemap: http://testserver/news-sitemap.xml" in lines
        for path in ("/desk/", "/admin/", "/accounts/", "/preview/"):
            assert f"Disallow: {path}" in lines
        assert "Disallow: /" not in lines

    def test_sitemap_urls_follow_the_requested_scheme(self, client):
        """Behind HTTPS the sitemap URLs are https:// too."""
        response = client.get("/robots.txt", secure=True)

        assert "Sitemap: https://testserver/sitemap.xml" in response.content.decode()
