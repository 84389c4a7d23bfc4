"""Read replicas (newsroom.routers, newsroom.replicas): anonymous readers read from a replica;
the desk, signed-in users, API clients with credentials, writes, transactions and recent
writers stay on the primary; a replica that is down costs a reader nothing.

The replica is a second alias, ``replica_1``, on the test database itself (a TEST MIRROR of
``default``, as ``DATABASE_REPLICA_URLS`` makes it), so which alias served a query is told
by capturing each connection's queries. The tests are transactional: inside the test
transaction of a plain ``django_db`` test every read is on the primary by design.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import caching, rendering, services
from articles.models import Section
from newsroom import replicas, routers
from newsroom.settings import replica_databases
from tests.editors.test_editor_form import form_data
from tests.factories import ArticleFactory, PublishedArticleFactory, SectionFactory
from tests.helpers import edit_url

REPLICA = "replica_1"
SECOND = "replica_2"
# Configured like the others, but its database does not exist: a replica that is down.
DOWN = "replica_down"
ALIASES = [REPLICA, SECOND, DOWN]
REPO_ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", *ALIASES])


def _add_alias(alias: str, **overrides) -> None:
    # The test database's own settings (SQLite's shared in-memory database or PostgreSQL's
    # test_ database), marked a mirror as settings.replica_databases marks replicas.
    config = copy.deepcopy(connections["default"].settings_dict)
    config.update(overrides)
    config["TEST"] = {**config.get("TEST", {}), "MIRROR": "default"}
    connections.settings[alias] = config


def _remove_alias(alias: str) -> None:
    try:
        connections[alias].close()
        del connections[alias]
    except AttributeError:  # never connected
        pass
    connections.settings.pop(alias, None)


@pytest.fixture(scope="module", autouse=True)
def _replica_aliases(django_db_setup):
    """The replica aliases exist for this module's tests only: for every other test the
    site has the one database it always had. Added once the test database exists (so they
    point at it) and before each test's database setup (which must allow them)."""
    _add_alias(REPLICA)
    _add_alias(SECOND)
    if connections["default"].vendor == "sqlite":
        _add_alias(DOWN, NAME="/nonexistent/newsroom-replica.sqlite3")
    else:
        _add_alias(DOWN, NAME="newsroom_no_such_replica")
    yield
    for alias in ALIASES:
        _remove_alias(alias)


def _route_to_replicas(settings, *aliases: str) -> None:
    settings.NEWSROOM_DB_REPLICAS = list(aliases)
    # Django forgets its routers when DATABASE_ROUTERS changes.
    settings.DATABASE_ROUTERS = [replicas.ROUTER]


@dataclass
class Clock:
    """``newsroom.replicas``'s clock, stopped at ``at`` (seconds since the epoch)."""

    at: float

    def now(self) -> float:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    # An hour ahead: the content generation every test starts is long settled, so only
    # what a test does itself keeps a request on the primary.
    clock = Clock(at=time.time() + 3600)
    monkeypatch.setattr(replicas, "_now", clock.now)
    return clock


@pytest.fixture(autouse=True)
def _replicas_up():
    routers._down_until.clear()
    yield
    routers._down_until.clear()


@pytest.fixture
def replica(settings, clock):
    """The router and the middleware route anonymous readers to ``replica_1``."""
    _route_to_replicas(settings, REPLICA)
    return REPLICA


@dataclass
class Served:
    primary: CaptureQueriesContext
    replica: CaptureQueriesContext

    @property
    def by(self) -> str:
        """Which alias answered: "primary", "replica", "both" or "none"."""
        return {
            (True, False): "primary",
            (False, True): "replica",
            (True, True): "both",
            (False, False): "none",
        }[(len(self.primary) > 0, len(self.replica) > 0)]


@contextmanager
def served() -> Iterator[Served]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield Served(primary, replica)


@pytest.fixture
def story():
    article = PublishedArticleFactory(headline="Harbour wall rebuilt")
    # Its stored fragments, as a publish leaves them: the page's first reader would
    # otherwise write them (on the primary).
    rendering.prepare(article.pk)
    return article


def drop_expired_cookies(client) -> None:
    """Forget the cookies the site deleted, as a browser does (the test client sends them
    back empty)."""
    for name in [name for name, morsel in client.cookies.items() if not morsel.value]:
        del client.cookies[name]


def read(client, url: str, **extra) -> str:
    with served() as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return queries.by


