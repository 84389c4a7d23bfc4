"""/authors/ and /sources/: everyone readers can meet on the site, A to Z whatever the case,
paged by key (``articles.pagination``) at a cost that does not grow with the archive."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles import views
from articles.models import Author
from articles.pagination import keyset_page
from newsroom import errors
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    AuthorFactory,
    BylineFactory,
    PublishedArticleFactory,
    SourceFactory,
)
from tests.helpers import published_ago

pytestmark = pytest.mark.django_db

AUTHORS = reverse("articles:author_index")
SOURCES = reverse("articles:source_index")


def _rows(response) -> list:
    return list(response.context["page"].object_list)


def _link(response, name: str) -> str:
    url = getattr(response.context["page"], name)
    return url if url.startswith("/") else response.wsgi_request.path + url


def _walk(client, url: str, link: str = "older_url") -> list[list]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(_rows(response))
        url = getattr(response.context["page"], link) and _link(response, link)
    return pages


def _paged_by(monkeypatch, per_page: int) -> None:
    def paged(*args, **kwargs):
        return keyset_page(*args, **{**kwargs, "per_page": per_page})

    monkeypatch.setattr(views, "keyset_page", paged)


def _author(name: str, *, stories: int = 1, **fields) -> Author:
    """An author with ``stories`` published stories, an hour apart (the newest an hour ago)."""
    author = AuthorFactory(display_name=name, **fields)
    for hours in range(stories):
        BylineFactory(
            author=author,
            article=PublishedArticleFactory(bylines=0, **published_ago(hours=hours + 1)),
        )
    return author


def _source(name: str, **fields):
    source = SourceFactory(name=name, **fields)
    AttributionFactory(source=source)
    return source


@pytest.mark.usefixtures("no_page_cache")
class TestAuthorIndex:
    def test_lists_authors_with_published_stories_a_to_z_whatever_the_case(self, client):
        """Authors are sorted by name ignoring case; one with only drafts is left out."""
        names = ["zoë Quinn", "Adam Brook", "bea Lund", "Carl Diaz"]
        for name in names:
            _author(name)
        hidden = AuthorFactory(display_name="Aaron Draft")
        BylineFactory(author=hidden, article=ArticleFactory(bylines=0))

        response = client.get(AUTHORS)

        assert response.status_code == 200
        assert [a.display_name for a in _rows(response)] == [
            "Adam Brook",
            "bea Lund",
            "Carl Diaz",
            "zoë Quinn",
        ]
        assertNotContains(response, "Aaron Draft")
        assertContains(response, "<title>Authors | The Newsroom</title>")

    def test_each_author_shows_title_and_newest_story(self, client):
        """An entry links to the author and shows their title and newest published story."""
        author = _author("Rosa Parks", stories=3, title="Transport correspondent")
        newest = author.articles.published().latest_first().first()
        BylineFactory(
            author=author, article=ArticleFactory(bylines=0, headline="Unpublished scoop")
        )

        response = client.get(AUTHORS)

        assertContains(response, f'<a href="{author.get_absolute_url()}">Rosa Parks</a>', html=True)
        assertContains(response, "Transport correspondent")
        assertContains(response, f'href="{newest.get_absolute_url()}"')
        assertContains(response, newest.headline)
        assertNotContains(response, "Unpublished scoop")

    def test_pages_walk_every_author_once_ties_broken_by_id(self, client, monkeypatch):
        """Following the links lists every author once, in order, also when names differ
        only by case; back again retraces the same pages."""
        _paged_by(monkeypatch, 2)
        for name in ["dora", "Ana", "ana", "Bo", "Cy", "ANA"]:
            _author(name)
        anas = sorted(Author.objects.filter(display_name__iexact="ana"), key=lambda a: a.pk)

        pages = _walk(client, AUTHORS)

        assert [len(p) for p in pages] == [2, 2, 2]
        flat = [a for p in pages for a in p]
        assert flat[:3] == anas
        assert [a.display_name for a in flat[3:]] == ["Bo", "Cy", "dora"]
        last = client.get(AUTHORS)
        while last.context["page"].has_older:
            last = client.get(_link(last, "older_url"))
        back = _walk(client, _link(last, "newer_url"), link="newer_url")
        assert back == pages[-2::-1]

    def test_a_malformed_position_is_the_styled_400(self, client):
        """A name position that is not exactly what the site writes is the site's 400."""
        _author("Ana")
        # No id; a bad id; not the alphabet; a length no text has; stray bits; not UTF-8.
        for query in [
            "before=QW5h",
            "before=QW5h_x",
            "before=QW5+_1",
            "before=Q_1",
            "before=QW5_1",
            "before=wA_1",
        ]:
            response = client.get(f"{AUTHORS}?{query}")
            assert response.status_code == 400, query
            assertContains(response, errors.PAGES[("reader", "400")].title, status_code=400)
        assert client.get(f"{AUTHORS}?before=QW5h_1").status_code == 200  # "Ana", id 1

    def test_legacy_page_numbers_redirect(self, client):
        assert client.get(f"{AUTHORS}?page=2")["Location"] == AUTHORS

    def test_the_author_page_links_to_the_index(self, client):
        author = _author("Ana")
        assertContains(client.get(author.get_absolute_url()), f'href="{AUTHORS}"')


