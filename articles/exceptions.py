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


class UnattributedQuotes(InvalidTransition):
    """Direct quotes in the body have no source, or the story quotes anonymous sources;
    publishing waits for attributions or an editor's recorded reason."""

    def __init__(self, findings, anonymous=()) -> None:
        self.findings = list(findings)
        self.anonymous = list(anonymous)
        parts = []
        if self.findings:
            listed = "; ".join(f"paragraph {f.paragraph}: “{f.text[:60]}”" for f in self.findings)
            parts.append(f"{len(self.findings)} direct quote(s) have no attribution ({listed}).")
        if self.anonymous:
            listed = "; ".join(f"paragraph {f.paragraph}" for f in self.anonymous)
            parts.append(
                f"{len(self.anonymous)} passage(s) come from an anonymous source ({listed})."
            )
        super().__init__(
            " ".join(parts) + " Attribute them, or an editor may publish with a recorded reason."
        )


class CorrectionChoiceRequired(ValidationError):
    """A change to published wording needs a public note or a non-substantive reason."""

    def __init__(self, analysis) -> None:
        self.analysis = analysis
        super().__init__(
            "This changes published wording: add a public note, or mark it non-substantive "
            "with a reason."
        )
