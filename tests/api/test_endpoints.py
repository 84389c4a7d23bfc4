"""The read API's lists and records: what readers can see and nothing else, filtered, paged by
cursor, revalidated, and at a fixed number of queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.fields import DateTimeField

from articles import caching, ninjs, rendering, services
from articles.models import Article, ArticleRendering, Block
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    AuthorFactory,
    BylineFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    SectionFactory,
    SourceFactory,
    UnpublishedArticleFactory,
)
from tests.helpers import published_ago


def prepared() -> None:
    """Every story's rendering prepared, as publishing through the services leaves it."""
    rendering.prepare_many(Article.objects.values_list("pk", flat=True))


#: A time as the API writes it.
drf_time = DateTimeField().to_representation

Status = Article.Status
ARTICLES = reverse("api:article_list")
CORRECTIONS = reverse("api:correction_list")
SOURCES = reverse("api:source_list")
AUTHORS = reverse("api:author_list")
SECTIONS = reverse("api:section_list")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def walk(client, url: str, **params) -> list[dict]:
    """Every item of a list, following ``next`` to the end."""
    items, pages = [], 0
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        items += page["results"]
        pages += 1
        assert pages < 100
        if not page["next"]:
            return items
        response = client.get(page["next"])


def unseen_stories() -> list[Article]:
    """One story in each state readers never see, or no longer see."""
    return [
        ArticleFactory(),
        ArticleFactory(status=Status.IN_REVIEW),
        ArticleFactory(status=Status.CHANGES_REQUESTED),
        ArticleFactory(status=Status.APPROVED),
        ScheduledArticleFactory(),
        UnpublishedArticleFactory(),
        # Published, but its time has not come.
        PublishedArticleFactory(first_published_at=timezone.now() + timedelta(days=1)),
    ]


