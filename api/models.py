"""API tokens and their audit trail.

``ApiToken`` is django-rest-knox's token (``KNOX_TOKEN_MODEL``): only a SHA-512 digest of the
secret is stored, beside the first characters knox looks it up by. We add what a person needs
to manage several of them: a name, when it was last used, and revocation that keeps the row
(knox deletes a token to end it, which would lose its history). ``api.tokens`` is the only
code that creates or revokes one; every create and revoke leaves an ``ApiTokenEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class ApiToken(AbstractAuthToken):
    """A named API token held by a desk user or a partner."""

    # NOTE: an integer key instead of knox's primary key, the digest: desk and admin URLs
    # name a token by it, and a 128-character hash in every URL helps nobody.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True, editable=False)
    token_key = models.CharField(
        max_length=CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + CONSTANTS.TOKEN_KEY_LENGTH,
        db_index=True,
        editable=False,
    )
    name = models.CharField(max_length=100, help_text="What it is for, e.g. “Apple News feed”.")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "API token"
        ordering = ["-created", "-id"]
        permissions = [
            ("hold_token", "Can hold API tokens"),
            ("manage_tokens", "Can revoke anyone's API tokens"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def state(self) -> str:
        """``"active"``, ``"expired"`` or ``"revoked"``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expiry is not None and self.expiry <= timezone.now():
            return "expired"
        return "active"

    @property
    def is_active(self) -> bool:
        return self.state == "active"


class ApiTokenEvent(models.Model):
    """The audit trail of API tokens: who created or revoked which token, and when.

    Kept apart from the admin's ``LogEntry``: saving one of those purges every reader page
    (``articles.caching``, ``articles.surrogates``), and a token changes no page.
    """

    token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose token it is.",
    )
    action = models.CharField(max_length=60, db_index=True, help_text="e.g. token.create")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "API token event"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor or 'system'}"
