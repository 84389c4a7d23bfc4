"""Reader lists paged by key (``articles.pagination``): "Newer stories / Older stories" links
that walk a list of any size exactly once, at a cost that does not grow with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import views
from articles.models import Article, Attribution, Author, CorrectionNote, Section, Source
from articles.pagination import keyset_page
from newsroom import errors
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    AuthorFactory,
    BylineFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SectionFactory,
    SourceFactory,
)
from tests.helpers import published_ago

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _ago(hours: float) -> timezone.timedelta:
    return NOW - timezone.timedelta(hours=hours)


def _stories(n: int, **fields) -> list[Article]:
    """``n`` published stories an hour apart, newest first."""
    return [PublishedArticleFactory(**published_ago(hours=h + 1), **fields) for h in range(n)]


def _rows(response) -> list:
    return list(response.context["page"].object_list)


def _link(response, name: str) -> str:
    """Where the page's ``name`` link (``older_url``, ``newer_url``) goes, as a path."""
    url = getattr(response.context["page"], name)
    return url if url.startswith("/") else response.wsgi_request.path + url


def _walk(client, url: str, link: str = "older_url") -> list[list]:
    """Each page's rows, following ``link`` from ``url`` until there is none."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(_rows(response))
        url = getattr(response.context["page"], link) and _link(response, link)
    return pages


def _paged_by(monkeypatch, per_page: int) -> None:
    """Every list view pages ``per_page`` rows at a time."""

    def paged(*args, **kwargs):
        return keyset_page(*args, **{**kwargs, "per_page": per_page})

    monkeypatch.setattr(views, "keyset_page", paged)


@pytest.mark.usefixtures("no_page_cache")
class TestWalking:
    @pytest.fixture(autouse=True)
    def _three_a_page(self, monkeypatch):
        _paged_by(monkeypatch, 3)

    def test_older_links_walk_every_story_once_in_order(self, client):
        """Following "Older stories" from the front lists every story once, newest first."""
        stories = _stories(10)
        pages = _walk(client, reverse("articles:home"))
        assert [len(p) for p in pages] == [3, 3, 3, 1]
        assert [a for p in pages for a in p] == stories

    def test_newer_links_walk_back_to_the_front_page(self, client):
        """From the last page, "Newer stories" retraces the same pages up to the front,
        which is the front page itself (the lead story and all)."""
        _stories(10)
        forward = _walk(client, reverse("articles:home"))
        response = client.get(reverse("articles:home"))
        while response.context["page"].has_older:
            response = client.get(_link(response, "older_url"))
        backward = _walk(client, _link(response, "newer_url"), link="newer_url")
        assert backward == forward[-2::-1]
        top = client.get(_link(client.get(_link(client.get("/"), "older_url")), "newer_url"))
        assert top.context["page"].is_first
        assert top.context["lead"]
        assert _rows(top) == forward[0]

    def test_older_then_newer_round_trips(self, client):
        """Older then newer is the page one started from; newer then older too."""
        _stories(10)
        second = client.get(_link(client.get("/"), "older_url"))
        third = client.get(_link(second, "older_url"))
        back = client.get(_link(third, "newer_url"))
        assert _rows(back) == _rows(second)
        assert back.context["page"].older_url == second.context["page"].older_url
        assert _rows(client.get(_link(back, "older_url"))) == _rows(third)

    def test_ties_on_publication_time_are_broken_by_id(self, client):
        """Stories published in the same microsecond page by id: none lost, none repeated."""
        at = _ago(2)
        tied = [PublishedArticleFactory(first_published_at=at, updated_at=at) for _ in range(7)]
        newer = PublishedArticleFactory(**published_ago(hours=1))
        tied.sort(key=lambda a: -a.pk)
        pages = _walk(client, reverse("articles:home"))
        assert [a for p in pages for a in p] == [newer, *tied]
        first = client.get(reverse("articles:home"))
        assert first.context["page"].older_url == f"?before={at:%Y%m%dT%H%M%S.%fZ}_{tied[1].pk}"

    def test_links_keep_other_parameters_and_say_newer_and_older(self, client):
        """The links are rel prev/next in the labelled nav, keep other query parameters and
        never number pages; the title of an older page says so."""
        _stories(7)
        first = client.get(reverse("articles:home"), {"utm_source": "mail"})
        assertContains(first, '<nav class="pagination" aria-label="Pages">')
        assertContains(first, "Older stories")
        assertNotContains(first, "Newer stories")
        assertNotContains(first, "Page 1")
        older = first.context["page"].older_url
        assert older.startswith("?utm_source=mail&before=")
        assertContains(first, f'rel="next" href="{older.replace("&", "&amp;")}"')
        second = client.get("/" + older)
        assertContains(second, 'rel="prev" href="?utm_source=mail&amp;after=')
        assertContains(second, "Newer stories")
        assertContains(second, "<title>The Newsroom: older stories</title>")

    def test_a_single_page_has_no_links(self, client):
        """A list that fits one page shows no pagination at all."""
        _stories(3)
        assertNotContains(client.get(reverse("articles:home")), 'class="pagination"')

    def test_the_lead_story_is_only_on_the_first_page(self, client):
        """The front page leads with the newest story; older pages list teasers only."""
        _stories(5)
        first = client.get(reverse("articles:home"))
        assert first.context["lead"]
        older = client.get(_link(first, "older_url"))
        assert not older.context["lead"]
        assert len(older.context["latest"]) == 2

    def test_a_position_past_the_end_lists_nothing_and_links_to_the_top(self, client):
        """An old link beyond the last story lists nothing and offers the newest stories."""
        _stories(4)
        response = client.get(reverse("articles:home"), {"before": "20000101T000000.000000Z_1"})
        assert _rows(response) == []
        assert response.context["page"].newer_url == "/"


@pytest.mark.usefixtures("no_page_cache")
class TestEveryList:
    """Section, author, source, corrections and topic pages page the same way."""

    @pytest.fixture(autouse=True)
    def _two_a_page(self, monkeypatch):
        _paged_by(monkeypatch, 2)

    def test_section(self, client):
        """A section's own stories, newest first."""
        section = SectionFactory()
        mine = _stories(5, section=section)
        _stories(2)
        assert [a for p in _walk(client, section.get_absolute_url()) for a in p] == mine

    def test_author(self, client):
        """An author's stories (through the bylines), newest first."""
        author = AuthorFactory()
        mine = _stories(5)
        for article in mine:
            BylineFactory(article=article, author=author, position=1)
        assert [a for p in _walk(client, author.get_absolute_url()) for a in p] == mine

    def test_topic(self, client):
        """A topic's published stories, newest first."""
        mine = _stories(5)
        for article in mine:
            article.tags.add("Night bus")
        _stories(1)[0].tags.add("Budget")
        ArticleFactory().tags.add("Night bus")
        url = reverse("articles:tag", args=["night-bus"])
        assert [a for p in _walk(client, url) for a in p] == mine

    def test_source_pages_by_its_stories_publication(self, client):
        """A source's attributions page by their story's publication time, through the
        relation; a story's attributions stay in the order they were recorded."""
        source = SourceFactory()
        expected = []
        for article in _stories(3):
            expected += [AttributionFactory(article=article, source=source) for _ in range(2)]
        AttributionFactory(source=source, article=ArticleFactory())
        pages = _walk(client, source.get_absolute_url())
        assert [a for p in pages for a in p] == expected
        second = client.get(_link(client.get(source.get_absolute_url()), "older_url"))
        assertContains(second, "Newer mentions")
        assertContains(second, "Older mentions")

    def test_corrections_log(self, client):
        """The log pages by issue time, ties broken by id; hidden notes stay out."""
        section = SectionFactory()
        at = _ago(24)
        tied = [
            CorrectionNoteFactory(article__section=section, issued_at=at, published_at=at)
            for _ in range(3)
        ]
        newest = CorrectionNoteFactory(article__section=section)
        CorrectionNoteFactory(article__section=section, published_at=None)
        pages = _walk(client, reverse("articles:corrections"))
        assert [n for p in pages for n in p] == [newest, *sorted(tied, key=lambda n: -n.pk)]
        second = client.get(_link(client.get(reverse("articles:corrections")), "older_url"))
        assertContains(second, "Newer notes")
        assertContains(second, "<title>Corrections, older notes | The Newsroom</title>")