@pytest.mark.django_db
class TestArticleList:
    def test_lists_what_readers_can_read(self, client, editor):
        """Published and retracted stories, newest first; no story in any other state."""
        older = PublishedArticleFactory(**published_ago(days=2))
        newer = PublishedArticleFactory(**published_ago(hours=1))
        retracted = PublishedArticleFactory(**published_ago(days=1))
        services.article_retract(article=retracted, actor=editor, comment="Unverifiable.")
        unseen_stories()

        response = client.get(ARTICLES)

        assert ids(response) == [newer.pk, retracted.pk, older.pk]
        statuses = {i["id"]: i["status"] for i in response.json()["results"]}
        assert statuses[retracted.pk] == "retracted"
        assert statuses[newer.pk] == "published"

    def test_summary_fields(self, client):
        """An item names the story for good (its id), links its page, its API record and its
        ninjs document, and carries its version and correction count."""
        article = PublishedArticleFactory(bylines=2, kind=Article.Kind.ANALYSIS)
        CorrectionNoteFactory(article=article)
        CorrectionNoteFactory(article=article, published_at=None)

        (item,) = client.get(ARTICLES).json()["results"]

        assert item["id"] == article.pk
        assert item["headline"] == article.headline
        assert item["dek"] == article.dek
        assert item["kind"] == "analysis"
        assert item["section"]["slug"] == article.section.slug
        assert [b["slug"] for b in item["bylines"]] == [
            b.author.slug for b in article.bylines.select_related("author")
        ]
        assert item["url"] == f"http://testserver{article.get_absolute_url()}"
        assert item["api_url"] == f"http://testserver/api/v1/articles/{article.pk}/"
        assert item["ninjs_url"] == f"http://testserver/api/v1/articles/{article.pk}/ninjs"
        assert item["correction_count"] == 1
        ninjs = client.get(item["ninjs_url"]).json()
        assert item["version"] == ninjs["version"]
        assert item["published_at"] is not None and item["updated_at"] is not None

    def test_filters(self, client):
        """``section``, ``kind``, ``author`` and ``tag`` narrow the list; a slug that names
        nothing gives an empty list."""
        world, sport = SectionFactory(name="World"), SectionFactory(name="Sport")
        a = PublishedArticleFactory(section=world, kind=Article.Kind.NEWS)
        b = PublishedArticleFactory(section=sport, kind=Article.Kind.OPINION)
        c = PublishedArticleFactory(section=world, kind=Article.Kind.OPINION)
        author = AuthorFactory(slug="ana-lopez")
        BylineFactory(article=b, author=author, position=1)
        a.tags.add("Budget")
        c.tags.add("Budget", "Elections")
        draft = ArticleFactory(section=world, kind=Article.Kind.OPINION)
        draft.tags.add("Budget")
        BylineFactory(article=draft, author=author, position=1)

        assert set(ids(client.get(ARTICLES, {"section": "world"}))) == {a.pk, c.pk}
        assert set(ids(client.get(ARTICLES, {"kind": "opinion"}))) == {b.pk, c.pk}
        assert ids(client.get(ARTICLES, {"author": "ana-lopez"})) == [b.pk]
        assert set(ids(client.get(ARTICLES, {"tag": "budget"}))) == {a.pk, c.pk}
        assert ids(client.get(ARTICLES, {"tag": "budget", "section": "world", "kind": "news"})) == [
            a.pk
        ]
        for unknown in ({"section": "nowhere"}, {"author": "nobody"}, {"tag": "nothing"}):
            assert ids(client.get(ARTICLES, unknown)) == []

    def test_updated_since(self, client, editor):
        """``updated_since`` lists the stories in which readers saw something change at or
        after it (first published, a note published, a retraction), nothing older."""
        since = timezone.now() - timedelta(minutes=30)
        quiet = PublishedArticleFactory(**published_ago(days=3))
        fresh = PublishedArticleFactory(**published_ago(minutes=5))
        noted = PublishedArticleFactory(**published_ago(days=3))
        CorrectionNoteFactory(article=noted)
        old_note = PublishedArticleFactory(**published_ago(days=3))
        CorrectionNoteFactory(article=old_note, issued_at=timezone.now() - timedelta(days=2))
        attributed = PublishedArticleFactory(**published_ago(days=3))
        AttributionFactory(article=attributed)
        retracted = PublishedArticleFactory(**published_ago(days=3))
        services.article_retract(article=retracted, actor=editor, comment="Unverifiable.")

        listed = ids(client.get(ARTICLES, {"updated_since": since.isoformat()}))

        assert set(listed) == {fresh.pk, noted.pk, attributed.pk, retracted.pk}
        assert quiet.pk not in listed and old_note.pk not in listed
        for item in client.get(ARTICLES, {"updated_since": since.isoformat()}).json()["results"]:
            assert datetime.fromisoformat(item["version_created"]) >= since
        zulu = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert set(ids(client.get(ARTICLES, {"updated_since": zulu}))) == set(listed)

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"updated_since": "yesterday"}, "updated_since"),
            ({"updated_since": "2026-13-45T99:00:00Z"}, "updated_since"),
            ({"kind": "gossip"}, "kind"),
            ({"section": "not a slug!"}, "section"),
        ],
    )
    def test_bad_filter_values_are_400(self, client, params, field):
        """A filter value that cannot be one is a 400 naming the parameter and saying why."""
        PublishedArticleFactory()

        response = client.get(ARTICLES, params)

        assert response.status_code == 400
        assert field in response.json()
        assert response.json()[field][0]

    def test_bad_updated_since_says_what_it_wants(self, client):
        response = client.get(ARTICLES, {"updated_since": "last tuesday"})
        assert response.status_code == 400
        assert "Datetime has wrong format" in response.json()["updated_since"][0]

    def test_a_parameter_given_twice_is_400(self, client):
        response = client.get(f"{ARTICLES}?kind=news&kind=opinion")
        assert response.status_code == 400
        assert response.json() == {"kind": ["Give this parameter once."]}


