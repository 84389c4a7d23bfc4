"""What readers tell the desk is wrong with a story, and what the desk did about it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models import Article, CorrectionNote

#: The longest report a reader may send (characters), and the shortest worth reading.
TEXT_MAX_LENGTH = 2000
TEXT_MIN_LENGTH = 10
#: How much of the paragraph the reader pointed at is kept with the report.
PARAGRAPH_TEXT_MAX_LENGTH = 2000


class ErrorReportQuerySet(models.QuerySet):
    def for_queue(self, status: str) -> ErrorReportQuerySet:
        """The desk queue for one status, newest first (``queue`` index), with the story."""
        return self.filter(status=status).select_related("article", "handled_by", "note")

    def waiting(self) -> ErrorReportQuerySet:
        """Reports nobody has handled yet."""
        return self.filter(status=ErrorReport.Status.OPEN)


class ErrorReport(models.Model):
    """One reader's report of an error in a story (or in one of its paragraphs).

    Written only by ``reports.services``: a reader creates it, an editor dismisses it with a
    reason or turns it into a correction, and publishing the correction resolves it.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Being corrected"
        DISMISSED = "dismissed", "Dismissed"
        CORRECTED = "corrected", "Corrected"

    # The moves a report can make, and nothing else (``can_transition_to``).
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.OPEN: frozenset({Status.ACCEPTED, Status.DISMISSED}),
        Status.ACCEPTED: frozenset({Status.CORRECTED, Status.DISMISSED}),
        Status.DISMISSED: frozenset(),
        Status.CORRECTED: frozenset(),
    }

    # PROTECT: a reader's report must never vanish because a story was deleted.
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="error_reports")
    paragraph = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="As readers counted then; empty: the headline or whole story.",
    )
    # Paragraph numbers move when a correction adds or removes one: keep what the reader saw.
    paragraph_text = models.TextField(blank=True, max_length=PARAGRAPH_TEXT_MAX_LENGTH)
    text = models.TextField("what is wrong", max_length=TEXT_MAX_LENGTH)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    dismissed_reason = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.ForeignKey(
        CorrectionNote,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="error_reports",
        help_text="The published correction that resolved it.",
    )
    thanked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # For duplicate suppression: a digest of the text as compared (``spam.fingerprint``).
    fingerprint = models.CharField(max_length=64, editable=False)
    # A keyed digest of the client's address (``spam.client_digest``), never the address:
    # enough to see that many reports came from one place, nothing to locate anyone with.
    client = models.CharField(max_length=64, blank=True, editable=False)

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The desk queue: one status, newest first (and the open count).
            models.Index(fields=["status", "-created_at", "-id"], name="report_queue"),
            # Duplicate suppression: the same text for the same story lately.
            models.Index(fields=["article", "fingerprint", "created_at"], name="report_duplicate"),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} on {self.article_id} ({self.get_status_display()})"

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def where(self) -> str:
        """What the report concerns, as readers count it."""
        return f"Paragraph {self.paragraph}" if self.paragraph else "The headline or whole story"
