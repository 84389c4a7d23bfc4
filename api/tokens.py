"""API tokens: creating and revoking them, the only code that does (desk and admin alike).

A token is shown once, to whoever creates it, and never stored: knox keeps its SHA-512
digest (``ApiToken``). Each create and revoke checks permission, writes the token and an
``ApiTokenEvent`` in one transaction. Who may hold one: a user with ``api.hold_token`` (every
desk role and the Partner group, ``editors.roles``). A holder revokes their own; a holder of
``api.manage_tokens`` (admins) revokes anyone's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken, ApiTokenEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet

HOLD_PERMISSION = "api.hold_token"
MANAGE_PERMISSION = "api.manage_tokens"

#: Active tokens one person may hold at once: one per feed or app is plenty, and every
#: request with a token compares it with the tokens that share its first characters.
MAX_ACTIVE_TOKENS = 20
#: The longest lifetime the desk offers; no expiry at all is also allowed.
MAX_EXPIRY_DAYS = 3650


class TokenRevoked(ValidationError):
    """The token was revoked already."""


def may_hold_token(user: AbstractBaseUser | None) -> bool:
    """Whether ``user`` may create and use API tokens."""
    return bool(user and user.is_active and user.has_perm(HOLD_PERMISSION))


def tokens_for(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """``user``'s tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user).select_related("revoked_by")


def token_events_for(user: AbstractBaseUser) -> QuerySet[ApiTokenEvent]:
    """What happened to ``user``'s tokens, newest first."""
    return ApiTokenEvent.objects.filter(holder=user).select_related("actor")


def _event(*, token: ApiToken, action: str, actor: AbstractBaseUser | None, **data) -> None:
    ApiTokenEvent.objects.create(
        token=token,
        holder=token.user,
        action=action,
        actor=actor,
        data={"name": token.name, **data},
    )


@transaction.atomic
def api_token_create(
    *, actor: AbstractBaseUser, name: str, expires_in: timedelta | None = None
) -> tuple[ApiToken, str]:
    """Create an API token for ``actor``; returns the token and its secret.

    The secret is returned this once and never stored. ``expires_in`` None: it works until it
    is revoked. Refused (``PermissionDenied``) without ``api.hold_token``; a blank or
    duplicate name, a lifetime out of range or too many active tokens is a
    ``ValidationError``.
    """
    if not may_hold_token(actor):
        raise PermissionDenied("You may not hold API tokens.")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the token a name, such as the feed or app it is for.")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError("That name is too long.")
    if expires_in is not None and not (
        timedelta(0) < expires_in <= timedelta(days=MAX_EXPIRY_DAYS)
    ):
        raise ValidationError(f"A token expires after 1 to {MAX_EXPIRY_DAYS} days, or never.")
    # Serialises one person's creates, so two at once cannot both pass the checks below.
    list(get_user_model().objects.select_for_update().filter(pk=actor.pk).only("pk"))
    active = [t for t in ApiToken.objects.filter(user=actor, revoked_at=None) if t.is_active]
    if any(t.name.casefold() == name.casefold() for t in active):
        raise ValidationError(f"You already have an active token called “{name}”.")
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"You hold {MAX_ACTIVE_TOKENS} active tokens, the most one person may: "
            "revoke one you no longer use first."
        )
    token, secret = ApiToken.objects.create(user=actor, name=name, expiry=expires_in)
    _event(
        token=token,
        action="token.create",
        actor=actor,
        expiry=token.expiry.isoformat() if token.expiry else None,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: AbstractBaseUser) -> ApiToken:
    """Stop ``token`` from working, for good; the row stays, for its history.

    Its holder may revoke it (even one who may no longer hold tokens), and so may a holder
    of ``api.manage_tokens``; anyone else gets ``PermissionDenied``. A token revoked already
    raises ``TokenRevoked``.
    """
    if token.user_id != actor.pk and not actor.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied("You may not revoke this token.")
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        raise TokenRevoked(f"The token “{token.name}” was revoked already.")
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    _event(token=token, action="token.revoke", actor=actor)
    return token