@pytest.mark.django_db
class TestCursorPagination:
    def test_walks_every_story_exactly_once(self, client):
        """Following ``next`` visits every story once, newest first, stories published in
        the same microsecond included (the id breaks the tie); ``previous`` walks back."""
        now = timezone.now()
        stories = [PublishedArticleFactory(**published_ago(hours=n)) for n in range(1, 12)]
        tied = [
            PublishedArticleFactory(first_published_at=now - timedelta(minutes=90), updated_at=now)
            for _ in range(5)
        ]
        unseen_stories()
        expected = [
            a.pk
            for a in sorted(
                stories + tied, key=lambda a: (a.first_published_at, a.pk), reverse=True
            )
        ]

        walked = walk(client, ARTICLES, page_size=3)

        assert [i["id"] for i in walked] == expected

        # And back from the last page.
        page = client.get(ARTICLES, {"page_size": 3}).json()
        while page["next"]:
            page = client.get(page["next"]).json()
        backwards = [i["id"] for i in page["results"]]
        while page["previous"]:
            page = client.get(page["previous"]).json()
            backwards = [i["id"] for i in page["results"]] + backwards
        assert backwards == expected

    def test_a_story_published_during_the_walk_is_not_seen_twice(self, client):
        for n in range(1, 7):
            PublishedArticleFactory(**published_ago(hours=n))
        first = client.get(ARTICLES, {"page_size": 2}).json()
        PublishedArticleFactory(**published_ago(minutes=1))

        rest = []
        page = first
        while page["next"]:
            page = client.get(page["next"]).json()
            rest += [i["id"] for i in page["results"]]

        seen = [i["id"] for i in first["results"]] + rest
        assert len(seen) == len(set(seen)) == 6

    def test_page_size_has_a_cap(self, client):
        """``page_size`` asks for fewer or more, never more than 100; nonsense is ignored."""
        for _ in range(3):
            PublishedArticleFactory()

        assert len(ids(client.get(ARTICLES, {"page_size": 2}))) == 2
        assert len(ids(client.get(ARTICLES, {"page_size": 10_000}))) == 3
        assert len(ids(client.get(ARTICLES, {"page_size": "lots"}))) == 3
        response = client.get(ARTICLES, {"page_size": 2})
        assert "page_size=2" in response.json()["next"]

    @pytest.mark.parametrize(
        ("url", "cursor"),
        [
            (ARTICLES, "garbage"),
            # "p=not-a-date": a position that is no time.
            (ARTICLES, "cD1ub3QtYS1kYXRl"),
            # "r=1&p=": an empty position.
            (ARTICLES, "cj0xJnA9"),
            # "o=-5": a negative offset.
            (ARTICLES, "bz0tNQ=="),
            (CORRECTIONS, "cD1ub3QtYS1kYXRl"),
            # "p=abc" on authors, ordered by name: any text is a name, so a valid position.
        ],
    )
    def test_a_cursor_that_was_not_handed_out_is_400(self, client, url, cursor):
        """A cursor we never gave out (bad encoding, a position that is not a value of the
        list's key) is a 400 saying so, never a 500."""
        CorrectionNoteFactory()

        response = client.get(url, {"cursor": cursor})

        assert response.status_code == 400
        assert response.json() == {
            "detail": "Invalid cursor: use the next or previous link of a page."
        }

    def test_corrections_log_walks_every_note_once(self, client):
        notes = [
            CorrectionNoteFactory(issued_at=timezone.now() - timedelta(minutes=n)) for n in range(7)
        ]

        walked = walk(client, CORRECTIONS, page_size=2)

        assert [n["id"] for n in walked] == [n.pk for n in notes]


