"""The webhooks' background jobs (``newsroom.jobs``). Each is idempotent."""

from __future__ import annotations

from celery import shared_task

from newsroom import jobs


# LATER: never make a subscriber's network part of an editor's request; while the broker
# is down the delivery waits, pending and due, for the sweep.
@shared_task(name="webhooks.tasks.deliver", when_broker_down=jobs.LATER)
def deliver(delivery_id: str) -> str:
    """One attempt at a delivery (nothing when it is not due, or another worker has it)."""
    from webhooks import sending

    return sending.deliver(delivery_id)


@shared_task(name="webhooks.tasks.sweep")
def sweep() -> int:
    """Send the due deliveries: retries, and those left while the broker was down
    (periodic)."""
    from webhooks import sending

    return sending.sweep()
