from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from notifications import kinds


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        """The notifications ``user`` may see: their own, and nobody else's."""
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def with_inbox_data(self) -> NotificationQuerySet:
        """What an inbox line shows: the story, who did it and the event's comment."""
        return self.select_related("article", "actor", "event")


class Notification(models.Model):
    """One person told of one audit event on a story (``notifications.dispatch``).

    ``(event, recipient)`` is unique: a dispatch that runs twice tells nobody twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=kinds.CHOICES)
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(
        "articles.ArticleEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    #: The recipient asked for mail (``Preference``) and has an address: a mail job is due
    #: until ``emailed_at`` is set.
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"], name="notification_once_per_event"
            )
        ]
        indexes = [
            # The badge, the dashboard card and the top of the inbox: unread for a user,
            # newest first.
            models.Index(
                "recipient",
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                "recipient",
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="notification_inbox",
            ),
            # The mail sweep: mails still due.
            models.Index(
                "created_at",
                condition=Q(email_wanted=True, emailed_at__isnull=True),
                name="notification_mail_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id} on {self.article_id}"

    @property
    def spec(self) -> kinds.Kind:
        return kinds.BY_KEY[self.kind]

    @property
    def actor_name(self) -> str:
        if self.actor_id is None:
            return kinds.SYSTEM_ACTOR
        return self.actor.get_full_name() or self.actor.get_username()

    @property
    def summary(self) -> str:
        """The one-line message (plain text: templates escape it)."""
        return self.spec.summary(actor=self.actor_name, headline=self.article.headline)

    @property
    def comment(self) -> str:
        """What the actor said with it (a review comment, a retraction notice), if anything."""
        return self.event.message if self.event_id else ""

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def get_article_url(self) -> str:
        return reverse("editors:article_edit", kwargs={"pk": self.article_id})


class Preference(models.Model):
    """How one person wants one kind delivered; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=30, choices=kinds.CHOICES)
    delivery = models.CharField(max_length=10, choices=kinds.DELIVERY_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} by {self.delivery}"
