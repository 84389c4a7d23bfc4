"""The front cache (issue 12): surrogate keys on every reader page, a purge of exactly the
keys each write touches (``articles.surrogates``), the purgers (``articles.purging``), a
front cache double that honours purges, and the compose Varnish's VCL.

Service writes purge after commit, so every test that writes wraps it in
``django_capture_on_commit_callbacks(execute=True)``: the commit a real request makes.
"""

from __future__ import annotations

import http.server
import logging
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import yaml
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from articles import purging, surrogates
from articles.models import Article, Author, CorrectionNote, Section, Source
from articles.purging import Purger
from articles.services import NoteData
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SourceFactory,
)
from tests.helpers import correct_headline

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "docker" / "varnish" / "default.vcl"


class RecordingPurger(Purger):
    """Records every purge, in order (``NEWSROOM_PURGER`` in these tests)."""

    calls: list[list[str]] = []

    def purge(self, keys):
        RecordingPurger.calls.append(list(keys))


@pytest.fixture
def purged(settings):
    """The keys purged, one list per purge."""
    settings.NEWSROOM_PURGER = "tests.test_front_cache.RecordingPurger"
    RecordingPurger.calls = []
    return RecordingPurger.calls


def _flat(calls) -> set[str]:
    return {key for call in calls for key in call}


def _distinct(calls) -> set[frozenset[str]]:
    """The different purges made. (A correction with a note is two audit events, the note's
    and the correction's, so two ``article_changed`` and two identical purges.)"""
    return {frozenset(call) for call in calls}


@pytest.fixture
def story(db) -> Article:
    """A published story with a byline, a tag, a quoted source (of an organisation) and an
    earlier correction."""
    article = PublishedArticleFactory(headline="Council passes budget")
    organisation = SourceFactory(name="City Council", kind=Source.Kind.ORGANISATION)
    AttributionFactory(article=article, source=SourceFactory(affiliation=organisation))
    CorrectionNoteFactory(article=article, text="An earlier version misstated the day.")
    article.tags.add("budget")
    return article


def _parts(story: Article) -> dict:
    attribution = story.attributions.select_related("source").get()
    return {
        "author": story.bylines.get().author,
        "source": attribution.source,
        "organisation": attribution.source.affiliation,
        "tag": story.tags.get(),
    }


def _story_keys(story: Article) -> set[str]:
    """What a public change to ``story`` purges whatever the change: the story and every list
    it may appear in."""
    parts = _parts(story)
    return {
        f"article-{story.pk}",
        f"section-{story.section_id}",
        f"author-{parts['author'].pk}",
        f"source-{parts['source'].pk}",
        f"source-{parts['organisation'].pk}",
        f"tag-{parts['tag'].pk}",
        "home",
        "search",
        "authors",
        "sources",
    }


def _keys(response) -> list[str]:
    keys = response["Surrogate-Key"].split(" ")
    assert response["Cache-Tag"] == ",".join(keys)
    return keys


def _pages(story: Article) -> dict[str, tuple[str, set[str]]]:
    """Every kind of reader page: its URL and the keys it must carry (besides ``all``)."""
    parts = _parts(story)
    article, section = f"article-{story.pk}", f"section-{story.section_id}"
    author, source = f"author-{parts['author'].pk}", f"source-{parts['source'].pk}"
    return {
        "article": (story.get_absolute_url(), {article, section}),
        "home": (reverse("articles:home"), {"home", article}),
        "section": (story.section.get_absolute_url(), {section, article}),
        "author": (parts["author"].get_absolute_url(), {author, article}),
        "source": (
            parts["source"].get_absolute_url(),
            {source, f"source-{parts['organisation'].pk}", article},
        ),
        "topic": (
            reverse("articles:tag", args=[parts["tag"].slug]),
            {f"tag-{parts['tag'].pk}", article},
        ),
        "corrections": (reverse("articles:corrections"), {"corrections", article}),
        "search": (reverse("articles:search") + "?q=council", {"search"}),
        "latest feed": (reverse("articles:latest_feed"), {"home", article}),
        "latest atom": (reverse("articles:latest_atom"), {"home", article}),
        "section feed": (
            reverse("articles:section_feed", args=[story.section.slug]),
            {section, article},
        ),
        "author feed": (
            reverse("articles:author_feed", args=[parts["author"].slug]),
            {author, article},
        ),
        "corrections feed": (reverse("articles:corrections_feed"), {"corrections"}),
        "sitemap index": (reverse("articles:sitemap"), {"home"}),
        "news sitemap": (reverse("articles:news_sitemap"), {"home"}),
        "policy": (reverse("articles:corrections_policy"), set()),
        "authors": (reverse("articles:author_index"), {"authors", author, article}),
        "sources": (
            reverse("articles:source_index"),
            {"sources", source, f"source-{parts['organisation'].pk}", article},
        ),
    }


