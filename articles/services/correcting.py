"""Changing what readers already saw: corrections to live stories, correction notes
and their withdrawal. Nothing on a live story changes silently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from articles import corrections, fields, permissions
from articles.exceptions import (
    CorrectionChoiceRequired,
    EditorialPermissionDenied,
    InvalidTransition,
)
from articles.models import (
    Article,
    CorrectionNote,
    Revision,
)
from articles.services.base import (
    NoteData,
    _event,
    _require,
    article_snapshot,
    revision_create,
)
from articles.services.editing import (
    ArticleChanges,
    _apply_if_changed,
    _check_base,
    _locked_for_edit,
    carry_attributions,
    paragraph_moves,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class CorrectionChoice:
    """How an editor publishes a change to live wording: a public note, or (for a typo,
    formatting or a link) non-substantive with a reason only editors see."""

    note: NoteData | None = None
    non_substantive_reason: str = ""


def _carry_note_anchors(article: Article, moves: dict[int, int]) -> None:
    """Keep published notes marking the paragraph they concern after renumbering."""
    anchors = dict(article.note_anchors)
    for note in article.corrections.filter(published_at__isnull=False):
        current = anchors.get(str(note.pk), note.paragraphs)
        anchors[str(note.pk)] = [moves[n] for n in current if n in moves]
    if anchors != article.note_anchors:
        article.note_anchors = anchors
        article.save(update_fields=["note_anchors"])


@transaction.atomic
def article_correct(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    changes: ArticleChanges,
    base_revision: int,
    choice: CorrectionChoice,
    message: str = "",
) -> Article:
    """Change a published story. Nothing about it changes silently.

    A change to published wording needs ``choice``: a public note (published at once, linked
    to the new revision, moving the updated time readers see) or a non-substantive reason
    (audit log only; the updated time stays). Changing words inside a direct quote or an
    attribution's text always needs the public note. Raises ``CorrectionChoiceRequired``,
    carrying the analysis and a suggested note, when the choice is missing.
    """
    _require(actor, "articles.correct_article")
    article = _locked_for_edit(article)
    if not article.is_published:
        raise InvalidTransition("Only a published story is corrected; edit other stories directly.")
    _check_base(article, base_revision)

    fixed = [
        fields.BY_NAME[name].label
        for name in sorted(fields.FIXED_ONCE_PUBLISHED)
        if name in changes.fields and changes.fields[name] != getattr(article, name)
    ]
    if fixed:
        raise InvalidTransition(f"A published story keeps its {', '.join(fixed).lower()}.")
    before = article_snapshot(article)
    attributions = [(a.paragraph, a.text) for a in article.attributions.all()]
    after = _apply_if_changed(article, changes, before, actor=actor)
    if after is None:
        return article

    analysis = corrections.analyse(before, after, attributions)
    reason = choice.non_substantive_reason.strip()
    # Any change readers would see needs a choice, even one the word analysis calls minor
    # (a byline, a caption, a tag): nothing on a live story changes silently.
    if choice.note is None and not reason:
        raise CorrectionChoiceRequired(analysis)
    if choice.note is None and analysis.needs_public_note:
        raise InvalidTransition(
            "Words inside a quote or an attribution changed ("
            + "; ".join(analysis.touched_quotes)
            + "): that always needs a public note."
        )
    moves = paragraph_moves(before["blocks"], after["blocks"])
    carry_attributions(article, before["blocks"], after["blocks"], moves, actor=actor)
    _carry_note_anchors(article, moves)
    revision = revision_create(article=article, actor=actor, message=message or "Corrected")
    data: dict[str, Any] = {
        "revision": revision.number,
        "paragraphs": analysis.paragraphs,
        "substantive": choice.note is not None,
    }
    if choice.note is not None:
        note = correction_note_create(
            article=article, actor=actor, note=choice.note, revision=revision
        )
        data["note"] = note.pk
    else:
        data["reason"] = reason
    _event(article=article, action="article.correct", actor=actor, message=reason, data=data)
    article.refresh_from_db()
    return article


def _require_note_permission(actor: AbstractBaseUser | None, article: Article) -> None:
    """Who may write or reword a note: on a story readers can read, or one the actor may not
    edit, only a holder of ``correct_article``; on their own editable draft, its editors too
    (wire copy arriving with its editor's note)."""
    if article.status in Article.Status.READABLE or not permissions.can_edit(actor, article):
        _require(actor, "articles.correct_article")


@transaction.atomic
def correction_note_create(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    note: NoteData,
    issued_at: datetime | None = None,
    revision: Revision | None = None,
) -> CorrectionNote:
    """Attach a note. On a published story it is public at once and moves the updated time.

    ``revision`` is the revision the note describes (the corrected text), when there is one.
    A note on a draft (wire copy arriving with its editor's note) is pending: whoever may
    edit the draft may add it; it goes public only when an editor publishes the story.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require_note_permission(actor, article)
    return issue_note(
        article=article, actor=actor, note=note, issued_at=issued_at, revision=revision
    )


def issue_note(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    note: NoteData,
    issued_at: datetime | None = None,
    revision: Revision | None = None,
) -> CorrectionNote:
    """Write a note once the caller has checked the actor may: ``correction_note_create``,
    or a move whose notice is part of it (a retraction). Call inside its transaction, with
    the article row locked. Public at once on a story readers can read."""
    live = article.status in Article.Status.READABLE
    when = issued_at or timezone.now()
    correction = CorrectionNote(
        article=article,
        kind=note.kind,
        text=note.text.strip(),
        paragraphs=list(note.paragraphs),
        before=note.before,
        after=note.after,
        issued_by=actor,
        issued_at=when,
        published_at=when if live else None,
        prominent=note.prominent,
        revision=revision,
    )
    correction.full_clean()
    correction.save()
    if live:
        article.updated_at = max(when, article.updated_at or when)
        article.save(update_fields=["updated_at", "modified_at"])
    _event(
        article=article,
        action="correction.create",
        actor=actor,
        message=correction.text,
        data={"note": correction.pk, "kind": correction.kind, "paragraphs": correction.paragraphs},
    )
    return correction


@transaction.atomic
def correction_note_withdraw(
    *, note: CorrectionNote, actor: AbstractBaseUser, reason: str
) -> CorrectionNote:
    """Take a note down from the reader site; the note and the trace stay.

    Needs ``articles.withdraw_correctionnote``: administrators hold it, and it is granted to
    no desk role, so withdrawing stays a deliberate, separate right.
    """
    if actor is None or not actor.has_perm("articles.withdraw_correctionnote"):
        raise EditorialPermissionDenied(
            "You may not withdraw correction notes (articles.withdraw_correctionnote)."
        )
    if not reason.strip():
        raise InvalidTransition("Say why the note is withdrawn.")
    note = CorrectionNote.objects.select_for_update().get(pk=note.pk)
    if note.withdrawn_at:
        raise InvalidTransition("This note was already withdrawn.")
    now = timezone.now()
    CorrectionNote.objects.filter(pk=note.pk)._withdraw(
        withdrawn_at=now, withdrawn_by=actor, withdrawal_reason=reason.strip()
    )
    _event(
        article=note.article,
        action="correction.withdraw",
        actor=actor,
        message=reason.strip(),
        data={"note": note.pk, "text": note.text},
    )
    note.refresh_from_db()
    return note


@transaction.atomic
def correction_note_update(
    *, note: CorrectionNote, actor: AbstractBaseUser | None, changes: NoteData
) -> CorrectionNote:
    """Reword a pending note: one on a story readers have not read yet, not yet public.

    A published note never changes (``InvalidTransition``): withdraw it and issue a new one.
    Whoever may add a note to the draft may change it: someone who may edit the draft, or a
    holder of ``correct_article``. The audit log names the changed fields; an update that
    changes nothing writes nothing.
    """
    note = CorrectionNote.objects.select_for_update().get(pk=note.pk)
    if note.is_published:
        raise InvalidTransition("A published note never changes; withdraw it and issue a new one.")
    if note.withdrawn_at is not None:
        raise InvalidTransition("A withdrawn note is kept as it was withdrawn.")
    article = Article.objects.select_for_update().get(pk=note.article_id)
    _require_note_permission(actor, article)
    names = ["kind", "text", "paragraphs", "before", "after", "prominent"]
    before = {name: getattr(note, name) for name in names}
    note.article = article
    note.kind = changes.kind
    note.text = changes.text.strip()
    note.paragraphs = list(changes.paragraphs)
    note.before = changes.before
    note.after = changes.after
    note.prominent = changes.prominent
    note.full_clean()  # also puts the paragraph numbers in order
    changed = [name for name in names if getattr(note, name) != before[name]]
    if not changed:
        return note
    note.save()
    _event(
        article=article,
        action="correction.update",
        actor=actor,
        message=note.text,
        data={"note": note.pk, "changed": changed, "paragraphs": note.paragraphs},
    )
    return note
