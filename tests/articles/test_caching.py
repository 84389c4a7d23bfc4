"""The reader page cache (``articles.caching``): fast for anonymous readers, never stale.

Service writes send ``article_changed`` after commit, so every test that changes content
through a service wraps it in ``django_capture_on_commit_callbacks(execute=True)``: that is
the commit a real request would make.
"""

from __future__ import annotations

import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path, reverse
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django_redis.cache import RedisCache

from articles import caching, services
from articles.models import Article, Section
from tests.articles import test_admin  # its page_data() fills an admin form
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SourceFactory,
    article_changes,
)
from tests.helpers import correct_headline

pytestmark = pytest.mark.django_db


# Reader-site views that misbehave on purpose, mounted beside the real reader URLs for the
# tests marked ``@pytest.mark.urls(__name__)``.
def _sets_cookie(request):
    response = HttpResponse(f"visit {uuid.uuid4()}")
    response.set_cookie("seen", "1")
    return response


def _uses_csrf_token(request):
    return HttpResponse(f"form with token {get_token(request)}")


@never_cache
def _private(request):
    return HttpResponse(f"private {uuid.uuid4()}")


def _open(request):
    return HttpResponse(f"open {uuid.uuid4()}")


urlpatterns = [
    *(path(f"{prefix}/test-open/", _open) for prefix in ("desk", "accounts", "admin", "preview")),
    path("test-cookie/", _sets_cookie),
    path("test-csrf/", _uses_csrf_token),
    path("test-private/", _private),
    path("", include("newsroom.urls")),
]


@pytest.fixture
def story(db) -> Article:
    """A published story with a byline, a quoted source and an earlier correction."""
    article = PublishedArticleFactory(headline="Council passes budget")
    AttributionFactory(article=article)
    CorrectionNoteFactory(article=article, text="An earlier version misstated the day.")
    return article


def _urls(article: Article) -> dict[str, str]:
    """Every reader page that shows ``article``."""
    return {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "author": article.bylines.get().author.get_absolute_url(),
        "source": article.attributions.get().source.get_absolute_url(),
        "corrections": reverse("articles:corrections"),
        "corrections feed": reverse("articles:corrections_feed"),
    }


def _warm(client, urls) -> None:
    for url in urls:
        assert client.get(url).status_code == 200, url


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


class TestHeaders:
    @pytest.mark.parametrize("page", ["home", "article", "section", "corrections"])
    def test_reader_pages_are_public_with_validators(self, client, story, page):
        """Browsers and CDNs may keep a reader page briefly and revalidate it cheaply."""
        response = client.get(_urls(story)[page])
        assert response.status_code == 200
        assert {"public", "max-age=60", "s-maxage=600"} <= _directives(response)
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"].endswith(" GMT")
        assert "Cookie" in response["Vary"]

    def test_max_ages_come_from_settings(self, client, settings, story):
        """A deployment tunes how long browsers and shared caches keep pages."""
        settings.NEWSROOM_CACHE_MAX_AGE = 30
        settings.NEWSROOM_CACHE_S_MAXAGE = 120
        response = client.get(story.get_absolute_url())
        assert {"public", "max-age=30", "s-maxage=120"} <= _directives(response)

    def test_gone_and_redirect_pages_are_public_too(self, client, story, editor):
        """A 410 for a withdrawn story and a 301 for a merged source are cacheable."""
        source = story.attributions.get().source
        keep = SourceFactory(name="The kept source")
        services.source_merge(keep=keep, merge=source, actor=editor)
        services.article_unpublish(article=story, actor=editor, comment="Legal advice.")
        gone = client.get(story.get_absolute_url())
        moved = client.get(source.get_absolute_url())
        assert (gone.status_code, moved.status_code) == (410, 301)
        assert "public" in _directives(gone)
        assert "public" in _directives(moved)