class TestWhoReadsFromTheReplica:
    def test_an_anonymous_article_read_goes_to_the_replica(self, client, replica, story):
        """An anonymous reader's article page is read from the replica only."""
        assert read(client, story.get_absolute_url()) == "replica"

    def test_reader_lists_go_to_the_replica(self, client, replica, story, no_page_cache):
        """The front page, a section and the corrections log read from the replica too."""
        assert read(client, reverse("articles:home")) == "replica"
        assert read(client, story.section.get_absolute_url()) == "replica"
        assert read(client, reverse("articles:corrections")) == "replica"

    def test_a_desk_page_goes_to_the_primary(self, client, replica, editor, story):
        """An editor's desk page is read from the primary only."""
        client.force_login(editor)

        assert read(client, edit_url(story)) == "primary"

    @pytest.mark.parametrize("path", ["/desk/", "/accounts/login/", "/admin/login/"])
    def test_desk_accounts_and_admin_paths_stay_on_the_primary_even_anonymous(
        self, client, replica, path
    ):
        """Without any cookie, the desk, account and admin paths never read a replica."""
        with served() as queries:
            client.get(path)

        assert len(queries.replica) == 0

    def test_a_signed_in_reader_goes_to_the_primary(self, client, replica, editor, story):
        """A reader page for someone signed in (a session cookie) is read from the primary."""
        client.force_login(editor)

        assert read(client, story.get_absolute_url()) == "primary"

    def test_an_anonymous_api_read_goes_to_the_replica(self, client, replica, story):
        """The read API without credentials reads from the replica."""
        url = reverse("api:article_ninjs", kwargs={"pk": story.pk})

        assert read(client, url) == "replica"

    def test_an_api_request_with_credentials_goes_to_the_primary(self, client, replica, story):
        """An API request carrying Authorization is read from the primary only."""
        url = reverse("api:article_ninjs", kwargs={"pk": story.pk})

        with served() as queries:
            client.get(url, headers={"Authorization": "Token not-checked-here"})

        assert len(queries.replica) == 0

    def test_an_api_request_signed_in_goes_to_the_primary(self, client, replica, editor, story):
        """An API request with a session is read from the primary."""
        client.force_login(editor)
        url = reverse("api:article_ninjs", kwargs={"pk": story.pk})

        assert read(client, url) == "primary"

    def test_one_request_reads_from_one_replica(self, client, settings, replica, story):
        """With two replicas, requests take turns, and each reads from one replica only."""
        _route_to_replicas(settings, REPLICA, SECOND)
        seen = []
        for _ in range(2):
            with (
                CaptureQueriesContext(connections[REPLICA]) as first,
                CaptureQueriesContext(connections[SECOND]) as second,
            ):
                caching.generation_bump()  # a page cache miss
                client.get(story.get_absolute_url())
            assert (len(first) > 0) != (len(second) > 0)
            seen.append(REPLICA if first else SECOND)

        assert sorted(seen) == [REPLICA, SECOND]


