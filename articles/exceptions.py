"""Errors the editorial services raise; views turn them into messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class ImmutableRecordError(Exception):
    """A published correction note or a revision was about to be changed or deleted."""


class InvalidTransition(ValidationError):
    """The article cannot move to the requested status (not allowed, or not ready)."""


class EditorialPermissionDenied(PermissionDenied):
    """The actor lacks the permission this action needs."""


class EditConflict(Exception):
    """Someone saved the article after the revision this edit started from."""

    def __init__(self, *, article, revision) -> None:
        self.article = article
        self.revision = revision
        super().__init__(
            f"{article} was saved by someone else (revision {revision.number}) while you edited."
        )