LISTS = ["home", "section", "author", "source", "corrections", "tag"]


@dataclass
class World:
    """One of each list, to be filled with stories."""

    section: Section
    author: Author
    source: Source

    def urls(self) -> dict[str, str]:
        return {
            "home": reverse("articles:home"),
            "section": self.section.get_absolute_url(),
            "author": self.author.get_absolute_url(),
            "source": self.source.get_absolute_url(),
            "corrections": reverse("articles:corrections"),
            "tag": reverse("articles:tag", args=["night-bus"]),
        }

    def add(self, n: int) -> None:
        """``n`` more stories in every list, each older than the ones before."""
        start = Article.objects.count()
        for i in range(start, start + n):
            article = PublishedArticleFactory(
                section=self.section, bylines=2, **published_ago(hours=i + 1)
            )
            BylineFactory(article=article, author=self.author, position=2)
            article.tags.add("night bus", "budget")
            AttributionFactory(article=article, source=self.source)
            CorrectionNoteFactory(article=article, issued_at=_ago(i), published_at=_ago(i))


@pytest.fixture
def world(db) -> World:
    world = World(section=SectionFactory(), author=AuthorFactory(), source=SourceFactory())
    world.add(1)
    return world


class TestPositions:
    @pytest.mark.parametrize("name", LISTS)
    @pytest.mark.parametrize(
        "query",
        [
            "before=",
            "before=yesterday",
            "before=20261130T100000.123456Z",  # no id
            "before=20261130T100000Z_12",  # no microseconds
            "before=20261130T100000.123456Z_012",  # a leading zero
            "before=20261130T100000.123456Z_12_3_4",
            "before=20261130T100000.123456Z_-12",
            "before=20261330T100000.123456Z_12",  # month 13
            "before=20261130T100000.123456%2B00:00_12",
            "before=2026-11-30T10:00:00.123456%2B00:00_12",
            "before=20261130T100000.123456Z_99999999999999999999",
            "before=20261130T100000.123456Z_%D9%A1%D9%A2",  # Arabic-Indic digits
            "before=%D9%A2%D9%A0261130T100000.123456Z_12",
            "before=20261130T100000.123456Z_12&before=20261130T100000.123456Z_11",
            "before=20261130T100000.123456Z_12&after=20261130T100000.123456Z_11",
        ],
    )
    def test_a_malformed_position_is_the_styled_400(self, client, world, name, query):
        """A cursor that is not exactly what the site writes gets the site's 400 page."""
        response = client.get(f"{world.urls()[name]}?{query}")
        assert response.status_code == 400
        assertContains(response, errors.PAGES[("reader", "400")].title, status_code=400)

    @pytest.mark.parametrize("name", LISTS)
    def test_any_well_formed_position_is_read(self, client, world, name):
        """A well-formed cursor for any time answers 200, as the site's own links do."""
        # The source page's keys are its story's time and id, then the attribution's id.
        ids = "_1_1" if name == "source" else "_1"
        response = client.get(world.urls()[name], {"before": f"20991231T235959.999999Z{ids}"})
        assert response.status_code == 200
        assert len(_rows(response)) == 1

    @pytest.mark.parametrize("name", LISTS)
    @pytest.mark.parametrize(
        ("query", "kept"), [("page=2", ""), ("page=1", ""), ("page=x&utm=1", "?utm=1")]
    )
    def test_legacy_page_numbers_redirect_permanently(self, client, world, name, query, kept):
        """An old ``?page=N`` link (N = 1 too) goes for good to the list without it."""
        response = client.get(f"{world.urls()[name]}?{query}")
        assert response.status_code == 301
        assert response["Location"] == world.urls()[name] + kept