@pytest.mark.usefixtures("no_page_cache")
class TestSourceIndex:
    def test_lists_sources_on_the_record_a_to_z_whatever_the_case(self, client):
        """Sources with words in a published story, by name ignoring case; one quoted only
        in a draft is left out."""
        council = SourceFactory(name="city council", kind="organisation", role="")
        _source("Mayor Jones", role="Mayor", affiliation=council)
        _source("alex Smith", role="Resident")
        _source("Ben Ode", role="")
        drafted = SourceFactory(name="Aardvark Draft")
        AttributionFactory(source=drafted, article=ArticleFactory())

        response = client.get(SOURCES)

        assert response.status_code == 200
        assert [s.name for s in _rows(response)] == ["alex Smith", "Ben Ode", "Mayor Jones"]
        assertNotContains(response, "Aardvark Draft")
        assertContains(response, "Mayor, city council")

    def test_each_source_shows_the_newest_story_that_quotes_them(self, client):
        source = _source("Alex Smith")
        newest = PublishedArticleFactory(headline="Newest quote", **published_ago(minutes=5))
        AttributionFactory(source=source, article=newest)

        response = client.get(SOURCES)

        assert _rows(response)[0].latest_story == newest
        assertContains(response, f'href="{newest.get_absolute_url()}"')

    def test_pages_walk_every_source_once(self, client, monkeypatch):
        _paged_by(monkeypatch, 2)
        sources = [_source(name) for name in ["Émile", "bo", "Al", "cy", "Dee"]]

        pages = _walk(client, SOURCES)

        assert [s.name for p in pages for s in p] == ["Al", "bo", "cy", "Dee", "Émile"]
        assert {s for p in pages for s in p} == set(sources)

    def test_the_source_page_links_to_the_index(self, client):
        source = _source("Alex Smith")
        assertContains(client.get(source.get_absolute_url()), f'href="{SOURCES}"')


@pytest.mark.usefixtures("no_page_cache")
class TestQueryCounts:
    @pytest.mark.parametrize(("url", "make"), [(AUTHORS, _author), (SOURCES, _source)])
    def test_the_cost_does_not_grow_with_the_list(
        self, client, monkeypatch, django_assert_num_queries, url, make
    ):
        """Two queries a page (the rows, their newest stories), with 5 names or 30, on the
        first page or deeper, and never a COUNT."""
        _paged_by(monkeypatch, 4)
        for i in range(5):
            make(f"Name {i:02d}")
        client.get(url)  # warm the section navigation
        with django_assert_num_queries(2) as first:
            response = client.get(url)
        assert len(_rows(response)) == 4
        for i in range(5, 30):
            make(f"Name {i:02d}")
        client.get(url)
        with django_assert_num_queries(2) as again:
            response = client.get(url)
        deeper = _link(client.get(_link(response, "older_url")), "older_url")
        with django_assert_num_queries(2) as deep:
            response = client.get(deeper)
        assert len(_rows(response)) == 4
        with django_assert_num_queries(2):
            client.get(_link(response, "newer_url"))
        sql = " ".join(q["sql"] for q in [*first, *again, *deep]).upper()
        assert "COUNT(" not in sql


class TestSiteLinks:
    def test_the_footer_links_both_indexes(self, client):
        page = client.get(reverse("articles:home"))
        assertContains(page, f'<a href="{AUTHORS}">Authors</a>', html=True)
        assertContains(page, f'<a href="{SOURCES}">Sources</a>', html=True)