PAGES = [
    "article",
    "home",
    "section",
    "author",
    "source",
    "topic",
    "corrections",
    "search",
    "latest feed",
    "latest atom",
    "section feed",
    "author feed",
    "corrections feed",
    "sitemap index",
    "news sitemap",
    "policy",
    "authors",
    "sources",
]


@pytest.mark.django_db
class TestHeaders:
    @pytest.mark.parametrize("page", PAGES)
    def test_every_reader_page_names_what_it_shows(self, client, story, page):
        url, expected = _pages(story)[page]
        response = client.get(url)
        assert response.status_code == 200, url
        keys = _keys(response)
        assert expected <= set(keys), (page, keys)
        assert keys[-1] == "all"
        assert len(keys) == len(set(keys))

    @pytest.mark.parametrize("page", ["article", "home", "corrections feed"])
    def test_a_page_cache_hit_keeps_the_keys(self, client, story, page, django_assert_num_queries):
        url, _expected = _pages(story)[page]
        first = client.get(url)
        with django_assert_num_queries(0):
            hit = client.get(url)
        assert hit["Surrogate-Key"] == first["Surrogate-Key"]
        assert hit["Cache-Tag"] == first["Cache-Tag"]

    def test_keys_without_the_page_cache_too(self, client, settings, story):
        settings.NEWSROOM_PAGE_CACHE = False
        assert f"article-{story.pk}" in _keys(client.get(story.get_absolute_url()))

    def test_gone_and_redirect_pages_carry_keys(
        self, client, story, editor, django_capture_on_commit_callbacks
    ):
        from articles import services

        source = _parts(story)["source"]
        keep = SourceFactory(name="Keeper")
        with django_capture_on_commit_callbacks(execute=True):
            services.source_merge(keep=keep, merge=source, actor=editor)
            services.article_unpublish(article=story, actor=editor, comment="Legal advice.")
        gone = client.get(story.get_absolute_url())
        assert gone.status_code == 410
        assert f"article-{story.pk}" in _keys(gone)
        moved = client.get(source.get_absolute_url())
        assert moved.status_code == 301
        assert f"source-{keep.pk}" in _keys(moved)

    def test_private_answers_carry_no_keys(self, client, story, editor):
        client.force_login(editor)
        response = client.get(story.get_absolute_url())
        assert "Surrogate-Key" not in response
        assert "Cache-Tag" not in response
        assert "Surrogate-Key" not in client.get(reverse("editors:dashboard"))

    def test_not_found_carries_no_keys(self, client, db):
        assert "Surrogate-Key" not in client.get("/articles/no-such-story/")


def _correct(article: Article, actor, *, headline: str) -> Article:
    return correct_headline(article, actor, headline=headline, note="We misreported the budget.")