#: Queries per list page, once the section navigation is cached and the teasers rendered:
#: the page's own object (section, author, source, topic) where it has one, then one query
#: for its rows (with what they show, joined).
LIST_QUERIES = {"home": 1, "section": 2, "author": 2, "source": 2, "corrections": 1, "tag": 2}


@pytest.mark.usefixtures("no_page_cache")
class TestQueryCounts:
    @pytest.mark.parametrize("name", LISTS)
    def test_the_cost_does_not_grow_with_the_list(
        self, client, world, name, monkeypatch, django_assert_num_queries
    ):
        """A list page costs the same with 5 stories as with 30, first page or older."""
        _paged_by(monkeypatch, 4)
        queries = LIST_QUERIES[name]
        url = world.urls()[name]
        world.add(4)
        client.get(url)  # warm the section navigation and prepare the teasers
        with django_assert_num_queries(queries):
            first = client.get(url)
        older = _link(first, "older_url")
        client.get(older)
        with django_assert_num_queries(queries):
            client.get(older)
        world.add(25)
        client.get(url)
        with django_assert_num_queries(queries):
            first = client.get(url)
        assert len(_rows(first)) == 4
        deeper = _link(client.get(_link(first, "older_url")), "older_url")
        client.get(deeper)
        with django_assert_num_queries(queries):
            response = client.get(deeper)
        assert len(_rows(response)) == 4
        newer = _link(response, "newer_url")
        client.get(newer)
        with django_assert_num_queries(queries):
            client.get(newer)