class TestConditionalRequests:
    def test_if_none_match_gets_304_without_a_body(self, client, story):
        """A reader whose copy is current downloads nothing."""
        url = story.get_absolute_url()
        etag = client.get(url)["ETag"]
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert "public" in _directives(response)

    def test_stale_etag_gets_the_new_page(
        self, client, story, editor, django_capture_on_commit_callbacks
    ):
        """After a correction the old ETag no longer matches, so the reader gets the fix."""
        url = story.get_absolute_url()
        etag = client.get(url)["ETag"]
        with django_capture_on_commit_callbacks(execute=True):
            _correct(story, editor, headline="Council passes revised budget")
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert "Council passes revised budget" in response.content.decode()
        assert response["ETag"] != etag

    def test_if_modified_since_gets_304_once_the_site_last_changed_earlier(
        self, client, story, monkeypatch
    ):
        """A client that only sends If-Modified-Since is told its copy is current."""
        now = caching._now()
        monkeypatch.setattr(caching, "_now", lambda: now - 60)
        caching.generation_bump()
        monkeypatch.setattr(caching, "_now", lambda: now - 30)
        caching.generation_bump()
        url = story.get_absolute_url()
        last_modified = client.get(url)["Last-Modified"]
        assert last_modified == http_date(now - 30)
        response = client.get(url, headers={"If-Modified-Since": last_modified})
        assert response.status_code == 304
        assert response.content == b""

    def test_two_changes_in_one_second_never_give_a_stale_304(self, client, story, monkeypatch):
        """Last-Modified has one-second resolution: a copy from before a change made in the
        same second as the previous one is not confirmed by its date."""
        now = caching._now()
        monkeypatch.setattr(caching, "_now", lambda: now - 60)
        caching.generation_bump()
        monkeypatch.setattr(caching, "_now", lambda: now)
        caching.generation_bump()
        url = story.get_absolute_url()
        old_copy_date = client.get(url)["Last-Modified"]
        caching.generation_bump()  # the same second
        Article.objects.filter(pk=story.pk).update(headline="Changed in the same second")
        response = client.get(url, headers={"If-Modified-Since": old_copy_date})
        assert response.status_code == 200
        assert "Changed in the same second" in response.content.decode()


class TestServedFromCache:
    @pytest.mark.parametrize(
        "page",
        ["home", "article", "section", "author", "source", "corrections", "corrections feed"],
    )
    def test_second_anonymous_request_costs_no_queries(
        self, client, story, page, django_assert_num_queries
    ):
        """Once a page is rendered, anonymous readers get it without touching the database."""
        url = _urls(story)[page]
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]

    def test_head_request_is_served_from_cache(self, client, story, django_assert_num_queries):
        """HEAD (link checkers, crawlers) is answered from the cached page too."""
        url = story.get_absolute_url()
        client.get(url)
        with django_assert_num_queries(0):
            response = client.head(url)
        assert response.status_code == 200

    def test_query_strings_are_separate_pages(self, client, story):
        """An older page of a list is cached as its own page, never served as the first."""
        PublishedArticleFactory.create_batch(20, section=story.section)
        url = reverse("articles:home")
        older = client.get(url).context["page"].older_url
        for _ in range(2):
            first, second = _text(client, url), _text(client, url + older)
            assert "Older stories" in first and "Newer stories" not in first
            assert "Newer stories" in second and "Older stories" not in second


