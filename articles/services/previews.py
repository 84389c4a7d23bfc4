"""Shared preview links: minting and revoking them, and finding one by its token.

A link is a record (``PreviewLink``): who made it, when it expires, whether and by whom it
was revoked. The token itself is shown once, to whoever made it, and never stored: the row
keeps its SHA-256, so a copy of the database cannot be turned into working links.
``articles.visibility.preview_outcome`` decides what a link shows.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from articles import permissions
from articles.exceptions import EditorialPermissionDenied, InvalidTransition
from articles.models import Article, PreviewLink
from articles.services.base import _event
from articles.visibility import reader_outcome

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

#: How long a new link works, unless it is revoked first.
PREVIEW_LIFETIME = timedelta(days=7)

# A token from ``secrets.token_urlsafe(32)`` is 43 characters; anything much longer is not
# one of ours and is not worth hashing.
_MAX_TOKEN_LENGTH = 128


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def preview_link_create(
    *, article: Article, actor: AbstractBaseUser | None
) -> tuple[PreviewLink, str]:
    """Mint a preview link for an unreleased story; returns the link and its token.

    The token is returned this once and never stored. Refused (``EditorialPermissionDenied``)
    unless ``permissions.can_share_preview`` allows it: the actor shares previews, the story
    is theirs or they may edit any story, and readers cannot read the story yet.
    """
    if not permissions.can_share_preview(actor, article):
        if reader_outcome(article).status_code != 404:
            raise EditorialPermissionDenied(
                "Only a story readers cannot read yet can be shared as a preview."
            )
        raise EditorialPermissionDenied("You may not share a preview of this story.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = PreviewLink.objects.create(
        article=article,
        token_hash=_token_hash(token),
        created_by=actor,
        created_at=now,
        expires_at=now + PREVIEW_LIFETIME,
    )
    _event(
        article=article,
        action="preview.create",
        actor=actor,
        data={"link": link.pk, "expires_at": link.expires_at.isoformat()},
        public=False,
    )
    return link, token


@transaction.atomic
def preview_link_revoke(*, link: PreviewLink, actor: AbstractBaseUser | None) -> PreviewLink:
    """Stop a preview link from working, for good. Its creator or an editor may do it; a
    link revoked already raises ``InvalidTransition``."""
    if not permissions.can_revoke_preview(actor, link):
        raise EditorialPermissionDenied("You may not revoke this preview link.")
    link = PreviewLink.objects.select_for_update().select_related("article").get(pk=link.pk)
    if link.revoked_at is not None:
        raise InvalidTransition("This preview link was revoked already.")
    link.revoked_at = timezone.now()
    link.revoked_by = actor
    link.save(update_fields=["revoked_at", "revoked_by"])
    _event(
        article=link.article,
        action="preview.revoke",
        actor=actor,
        data={"link": link.pk},
        public=False,
    )
    return link


def preview_link_for_token(token: str) -> PreviewLink | None:
    """The link a token opens (revoked or expired ones included), with its article; None when
    no link has this token."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    return (
        PreviewLink.objects.select_related("article").filter(token_hash=_token_hash(token)).first()
    )
