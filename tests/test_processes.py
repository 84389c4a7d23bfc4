"""Invalidation reaches every process on the embedded default (no Redis): two gunicorn
servers with their own in-memory page caches, and management commands run beside them,
share the content generation through the file cache (issue 9)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _has_control_socket() -> bool:
    """gunicorn 24 opens a control socket at one fixed path; two servers must not share it."""
    help_text = subprocess.run(  # noqa: S603
        [str(GUNICORN), "--help"], capture_output=True, text=True, check=False
    ).stdout
    return "--no-control-socket" in help_text


class Site:
    """A throwaway SQLite site: its database, shared cache folder and environment."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        clean = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
        }
        self.env = {
            **clean,
            "DATABASE_URL": f"sqlite:///{tmp / 'site.sqlite3'}",
            "DJANGO_SHARED_CACHE_DIR": str(tmp / "shared-cache"),
            "DJANGO_MEDIA_ROOT": str(tmp / "media"),
            "DJANGO_DEBUG": "1",
        }
        self.servers: list[subprocess.Popen] = []

    def manage(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code)

    def serve(self) -> int:
        port = _free_port()
        proc = subprocess.Popen(  # noqa: S603
            [
                str(GUNICORN),
                "--workers=1",
                f"--bind=127.0.0.1:{port}",
                *(["--no-control-socket"] if _has_control_socket() else []),
                "newsroom.wsgi",
            ],
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.servers.append(proc)
        for _ in range(200):
            try:
                self.get(port, "/robots.txt")
                return port
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("gunicorn did not start")

    @staticmethod
    def get(port: int, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.read().decode()

    def stop(self) -> None:
        for proc in self.servers:
            proc.terminate()
        for proc in self.servers:
            proc.wait(timeout=10)


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    site.manage("migrate", "--noinput")
    site.manage("load_demo")
    yield site
    site.stop()
    shutil.rmtree(tmp_path / "shared-cache", ignore_errors=True)


CORRECT = """
from articles import services
from articles.models import Article
from articles.services import CorrectionChoice, NoteData
from tests.factories import article_changes
a = Article.objects.get(slug={slug!r})
services.article_correct(
    article=a, actor=None, changes=article_changes(a, headline={headline!r}),
    base_revision=services.latest_revision_number(a),
    choice=CorrectionChoice(note=NoteData(kind="correction", text="The headline was wrong.")),
)
"""

SCHEDULE = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Section
from tests.factories import ArticleFactory
ArticleFactory(
    headline={headline!r}, section=Section.objects.first(),
    status=Article.Status.SCHEDULED, scheduled_at=timezone.now() - timedelta(minutes=1),
)
"""


def test_a_change_in_one_process_is_seen_by_every_server_on_the_next_request(site):
    first, second = site.serve(), site.serve()
    slug = site.shell(
        "from articles.models import Article; "
        "print(Article.objects.published().latest_first().first().slug)"
    ).strip()
    page = f"/articles/{slug}/"
    for port in (first, second):  # both store the home page and the story
        for _ in range(2):
            site.get(port, "/")
            site.get(port, page)

    site.shell(CORRECT.format(slug=slug, headline="A corrected headline, seen by all"))
    for port in (first, second):
        assert "A corrected headline, seen by all" in site.get(port, page)
        assert "A corrected headline, seen by all" in site.get(port, "/")

    site.shell(SCHEDULE.format(headline="Published by the scheduler in its own process"))
    assert "Published by the scheduler" not in site.get(first, "/")
    assert "Published" in site.manage("publish_scheduled")
    for port in (first, second):
        assert "Published by the scheduler in its own process" in site.get(port, "/")
