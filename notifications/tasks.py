"""The notifications' background jobs (``newsroom.jobs``). Each is idempotent."""

from __future__ import annotations

from celery import shared_task

from newsroom import jobs


# LATER: a mail server is never part of an editor's request; while the broker is down the
# mail waits, due on its row, for the sweep.
@shared_task(name="notifications.tasks.send_mail", when_broker_down=jobs.LATER)
def send_mail(notification_id: int) -> bool:
    """Send one notification's mail, if it is still due."""
    from notifications import mail

    return mail.send(notification_id)


@shared_task(name="notifications.tasks.sweep")
def sweep() -> int:
    """Send the notification mails still due (periodic)."""
    from notifications import mail

    return mail.sweep()


@shared_task(name="notifications.tasks.prune")
def prune() -> int:
    """Delete notifications read long ago, or very old (periodic, daily)."""
    from notifications import services

    return services.notifications_prune()