@pytest.mark.django_db
class TestNothingUnpublishedIsReachable:
    def test_no_endpoint_lists_or_serves_an_unseen_story(self, client):
        """Drafts, stories in review, approved, scheduled, taken down or not yet due: in no
        list, no document (404), and no note or source of theirs anywhere."""
        seen = PublishedArticleFactory()
        unseen = unseen_stories()
        secret = SourceFactory(name="Secret Source")
        for story in unseen:
            CorrectionNoteFactory(article=story)
            AttributionFactory(article=story, source=secret)

        assert ids(client.get(ARTICLES)) == [seen.pk]
        assert ids(client.get(CORRECTIONS)) == []
        assert secret.pk not in ids(client.get(SOURCES))
        for story in unseen:
            response = client.get(reverse("api:article", kwargs={"pk": story.pk}))
            assert response.status_code == 404, story.status
            assert response.json() == {"detail": "No such story."}
        assert client.get(reverse("api:source", kwargs={"pk": secret.pk})).status_code == 404
        assert client.get(reverse("api:article", kwargs={"pk": 999_999})).status_code == 404

    def test_notes_readers_cannot_see_are_left_out(self, client, admin):
        """A note not yet published, or withdrawn, is in no list and no document."""
        article = PublishedArticleFactory()
        public = CorrectionNoteFactory(article=article)
        CorrectionNoteFactory(article=article, published_at=None, text="Pending note.")
        withdrawn = CorrectionNoteFactory(article=article, text="Withdrawn note.")
        services.correction_note_withdraw(note=withdrawn, actor=admin, reason="In error.")

        assert ids(client.get(CORRECTIONS)) == [public.pk]
        document = client.get(reverse("api:article", kwargs={"pk": article.pk})).json()
        assert [n["id"] for n in document["corrections"]] == [public.pk]
        assert client.get(ARTICLES).json()["results"][0]["correction_count"] == 1

    def test_a_withdrawn_note_is_named_without_its_words(self, client, admin):
        """A partner that carried a note learns it was withdrawn: the document lists it in
        ``withdrawn_corrections`` (id, kind, when published and withdrawn), never its text,
        which readers can no longer read either."""
        article = PublishedArticleFactory()
        kept = CorrectionNoteFactory(article=article)
        first = CorrectionNoteFactory(article=article, text="Words we took back.")
        second = CorrectionNoteFactory(article=article, kind="clarification", text="And these.")
        services.correction_note_withdraw(note=first, actor=admin, reason="Issued in error.")
        services.correction_note_withdraw(note=second, actor=admin, reason="Duplicate.")
        first.refresh_from_db()
        second.refresh_from_db()

        response = client.get(reverse("api:article", kwargs={"pk": article.pk}))

        document = response.json()
        assert [n["id"] for n in document["corrections"]] == [kept.pk]
        assert document["withdrawn_corrections"] == [
            {
                "id": note.pk,
                "kind": note.kind,
                "published_at": drf_time(note.published_at),
                "withdrawn_at": drf_time(note.withdrawn_at),
            }
            for note in (first, second)
        ]
        assert b"Words we took back." not in response.content
        assert b"And these." not in response.content


@pytest.mark.django_db
class TestCorrectionsLog:
    def test_entries_carry_their_story(self, client):
        """The log lists what the reader's log lists, each note with its story's id,
        headline, page and API record, newest first."""
        article = PublishedArticleFactory()
        older = CorrectionNoteFactory(article=article, issued_at=timezone.now() - timedelta(days=1))
        newer = CorrectionNoteFactory(
            article=PublishedArticleFactory(), kind="clarification", paragraphs=[2]
        )

        results = client.get(CORRECTIONS).json()["results"]

        assert [n["id"] for n in results] == [newer.pk, older.pk]
        entry = results[1]
        assert entry["article"] == {
            "id": article.pk,
            "headline": article.headline,
            "url": f"http://testserver{article.get_absolute_url()}",
            "api_url": f"http://testserver/api/v1/articles/{article.pk}/",
        }
        assert (
            entry["url"] == f"http://testserver{article.get_absolute_url()}#correction-{older.pk}"
        )
        assert entry["paragraphs"] == [1]
        assert (entry["before"], entry["after"]) == ("Monday", "Tuesday")
        assert results[0]["kind"] == "clarification"

    def test_same_notes_as_the_reader_log(self, client, seed):
        """The demo's notes, the seed story's among them: the same as the reader's log
        lists, in the same order."""
        page = client.get(reverse("articles:corrections")).content.decode()
        on_the_site = [int(pk) for pk in re.findall(r'id="correction-([0-9]+)"', page)]

        assert ids(client.get(CORRECTIONS)) == on_the_site
        assert seed.corrections.get().pk in on_the_site


