"""Moving an article through the workflow: the one write path for status changes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from articles import body, permissions, selectors
from articles.exceptions import (
    EditorialPermissionDenied,
    InvalidTransition,
    UnattributedQuotes,
)
from articles.models import (
    Article,
    CorrectionNote,
    ReviewComment,
)
from articles.services.base import NoteData, Status, _event, revision_create
from articles.services.correcting import correction_note_create

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def article_publish_problems(article: Article) -> list[str]:
    """What stops this article from going to review or to readers, in words an editor can act on."""
    problems = []
    if not article.headline.strip():
        problems.append("It needs a headline.")
    if not article.section_id:
        problems.append("It needs a section.")
    if not article.bylines.exists():
        problems.append("It needs at least one byline.")
    if not body.paragraph_texts(article.blocks.all()):
        problems.append("It needs at least one paragraph.")
    if article.lead_image and not article.lead_image_alt.strip():
        problems.append("The lead image needs alt text.")
    return problems


# Moves that need a complete article, and moves that need a reason from the actor.
_READY_FOR = {Status.IN_REVIEW, Status.APPROVED, Status.SCHEDULED, Status.PUBLISHED}
_NEEDS_COMMENT = {Status.CHANGES_REQUESTED, Status.UNPUBLISHED, Status.RETRACTED}
_SKIPS_REVIEW_FROM = {Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED}


@transaction.atomic
def article_transition(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    to: str,
    comment: str = "",
    at: datetime | None = None,
    event: str = "",
    override_reason: str = "",
) -> Article:
    """Move an article along the workflow: the one write path for status changes.

    Checks that the move exists and that the actor may take it, validates the article,
    then writes the new status, a Revision, an ArticleEvent and (when given) the comment as
    a review comment, in one transaction. ``at`` is the publication time for a schedule, or
    the first-publication time to record for a publish (an import of an older story).

    A person cannot schedule or publish a story with unattributed direct quotes unless they
    hold ``publish_article`` and give ``override_reason``, which the audit log keeps. A
    retraction publishes the comment as a prominent retraction note.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    previous = article.status
    step = permissions.move(previous, to) if article.can_transition_to(to) else None
    if step is None:
        target = Status(to).label.lower() if to in Status.values else repr(to)
        raise InvalidTransition(
            f"A {article.get_status_display().lower()} article cannot become {target}."
        )
    if not permissions.can_take(actor, article, to):
        raise EditorialPermissionDenied(f"You may not {step.label.lower()} this article.")
    comment = comment.strip()
    if to in _NEEDS_COMMENT and not comment:
        raise InvalidTransition(f"Say why: “{step.label}” needs a comment.")
    if to in _READY_FOR and not (previous == Status.SCHEDULED and to == Status.APPROVED):
        problems = article_publish_problems(article)
        if problems:
            raise InvalidTransition(problems)

    now = timezone.now()
    data: dict[str, Any] = {}
    if to in {Status.SCHEDULED, Status.PUBLISHED} and actor is not None:
        missing = selectors.unattributed_quotes(article)
        if missing and not override_reason.strip():
            raise UnattributedQuotes(missing)
        if missing:
            data["unattributed_override"] = {
                "reason": override_reason.strip(),
                "quotes": [{"paragraph": f.paragraph, "text": f.text} for f in missing],
            }
    if to == Status.SCHEDULED:
        if at is None or at <= now:
            raise InvalidTransition("Choose a publication time in the future.")
        article.scheduled_at = at
        data["scheduled_at"] = at.isoformat()
    elif to == Status.PUBLISHED:
        when = at or now
        article.first_published_at = article.first_published_at or when
        article.updated_at = article.updated_at or article.first_published_at
        article.scheduled_at = None
        article.corrections.filter(published_at__isnull=True).update(published_at=when)
    elif previous == Status.SCHEDULED:
        article.scheduled_at = None
    if to in {Status.SCHEDULED, Status.PUBLISHED} and previous in _SKIPS_REVIEW_FROM:
        data["skipped_review"] = True

    article.status = to
    article.save(
        update_fields=["status", "scheduled_at", "first_published_at", "updated_at", "modified_at"]
    )
    revision = revision_create(article=article, actor=actor, message=comment or step.label)
    data["revision"] = revision.number
    if to == Status.RETRACTED:
        note = correction_note_create(
            article=article,
            actor=actor,
            note=NoteData(kind=CorrectionNote.Kind.RETRACTION, text=comment, prominent=True),
            revision=revision,
        )
        data["note"] = note.pk
    if comment and actor is not None:
        ReviewComment.objects.create(
            article=article, author=actor, text=comment, revision_number=revision.number
        )
    _event(
        article=article,
        action=event or step.event,
        actor=actor,
        from_status=previous,
        to_status=to,
        message=comment,
        data=data,
    )
    return article


def article_submit(*, article: Article, actor: AbstractBaseUser, comment: str = "") -> Article:
    return article_transition(article=article, actor=actor, to=Status.IN_REVIEW, comment=comment)


def article_request_changes(*, article: Article, actor: AbstractBaseUser, comment: str) -> Article:
    return article_transition(
        article=article, actor=actor, to=Status.CHANGES_REQUESTED, comment=comment
    )


def article_approve(*, article: Article, actor: AbstractBaseUser, comment: str = "") -> Article:
    return article_transition(article=article, actor=actor, to=Status.APPROVED, comment=comment)


def article_schedule(
    *, article: Article, actor: AbstractBaseUser, at: datetime, comment: str = ""
) -> Article:
    return article_transition(
        article=article, actor=actor, to=Status.SCHEDULED, at=at, comment=comment
    )


def article_publish(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    at: datetime | None = None,
    message: str = "",
    override_reason: str = "",
) -> Article:
    """Publish now (``at`` records an earlier first-publication time, for imports)."""
    return article_transition(
        article=article,
        actor=actor,
        to=Status.PUBLISHED,
        at=at,
        comment=message,
        override_reason=override_reason,
    )


def article_retract(*, article: Article, actor: AbstractBaseUser, comment: str) -> Article:
    """Retract: the story stays at its URL under a prominent retraction notice."""
    return article_transition(article=article, actor=actor, to=Status.RETRACTED, comment=comment)


def article_unpublish(*, article: Article, actor: AbstractBaseUser, comment: str) -> Article:
    return article_transition(article=article, actor=actor, to=Status.UNPUBLISHED, comment=comment)


def article_publish_due(*, now: datetime | None = None) -> tuple[list[Article], list[str]]:
    """Publish every scheduled article whose time has come (``publish_scheduled``).

    Each article is claimed in its own transaction with a row lock that concurrent runs
    skip (``SKIP LOCKED`` on PostgreSQL), so two runs at once publish each article once.
    Returns the published articles and a line per article that could not be published.
    """
    published: list[Article] = []
    failures: list[str] = []
    failed: set[int] = set()
    while True:
        with transaction.atomic():
            claimed = (
                Article.objects.due(now)
                .exclude(pk__in=failed)
                .order_by("scheduled_at", "pk")
                .select_for_update(skip_locked=True)
                .first()
            )
            if claimed is None:
                return published, failures
            try:
                with transaction.atomic():
                    published.append(
                        article_transition(
                            article=claimed,
                            actor=None,
                            to=Status.PUBLISHED,
                            at=claimed.scheduled_at,
                            event="article.publish.scheduled",
                        )
                    )
            except InvalidTransition as exc:
                failed.add(claimed.pk)
                failures.append(f"{claimed.slug}: {' '.join(exc.messages)}")
