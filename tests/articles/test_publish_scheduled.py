"""``manage.py publish_scheduled`` and ``article_publish_due``: scheduled stories go live once."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article, ArticleEvent
from articles.services import article_publish_due
from tests.factories import ArticleFactory

Status = Article.Status


def scheduled(minutes: int, **kwargs) -> Article:
    """A scheduled story due ``minutes`` from now (negative: already due)."""
    return ArticleFactory(
        status=Status.SCHEDULED,
        scheduled_at=timezone.now() + timedelta(minutes=minutes),
        **kwargs,
    )


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("publish_scheduled", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
class TestPublishScheduled:
    def test_publishes_due_stories_at_their_scheduled_time(self):
        """A due story is published, dated its scheduled time, and logged as a scheduled
        publication by the system."""
        article = scheduled(-5)
        at = article.scheduled_at
        out, err = run()
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.first_published_at == at
        assert article.scheduled_at is None
        event = article.events.get()
        assert event.action == "article.publish.scheduled"
        assert event.actor is None
        assert (event.from_status, event.to_status) == (Status.SCHEDULED, Status.PUBLISHED)
        assert list(Article.objects.published()) == [article]
        assert out == f"Published {article.slug}\n"
        assert err == ""

    def test_leaves_future_stories_scheduled(self):
        """A story scheduled for later is left alone."""
        article = scheduled(30)
        out, _err = run()
        article.refresh_from_db()
        assert article.status == Status.SCHEDULED
        assert not article.events.exists()
        assert out == ""

    def test_a_second_run_publishes_nothing(self):
        """Running twice (cron overlap) publishes each story once."""
        due = [scheduled(-10), scheduled(-1)]
        first, _ = run()
        second, _ = run()
        assert first.splitlines() == [f"Published {a.slug}" for a in due]
        assert second == ""
        assert ArticleEvent.objects.filter(action="article.publish.scheduled").count() == 2

    def test_a_story_that_cannot_be_published_is_reported_and_the_rest_go_out(self):
        """A due story that lost its byline is reported on stderr, goes back to approved with
        the reason logged and kept for the dashboard, and does not stop the others."""
        broken = scheduled(-10, bylines=0)
        fine = scheduled(-5)
        out, err = run()
        broken.refresh_from_db()
        fine.refresh_from_db()
        assert broken.status == Status.APPROVED
        assert broken.held_reason == "It needs at least one byline."
        event = broken.events.get()
        assert event.action == "article.publish.held"
        assert event.actor is None
        assert "It needs at least one byline." in event.message
        assert fine.status == Status.PUBLISHED
        assert out == f"Published {fine.slug}\n"
        assert err == (
            f"Could not publish {broken.slug}: It needs at least one byline. "
            "Held back as approved.\n"
        )

    def test_loop_checks_again_after_sleeping(self, monkeypatch):
        """With --loop the command sleeps between checks and publishes what became due."""
        first = scheduled(-1)
        later: list[Article] = []
        sleeps: list[int] = []

        def fake_sleep(seconds):
            sleeps.append(seconds)
            later.append(scheduled(-1))

        monkeypatch.setattr("time.sleep", fake_sleep)
        out, _err = run("--loop", "1", "--iterations", "2")
        assert sleeps == [1]
        assert out.splitlines() == [f"Published {first.slug}", f"Published {later[0].slug}"]
        assert Article.objects.filter(status=Status.PUBLISHED).count() == 2


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SKIP LOCKED)"
)
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_publish_each_story_exactly_once():
    """Two publish_scheduled runs at the same moment share the due stories: each is published
    by exactly one of them."""
    due = [scheduled(-n) for n in range(1, 11)]
    barrier = threading.Barrier(2)
    results: dict[int, list[int]] = {}
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            published, failures = article_publish_due()
            assert failures == []
            results[n] = [a.pk for a in published]
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert set(results) == {0, 1}

    assert not set(results[0]) & set(results[1])
    assert sorted(results[0] + results[1]) == sorted(a.pk for a in due)
    for article in due:
        assert article.events.filter(action="article.publish.scheduled").count() == 1
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
