"""The mail a notification sends when its recipient asked for mail: plain text, one per
notification, sent by a background job (``notifications.tasks``) and at most once."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import CorrectionNote
from notifications.models import Notification
from webhooks.events import site_url

log = logging.getLogger("newsroom.notifications")

#: The sweep retries a mail that failed (or waited for a broker that was down) for this
#: long after the notification; after that the desk inbox alone has it.
RETRY_FOR = timedelta(days=1)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def compose(notification: Notification) -> EmailMessage:
    """The mail for ``notification`` (which has its article, actor and event loaded)."""
    kind = notification.spec
    headline = _one_line(notification.article.headline)
    note = ""
    event = notification.event
    if event is not None and event.data.get("note") and event.action == "article.correct":
        note = (
            CorrectionNote.objects.filter(pk=event.data["note"]).values_list("text", flat=True)
        ).first() or ""
    body = render_to_string(
        "notifications/email.txt",
        {
            "notification": notification,
            "summary": kind.summary(actor=notification.actor_name, headline=headline),
            "comment": notification.comment,
            "note": note,
            "story_url": site_url(notification.get_article_url()),
            "settings_url": site_url(reverse("editors:notification_settings")),
            "site_name": settings.SITE_NAME,
        },
    )
    return EmailMessage(
        subject=f"[{settings.SITE_NAME}] {kind.label}: {headline}",
        body=body,
        to=[notification.recipient.email],
    )


def send(notification_id: int) -> bool:
    """Send the notification's mail if it is still due; True when it went.

    The row is locked while the mail goes, and marked sent in the same transaction: a job
    that runs twice (a retry, the sweep) sends it once. A failure to send rolls back, so the
    mail stays due for the sweep.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("article", "actor", "event", "recipient")
            .filter(pk=notification_id, email_wanted=True, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        if not notification.recipient.email or not notification.recipient.is_active:
            # They lost their address (or their account) since: the inbox has it.
            notification.email_wanted = False
            notification.save(update_fields=["email_wanted"])
            return False
        compose(notification).send(fail_silently=False)
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        return True


def due_ids(*, now=None) -> list[int]:
    """The notifications whose mail is still due and not too old to send."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(
            email_wanted=True, emailed_at__isnull=True, created_at__gte=now - RETRY_FOR
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def sweep() -> int:
    """Send the mails still due (periodic): those whose job failed, or waited while the
    broker was down. Returns how many went."""
    sent = 0
    for pk in due_ids():
        try:
            sent += send(pk)
        except Exception:
            log.exception("Notification mail %s failed; the sweep tries again", pk)
    return sent