class TestReadYourWrites:
    def _save_as(self, client, user, article):
        client.force_login(user)
        data = form_data(client.get(edit_url(article)))
        data["headline"] = ["Harbour wall rebuilt at last"]
        with served() as queries:
            response = client.post(edit_url(article), data)
        assert response.status_code == 302
        return response, queries

    @pytest.fixture
    def draft(self, reporter):
        article = ArticleFactory(created_by=reporter)
        with transaction.atomic():
            services.revision_create(article=article, actor=None)
        return article

    def test_a_desk_save_writes_to_the_primary_and_marks_the_client(
        self, client, replica, reporter, draft
    ):
        """A desk save runs on the primary and sends the short-lived marker cookie."""
        response, queries = self._save_as(client, reporter, draft)

        assert queries.by == "primary"
        marker = response.cookies[replicas.MARKER_COOKIE]
        assert marker["max-age"] == 5
        assert marker["httponly"] is True
        assert marker["samesite"] == "Lax"
        assert not marker["secure"]  # SESSION_COOKIE_SECURE is off in tests

    def test_after_a_save_the_writer_reads_from_the_primary_until_the_window_ends(
        self, client, replica, clock, reporter, draft, story, no_page_cache
    ):
        """After a desk save, that client's reader pages come from the primary, even
        without its session, until DJANGO_READ_YOUR_WRITES_S has passed."""
        response, _queries = self._save_as(client, reporter, draft)
        assert read(client, story.get_absolute_url()) == "primary"
        # The desk page shows "Saved."; then the session goes too: the marker alone
        # keeps the client on the primary.
        client.get(response.url)
        drop_expired_cookies(client)
        del client.cookies["sessionid"]
        assert set(client.cookies) == {replicas.MARKER_COOKIE, "csrftoken"}
        assert read(client, story.get_absolute_url()) == "primary"

        clock.at += 4.9
        assert read(client, story.get_absolute_url()) == "primary"
        clock.at += 0.2
        assert read(client, story.get_absolute_url()) == "replica"

    def test_a_logout_keeps_the_reader_on_the_primary_for_the_window(
        self, client, replica, clock, reporter, story, no_page_cache
    ):
        """An editor who signs out reads the site from the primary for the window."""
        client.force_login(reporter)
        client.post(reverse("logout"))
        drop_expired_cookies(client)
        assert "sessionid" not in client.cookies

        assert read(client, story.get_absolute_url()) == "primary"
        clock.at += 6
        assert read(client, story.get_absolute_url()) == "replica"

    def test_a_forged_marker_is_ignored(self, client, replica, story):
        """A marker the site did not sign does not move a reader to the primary."""
        client.cookies[replicas.MARKER_COOKIE] = str(time.time() + 3600 * 24)

        assert read(client, story.get_absolute_url()) == "replica"

    def test_a_failed_write_sets_no_marker(self, client, replica):
        """A POST that fails (here a 404) sends no marker."""
        response = client.post("/no-such-page/")

        assert response.status_code == 404
        assert replicas.MARKER_COOKIE not in response.cookies

    def test_a_fresh_content_generation_is_read_from_the_primary(
        self, client, settings, replica, clock, story
    ):
        """Right after a public change, pages are rendered from the primary, so the page
        cache never keeps one from a replica that has not caught up; then the replica."""
        clock.at = time.time()
        caching.generation_bump()
        assert read(client, story.get_absolute_url()) == "primary"

        clock.at += settings.NEWSROOM_READ_YOUR_WRITES_S + 1
        assert read(client, reverse("articles:home")) == "replica"

    def test_while_the_shared_cache_is_down_reader_pages_use_the_primary(
        self, client, replica, story
    ):
        """With no content generation to go by, a reader page is rendered from the primary
        (a change made now starts none); the API, outside the page cache, is unaffected."""
        caching._mark_down()

        assert read(client, story.get_absolute_url()) == "primary"
        assert read(client, reverse("api:article_ninjs", kwargs={"pk": story.pk})) == "replica"

    def test_a_zero_window_turns_read_your_writes_off(
        self, client, settings, replica, clock, reporter, draft
    ):
        """DJANGO_READ_YOUR_WRITES_S=0 sends no marker."""
        settings.NEWSROOM_READ_YOUR_WRITES_S = 0
        response, _queries = self._save_as(client, reporter, draft)

        assert replicas.MARKER_COOKIE not in response.cookies


class TestTheRouter:
    def test_writes_always_go_to_the_primary(self, replica):
        """Inside a replica-safe request, writes still run on the primary."""
        with routers.reads_from(REPLICA), served() as queries:
            section = Section.objects.create(name="Harbour", slug="harbour")
            section.name = "The harbour"
            section.save()
            Section.objects.filter(pk=section.pk).update(name="Harbours")
            Section.objects.filter(pk=section.pk).delete()

        assert len(queries.replica) == 0
        assert len(queries.primary) >= 4

    def test_reads_inside_atomic_stay_on_the_primary(self, replica):
        """A read inside transaction.atomic, or select_for_update, runs on the primary."""
        SectionFactory()
        with routers.reads_from(REPLICA):
            with served() as outside:
                Section.objects.count()
            with served() as inside, transaction.atomic():
                Section.objects.count()
                list(Section.objects.select_for_update())

        assert outside.by == "replica"
        assert inside.by == "primary"

    def test_reads_outside_requests_go_to_the_primary(self, replica):
        """Management commands, jobs and tests (no request marked safe) read the primary."""
        with served() as queries:
            Section.objects.count()

        assert queries.by == "primary"

    def test_objects_from_both_may_be_related(self, replica):
        """An object read from the replica may be related to one read from the primary."""
        SectionFactory(slug="harbour")
        with routers.reads_from(REPLICA):
            from_replica = Section.objects.get(slug="harbour")
        from_primary = Section.objects.get(slug="harbour")

        assert (from_replica._state.db, from_primary._state.db) == (REPLICA, "default")
        assert routers.ReplicaRouter().allow_relation(from_replica, from_primary) is True

    def test_only_the_primary_is_migrated(self):
        """Replicas get their schema by replication: migrate only touches default."""
        router = routers.ReplicaRouter()

        assert router.allow_migrate("default", "articles") is True
        assert router.allow_migrate(REPLICA, "articles") is False


