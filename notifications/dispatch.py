"""Turning an audit event into notifications: who is told, in one transaction, and the
mails queued after it (``notifications.tasks.send_mail``).

Runs from ``articles.signals.article_changed``, after the editor's change committed. It
must never fail or slow that change: an action no kind names costs nothing (no query), the
rest costs a few small queries, and mail goes to a background job.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from articles.models import ArticleEvent
from newsroom import jobs
from notifications import kinds
from notifications.models import Notification, Preference

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from articles.models import Article

log = logging.getLogger("newsroom.notifications")

#: The backend that answers "who holds this permission" (``UserManager.with_perm``); the
#: lockout backend in front of it keeps no permissions.
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def holders_of(perm: str) -> QuerySet:
    """The ids of the active users holding ``perm`` (through a group, directly, or as
    superusers)."""
    User = get_user_model()
    return User._default_manager.with_perm(perm, backend=PERMISSION_BACKEND).values("pk")


def recipients(kind: kinds.Kind, article: Article) -> QuerySet:
    """Everyone ``kind`` tells about ``article``: desk users only, each once."""
    User = get_user_model()
    audiences = Q()
    if kinds.EDITORS in kind.recipients:
        audiences |= Q(pk__in=holders_of(kinds.REVIEW_PERMISSION))
    if kinds.BYLINES in kind.recipients:
        audiences |= Q(author__bylines__article=article)
    return User._default_manager.filter(
        audiences, is_active=True, pk__in=holders_of("articles.use_desk")
    ).distinct()


def on_article_changed(*, action: str = "", event_id: int | None = None, **kwargs) -> None:
    """The ``article_changed`` receiver. Logs and swallows every failure: the change
    committed, and the signal's other listeners must still run."""
    kind = kinds.for_action(action)
    if kind is None or event_id is None:
        return
    try:
        notify(event_id=event_id)
    except Exception:
        log.exception("Could not notify anyone of event %s (%s)", event_id, action)


@transaction.atomic
def notify(*, event_id: int) -> list[int]:
    """Tell everyone the event's kind names, except whoever did it; returns the ids of the
    notifications that wait for a mail.

    Idempotent: a notification is unique per (event, recipient), so running it again for the
    same event writes nothing new (and queues only mails still unsent, which the mail job
    itself sends once).
    """
    event = ArticleEvent.objects.select_related("article").filter(pk=event_id).first()
    kind = kinds.for_action(event.action) if event is not None else None
    if kind is None:
        return []
    people = recipients(kind, event.article)
    if event.actor_id is not None:
        people = people.exclude(pk=event.actor_id)
    people = list(people.values_list("pk", "email"))
    if not people:
        return []
    chosen = dict(
        Preference.objects.filter(user__in=[pk for pk, _ in people], kind=kind.key).values_list(
            "user_id", "delivery"
        )
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind.key,
                article_id=event.article_id,
                event=event,
                actor_id=event.actor_id,
                created_at=event.created_at,
                email_wanted=bool(email) and chosen.get(pk, kind.default_delivery) == kinds.EMAIL,
            )
            for pk, email in people
        ],
        ignore_conflicts=True,
    )
    due = list(
        Notification.objects.filter(
            event=event, email_wanted=True, emailed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    from notifications import tasks

    for pk in due:
        jobs.enqueue(tasks.send_mail, pk)
    return due