@pytest.mark.django_db
class TestSourcesAuthorsSections:
    def test_sources_readers_have_met(self, client):
        """Sources quoted in a published story, and their organisations; not a source
        quoted only in a draft."""
        org = SourceFactory(name="City Council", kind="organisation")
        mayor = SourceFactory(name="Ana Mayor", affiliation=org)
        AttributionFactory(article=PublishedArticleFactory(), source=mayor)
        drafted = SourceFactory(name="Only In Drafts")
        AttributionFactory(article=ArticleFactory(), source=drafted)

        listed = client.get(SOURCES).json()["results"]

        assert [s["name"] for s in listed] == ["Ana Mayor", "City Council"]
        assert listed[0]["affiliation"]["id"] == org.pk
        assert listed[0]["title"] == "Mayor"
        record = client.get(listed[0]["api_url"])
        assert record.status_code == 200
        assert record.json() == listed[0]
        assert client.get(reverse("api:source", kwargs={"pk": drafted.pk})).status_code == 404

    def test_authors_by_id_and_slug(self, client):
        author = AuthorFactory(display_name="Ana López", slug="ana-lopez", bio="Covers the city.")
        AuthorFactory(display_name="Bo Berg")

        listed = client.get(AUTHORS).json()["results"]
        by_id = client.get(reverse("api:author", kwargs={"pk": author.pk}))
        by_slug = client.get(reverse("api:author_by_slug", kwargs={"slug": "ana-lopez"}))

        assert [a["name"] for a in listed] == ["Ana López", "Bo Berg"]
        assert by_id.status_code == by_slug.status_code == 200
        assert by_id.json() == by_slug.json() == listed[0]
        assert by_id.json()["bio"] == "Covers the city."
        assert by_id.json()["articles_url"].endswith("/api/v1/articles/?author=ana-lopez")
        assert (
            client.get(reverse("api:author_by_slug", kwargs={"slug": "nobody"})).status_code == 404
        )
        assert client.get(reverse("api:author", kwargs={"pk": 999_999})).status_code == 404

    def test_sections_in_navigation_order(self, client):
        SectionFactory(name="Sport", position=2)
        SectionFactory(name="World", position=1)
        SectionFactory(name="Arts", position=2)

        listed = client.get(SECTIONS).json()["results"]

        assert [s["name"] for s in listed] == ["World", "Arts", "Sport"]
        assert listed[0]["url"] == "http://testserver/section/world/"
        assert listed[0]["articles_url"].endswith("/api/v1/articles/?section=world")


def _endpoints() -> dict[str, str]:
    """A URL of every endpoint, with something on it."""
    article = PublishedArticleFactory()
    CorrectionNoteFactory(article=article)
    attribution = AttributionFactory(article=article)
    author = article.bylines.get().author
    return {
        "articles": ARTICLES,
        "article": reverse("api:article", kwargs={"pk": article.pk}),
        "ninjs": reverse("api:article_ninjs", kwargs={"pk": article.pk}),
        "corrections": CORRECTIONS,
        "sources": SOURCES,
        "source": reverse("api:source", kwargs={"pk": attribution.source_id}),
        "authors": AUTHORS,
        "author": reverse("api:author", kwargs={"pk": author.pk}),
        "author_by_slug": reverse("api:author_by_slug", kwargs={"slug": author.slug}),
        "sections": SECTIONS,
    }


ENDPOINTS = [
    "articles",
    "article",
    "ninjs",
    "corrections",
    "sources",
    "source",
    "authors",
    "author",
    "author_by_slug",
    "sections",
]


