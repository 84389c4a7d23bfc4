"""The inbox forgets what nobody will look for again: notifications read more than 90 days
ago and any older than a year, once a day; never the story's audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import ArticleEvent
from notifications import services
from notifications.models import Notification
from tests.factories import PublishedArticleFactory

pytestmark = pytest.mark.django_db


def told(user, article, *, days_old: int, read_days_ago: int | None = None) -> Notification:
    now = timezone.now()
    event = ArticleEvent.objects.create(article=article, action="article.publish")
    return Notification.objects.create(
        recipient=user,
        kind="published",
        article=article,
        event=event,
        created_at=now - timedelta(days=days_old),
        read_at=None if read_days_ago is None else now - timedelta(days=read_days_ago),
    )


def test_read_long_ago_or_very_old_is_forgotten(reporter, editor):
    article = PublishedArticleFactory()
    kept = [
        told(reporter, article, days_old=5),  # new, unread
        told(reporter, article, days_old=200, read_days_ago=30),  # read lately
        told(editor, article, days_old=300),  # old but unread: not a year yet
    ]
    gone = [
        told(reporter, article, days_old=120, read_days_ago=91),
        told(editor, article, days_old=400),  # unread, but over a year old
    ]

    assert services.notifications_prune() == 2

    assert set(Notification.objects.values_list("pk", flat=True)) == {n.pk for n in kept}
    # The audit trail is the history; the inbox is only where people were told of it.
    assert ArticleEvent.objects.filter(pk__in=[n.event_id for n in gone]).count() == 2


def test_the_windows_are_settings(settings, reporter):
    settings.NEWSROOM_NOTIFICATIONS_KEEP_READ_DAYS = 7
    article = PublishedArticleFactory()
    told(reporter, article, days_old=10, read_days_ago=8)

    assert services.notifications_prune() == 1


def test_it_deletes_in_batches(monkeypatch, reporter):
    """More old rows than a batch: all go, a batch per statement."""
    monkeypatch.setattr(services, "PRUNE_BATCH", 2)
    article = PublishedArticleFactory()
    for _ in range(5):
        told(reporter, article, days_old=400)

    assert services.notifications_prune() == 5
    assert not Notification.objects.exists()


def test_it_is_a_daily_periodic_job(settings, reporter):
    """Celery beat runs it once a day; without a broker, ``run_periodic`` from cron."""
    entry = settings.CELERY_BEAT_SCHEDULE["notification-prune"]
    assert entry["task"] == "notifications.tasks.prune"
    assert entry["schedule"] == 24 * 60 * 60
    told(reporter, PublishedArticleFactory(), days_old=400)

    call_command("run_periodic", "--only", "notification-prune")

    assert not Notification.objects.exists()
