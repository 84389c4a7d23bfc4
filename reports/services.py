"""The only code that writes error reports: a reader sends one, an editor dismisses it or
turns it into a correction, the published correction resolves it and thanks the reader."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from articles import body
from articles.exceptions import EditorialPermissionDenied, InvalidTransition
from articles.models import Article, ArticleEvent, CorrectionNote
from articles.services.base import _event
from articles.visibility import reader_outcome
from newsroom import jobs
from reports import spam
from reports.models import PARAGRAPH_TEXT_MAX_LENGTH, ErrorReport

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

log = logging.getLogger("newsroom.reports")

Status = ErrorReport.Status

#: Who handles reports: whoever may correct a live story.
HANDLE_PERMISSION = "articles.correct_article"

#: The audit actions that publish a correction note (``articles.signals.article_changed``).
NOTE_ACTIONS = frozenset({"article.correct", "correction.create"})


def can_handle(user: AbstractBaseUser | None) -> bool:
    """Whether ``user`` may read the queue and act on reports (None is the system)."""
    return user is None or user.has_perm(HANDLE_PERMISSION)


def _require(actor: AbstractBaseUser | None) -> None:
    if not can_handle(actor):
        raise EditorialPermissionDenied(
            f"You do not have permission to handle error reports ({HANDLE_PERMISSION})."
        )


def reportable(article: Article) -> bool:
    """Whether readers may report errors in ``article`` now: it is live and can still be
    corrected (not retracted, not taken down, not yet out)."""
    outcome = reader_outcome(article)
    return outcome.readable and not outcome.retracted and article.is_published


def paragraph_choices(article: Article) -> dict[int, str]:
    """Paragraph number -> its plain text, as readers count them now."""
    return body.paragraph_texts(article.blocks.all())


@transaction.atomic
def report_create(
    *,
    article: Article,
    paragraph: int | None,
    text: str,
    email: str = "",
    client: str = "",
) -> ErrorReport:
    """Record a reader's report on a live story and return it.

    The same text (case and spacing aside) for the same story within
    ``spam.RULES.duplicate_window`` is not stored again: the earlier report is returned, so
    the reader sees the same thanks. ``client`` is the client's address; only a keyed digest
    of it is kept.
    """
    if not reportable(article):
        raise InvalidTransition("Errors are reported only in stories readers can read.")
    text = text.strip()
    paragraphs = paragraph_choices(article)
    if paragraph is not None and paragraph not in paragraphs:
        raise ValidationError({"paragraph": "This story has no such paragraph."})
    now = timezone.now()
    fingerprint = spam.fingerprint(text)
    earlier = (
        ErrorReport.objects.filter(
            article=article,
            fingerprint=fingerprint,
            created_at__gte=now - spam.RULES.duplicate_window,
        )
        .order_by()
        .first()
    )
    if earlier is not None:
        return earlier
    report = ErrorReport(
        article=article,
        paragraph=paragraph,
        paragraph_text=paragraphs.get(paragraph, "")[:PARAGRAPH_TEXT_MAX_LENGTH],
        text=text,
        email=email.strip(),
        created_at=now,
        fingerprint=fingerprint,
        client=spam.client_digest(client),
    )
    report.full_clean()
    report.save()
    return report


def _locked(report: ErrorReport) -> ErrorReport:
    return ErrorReport.objects.select_for_update().select_related("article").get(pk=report.pk)


@transaction.atomic
def report_dismiss(*, report: ErrorReport, actor: AbstractBaseUser, reason: str) -> ErrorReport:
    """Close a report without a correction; the reason is kept and logged on the story."""
    _require(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the report is dismissed."})
    report = _locked(report)
    if not report.can_transition_to(Status.DISMISSED):
        raise InvalidTransition(f"A report that is {report.get_status_display().lower()} stays so.")
    report.status = Status.DISMISSED
    report.dismissed_reason = reason
    report.handled_by = actor
    report.handled_at = timezone.now()
    report.save(update_fields=["status", "dismissed_reason", "handled_by", "handled_at"])
    _event(
        article=report.article,
        action="report.dismiss",
        actor=actor,
        message=reason,
        public=False,
        data={"report": report.pk, "reason": reason},
    )
    return report


@transaction.atomic
def report_accept(*, report: ErrorReport, actor: AbstractBaseUser) -> ErrorReport:
    """Turn a report into a correction in the making: it is being corrected until a
    correction note is published on the story (``reports_resolve_for_note``). Accepting
    one that is already being corrected changes nothing."""
    _require(actor)
    report = _locked(report)
    if report.status == Status.ACCEPTED:
        return report
    if not report.can_transition_to(Status.ACCEPTED):
        raise InvalidTransition(f"A report that is {report.get_status_display().lower()} stays so.")
    if not report.article.is_published:
        raise InvalidTransition("Only a published story is corrected.")
    report.status = Status.ACCEPTED
    report.handled_by = actor
    report.handled_at = timezone.now()
    report.save(update_fields=["status", "handled_by", "handled_at"])
    _event(
        article=report.article,
        action="report.accept",
        actor=actor,
        public=False,
        data={"report": report.pk, "paragraph": report.paragraph},
    )
    return report


@transaction.atomic
def reports_resolve_for_note(*, note: CorrectionNote) -> list[ErrorReport]:
    """Mark the story's reports being corrected as corrected by ``note`` (a published
    correction), and thank each reader who left an address, once (``report_thank``, a job).

    Idempotent: reports already resolved are left alone. A pending, withdrawn or retraction
    note resolves nothing.
    """
    if (
        note.published_at is None
        or note.withdrawn_at is not None
        or note.kind == CorrectionNote.Kind.RETRACTION
    ):
        return []
    reports = list(
        ErrorReport.objects.select_for_update().filter(
            article_id=note.article_id, status=Status.ACCEPTED
        )
    )
    if not reports:
        return []
    for report in reports:
        report.status = Status.CORRECTED
        report.note = note
        report.save(update_fields=["status", "note"])
    _event(
        article=note.article,
        action="report.resolve",
        actor=None,
        public=False,
        data={"reports": [r.pk for r in reports], "note": note.pk},
    )
    from reports import tasks

    for report in reports:
        if report.email and report.thanked_at is None:
            jobs.enqueue(tasks.thank_reporter, report.pk)
    return reports


def resolve_on_change(sender, *, article_id: int, action: str = "", **kwargs) -> None:
    """``article_changed`` receiver (after commit): a published correction note resolves
    the story's reports being corrected. Never fails the editor's action."""
    if action not in NOTE_ACTIONS:
        return
    try:
        event_id = kwargs.get("event_id")
        events = ArticleEvent.objects.filter(article_id=article_id, action=action)
        event = (
            events.filter(pk=event_id).first()
            if event_id is not None
            else events.order_by("-pk").first()
        )
        note_id = (event.data or {}).get("note") if event is not None else None
        note = CorrectionNote.objects.filter(pk=note_id).select_related("article").first()
        if note is not None:
            reports_resolve_for_note(note=note)
    except Exception:
        log.exception("Could not resolve the error reports of article %s", article_id)


def report_thank(*, report_id: int) -> bool:
    """Mail the reader that the correction they asked for is published; whether a mail
    went out. At most once per report (``thanked_at``): safe to run twice."""
    with transaction.atomic():
        report = (
            # Only the report's row: its note is on the nullable side of the join.
            ErrorReport.objects.select_for_update(of=("self",))
            .select_related("article", "note")
            .filter(pk=report_id, status=Status.CORRECTED, thanked_at__isnull=True)
            .exclude(email="")
            .first()
        )
        if report is None:
            return False
        context = {
            "report": report,
            "article": report.article,
            "note": report.note,
            "site_name": settings.SITE_NAME,
            "story_url": settings.NEWSROOM_SITE_URL + report.article.get_absolute_url(),
        }
        subject = render_to_string("reports/mail/thanks_subject.txt", context).strip()
        message = render_to_string("reports/mail/thanks.txt", context)
        # A failure raises and rolls back: thanked_at stays empty and the job can run again.
        send_mail(subject, message, None, [report.email])
        report.thanked_at = timezone.now()
        report.save(update_fields=["thanked_at"])
    return True