class TestAReplicaDown:
    @pytest.fixture
    def broken_replica(self, settings, clock):
        _route_to_replicas(settings, DOWN)
        return DOWN

    def test_a_reader_gets_the_page_from_the_primary(
        self, client, broken_replica, story, no_page_cache, caplog
    ):
        """A replica that cannot be reached: the reader gets the page, from the primary,
        and the process leaves the replica alone for a while."""
        with CaptureQueriesContext(connections["default"]) as primary:
            response = client.get(story.get_absolute_url())

        assert response.status_code == 200
        assert story.headline in response.content.decode()
        assert len(primary) > 0
        assert "Replica replica_down is unreachable" in caplog.text
        assert routers.replica_choose() is None

        # The next request goes straight to the primary.
        assert client.get(story.get_absolute_url()).status_code == 200

    def test_the_replica_is_tried_again_later(self, broken_replica, monkeypatch):
        """After RETRY_AFTER_S the replica is chosen again."""
        routers.replica_mark_down(DOWN)
        assert routers.replica_choose() is None

        later = time.monotonic() + routers.RETRY_AFTER_S + 1
        monkeypatch.setattr(routers.time, "monotonic", lambda: later)

        assert routers.replica_choose() == DOWN


class TestWithoutReplicas:
    def test_everything_reads_from_the_primary(self, client, settings, clock, story):
        """No replicas configured: no router, the middleware is not used, no marker."""
        assert settings.DATABASE_ROUTERS == []
        with served() as queries:
            assert client.get(story.get_absolute_url()).status_code == 200
            response = client.post(reverse("logout"))

        assert queries.by == "primary"
        assert replicas.MARKER_COOKIE not in response.cookies

    def test_the_middleware_removes_itself(self, settings):
        """Without replicas, ReplicaMiddleware raises MiddlewareNotUsed: zero overhead."""
        settings.NEWSROOM_DB_REPLICAS = []

        with pytest.raises(MiddlewareNotUsed):
            replicas.ReplicaMiddleware(lambda request: None)


class TestReplicaSettings:
    PRIMARY = {
        "ENGINE": "django.db.backends.postgresql",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }

    def test_each_url_becomes_a_replica_alias(self):
        """Two URLs make replica_1 and replica_2, connected like the primary, test mirrors."""
        databases = replica_databases(
            [
                "postgres://reader@replica-a:5432/newsroom",
                "postgres://reader@replica-b:6432/newsroom?sslmode=require",
            ],
            self.PRIMARY,
        )

        assert list(databases) == ["replica_1", "replica_2"]
        first, second = databases["replica_1"], databases["replica_2"]
        assert (first["HOST"], first["PORT"], first["NAME"]) == ("replica-a", 5432, "newsroom")
        assert (second["HOST"], second["PORT"]) == ("replica-b", 6432)
        assert second["OPTIONS"] == {"sslmode": "require"}
        for config in (first, second):
            assert config["ENGINE"] == "django.db.backends.postgresql"
            assert config["CONN_MAX_AGE"] == 60
            assert config["CONN_HEALTH_CHECKS"] is True
            assert config["TEST"] == {"MIRROR": "default"}

    def test_no_urls_no_replicas(self):
        """Unset, DATABASE_REPLICA_URLS adds nothing."""
        assert replica_databases([], self.PRIMARY) == {}

    def test_a_replica_of_another_engine_is_refused(self):
        """A replica is a copy of the primary: another engine fails at startup."""
        with pytest.raises(ImproperlyConfigured, match="replica 1"):
            replica_databases(["sqlite:///elsewhere.sqlite3"], self.PRIMARY)

    def test_the_environment_makes_the_aliases_and_the_router(self):
        """DATABASE_REPLICA_URLS at startup: the aliases, their list and the router."""
        script = (
            "from newsroom import settings as s;"
            "print(sorted(s.DATABASES), s.NEWSROOM_DB_REPLICAS, s.DATABASE_ROUTERS,"
            " s.DATABASES['replica_2']['TEST'], s.NEWSROOM_READ_YOUR_WRITES_S)"
        )
        result = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
            [sys.executable, "-c", script],
            cwd=REPO_ROOT,
            env={
                "PATH": "/usr/bin:/bin",
                "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/newsroom",
                "DATABASE_REPLICA_URLS": (
                    "postgres://postgres@10.0.0.2:5432/newsroom, "
                    "postgres://postgres@10.0.0.3:5432/newsroom"
                ),
                "DJANGO_READ_YOUR_WRITES_S": "2.5",
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == (
            "['default', 'replica_1', 'replica_2'] ['replica_1', 'replica_2'] "
            "['newsroom.routers.ReplicaRouter'] {'MIRROR': 'default'} 2.5"
        )
