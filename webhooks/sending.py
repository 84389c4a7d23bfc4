"""Sending a delivery: claim it, sign it, POST it, record the attempt, schedule the next.

Safe concurrently and when sent twice: a worker first claims the delivery with one
conditional UPDATE (pending, due, and nobody's claim standing), so two workers, a retry and
the sweep never send it at once; the claim lapses (``claim_seconds``) if the worker dies, and
the sweep picks the delivery up again.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from webhooks import targets
from webhooks.models import Attempt, Delivery

log = logging.getLogger("newsroom.webhooks")

USER_AGENT = "Newsroom-Webhooks/1"
#: The first retry waits about this long; each next one twice as long, up to ``RETRY_CAP_S``.
RETRY_BASE_S = 30.0
RETRY_CAP_S = 3600.0
ERROR_CHARS = 500
EXCERPT_CHARS = 1000

Status = Delivery.Status


def signature(secret: str, body: bytes) -> str:
    """The X-Newsroom-Signature header's value: ``sha256=`` and the hex HMAC of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_delay(attempts: int) -> float:
    """Seconds before the attempt after the ``attempts``-th: 30 s, 60 s, 120 s ... up to an
    hour, each give or take a fifth so that a subscriber back from an outage is not hit by
    every retry at once."""
    delay = min(RETRY_CAP_S, RETRY_BASE_S * 2 ** (attempts - 1))
    return min(RETRY_CAP_S, delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not crypto


def claim_seconds() -> float:
    """How long a claim stands: longer than any attempt takes (``targets.post``)."""
    return max(60.0, 4 * settings.NEWSROOM_WEBHOOKS_TIMEOUT_S)


def unclaimed(now) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)


def claimable(now) -> Q:
    """Pending, due, and nobody's claim standing.

    NOTE: only conditions on the delivery's own row. PostgreSQL re-checks those on the row a
    concurrent claim just committed, and the second claim then updates nothing; a condition
    through a join (the subscriber's ``active``) would be evaluated once, on the snapshot,
    and let both claims through.
    """
    return unclaimed(now) & Q(status=Status.PENDING, next_attempt_at__lte=now)


def due(now=None):
    """Deliveries a worker may take now, to active subscribers (for the sweep)."""
    now = now or timezone.now()
    return Delivery.objects.filter(claimable(now), subscriber__active=True)


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None
    error: str
    excerpt: str
    duration_ms: int


def _attempt(delivery: Delivery) -> Outcome:
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Newsroom-Event": delivery.kind,
        "X-Newsroom-Delivery": str(delivery.pk),
        "X-Newsroom-Signature": signature(delivery.subscriber.secret, body),
    }
    started = time.monotonic()
    status, error, excerpt = None, "", ""
    try:
        target = targets.resolve(delivery.subscriber.url)
        answer = targets.post(target, body, headers, timeout=settings.NEWSROOM_WEBHOOKS_TIMEOUT_S)
    except targets.RefusedTarget as exc:
        error = f"Refused: {exc}"
    except Exception as exc:  # OSError, timeouts, http.client errors, TLS
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    else:
        status, excerpt = answer.status, answer.excerpt
        if 300 <= status < 400:
            error = f"Redirect to {answer.location or '(no Location)'} not followed."
        elif not 200 <= status < 300:
            error = f"HTTP {status}"
    return Outcome(
        delivered=status is not None and 200 <= status < 300,
        status_code=status,
        error=error[:ERROR_CHARS],
        excerpt=excerpt[:EXCERPT_CHARS],
        duration_ms=round((time.monotonic() - started) * 1000),
    )


def deliver(delivery_id: str) -> str:
    """Make one attempt at the delivery, if it is pending, due and nobody else's; returns
    what happened (for the job's log): delivered, retry, failed or skipped."""
    now = timezone.now()
    lease = now + timedelta(seconds=claim_seconds())
    if not Delivery.objects.filter(claimable(now), pk=delivery_id).update(claimed_until=lease):
        return "skipped"
    delivery = Delivery.objects.select_related("subscriber").get(pk=delivery_id)
    if not delivery.subscriber.active:
        # Paused: it waits, due, for the subscriber to be active again.
        Delivery.objects.filter(pk=delivery.pk, claimed_until=lease).update(claimed_until=None)
        return "skipped"
    outcome = _attempt(delivery)
    finished = timezone.now()
    attempts = delivery.attempts + 1
    Attempt.objects.create(
        delivery=delivery,
        at=finished,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status_code,
        error=outcome.error,
        response_excerpt=outcome.excerpt,
    )
    changes: dict = {"attempts": F("attempts") + 1, "claimed_until": None}
    delay = None
    if outcome.delivered:
        changes.update(status=Status.DELIVERED, delivered_at=finished)
        result = "delivered"
    elif attempts >= settings.NEWSROOM_WEBHOOKS_MAX_ATTEMPTS:
        changes["status"] = Status.FAILED
        result = "failed"
        log.warning(
            "Gave up on webhook delivery %s to %s after %d attempts: %s",
            delivery.pk,
            delivery.subscriber,
            attempts,
            outcome.error,
        )
    else:
        delay = retry_delay(attempts)
        changes["next_attempt_at"] = finished + timedelta(seconds=delay)
        result = "retry"
    # Only while the claim is ours: a replay in between has already made it due again.
    Delivery.objects.filter(pk=delivery.pk, claimed_until=lease).update(**changes)
    if delay is not None:
        _schedule_retry(delivery.pk, delay)
    return result


def _schedule_retry(delivery_id, delay: float) -> None:
    from newsroom import jobs
    from webhooks.tasks import deliver as deliver_task

    # Without a broker nothing can wait for the time: the periodic sweep sends it when due.
    if not jobs.is_eager():
        jobs.send(deliver_task, (str(delivery_id),), countdown=delay)


def sweep(*, limit: int = 100) -> int:
    """Hand every due delivery (at most ``limit``, the longest waiting first) to a worker;
    while the broker is down, send them here (the sweep runs in the background). Returns
    how many it handed on."""
    from newsroom import jobs
    from webhooks.tasks import deliver as deliver_task

    ids = list(due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for delivery_id in ids:
        if jobs.is_eager() or not jobs.send(deliver_task, (str(delivery_id),)):
            deliver(str(delivery_id))
    return len(ids)
