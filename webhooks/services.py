"""The webhooks' write path: the admin (and any other caller) changes subscribers and
replays deliveries only through these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from newsroom import jobs
from webhooks import sending
from webhooks.models import Delivery, Subscriber, new_secret

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class NotReplayable(Exception):
    """A worker is sending the delivery right now."""


@transaction.atomic
def subscriber_save(*, subscriber: Subscriber, actor: AbstractBaseUser | None) -> Subscriber:
    """Check (the URL through the SSRF guard, the kinds) and save a new or changed
    subscriber."""
    subscriber.full_clean()
    subscriber.save()
    return subscriber


@transaction.atomic
def subscriber_rotate_secret(
    *, subscriber: Subscriber, actor: AbstractBaseUser | None
) -> Subscriber:
    """Give the subscriber a new secret: every attempt from now on is signed with it,
    retries and replays of older deliveries too."""
    subscriber.secret = new_secret()
    subscriber.save(update_fields=["secret"])
    return subscriber


@transaction.atomic
def delivery_replay(*, delivery: Delivery, actor: AbstractBaseUser | None) -> Delivery:
    """Send the delivery again, now: the same body, signed with the subscriber's current
    secret, recorded as a new attempt. It becomes pending and due with a new round of
    attempts (its earlier attempts stay in the log), whatever it was: delivered, failed,
    or waiting for a retry. Raises ``NotReplayable`` while a worker is sending it."""
    now = timezone.now()
    changed = Delivery.objects.filter(sending.unclaimed(now), pk=delivery.pk).update(
        status=Delivery.Status.PENDING, next_attempt_at=now, attempts=0
    )
    if not changed:
        raise NotReplayable("It is being sent right now; try again in a minute.")
    jobs.enqueue(_deliver_task(), str(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def _deliver_task():
    from webhooks.tasks import deliver

    return deliver