@pytest.mark.django_db
class TestWhatEachWritePurges:
    def test_publishing(self, story, purged, django_capture_on_commit_callbacks):
        from articles import services

        draft = ArticleFactory(headline="Fresh scoop", section=story.section)
        AttributionFactory(article=draft, source=_parts(story)["source"])
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=draft, actor=None)
        author = draft.bylines.get().author
        source = _parts(story)["source"]
        assert purged == [
            [
                f"article-{draft.pk}",
                f"section-{draft.section_id}",
                f"author-{author.pk}",
                f"source-{source.pk}",
                f"source-{source.affiliation_id}",
                "home",
                "search",
                "authors",
                "sources",
            ]
        ]

    def test_publishing_a_story_with_a_pending_note_purges_the_log(
        self, story, purged, editor, django_capture_on_commit_callbacks
    ):
        from articles import services

        draft = ArticleFactory()
        CorrectionNoteFactory(article=draft, published_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=draft, actor=None)
        assert "corrections" in _flat(purged)

    def test_correcting(self, story, editor, purged, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            _correct(story, editor, headline="Council passes revised budget")
        assert _distinct(purged) == {frozenset(_story_keys(story) | {"corrections"})}

    def test_adding_a_note(self, story, editor, purged, django_capture_on_commit_callbacks):
        from articles import services

        with django_capture_on_commit_callbacks(execute=True):
            services.correction_note_create(
                article=story,
                actor=editor,
                note=NoteData(kind="clarification", text="The vote was unanimous."),
            )
        assert [set(call) for call in purged] == [_story_keys(story) | {"corrections"}]

    def test_retracting(self, story, editor, purged, django_capture_on_commit_callbacks):
        from articles import services

        with django_capture_on_commit_callbacks(execute=True):
            services.article_retract(article=story, actor=editor, comment="Unverifiable.")
        assert _distinct(purged) == {frozenset(_story_keys(story) | {"corrections"})}

    def test_unpublishing(self, story, editor, purged, django_capture_on_commit_callbacks):
        """Its notes leave the log with it."""
        from articles import services

        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=story, actor=editor, comment="Legal advice.")
        assert [set(call) for call in purged] == [_story_keys(story) | {"corrections"}]

    def test_unpublishing_a_story_without_notes_leaves_the_log(
        self, editor, purged, django_capture_on_commit_callbacks
    ):
        from articles import services

        plain = PublishedArticleFactory()
        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=plain, actor=editor, comment="Legal advice.")
        assert "corrections" not in _flat(purged)
        assert f"article-{plain.pk}" in _flat(purged)

    def test_adding_an_attribution_to_a_live_story(
        self, story, editor, purged, django_capture_on_commit_callbacks
    ):
        """The new source's page now lists the story: its key is purged with the story's."""
        from articles import services

        plain = PublishedArticleFactory()
        newcomer = SourceFactory(name="Budget Officer")
        with django_capture_on_commit_callbacks(execute=True):
            services.attribution_create(
                article=plain,
                actor=editor,
                source=newcomer,
                kind="quote",
                text="We will balance the books,",
                paragraph=2,
            )
        author = plain.bylines.get().author
        assert [set(call) for call in purged] == [
            {
                f"article-{plain.pk}",
                f"section-{plain.section_id}",
                f"author-{author.pk}",
                f"source-{newcomer.pk}",
                "home",
                "search",
                "authors",
                "sources",
            }
        ]

    def test_a_change_readers_cannot_see_purges_nothing(
        self, editor, purged, django_capture_on_commit_callbacks
    ):
        from articles import services

        draft = ArticleFactory()
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_create(article=draft, actor=editor, text="Tighten the top.")
        assert purged == []

    def test_renaming_a_source(self, story, purged, django_capture_on_commit_callbacks):
        source = Source.objects.get(pk=_parts(story)["source"].pk)
        source.name = "Renamed Source"
        with django_capture_on_commit_callbacks(execute=True):
            source.save()
        assert purged == [[f"source-{source.pk}", f"article-{story.pk}"]]

    def test_renaming_an_organisation_purges_its_people_too(
        self, story, purged, django_capture_on_commit_callbacks
    ):
        organisation = Source.objects.get(pk=_parts(story)["organisation"].pk)
        person = _parts(story)["source"]
        organisation.name = "City Hall"
        with django_capture_on_commit_callbacks(execute=True):
            organisation.save()
        assert purged == [
            [f"source-{organisation.pk}", f"article-{story.pk}", f"source-{person.pk}"]
        ]

    def test_renaming_an_author(self, story, purged, django_capture_on_commit_callbacks):
        author = Author.objects.get(pk=_parts(story)["author"].pk)
        author.display_name = "Renamed Reporter"
        with django_capture_on_commit_callbacks(execute=True):
            author.save()
        assert purged == [[f"author-{author.pk}", f"article-{story.pk}"]]

    def test_renaming_a_tag(self, story, purged, django_capture_on_commit_callbacks):
        tag = Tag.objects.get(pk=_parts(story)["tag"].pk)
        tag.name = "Budgets"
        with django_capture_on_commit_callbacks(execute=True):
            tag.save()
        assert purged == [[f"tag-{tag.pk}", f"article-{story.pk}"]]

    def test_renaming_a_section_purges_every_page(
        self, story, purged, django_capture_on_commit_callbacks
    ):
        """Every page's navigation lists the sections."""
        section = Section.objects.get(pk=story.section_id)
        section.name = "Town Hall"
        with django_capture_on_commit_callbacks(execute=True):
            section.save()
        assert purged == [[f"section-{section.pk}", "all"]]

    def test_a_new_author_or_source_purges_nothing(
        self, db, purged, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            SourceFactory()
            Author.objects.create(display_name="New Hire", slug="new-hire")
        assert purged == []

    def test_a_prolific_authors_rename_purges_everything(
        self, story, purged, monkeypatch, django_capture_on_commit_callbacks
    ):
        """More keys than a purge should carry: ``all``."""
        monkeypatch.setattr(surrogates, "MAX_KEYS", 2)
        author = Author.objects.get(pk=_parts(story)["author"].pk)
        for _ in range(2):
            PublishedArticleFactory(bylines=0).bylines.create(author=author, position=0)
        with django_capture_on_commit_callbacks(execute=True):
            author.save()
        assert purged == [["all"]]

    def test_an_admin_save_of_a_story_purges_it(
        self, story, superuser, purged, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            _log(superuser, story)
        assert [set(call) for call in purged] == [_story_keys(story) | {"corrections"}]

    def test_an_admin_save_of_a_note_purges_its_story(
        self, story, superuser, purged, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            _log(superuser, CorrectionNote.objects.get(article=story))
        assert [set(call) for call in purged] == [_story_keys(story) | {"corrections"}]

    def test_an_admin_save_of_anything_else_purges_everything(
        self, story, superuser, purged, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            _log(superuser, get_user_model().objects.get(pk=superuser.pk))
        assert purged == [["all"]]

    def test_an_admin_edit_of_an_author_purges_it_once(
        self, story, admin_client, purged, django_capture_on_commit_callbacks
    ):
        from tests.articles import test_admin

        author = _parts(story)["author"]
        change = reverse("admin:articles_author_change", args=[author.pk])
        data = test_admin.page_data(admin_client.get(change)) | {"display_name": "Ana Renamed"}
        with django_capture_on_commit_callbacks(execute=True):
            assert admin_client.post(change, data).status_code == 302
        assert purged == [[f"author-{author.pk}", f"article-{story.pk}"]]

    def test_nothing_is_purged_before_the_commit(
        self, story, editor, purged, django_capture_on_commit_callbacks
    ):
        author = Author.objects.get(pk=_parts(story)["author"].pk)
        with django_capture_on_commit_callbacks() as callbacks:
            author.save()
            _correct(story, editor, headline="Council passes revised budget")
        assert purged == []
        for callback in callbacks:
            callback()
        assert _distinct(purged) == {
            frozenset([f"author-{author.pk}", f"article-{story.pk}"]),
            frozenset(_story_keys(story) | {"corrections"}),
        }


def _log(user, obj) -> LogEntry:
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
    )


# --- The purgers -------------------------------------------------------------------------


class _FrontCacheServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.received: list[tuple[str, str, str | None]] = []
        self.status = status
        self.delay = delay
        super().__init__(("127.0.0.1", 0), _PurgeHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class _PurgeHandler(http.server.BaseHTTPRequestHandler):
    def do_PURGE(self) -> None:
        server: _FrontCacheServer = self.server  # type: ignore[assignment]
        server.received.append((self.command, self.path, self.headers.get("xkey")))
        if server.delay:
            threading.Event().wait(server.delay)
        self.send_response(server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def front_server():
    servers = []

    def start(**kwargs) -> _FrontCacheServer:
        server = _FrontCacheServer(**kwargs)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
class TestPurgers:
    def test_the_default_logs_the_keys(self, db, caplog, settings):
        assert settings.NEWSROOM_PURGER == "articles.purging.LoggingPurger"
        with caplog.at_level(logging.INFO, logger="newsroom.purge"):
            surrogates.purge(["article-1", "home"])
        assert [r.getMessage() for r in caplog.records if r.name == "newsroom.purge"] == [
            "Would purge surrogate keys: article-1 home"
        ]

    def test_http_purger_sends_purge_with_xkey(
        self, story, editor, settings, front_server, django_capture_on_commit_callbacks
    ):
        """One PURGE to each front cache, with every key the note touches in ``xkey``."""
        from articles import services

        first, second = front_server(), front_server()
        settings.NEWSROOM_PURGER = "articles.purging.HttpPurger"
        settings.NEWSROOM_PURGE_URLS = [first.url, second.url]
        with django_capture_on_commit_callbacks(execute=True):
            services.correction_note_create(
                article=story,
                actor=editor,
                note=NoteData(kind="clarification", text="The vote was unanimous."),
            )
        for server in (first, second):
            assert len(server.received) == 1
            method, path, xkey = server.received[0]
            assert (method, path) == ("PURGE", "/")
            assert set(xkey.split(" ")) == _story_keys(story) | {"corrections"}

    @pytest.mark.parametrize("failure", ["error status", "refused", "timeout"])
    def test_a_failing_front_cache_is_logged_once(
        self, db, settings, front_server, caplog, failure
    ):
        """An error status, a refused connection or a timeout: one warning, nothing raised."""
        if failure == "refused":
            closed = front_server()
            url = closed.url
            closed.shutdown()
            closed.server_close()
        else:
            server = front_server(
                status=500 if failure == "error status" else 200,
                delay=1.0 if failure == "timeout" else 0.0,
            )
            url = server.url
        settings.NEWSROOM_PURGER = "articles.purging.HttpPurger"
        settings.NEWSROOM_PURGE_URLS = [url]
        settings.NEWSROOM_PURGE_TIMEOUT_S = 0.2
        with caplog.at_level(logging.INFO, logger="newsroom.purge"):
            for n in range(2):
                surrogates.purge([f"article-{n}"])
        warnings = [r for r in caplog.records if r.name == "newsroom.purge"]
        assert len(warnings) == 1
        assert warnings[0].levelno == logging.WARNING
        assert url in warnings[0].getMessage()

    def test_a_purger_that_raises_never_fails_the_write(
        self, story, editor, settings, caplog, django_capture_on_commit_callbacks
    ):
        settings.NEWSROOM_PURGER = "tests.test_front_cache.BrokenPurger"
        with django_capture_on_commit_callbacks(execute=True):
            corrected = _correct(story, editor, headline="Council passes revised budget")
        assert Article.objects.get(pk=corrected.pk).headline == "Council passes revised budget"
        assert any("Could not purge" in r.getMessage() for r in caplog.records)

    def test_a_failing_front_cache_behind_the_desk(
        self, client, story, editor, settings, front_server, django_capture_on_commit_callbacks
    ):
        """Unpublishing in the desk while the front cache answers 503: done, and said so."""
        server = front_server(status=503)
        settings.NEWSROOM_PURGER = "articles.purging.HttpPurger"
        settings.NEWSROOM_PURGE_URLS = [server.url]
        client.force_login(editor)
        move = reverse("editors:article_transition", kwargs={"pk": story.pk, "to": "unpublished"})
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(move, {"comment": "Legal advice."}, follow=True)
        assert response.status_code == 200
        assert "done." in response.content.decode()
        story.refresh_from_db()
        assert story.status == Article.Status.UNPUBLISHED
        assert len(server.received) == 1

    def test_the_purger_follows_its_setting(self, settings):
        settings.NEWSROOM_PURGER = "tests.test_front_cache.RecordingPurger"
        assert isinstance(purging.get_purger(), RecordingPurger)
        settings.NEWSROOM_PURGER = "articles.purging.HttpPurger"
        assert isinstance(purging.get_purger(), purging.HttpPurger)


class BrokenPurger(Purger):
    def purge(self, keys):
        raise RuntimeError("the CDN's API is down")


# --- A front cache, end to end -----------------------------------------------------------


class FrontCache:
    """A test double of Varnish with xkey: keeps what the site marks public, by URL, for as
    long as it likes, and drops what a purge names (``all`` included, as every page has it).
    Requests go to the site through Django's test client, without cookies, as the VCL sends
    anonymous readers."""

    instance: FrontCache | None = None

    def __init__(self) -> None:
        self.client = Client()
        self.store: dict[str, tuple[int, bytes, set[str]]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, url: str) -> tuple[int, str]:
        if url in self.store:
            self.hits += 1
            status, content, _keys = self.store[url]
            return status, content.decode()
        self.misses += 1
        response = self.client.get(url)
        public = re.search(r"(^|,)\s*public\s*(,|$)", response.get("Cache-Control", ""))
        if public and "Set-Cookie" not in response:
            keys = set(response.get("Surrogate-Key", "").split())
            self.store[url] = (response.status_code, response.content, keys)
        return response.status_code, response.content.decode()

    def purge(self, keys) -> None:
        keys = set(keys)
        self.store = {url: v for url, v in self.store.items() if not v[2] & keys}


class FrontCachePurger(Purger):
    def purge(self, keys):
        FrontCache.instance.purge(keys)


@pytest.fixture
def front(settings):
    settings.NEWSROOM_PURGER = "tests.test_front_cache.FrontCachePurger"
    FrontCache.instance = FrontCache()
    yield FrontCache.instance
    FrontCache.instance = None


@pytest.mark.django_db
class TestThroughAFrontCache:
    def test_a_correction_is_on_the_next_request(
        self, front, story, editor, django_capture_on_commit_callbacks
    ):
        pages = {name: url for name, (url, _keys) in _pages(story).items()}
        for url in pages.values():
            front.get(url)
        assert front.get(pages["article"])[1].count("Council passes budget") >= 1
        assert front.hits == 1  # the front cache answers by itself until told otherwise
        with django_capture_on_commit_callbacks(execute=True):
            _correct(story, editor, headline="Council passes revised budget")
        for name in ("article", "home", "section", "author", "source", "topic", "corrections"):
            status, html = front.get(pages[name])
            assert status == 200, name
            assert "Council passes revised budget" in html, name
        for name in ("article", "corrections", "corrections feed"):
            assert "We misreported the budget." in front.get(pages[name])[1], name
        # What the correction did not touch stays in the front cache.
        hits = front.hits
        front.get(pages["policy"])
        assert front.hits == hits + 1

    def test_unpublishing_is_gone_from_the_next_request(
        self, front, story, editor, django_capture_on_commit_callbacks
    ):
        from articles import services

        home, article = reverse("articles:home"), story.get_absolute_url()
        front.get(home), front.get(article)
        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=story, actor=editor, comment="Legal advice.")
        assert front.get(article)[0] == 410
        assert "Council passes budget" not in front.get(home)[1]

    def test_a_renamed_author_shows_on_every_page_with_their_byline(
        self, front, story, django_capture_on_commit_callbacks
    ):
        pages = [reverse("articles:home"), story.get_absolute_url()]
        for url in pages:
            front.get(url)
        author = Author.objects.get(pk=_parts(story)["author"].pk)
        author.display_name = "Renamed Reporter"
        with django_capture_on_commit_callbacks(execute=True):
            author.save()
        for url in pages:
            assert "Renamed Reporter" in front.get(url)[1], url


# --- The compose front cache's VCL -------------------------------------------------------


def _varnishd() -> str:
    """Debian's varnishd: skipped with a reason on a developer machine, required under CI."""
    found = shutil.which("varnishd") or next(
        (p for p in ("/usr/sbin/varnishd",) if Path(p).exists()), None
    )
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("varnishd is missing; .ci/run installs it (apt-get install varnish).")
    pytest.skip("needs varnishd to compile the VCL (apt-get install varnish)")


def _compile(varnishd: str, vcl: Path, workdir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - varnishd, fixed arguments
        [varnishd, "-C", "-j", "none", "-f", str(vcl), "-n", str(workdir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_vcl_compiles_with_xkey(tmp_path):
    """``varnishd -C`` compiles docker/varnish/default.vcl, xkey purges included."""
    result = _compile(_varnishd(), VCL, tmp_path)
    if result.returncode and re.search(r"VMOD.*xkey|xkey.*(not found|No such file)", result.stderr):
        message = (
            "Varnish's xkey vmod is not installed here, so the VCL's purges cannot be "
            "compiled (apt-get install varnish-modules; the official varnish images ship it)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    assert result.returncode == 0, result.stderr


def test_the_vcl_compiles_apart_from_xkey(tmp_path):
    """Everything but the vmod, so a machine without varnish-modules still checks the rest."""
    text = VCL.read_text()
    assert "import xkey;" in text
    assert "xkey.purge(req.http.xkey)" in text
    stub = tmp_path / "default.vcl"
    stub.write_text(text.replace("import xkey;", "").replace("xkey.purge(req.http.xkey)", '"0"'))
    result = _compile(_varnishd(), stub, tmp_path / "work")
    assert result.returncode == 0, result.stderr


def test_compose_puts_varnish_before_web_and_wires_purging():
    """The VCL names the web and worker services' fixed addresses (its backend, who may
    purge), and both send their purges to Varnish; the worker and the scheduler run the job
    engine on the Redis broker. (.ci/run checks the whole file with ``docker-compose
    config``.)"""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    varnish, web, worker = services["varnish"], services["web"], services["worker"]
    assert varnish["image"].startswith("varnish:7")
    assert "./docker/varnish/default.vcl:/etc/varnish/default.vcl:ro" in varnish["volumes"]
    assert "${NEWSROOM_HTTP_PORT:-80}:80" in varnish["ports"]
    assert "ports" not in web  # readers reach the site through the front cache
    vcl = VCL.read_text()
    acl = vcl.split("acl purgers", 1)[1].split("}", 1)[0]
    for service in (web, worker):
        assert service["environment"]["DJANGO_PURGER"] == "articles.purging.HttpPurger"
        assert service["environment"]["DJANGO_PURGE_URLS"] == "http://varnish/"
        address = service["networks"]["default"]["ipv4_address"]
        assert f'"{address}";' in acl
    web_address = web["networks"]["default"]["ipv4_address"]
    assert f'.host = "{web_address}";' in vcl
    assert worker["command"][:4] == ["celery", "-A", "newsroom", "worker"]
    assert services["scheduler"]["command"][:4] == ["celery", "-A", "newsroom", "beat"]
    for name in ("web", "worker", "scheduler"):
        broker = services[name]["environment"]["DJANGO_CELERY_BROKER_URL"]
        assert broker.startswith("redis://redis:6379/")
