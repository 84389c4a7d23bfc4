"""The desk's writes to a person's own notifications: reading them and choosing how each
kind arrives. Nobody reads or changes anyone else's (``Notification.objects.for_user``)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications import kinds
from notifications.models import Notification, Preference

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def notification_mark_read(*, user: AbstractBaseUser, notification: Notification) -> Notification:
    """Mark one of ``user``'s notifications read (a read one stays as it was read)."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist("Not this user's notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.for_user(user).filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user: AbstractBaseUser) -> int:
    """Mark every unread notification of ``user`` read; returns how many."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def delivery_for(user: AbstractBaseUser) -> dict[str, str]:
    """Each kind's delivery for ``user``: their choice, else the kind's default."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind.key: chosen.get(kind.key, kind.default_delivery) for kind in kinds.KINDS}


@transaction.atomic
def preferences_save(*, user: AbstractBaseUser, deliveries: dict[str, str]) -> None:
    """Store ``user``'s delivery for each kind in ``deliveries`` (kind key -> ``EMAIL`` or
    ``DESK``), in one transaction."""
    valid = {value for value, _ in kinds.DELIVERY_CHOICES}
    for key, delivery in deliveries.items():
        if key not in kinds.BY_KEY or delivery not in valid:
            raise ValueError(f"Unknown notification kind or delivery: {key!r}, {delivery!r}")
    for key, delivery in deliveries.items():
        Preference.objects.update_or_create(user=user, kind=key, defaults={"delivery": delivery})


#: Rows deleted per statement: a long prune never holds a long lock.
PRUNE_BATCH = 1000


def notifications_prune(*, now=None) -> int:
    """Forget what nobody will look for again (periodic, ``notification-prune``): a
    notification read more than ``NEWSROOM_NOTIFICATIONS_KEEP_READ_DAYS`` ago, and any
    older than ``NEWSROOM_NOTIFICATIONS_KEEP_DAYS``, read or not. The story's audit trail
    keeps what happened; this is only the inbox. Deleted in batches; returns how many."""
    now = now or timezone.now()
    old = Q(read_at__lt=now - timedelta(days=settings.NEWSROOM_NOTIFICATIONS_KEEP_READ_DAYS))
    old |= Q(created_at__lt=now - timedelta(days=settings.NEWSROOM_NOTIFICATIONS_KEEP_DAYS))
    deleted = 0
    while True:
        batch = list(Notification.objects.filter(old).values_list("pk", flat=True)[:PRUNE_BATCH])
        if not batch:
            return deleted
        deleted += Notification.objects.filter(pk__in=batch).delete()[0]
