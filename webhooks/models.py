"""Subscribers, the deliveries owed to them and each attempt at one.

A ``Delivery`` is written in the transaction of the change it reports (an outbox): it
commits with the change or not at all, and holds the exact JSON that is signed and sent, so
a retry or a replay sends the same bytes.
"""

from __future__ import annotations

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article


class Kind(models.TextChoices):
    """What a delivery reports. The one list: the admin's checkboxes, the event mapping
    (``webhooks.events.ACTIONS``) and the ``X-Newsroom-Event`` header all read it."""

    PUBLISHED = "published", "Published"
    CORRECTED = "corrected", "Corrected"
    UPDATED = "updated", "Updated"
    UNPUBLISHED = "unpublished", "Unpublished"
    RETRACTED = "retracted", "Retracted"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Subscriber(models.Model):
    name = models.CharField(max_length=200)
    url = models.URLField(
        max_length=500,
        help_text="Where deliveries are POSTed (http or https, a public address).",
    )
    secret = models.CharField(
        max_length=100,
        default=new_secret,
        help_text="Signs every body (the X-Newsroom-Signature header).",
    )
    events = models.JSONField(default=list, help_text="The kinds of change it is told of.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from webhooks import targets

        unknown = sorted(set(self.events or []) - set(Kind.values))
        if unknown:
            raise ValidationError({"events": f"Unknown kinds: {', '.join(unknown)}."})
        if not self.events:
            raise ValidationError({"events": "Choose at least one kind of change."})
        self.events = [kind for kind in Kind.values if kind in self.events]
        if self.url:
            try:
                targets.resolve(self.url)
            except targets.RefusedTarget as exc:
                raise ValidationError({"url": str(exc)}) from exc

    def wants(self, kind: str) -> bool:
        return kind in self.events


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    #: Sent as X-Newsroom-Delivery and in the body: a subscriber dedupes by it.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Only stories readers never saw may be deleted, and those have no deliveries; the id
    # stays in the body either way.
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, related_name="webhook_deliveries"
    )
    #: The ninjs document's version at the change.
    version = models.CharField(max_length=64)
    #: The exact JSON text that is signed and sent, every time.
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    #: Attempts in the current round (a replay starts a new one; every attempt is kept).
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    #: Set while a worker sends it: nobody else may until then (a worker that died lets go).
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        constraints = [
            # One change of a story (one ninjs version) is reported once per subscriber,
            # whatever number of audit events the write made.
            models.UniqueConstraint(
                fields=["subscriber", "article", "version"],
                name="webhooks_one_delivery_per_version",
            ),
        ]
        indexes = [
            # The sweep: pending deliveries in order of when they are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhooks_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.article_id} to {self.subscriber}"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    #: The HTTP status answered; None when there was no answer (refused, timed out).
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error[:40]}"