@pytest.mark.usefixtures("no_page_cache")
class TestSourceVisibility:
    def test_a_source_only_in_drafts_is_unknown_on_every_page(self, client):
        """A source quoted only in drafts answers 404, whatever position is asked for."""
        source = SourceFactory()
        AttributionFactory(source=source, article=ArticleFactory())
        url = source.get_absolute_url()
        assert client.get(url).status_code == 404
        assert client.get(url, {"before": "20991231T235959.999999Z_1_1"}).status_code == 404
        assert client.get(url, {"after": "20000101T000000.000000Z_1_1"}).status_code == 404

    def test_past_the_end_of_a_known_source_is_an_empty_page(self, client):
        """Past the last attribution of a source on the record: an empty page, not a 404."""
        attribution = AttributionFactory()
        url = attribution.source.get_absolute_url()
        response = client.get(url, {"before": "20000101T000000.000000Z_1_1"})
        assert response.status_code == 200
        assertContains(response, "Nothing published from this source yet.")

    def test_an_organisation_of_someone_on_the_record_still_has_a_page(self, client):
        """The affiliation rule holds without counting anything."""
        organisation = SourceFactory(kind="organisation")
        AttributionFactory(source=SourceFactory(affiliation=organisation))
        assert client.get(organisation.get_absolute_url()).status_code == 200