class TestInvalidation:
    def test_correction_shows_everywhere_on_the_very_next_request(
        self, client, story, editor, django_capture_on_commit_callbacks
    ):
        """A corrected headline and its note reach every page that shows the story."""
        urls = _urls(story)
        _warm(client, urls.values())
        with django_capture_on_commit_callbacks(execute=True):
            _correct(story, editor, headline="Council passes revised budget")
        for page, url in urls.items():
            html = _text(client, url)
            assert "Council passes revised budget" in html, page
            if page in {"article", "corrections", "corrections feed"}:
                assert "We misreported the size of the budget." in html, page

    @pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "rendered"])
    def test_a_renamed_or_new_section_is_in_every_pages_navigation(
        self, client, settings, story, page_cache, django_capture_on_commit_callbacks
    ):
        """The navigation is kept per process and per content generation: renaming a
        section, or adding one, shows in the header of the very next page, cached or not."""
        settings.NEWSROOM_PAGE_CACHE = page_cache
        urls = [reverse("articles:home"), story.get_absolute_url(), reverse("articles:corrections")]
        _warm(client, urls)
        section = story.section
        with django_capture_on_commit_callbacks(execute=True):
            section.name = "Town Hall"
            section.save()
            Section.objects.create(name="Weather", slug="weather", position=99)
        for url in urls:
            nav = _text(client, url).split('<nav class="section-nav"', 1)[1].split("</nav>")[0]
            assert "Town Hall" in nav, url
            assert ">Weather</a>" in nav, url

    def test_publishing_shows_the_story_on_its_pages(
        self, client, story, django_capture_on_commit_callbacks
    ):
        """A story published after its section was cached appears at once, and its URL
        stops answering 404."""
        draft = ArticleFactory(headline="Fresh scoop", section=story.section)
        AttributionFactory(article=draft, source=story.attributions.get().source)
        author = draft.bylines.get().author
        pages = [
            reverse("articles:home"),
            draft.section.get_absolute_url(),
            author.get_absolute_url(),
            story.attributions.get().source.get_absolute_url(),
        ]
        _warm(client, pages)
        assert client.get(draft.get_absolute_url()).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=draft, actor=None)
        for url in pages:
            assert "Fresh scoop" in _text(client, url), url
        assert "Fresh scoop" in _text(client, draft.get_absolute_url())

    def test_retraction_shows_on_the_story_and_in_the_log(
        self, client, story, editor, django_capture_on_commit_callbacks
    ):
        """The retraction notice is on the story and heads the log and feed at once."""
        urls = _urls(story)
        _warm(client, urls.values())
        reason = "The story relied on documents we can no longer verify."
        with django_capture_on_commit_callbacks(execute=True):
            services.article_retract(article=story, actor=editor, comment=reason)
        for page in ("article", "corrections", "corrections feed"):
            assert reason in _text(client, urls[page]), page

    def test_unpublishing_answers_410_and_leaves_the_lists(
        self, client, story, editor, django_capture_on_commit_callbacks
    ):
        """An unpublished story is gone from its URL and every list on the next request."""
        urls = _urls(story)
        _warm(client, urls.values())
        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=story, actor=editor, comment="Legal advice.")
        assert client.get(urls["article"]).status_code == 410
        for page in ("home", "section", "author", "corrections"):
            assert "Council passes budget" not in _text(client, urls[page]), page
        # Its source was on the record only in this story, so readers no longer find it.
        assert client.get(urls["source"]).status_code == 404

    def test_editing_an_author_record_updates_pages(
        self, client, story, django_capture_on_commit_callbacks
    ):
        """Renaming an author (a plain record, saved in the admin) shows on their stories."""
        url = story.get_absolute_url()
        _warm(client, [url])
        author = story.bylines.get().author
        author.display_name = "Renamed Reporter"
        with django_capture_on_commit_callbacks(execute=True):
            author.save()
        assert "Renamed Reporter" in _text(client, url)

    def test_editing_a_section_updates_pages(
        self, client, story, django_capture_on_commit_callbacks
    ):
        """A section's new description shows on its page at once."""
        url = story.section.get_absolute_url()
        _warm(client, [url])
        section = Section.objects.get(pk=story.section_id)
        section.description = "Votes, budgets and the people who decide them."
        with django_capture_on_commit_callbacks(execute=True):
            section.save()
        assert "Votes, budgets and the people who decide them." in _text(client, url)

    def test_admin_save_updates_pages(
        self, client, admin_client, story, django_capture_on_commit_callbacks
    ):
        """A byline renamed in the admin (a plain record, no service involved) shows at once
        on the story. (The story itself is read-only in the admin: it changes in the desk.)"""
        url = story.get_absolute_url()
        _warm(client, [url])
        author = story.bylines.get().author
        change = reverse("admin:articles_author_change", args=[author.pk])
        data = test_admin.page_data(admin_client.get(change)) | {"display_name": "Ana Renamed"}
        with django_capture_on_commit_callbacks(execute=True):
            assert admin_client.post(change, data).status_code == 302
        assert "Ana Renamed" in _text(client, url)

    def test_nothing_changes_until_the_write_commits(self, client, story):
        """Pages are invalidated after commit, so a request during the write cannot cache
        the old rows under the new generation."""
        url = story.get_absolute_url()
        _warm(client, [url])
        author = story.bylines.get().author
        author.display_name = "Renamed Reporter"
        author.save()  # the test's transaction never commits
        assert "Renamed Reporter" not in _text(client, url)

    def test_a_lost_generation_number_never_revives_old_pages(self, client, story):
        """If the cache drops its generation key, pages stored under earlier numbers stay
        unreachable: the new count starts far beyond any earlier one."""
        url = story.get_absolute_url()
        for _ in range(3):
            caching.generation_bump()
        _warm(client, [url])
        caching.shared_cache().delete(caching.GENERATION_KEY)
        Article.objects.filter(pk=story.pk).update(headline="Seen after the key was lost")
        for _ in range(3):
            caching.generation_bump()
        assert "Seen after the key was lost" in _text(client, url)


