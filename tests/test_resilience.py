"""The cache is an optimisation that never takes the site down (issue 9), tried against a
real Redis this test starts on a free loopback port and stops, or freezes, mid-test."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.test.utils import override_settings

from articles import caching, services
from articles.models import Article
from tests.factories import ArticleFactory, PublishedArticleFactory
from tests.helpers import edit_url

pytestmark = pytest.mark.django_db

REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A throwaway redis-server on loopback that keeps nothing on disk."""

    def __init__(self, tmp_path) -> None:
        self.port = _free_port()
        self.dir = tmp_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def freeze(self) -> None:
        """Stop answering without closing connections: a Redis that hangs."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)


@pytest.fixture
def own_redis(tmp_path, settings):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    backend = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": server.url,
        "KEY_PREFIX": f"t{uuid.uuid4().hex[:8]}",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
        },
    }
    with override_settings(CACHES={**settings.CACHES, "default": backend, "shared": backend}):
        caching._pending_bump.clear()
        caching._down_until = 0.0
        yield server
        server.stop()
    caching._pending_bump.clear()
    caching._down_until = 0.0


@pytest.fixture
def quick_retry(monkeypatch):
    """Retry the cache at once after a failure (the site waits RETRY_AFTER_S in production)."""
    monkeypatch.setattr(caching, "RETRY_AFTER_S", 0.0)


def _publish(editor, headline: str, django_capture_on_commit_callbacks) -> Article:
    article = ArticleFactory(status=Article.Status.APPROVED, headline=headline)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.article_publish(article=article, actor=editor)
    assert result.status == Article.Status.PUBLISHED  # the write reports success
    return article


def test_reader_and_desk_pages_survive_redis_going_away(
    own_redis, client, editor, django_capture_on_commit_callbacks, quick_retry
):
    """Redis stopped: anonymous and signed-in pages answer 200, a publish succeeds, and
    readers see the story (rendered uncached) at once and after Redis is back."""
    story = PublishedArticleFactory(headline="Council passes budget")
    reader = Client()
    pages = ["/", story.get_absolute_url(), "/corrections/", "/search/?q=council"]
    for url in pages:
        assert reader.get(url).status_code == 200
    assert "Council passes budget" in reader.get("/").content.decode()

    own_redis.stop()
    for url in pages:
        assert reader.get(url).status_code == 200, url
    client.force_login(editor)
    for url in ["/", "/corrections/", "/desk/", edit_url(story)]:
        assert client.get(url).status_code == 200, url
    _publish(editor, "Bridge reopens after repairs", django_capture_on_commit_callbacks)
    assert "Bridge reopens after repairs" in reader.get("/").content.decode()

    own_redis.start()
    home = reader.get("/")
    assert home.status_code == 200
    assert "Bridge reopens after repairs" in home.content.decode()
    assert reader.get("/").status_code == 200  # and stored again


def test_a_publish_while_redis_hangs_is_not_hidden_behind_old_pages(
    own_redis, editor, django_capture_on_commit_callbacks, quick_retry
):
    """Redis freezes (its data survives): the publish bumps nothing, so the old home page is
    still stored when Redis thaws; the bump is retried and readers see the new story."""
    PublishedArticleFactory(headline="Council passes budget")
    reader = Client()
    reader.get("/")
    assert reader.get("/")["Last-Modified"]  # stored

    own_redis.freeze()
    started = time.monotonic()
    _publish(editor, "Bridge reopens after repairs", django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 5  # timeouts, not a hang
    assert reader.get("/").status_code == 200

    own_redis.thaw()
    assert "Bridge reopens after repairs" in reader.get("/").content.decode()


def test_an_outage_is_logged_once(own_redis, caplog, quick_retry):
    """Fifty requests during an outage leave one warning, not fifty tracebacks."""
    PublishedArticleFactory()
    for f in logging.getLogger("newsroom.cache").filters:
        f._last_failure = float("-inf")
    reader = Client()
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
        for _ in range(50):
            assert reader.get("/").status_code == 200
    records = [r for r in caplog.records if r.name == "newsroom.cache"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert records[0].exc_info is None


def test_the_shared_cache_is_the_one_django_redis_guards(own_redis):
    assert caches["shared"].get("missing") is None
    own_redis.stop()
    caches["shared"].set("k", 1)  # ignored, not raised
    assert caches["shared"].get("k") is None


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_tells_the_page_cache_once_it_is_back(own_redis, monkeypatch):
    """A scheduled publish during an outage is retried by the command before it exits
    (real commits here, as in production, so the bump runs inside the command)."""
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    PublishedArticleFactory(headline="Council passes budget")
    reader = Client()
    reader.get("/")
    ArticleFactory(
        headline="Published by the scheduler",
        status=Article.Status.SCHEDULED,
        scheduled_at=timezone.now() - timedelta(minutes=1),
    )
    own_redis.freeze()
    sleeps = []
    monkeypatch.setattr("time.sleep", lambda s: (sleeps.append(s), own_redis.thaw()))
    err = StringIO()
    call_command("publish_scheduled", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""
    assert sleeps  # it waited and tried again
    assert "Published by the scheduler" in reader.get("/").content.decode()