@pytest.mark.usefixtures("no_page_cache")
class TestTopicPage:
    def test_lists_published_stories_with_the_tag(self, client):
        """/topics/<slug>/ lists the tag's published stories, newest first, in the site's
        teaser style, titled with the tag's name."""
        older, newer = _stories(2)[::-1]
        older.tags.add("Night bus")
        newer.tags.add("Night bus")
        draft = ArticleFactory(headline="Secret night bus plan")
        draft.tags.add("Night bus")
        _stories(1, headline="Unrelated story")
        response = client.get(reverse("articles:tag", args=["night-bus"]))
        assert response.status_code == 200
        assert _rows(response) == [newer, older]
        assertContains(response, "<h1>Night bus</h1>", html=True)
        assertContains(response, "<title>Night bus | The Newsroom</title>")
        assertContains(response, newer.headline)
        assertNotContains(response, "Secret night bus plan")
        assertNotContains(response, "Unrelated story")

    def test_unknown_topic_is_404(self, client):
        """A tag that does not exist is not found."""
        assert client.get(reverse("articles:tag", args=["no-such-topic"])).status_code == 404

    def test_topic_without_a_published_story_is_404(self, client):
        """A tag only drafts (or nothing) carry stays unknown to readers."""
        ArticleFactory().tags.add("Embargoed")
        PublishedArticleFactory(first_published_at=_ago(-24)).tags.add("Embargoed")
        url = reverse("articles:tag", args=["embargoed"])
        assert client.get(url).status_code == 404
        assert client.get(url, {"before": "20991231T235959.999999Z_1"}).status_code == 404

    def test_topic_slugs_may_have_accents(self, client):
        """Tags are slugified keeping accented letters; their pages still open."""
        PublishedArticleFactory().tags.add("Café culture")
        assert client.get(reverse("articles:tag", args=["café-culture"])).status_code == 200


class TestKeys:
    def test_the_index_condition_is_the_readable_statuses(self):
        """The partial indexes' status list is ``Article.Status.READABLE``."""
        conditions = [i.condition for i in Article._meta.indexes if i.condition is not None]
        assert len(conditions) == 2
        for condition in conditions:
            assert condition.children == [("status__in", sorted(Article.Status.READABLE))]

    def test_keys_must_be_timestamps_numbers_or_text(self, rf):
        """A key the cursor cannot write exactly (a JSON value) is a programming error,
        said at once."""
        with pytest.raises(ImproperlyConfigured):
            keyset_page(rf.get("/"), Article.objects.all(), per_page=5, keys=("note_anchors", "pk"))

    def test_text_cursors_read_back_what_they_write(self, rf):
        """A text key (any Unicode, the separator and URL-special characters too) is written
        as URL-safe base64 and read back exactly: the next page starts right after it."""
        names = ["a_b/c+d", "a_b/c+d?e=1&f", "ÄÖ Ü 東京 🚌"]
        for name in names:
            AuthorFactory(display_name=name)
        rows = Author.objects.order_by()
        first = keyset_page(rf.get("/"), rows, per_page=1, keys=("display_name", "pk"))
        cursor = first.older_url.removeprefix("?before=")
        assert set(cursor) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._"
        )
        rest = keyset_page(
            rf.get("/", {"before": cursor}), rows, per_page=5, keys=("display_name", "pk")
        )
        assert [a.display_name for a in first.object_list + rest.object_list] == sorted(names)

    def test_cursors_read_back_what_they_write(self, rf):
        """Every key kind (a timestamp through a relation, a foreign key, an id) round-trips."""
        source = SourceFactory()
        for hours in (3, 2, 1):
            AttributionFactory(source=source, article__first_published_at=_ago(hours))
        keys = ("-article__first_published_at", "-article_id", "pk")
        rows = Attribution.objects.filter(source=source).select_related("article")
        first = keyset_page(rf.get("/"), rows, per_page=1, keys=keys)
        (row,) = first.object_list
        cursor = first.older_url.removeprefix("?before=")
        stamp, article_id, pk = cursor.split("_")
        moment = datetime.strptime(stamp, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)
        assert (moment, int(article_id), int(pk)) == (
            row.article.first_published_at,
            row.article_id,
            row.pk,
        )
        second = keyset_page(rf.get("/", {"before": cursor}), rows, per_page=1, keys=keys)
        assert second.object_list[0].article.first_published_at == _ago(2)

    def test_the_corrections_keys(self, rf):
        """``-issued_at, -pk`` pages the public notes."""
        notes = [CorrectionNoteFactory(issued_at=_ago(h), published_at=_ago(h)) for h in (1, 2)]
        page = keyset_page(
            rf.get("/"), CorrectionNote.objects.public(), per_page=1, keys=("-issued_at", "-pk")
        )
        assert page.object_list == notes[:1]
        assert page.has_older and not page.has_newer and page.is_first