class TestWhoIsCached:
    def test_logged_in_reader_is_never_served_a_cached_page(self, client, story, editor):
        """Someone signed in sees the database as it is, not the anonymous copy."""
        url = story.get_absolute_url()
        _warm(client, [url])
        Article.objects.filter(pk=story.pk).update(headline="Changed behind the cache")
        assert "Changed behind the cache" not in _text(client, url)  # the anonymous copy
        signed_in = Client()
        signed_in.force_login(editor)
        response = signed_in.get(url)
        assert "Changed behind the cache" in response.content.decode()
        assert {"private", "no-cache"} <= _directives(response)
        assert "public" not in _directives(response)
        assert "Cookie" in response["Vary"]

    def test_logged_in_reader_never_stores_a_page(self, client, story, editor):
        """A page rendered for someone signed in is never handed to anonymous readers."""
        url = story.get_absolute_url()
        signed_in = Client()
        signed_in.force_login(editor)
        signed_in.get(url)
        Article.objects.filter(pk=story.pk).update(headline="Changed after the editor looked")
        with CaptureQueriesContext(connection) as queries:
            html = _text(client, url)
        assert len(queries) > 0
        assert "Changed after the editor looked" in html

    def test_session_cookie_bypasses_the_cache(self, client, story):
        """Any request with a session cookie (even a stale one) skips the cache both ways."""
        url = story.get_absolute_url()
        _warm(client, [url])
        Article.objects.filter(pk=story.pk).update(headline="Changed behind the cache")
        client.cookies["sessionid"] = "not-a-real-session"
        response = client.get(url)
        assert "Changed behind the cache" in response.content.decode()
        assert "public" not in _directives(response)

    @pytest.mark.parametrize(
        "credentials",
        [{"HTTP_AUTHORIZATION": "Token abc"}, {"REMOTE_USER": "editor"}],
        ids=["api-token", "remote-user"],
    )
    def test_credentials_without_a_session_cookie_bypass_too(self, rf, story, credentials):
        """However someone signs in (an API token, a user the front server authenticated),
        they skip the cache: it answers before any authentication runs, so it goes by the
        request's headers."""
        url = story.get_absolute_url()
        calls = []

        def view(request):
            calls.append(request)
            return HttpResponse(f"page {len(calls)}")

        middleware = caching.ReaderCacheMiddleware(view)
        middleware(rf.get(url))
        response = middleware(rf.get(url, **credentials))
        assert response.content == b"page 2"
        assert "private" in _directives(response)
        assert middleware(rf.get(url)).content == b"page 1"

    def test_non_reader_paths_are_never_public(self, client, story, editor):
        """The desk, accounts, admin and shared previews are never marked cacheable."""
        signed_in = Client()
        signed_in.force_login(editor)
        responses = [
            client.get("/desk/"),
            client.get("/admin/"),
            client.get(reverse("login")),
            client.get("/preview/not-a-token/"),
            signed_in.get("/desk/"),
            signed_in.get(reverse("editors:dashboard")),
            signed_in.get("/admin/"),
        ]
        for response in responses:
            assert "public" not in _directives(response), response.request["PATH_INFO"]


@pytest.mark.urls(__name__)
class TestWhatIsStored:
    def test_response_setting_a_cookie_is_not_cached(self, client, db):
        """A page that sets a cookie is personal: it is neither stored nor marked public."""
        first = client.get("/test-cookie/")
        second = Client().get("/test-cookie/")
        assert first.cookies["seen"].value == "1"
        assert first.content != second.content
        assert "public" not in _directives(first)

    def test_page_using_the_csrf_token_is_not_cached(self, db):
        """A form's CSRF cookie is set after this middleware runs; the page is still skipped."""
        first = Client().get("/test-csrf/")
        second = Client().get("/test-csrf/")
        assert "csrftoken" in first.cookies
        assert first.content != second.content
        assert "public" not in _directives(first)

    def test_view_marked_private_is_left_alone(self, client, db):
        """A view's own no-store/private decision wins over the reader defaults."""
        first = client.get("/test-private/")
        second = client.get("/test-private/")
        assert first.content != second.content
        assert "public" not in _directives(first)
        assert "private" in _directives(first)

    @pytest.mark.parametrize("prefix", ["desk", "accounts", "admin", "preview"])
    def test_private_areas_are_never_stored_or_public(self, client, db, prefix):
        """Even a desk-side page that forgets its own headers is neither stored nor public."""
        first = client.get(f"/{prefix}/test-open/")
        second = client.get(f"/{prefix}/test-open/")
        assert first.status_code == 200
        assert first.content != second.content
        assert "public" not in _directives(first)

    def test_not_found_is_not_cached(self, client, db):
        """A 404 is never stored: a draft's URL works the moment it is published."""
        draft = ArticleFactory()
        assert client.get(draft.get_absolute_url()).status_code == 404
        Article.objects.filter(pk=draft.pk).update(
            status=Article.Status.PUBLISHED,
            first_published_at=PublishedArticleFactory.build().first_published_at,
        )
        assert client.get(draft.get_absolute_url()).status_code == 200


