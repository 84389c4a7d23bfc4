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
from articles.services.correcting import issue_note

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


def _quote_gate(
    article: Article, actor: AbstractBaseUser | None, override_reason: str
) -> dict | None:
    """The unattributed-quote gate: None when every direct quote has a source, else the
    override to log. Raises ``UnattributedQuotes`` when there is no reason to publish anyway.

    Passages the story attributes to an anonymous source ("an official who spoke on
    condition of anonymity") need the same recorded reason: newsroom policy, not a certainty
    (the quote finder's attribution layer flags them; an editor weighs them and says why).

    The scheduler (``actor`` None) publishes on behalf of whoever scheduled the story: the
    override they gave then covers the passages they saw, and nothing added since.
    """
    missing = selectors.unattributed_quotes(article)
    anonymous = selectors.anonymous_sources(article)
    if not missing and not anonymous:
        return None
    reason = override_reason.strip()
    if not reason and actor is None:
        reason = _override_given_when_scheduled(article, [*missing, *anonymous])
    if not reason:
        raise UnattributedQuotes(missing, anonymous)
    override = {
        "reason": reason,
        "quotes": [{"paragraph": f.paragraph, "text": f.text} for f in missing],
    }
    if anonymous:
        override["anonymous"] = [{"paragraph": f.paragraph, "text": f.text} for f in anonymous]
    return override


def _override_given_when_scheduled(article: Article, missing: list) -> str:
    scheduled = (
        article.events.filter(action=permissions.move(Status.APPROVED, Status.SCHEDULED).event)
        .order_by("-created_at", "-pk")
        .first()
    )
    override = (scheduled.data if scheduled else {}).get("unattributed_override") or {}
    covered = {
        (q["paragraph"], q["text"])
        for q in [*override.get("quotes", ()), *override.get("anonymous", ())]
    }
    if override and all((f.paragraph, f.text) in covered for f in missing):
        return f"Given when it was scheduled: {override['reason']}"
    return ""


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

    Checks that the move exists and that the actor may take it, then the move's side rules
    (``permissions.Move``: a comment, a complete article, the quote gate), and writes the new
    status, a Revision, an ArticleEvent and (when given) the comment as a review comment, in
    one transaction. ``at`` is the publication time for a schedule, or the first-publication
    time to record for a publish (an import of an older story).

    Nobody schedules or publishes a story with unattributed direct quotes without a reason
    the audit log keeps (only a holder of ``publish_article`` gets that far); the scheduler
    re-runs the gate when a story falls due. A system publish of imported copy (``actor``
    None, not from the schedule) is not gated. A retraction publishes the comment as a
    prominent retraction note.
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
    if step.needs_comment and not comment:
        raise InvalidTransition(f"Say why: “{step.label}” needs a comment.")
    if step.needs_ready:
        problems = article_publish_problems(article)
        if problems:
            raise InvalidTransition(problems)

    now = timezone.now()
    data: dict[str, Any] = {}
    if step.quote_gate and (actor is not None or previous == Status.SCHEDULED):
        override = _quote_gate(article, actor, override_reason)
        if override:
            data["unattributed_override"] = override
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
    if step.skips_review:
        data["skipped_review"] = True

    article.status = to
    article.held_reason = ""
    article.save(
        update_fields=[
            "status",
            "scheduled_at",
            "first_published_at",
            "updated_at",
            "held_reason",
            "modified_at",
        ]
    )
    revision = revision_create(article=article, actor=actor, message=comment or step.label)
    data["revision"] = revision.number
    if step.comment_is_notice:
        # The move's own permission covers its notice (retracting needs no correct_article).
        note = issue_note(
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
    *,
    article: Article,
    actor: AbstractBaseUser,
    at: datetime,
    comment: str = "",
    override_reason: str = "",
) -> Article:
    return article_transition(
        article=article,
        actor=actor,
        to=Status.SCHEDULED,
        at=at,
        comment=comment,
        override_reason=override_reason,
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
                reason = " ".join(exc.messages)
                article_hold(article=claimed, reason=reason)
                failures.append(f"{claimed.slug}: {reason} Held back as approved.")


HELD_EVENT = "article.publish.held"


@transaction.atomic
def article_hold(*, article: Article, reason: str) -> Article:
    """A scheduled story that fails its publish checks when it falls due goes back to
    approved, with the reason logged and kept on the story for the dashboard."""
    article = article_transition(
        article=article,
        actor=None,
        to=Status.APPROVED,
        comment=f"Not published when it fell due: {reason}",
        event=HELD_EVENT,
    )
    article.held_reason = reason
    article.save(update_fields=["held_reason", "modified_at"])
    return article