@pytest.mark.django_db
class TestRevalidation:
    @pytest.mark.parametrize("name", ENDPOINTS)
    def test_validators_and_not_modified(self, client, name):
        """Every endpoint sends an ETag, Last-Modified and no-cache; either validator sent
        back gets a 304 with the same ETag; another ETag gets the response."""
        url = _endpoints()[name]
        response = client.get(url)
        assert response.status_code == 200
        etag, last_modified = response["ETag"], response["Last-Modified"]
        assert etag.startswith('W/"')
        assert "no-cache" in response["Cache-Control"]

        by_etag = client.get(url, HTTP_IF_NONE_MATCH=etag)
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)

        assert by_etag.status_code == 304
        assert by_etag["ETag"] == etag
        assert by_etag.content == b""
        assert by_date.status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200

    def test_the_browsable_page_revalidates_too(self, client):
        url = _endpoints()["articles"]
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response["Content-Type"].startswith("text/html")
        again = client.get(url, HTTP_ACCEPT="text/html", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304

    def test_a_list_changes_its_etag_with_its_stories(self, client, editor):
        """A new story, a correction note and a story taken down each change the list's
        ETag; a story taken down moves its Last-Modified too, though no row left on the
        page changed (the site's content generation dates it)."""
        first = PublishedArticleFactory(**published_ago(days=1))
        PublishedArticleFactory(**published_ago(days=2))
        before = client.get(ARTICLES)

        CorrectionNoteFactory(article=first)
        noted = client.get(ARTICLES)
        assert noted["ETag"] != before["ETag"]

        later = caching._now() + 120
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(caching, "_now", lambda: later)
            services.article_unpublish(article=first, actor=editor, comment="Legal asked.")
            caching.generation_bump()
        after = client.get(ARTICLES, HTTP_IF_MODIFIED_SINCE=noted["Last-Modified"])

        assert after.status_code == 200
        assert after["Last-Modified"] == http_date(later)
        assert first.pk not in ids(after)
        assert client.get(ARTICLES, HTTP_IF_NONE_MATCH=noted["ETag"]).status_code == 200

    def test_an_article_changes_its_etag_when_a_source_is_renamed(self, client):
        """The document's ETag names the document: a source renamed (no story time moves)
        gives a new one."""
        attribution = AttributionFactory()
        url = reverse("api:article", kwargs={"pk": attribution.article_id})
        before = client.get(url)

        attribution.source.role = "Former mayor"
        attribution.source.save()

        after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200
        assert after.json()["attributions"][0]["source"]["title"] == "Former mayor"


def _stories(count: int) -> None:
    section, author = SectionFactory(), AuthorFactory()
    for n in range(count):
        article = PublishedArticleFactory(section=section, bylines=2, **published_ago(hours=n))
        BylineFactory(article=article, author=author, position=9)
        CorrectionNoteFactory(article=article)
        AttributionFactory(
            article=article, source=SourceFactory(affiliation=SourceFactory(kind="organisation"))
        )
        article.tags.add("Budget", f"topic {n}")


@pytest.mark.django_db
class TestQueries:
    """Every list costs the same number of queries for 2 rows as for 20: the rows and, for
    stories, one query for each relation a summary shows
    (``Article.objects.with_api_summaries()``: the stories with their sections, latest
    revisions and the ninjs version kept with their prepared renderings, bylines with
    authors, notes). Anonymous clients cost no session or user query; the throttle and the
    content generation read the cache, not the database."""

    @pytest.mark.parametrize(
        ("url", "params", "expected"),
        [
            (ARTICLES, {}, 3),
            (ARTICLES, {"section": "x", "kind": "news", "tag": "budget"}, 3),
            (ARTICLES, {"updated_since": "2020-01-01T00:00:00Z"}, 3),
            (CORRECTIONS, {}, 1),
            (SOURCES, {}, 1),
            (AUTHORS, {}, 1),
            (SECTIONS, {}, 1),
        ],
        ids=[
            "articles",
            "articles-filtered",
            "articles-since",
            "corrections",
            "sources",
            "authors",
            "sections",
        ],
    )
    def test_lists_are_constant(self, client, django_assert_num_queries, url, params, expected):
        """The same count with 2 stories (and their notes, sources, authors) as with 22."""
        sizes = []
        for count in (2, 20):
            _stories(count)
            if "section" in params:
                params = {**params, "section": Article.objects.latest("pk").section.slug}
            prepared()
            with django_assert_num_queries(expected):
                response = client.get(url, {**params, "page_size": 100})
            sizes.append(len(ids(response)))
        assert sizes[0] >= 1 and sizes[1] > sizes[0]

    @pytest.mark.parametrize("name", ["source", "author", "author_by_slug"])
    def test_records_are_one_query(self, client, django_assert_num_queries, name):
        url = _endpoints()[name]
        with django_assert_num_queries(1):
            assert client.get(url).status_code == 200

    def test_list_sizes_give_the_same_count(self, client, django_assert_num_queries):
        """2 stories and then 22 on the page: still three queries."""
        _stories(2)
        prepared()
        with django_assert_num_queries(3):
            assert len(ids(client.get(ARTICLES))) == 2
        _stories(20)
        prepared()
        with django_assert_num_queries(3):
            assert len(ids(client.get(ARTICLES, {"page_size": 50}))) == 22
        assert Block.objects.count() == 66

    def test_stories_without_a_current_rendering_are_prepared_once(self, client):
        """A list that meets stories whose rendering is missing (a bulk load) or stale
        prepares and keeps them, so the next walk costs three queries again, with the same
        versions."""
        _stories(3)
        ArticleRendering.objects.all().delete()

        first = client.get(ARTICLES).json()["results"]
        with CaptureQueriesContext(connection) as queries:
            again = client.get(ARTICLES).json()["results"]

        assert ArticleRendering.objects.exclude(ninjs_version="").count() == 3
        assert len(queries) == 3
        assert [r["version"] for r in again] == [r["version"] for r in first]
        assert all(r["version"] for r in first)


@pytest.mark.django_db
class TestPreparedVersions:
    def test_versions_come_from_the_prepared_renderings(self, client, monkeypatch):
        """Where a story's rendering is current, its list entry and document read the
        ninjs version kept with it instead of making the document again (at 20 stories a
        page, that was most of the list's time)."""
        stories = [PublishedArticleFactory() for _ in range(3)]
        kept = rendering.prepare_many([s.pk for s in stories])
        monkeypatch.setattr(ninjs, "version", lambda article: pytest.fail("made a document"))

        listed = {r["id"]: r["version"] for r in client.get(ARTICLES).json()["results"]}
        document = client.get(reverse("api:article", kwargs={"pk": stories[0].pk})).json()

        assert listed == {s.pk: kept[s.pk].ninjs_version for s in stories}
        assert document["version"] == kept[stories[0].pk].ninjs_version

    def test_a_stale_rendering_gives_the_same_version(self, client):
        """A story whose rendering is stale (a source renamed, a deploy) has its version
        made from the rows: the same one the rendering gets when it is prepared again."""
        story = PublishedArticleFactory()
        rendering.prepare(story.pk)
        rendering.mark_stale([story.pk])

        made = client.get(ARTICLES).json()["results"][0]["version"]

        assert made == rendering.prepare(story.pk).ninjs_version


@pytest.mark.django_db
class TestNextLinks:
    def test_links_are_absolute_and_keep_the_filters(self, client):
        section = SectionFactory(name="World")
        for n in range(3):
            PublishedArticleFactory(section=section, **published_ago(hours=n + 1))

        page = client.get(ARTICLES, {"section": "world", "page_size": 1}).json()

        parts = urlsplit(page["next"])
        assert parts.scheme == "http" and parts.netloc == "testserver"
        assert "section=world" in parts.query and "cursor=" in parts.query
        assert page["previous"] is None