class TestRedis:
    @pytest.fixture
    def redis_cache(self):
        """The project's Redis backend on database 15, under a prefix of its own."""
        prefix = f"test-{uuid.uuid4().hex}"
        backend = {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
        with override_settings(
            CACHES={**django_settings.CACHES, "default": backend, "shared": backend}
        ):
            try:
                cache.set("ping", 1)
            except redis.exceptions.ConnectionError as exc:
                pytest.skip(f"Redis is not reachable at 127.0.0.1:6379: {exc}")
            yield cache
            client = cache.client.get_client(write=True)
            keys = list(client.scan_iter(f"{prefix}:*"))
            if keys:
                client.delete(*keys)

    def test_invalidation_works_on_redis(
        self,
        client,
        story,
        editor,
        redis_cache,
        django_capture_on_commit_callbacks,
        django_assert_num_queries,
    ):
        """With Redis as the cache, pages are served from it and a correction still shows
        on the very next request."""
        assert isinstance(caches["default"], RedisCache)
        assert isinstance(caches["shared"], RedisCache)
        urls = _urls(story)
        _warm(client, urls.values())
        with django_assert_num_queries(0):
            client.get(urls["article"])
        with django_capture_on_commit_callbacks(execute=True):
            _correct(story, editor, headline="Council passes revised budget")
        for page, url in urls.items():
            assert "Council passes revised budget" in _text(client, url), page
        assert isinstance(redis_cache.get(caching.GENERATION_KEY)["number"], int)


def _correct(article: Article, actor, *, headline: str) -> Article:
    return correct_headline(
        article, actor, headline=headline, note="We misreported the size of the budget."
    )


@pytest.mark.django_db
class TestOnlyPublicChangesInvalidate:
    """``article_changed`` carries ``public``: the page cache and the search index react only
    to changes readers could see (issue 8: every audit event used to empty the cache)."""

    def _generation(self) -> int:
        return caching.generation_current().number

    def test_a_review_comment_on_a_draft_keeps_every_stored_page(
        self, editor, django_capture_on_commit_callbacks
    ):
        draft = ArticleFactory(created_by=editor)
        before = self._generation()
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_create(article=draft, actor=editor, text="Tighten the top.")
        assert self._generation() == before

    def test_a_rejected_suggestion_keeps_every_stored_page(
        self, editor, django_capture_on_commit_callbacks
    ):
        story = PublishedArticleFactory()
        before = self._generation()
        with django_capture_on_commit_callbacks(execute=True):
            services.suggestion_reject(
                article=story, actor=editor, paragraph=1, text="x", source_name="Nobody"
            )
        assert self._generation() == before

    def test_a_draft_edit_does_not_reindex(
        self, editor, django_capture_on_commit_callbacks, monkeypatch
    ):
        draft = ArticleFactory(created_by=editor, blocks=[("paragraph", "The council met.")])
        indexed: list[int] = []
        monkeypatch.setattr("articles.search.index_article", indexed.append)
        before = self._generation()
        with django_capture_on_commit_callbacks(execute=True):
            services.article_update(
                article=draft,
                actor=editor,
                changes=article_changes(draft, blocks=[("paragraph", "The council met again.")]),
                base_revision=services.latest_revision_number(draft),
            )
        assert indexed == []
        assert self._generation() == before

    def test_publishing_invalidates_and_indexes(
        self, editor, django_capture_on_commit_callbacks, monkeypatch
    ):
        article = ArticleFactory(status=Article.Status.APPROVED)
        indexed: list[int] = []
        monkeypatch.setattr("articles.search.index_article", indexed.append)
        before = self._generation()
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=article, actor=editor)
        assert indexed == [article.pk]
        assert self._generation() != before
