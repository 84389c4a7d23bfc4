"""Saving the desk's editor: one entry point that sends an edit where it belongs and says
what came of it.

A story readers have not seen changes by a plain edit (``editing.article_update``); a live
one only through the correction flow (``correcting.article_correct``). Which of the two a
save is, is ``permissions.can_correct`` and ``permissions.can_edit``'s to say, asked of the
story as it stands when the save takes its row lock, not as the form saw it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from articles import permissions
from articles.exceptions import EditorialPermissionDenied
from articles.models import Article, CorrectionNote, Revision
from articles.services.correcting import CorrectionChoice, article_correct
from articles.services.editing import ArticleChanges, _locked_for_edit, article_update

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class SaveResult(enum.StrEnum):
    #: The form matched the stored story: nothing was written.
    UNCHANGED = "unchanged"
    #: A story readers have not seen was edited: a new revision.
    SAVED = "saved"
    #: A live story was corrected and a public note went out with the change.
    CORRECTED = "corrected"
    #: A live story was corrected without a public note (a typo, formatting, a link); the
    #: reason is in the audit log, which only editors read.
    CORRECTED_QUIETLY = "corrected_quietly"


@dataclass(frozen=True)
class SaveOutcome:
    """What ``article_save`` did: the story as saved, the revision it wrote (None when
    nothing changed), the public note it published (None unless ``CORRECTED``) and the
    reason logged for a change without one ("" unless ``CORRECTED_QUIETLY``)."""

    article: Article
    result: SaveResult
    revision: Revision | None = None
    note: CorrectionNote | None = None
    reason: str = ""

    @property
    def changed(self) -> bool:
        return self.result != SaveResult.UNCHANGED


@transaction.atomic
def article_save(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    changes: ArticleChanges,
    base_revision: int,
    choice: CorrectionChoice | None = None,
    message: str = "",
) -> SaveOutcome:
    """Save a whole edit of ``article`` from the desk, as a draft edit or as a correction.

    ``choice`` says how a change to a live story goes out (a public note or a logged
    non-substantive reason); it is not read for a story readers have not seen. Raises what
    the service it routes to raises: ``EditConflict`` (someone saved since
    ``base_revision``), ``CorrectionChoiceRequired`` (a live story changed and ``choice``
    says nothing), ``EditorialPermissionDenied``, ``ValidationError``.
    """
    current = _locked_for_edit(article)
    correcting = permissions.can_correct(actor, current)
    if correcting:
        saved = article_correct(
            article=current,
            actor=actor,
            changes=changes,
            base_revision=base_revision,
            choice=choice or CorrectionChoice(),
            message=message,
        )
    elif permissions.can_edit(actor, current):
        saved = article_update(
            article=current,
            actor=actor,
            changes=changes,
            base_revision=base_revision,
            message=message,
        )
    else:
        raise EditorialPermissionDenied("You may not edit this article now.")

    # Both services checked that ``base_revision`` was the newest and write exactly one
    # revision, the next number, when anything changed; none when nothing did.
    revision = saved.revisions.filter(number=base_revision + 1).first()
    if revision is None:
        return SaveOutcome(article=saved, result=SaveResult.UNCHANGED)
    if correcting:
        note = revision.notes.filter(published_at__isnull=False).first()
        if note is not None:
            return SaveOutcome(
                article=saved, result=SaveResult.CORRECTED, revision=revision, note=note
            )
        return SaveOutcome(
            article=saved,
            result=SaveResult.CORRECTED_QUIETLY,
            revision=revision,
            reason=(choice.non_substantive_reason if choice else "").strip(),
        )
    return SaveOutcome(article=saved, result=SaveResult.SAVED, revision=revision)
