"""The only code that writes editorial state.

Every function here checks the actor's permission (``actor=None`` means the system: a
management command or a data import), validates, writes, and leaves an ``ArticleEvent``
(and a ``Revision`` where the article's content changed), all in one transaction. Desk
views, admin actions and management commands call these functions and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from articles import body, corrections, diffing, permissions, selectors
from articles.exceptions import (
    CorrectionChoiceRequired,
    EditConflict,
    EditorialPermissionDenied,
    InvalidTransition,
    UnattributedQuotes,
)
from articles.models import (
    Article,
    ArticleEvent,
    Attribution,
    Author,
    Block,
    Byline,
    CorrectionNote,
    ReviewComment,
    Revision,
    Section,
    Source,
)
from articles.signals import article_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

Status = Article.Status


@dataclass(frozen=True)
class BlockData:
    """One block to be written: ``text`` is already block text (see ``body.from_plain``)."""

    kind: str
    text: str = ""
    image: Any = None
    image_alt: str = ""
    image_caption: str = ""
    image_credit: str = ""


@dataclass(frozen=True)
class NoteData:
    kind: str
    text: str
    paragraphs: Sequence[int] = field(default_factory=tuple)
    before: str = ""
    after: str = ""
    prominent: bool = False


def _require(actor: AbstractBaseUser | None, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise EditorialPermissionDenied(f"You do not have permission to do this ({perm}).")


def _event(
    *,
    article: Article,
    action: str,
    actor: AbstractBaseUser | None,
    message: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
) -> ArticleEvent:
    """Write the audit row, and once the transaction commits tell listeners (the search
    index, the page cache) that the article changed. Every write path passes here."""
    event = ArticleEvent.objects.create(
        article=article,
        action=action,
        actor=actor,
        message=message,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )
    article_id = article.pk
    transaction.on_commit(
        lambda: article_changed.send(sender=Article, article_id=article_id, action=action)
    )
    return event


def unique_slug(model, text: str, *, max_length: int = 200) -> str:
    """A slug for ``text`` that no row of ``model`` uses yet."""
    base = slugify(text)[: max_length - 6].strip("-") or "untitled"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def article_snapshot(article: Article) -> dict:
    """Every editorial field, the bylines, the tags and the blocks, as plain JSON."""
    return {
        "headline": article.headline,
        "slug": article.slug,
        "dek": article.dek,
        "dateline": article.dateline,
        "kind": article.kind,
        "section": {"id": article.section_id, "slug": article.section.slug},
        "authors": [
            {"id": b.author_id, "name": b.author.display_name}
            for b in article.bylines.select_related("author")
        ],
        "credit_line": article.credit_line,
        "tags": sorted(article.tags.names()),
        "lead_image": article.lead_image.name if article.lead_image else "",
        "lead_image_caption": article.lead_image_caption,
        "lead_image_alt": article.lead_image_alt,
        "lead_image_credit": article.lead_image_credit,
        "blocks": [
            {
                "kind": b.kind,
                "text": b.text,
                "image": b.image.name if b.image else "",
                "image_alt": b.image_alt,
                "image_caption": b.image_caption,
                "image_credit": b.image_credit,
            }
            for b in article.blocks.all()
        ],
    }


def revision_create(
    *, article: Article, actor: AbstractBaseUser | None, message: str = ""
) -> Revision:
    """Snapshot the article as it now stands. Call inside the transaction that changed it."""
    Article.objects.select_for_update().filter(pk=article.pk).first()
    return Revision.objects.create(
        article=article,
        number=latest_revision_number(article) + 1,
        created_by=actor,
        message=message[:300],
        snapshot=article_snapshot(article),
    )


@transaction.atomic
def article_admin_saved(*, article: Article, actor: AbstractBaseUser, created: bool) -> Revision:
    """Record an edit made in the Django admin: a revision and an audit event (which also
    tells the search index and the page cache). The admin freezes published wording."""
    revision = revision_create(
        article=article, actor=actor, message="Created in admin" if created else "Edited in admin"
    )
    _event(
        article=article,
        action="article.admin_create" if created else "article.admin_edit",
        actor=actor,
        data={"revision": revision.number},
    )
    return revision


def _write_blocks(article: Article, blocks: Iterable[BlockData]) -> None:
    article.blocks.all().delete()
    for position, data in enumerate(blocks, start=1):
        block = Block(
            article=article,
            position=position,
            kind=data.kind,
            text=data.text,
            image=data.image or "",
            image_alt=data.image_alt,
            image_caption=data.image_caption,
            image_credit=data.image_credit,
        )
        block.full_clean(exclude=["article"])
        block.save()


def _write_bylines(article: Article, authors: Iterable[Author]) -> None:
    article.bylines.all().delete()
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)


@transaction.atomic
def article_create(
    *,
    actor: AbstractBaseUser | None,
    section: Section,
    headline: str,
    blocks: Sequence[BlockData],
    authors: Sequence[Author] = (),
    slug: str = "",
    dek: str = "",
    dateline: str = "",
    kind: str = Article.Kind.NEWS,
    credit_line: str = "",
    tags: Sequence[str] = (),
    message: str = "Created",
    **lead_image_fields: Any,
) -> Article:
    """Create a draft with its body and bylines, and its first revision.

    ``lead_image_fields`` are the ``lead_image*`` fields, when the draft starts with one.
    """
    _require(actor, "articles.add_article")
    unknown = set(lead_image_fields) - {n for n in EDITABLE_FIELDS if n.startswith("lead_image")}
    if unknown:
        raise TypeError(f"article_create() got unexpected fields {sorted(unknown)}")
    article = Article(
        section=section,
        headline=headline.strip(),
        slug=slug or unique_slug(Article, headline),
        dek=dek,
        dateline=dateline,
        kind=kind,
        credit_line=credit_line,
        created_by=actor,
        **lead_image_fields,
    )
    article.full_clean()
    article.save()
    _write_blocks(article, blocks)
    _write_bylines(article, authors)
    if tags:
        article.tags.set(list(tags))
    revision_create(article=article, actor=actor, message=message)
    _event(article=article, action="article.create", actor=actor, to_status=article.status)
    return article


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
# Statuses in which readers can read the story (a retracted one under its notice).
_LIVE = {Status.PUBLISHED, Status.RETRACTED}
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


# What a copy editor may change on someone else's story: the words, not its placement.
COPY_FIELDS = frozenset(
    {
        "headline",
        "dek",
        "dateline",
        "credit_line",
        "lead_image_caption",
        "lead_image_alt",
        "lead_image_credit",
        "blocks",
        "tags",
    }
)
EDITABLE_FIELDS = (
    "headline",
    "slug",
    "dek",
    "dateline",
    "kind",
    "section",
    "credit_line",
    "lead_image",
    "lead_image_caption",
    "lead_image_alt",
    "lead_image_credit",
)


@dataclass
class ArticleChanges:
    """A whole edit of an article from the desk: fields, body, bylines and tags."""

    fields: dict[str, Any]
    blocks: list[BlockData]
    authors: list[Author]
    tags: list[str]


def _locked_for_edit(article: Article) -> Article:
    # The search fields are the index's to write (articles.search); leaving them unloaded
    # also keeps save() from writing them back.
    return (
        Article.objects.select_for_update().defer("body_text", "search_vector").get(pk=article.pk)
    )


class _Unchanged(Exception):
    """Raised inside a savepoint to undo an edit that changed nothing."""


def _apply_changes(article: Article, changes: ArticleChanges) -> None:
    for name in EDITABLE_FIELDS:
        if name in changes.fields:
            setattr(article, name, changes.fields[name])
    article.full_clean()
    article.save()
    _write_blocks(article, changes.blocks)
    _write_bylines(article, changes.authors)
    article.tags.set(list(changes.tags), clear=True)


def _check_base(article: Article, base_revision: int) -> None:
    """Refuse an edit that started from an older revision than the newest."""
    current = latest_revision_number(article)
    if base_revision != current:
        newer = article.revisions.filter(number=current).first()
        if newer is None:
            raise InvalidTransition("This form is out of date; reload the article.")
        raise EditConflict(article=article, revision=newer)


def _apply_if_changed(article: Article, changes: ArticleChanges, before: dict) -> dict | None:
    """Write the changes; undo them and return None when they change nothing."""
    try:
        with transaction.atomic():
            _apply_changes(article, changes)
            after = article_snapshot(article)
            if after == before:
                raise _Unchanged
    except _Unchanged:
        article.refresh_from_db()
        return None
    return after


def latest_revision_number(article: Article) -> int:
    return article.revisions.aggregate(n=Max("number"))["n"] or 0


@transaction.atomic
def article_update(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    changes: ArticleChanges,
    base_revision: int,
    message: str = "",
) -> Article:
    """Save an edit, refusing to overwrite anything saved since ``base_revision``.

    Raises ``EditConflict`` (carrying the newer revision) when someone saved in between, so
    the desk can show both versions instead of losing either. An edit that changes nothing
    writes nothing.
    """
    article = _locked_for_edit(article)
    if not permissions.can_edit(actor, article):
        raise EditorialPermissionDenied("You may not edit this article now.")
    _check_base(article, base_revision)
    # Decided before anything is written: a copy editor adding their own byline must not
    # thereby become an owner who may move the story.
    copy_editing = permissions.copy_editing(actor, article)

    before = article_snapshot(article)
    after = _apply_if_changed(article, changes, before)
    if after is None:
        return article

    changed = {key for key in after if after[key] != before[key]}
    if copy_editing and changed - COPY_FIELDS:
        raise EditorialPermissionDenied(
            "Copy editors change the words; ask an editor to change "
            + ", ".join(sorted(changed - COPY_FIELDS))
            + "."
        )
    revision = revision_create(article=article, actor=actor, message=message or "Edited")
    _event(
        article=article,
        action="article.edit",
        actor=actor,
        message=message,
        data={"revision": revision.number, "changed": sorted(changed)},
    )
    return article


@dataclass(frozen=True)
class CorrectionChoice:
    """How an editor publishes a change to live wording: a public note, or (for a typo,
    formatting or a link) non-substantive with a reason only editors see."""

    note: NoteData | None = None
    non_substantive_reason: str = ""


def _paragraph_moves(article: Article, old_blocks: list[dict]) -> dict[int, int]:
    """Old paragraph number -> new number, for paragraphs that survived the change."""
    new_blocks = [{"kind": b.kind, "text": b.text} for b in article.blocks.all()]
    diffs = diffing.diff_blocks(old_blocks, new_blocks)
    return {d.old_number: d.new_number for d in diffs if d.old_number and d.new_number}


def _carry_note_anchors(article: Article, moves: dict[int, int]) -> None:
    """Keep published notes marking the paragraph they concern after renumbering."""
    anchors = dict(article.note_anchors)
    for note in article.corrections.filter(published_at__isnull=False):
        current = anchors.get(str(note.pk), note.paragraphs)
        anchors[str(note.pk)] = [moves[n] for n in current if n in moves]
    if anchors != article.note_anchors:
        article.note_anchors = anchors
        article.save(update_fields=["note_anchors"])


def _carry_attributions(article: Article, old_blocks: list[dict], actor) -> None:
    """Keep attributions pointing at their words after the body changed.

    Words that still stand word for word move with their paragraph (or to the one paragraph
    they now stand in, when a paragraph was split); words a correction changed follow the
    change ("militaries (sic)" becomes "forces (sic)"). An attribution whose words were
    removed entirely is deleted, and the audit log says so.
    """
    moved = _paragraph_moves(article, old_blocks)
    old_paragraphs = body.paragraph_texts(old_blocks)
    new_paragraphs = body.paragraph_texts(article.blocks.all())
    for attribution in article.attributions.all():
        if attribution.paragraph is None:
            continue
        text = body.normalize_space(attribution.text)
        target = moved.get(attribution.paragraph)
        holders = [n for n, p in new_paragraphs.items() if text in p]
        if target in holders:
            new_number, new_text = target, text
        elif len(holders) == 1:
            new_number, new_text = holders[0], text
        else:
            new_number, new_text = _follow_change(
                old_paragraphs.get(attribution.paragraph, ""), new_paragraphs, target, text
            )
        if new_number is None:
            _event(
                article=article,
                action="attribution.delete",
                actor=actor,
                message="Its words were removed by a correction.",
                data={"source": attribution.source.name, "text": attribution.text},
            )
            attribution.delete()
            continue
        attribution.paragraph = new_number
        attribution.text = new_text
        attribution.full_clean()
        attribution.save(update_fields=["paragraph", "text"])


def _follow_change(
    old_paragraph: str, new_paragraphs: dict[int, str], target: int | None, text: str
) -> tuple[int | None, str]:
    """Where changed words went: the span of the aligned paragraph that replaced them."""
    old_text = body.normalize_space(old_paragraph)
    start = old_text.find(text)
    if target is None or start < 0:
        return None, ""
    new_text = new_paragraphs[target]
    span = diffing.map_span(old_text, new_text, start, start + len(text))
    if span is None:
        return None, ""
    return target, new_text[span[0] : span[1]].strip()


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

    if changes.fields.get("slug", article.slug) != article.slug:
        raise InvalidTransition("A published story keeps its URL.")
    before = article_snapshot(article)
    attributions = [(a.paragraph, a.text) for a in article.attributions.all()]
    after = _apply_if_changed(article, changes, before)
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
    _carry_attributions(article, before["blocks"], actor)
    _carry_note_anchors(article, _paragraph_moves(article, before["blocks"]))
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


@transaction.atomic
def revision_restore(
    *, article: Article, revision: Revision, actor: AbstractBaseUser | None
) -> Article:
    """Bring back an earlier revision's content as the newest revision."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if revision.article_id != article.pk:
        raise InvalidTransition("That revision belongs to another article.")
    if not permissions.can_edit(actor, article):
        raise EditorialPermissionDenied("You may not edit this article now.")
    snap = revision.snapshot
    authors = {a.pk: a for a in Author.objects.filter(pk__in=[x["id"] for x in snap["authors"]])}
    section = Section.objects.filter(pk=snap["section"]["id"]).first() or article.section
    changes = ArticleChanges(
        fields={
            **{name: snap[name] for name in EDITABLE_FIELDS if name in snap and name != "section"},
            "section": section,
        },
        blocks=[BlockData(**block) for block in snap["blocks"]],
        authors=[authors[x["id"]] for x in snap["authors"] if x["id"] in authors],
        tags=snap["tags"],
    )
    return article_update(
        article=article,
        actor=actor,
        changes=changes,
        base_revision=latest_revision_number(article),
        message=f"Restored revision {revision.number}",
    )


@transaction.atomic
def comment_create(*, article: Article, actor: AbstractBaseUser, text: str) -> ReviewComment:
    """An internal review comment, pinned to the revision it was written against."""
    if not (
        permissions.can_view_in_desk(actor, article) and permissions.in_the_room(actor, article)
    ):
        raise EditorialPermissionDenied("You may not comment on this article.")
    text = text.strip()
    if not text:
        raise InvalidTransition("Write a comment first.")
    comment = ReviewComment.objects.create(
        article=article,
        author=actor,
        text=text,
        revision_number=latest_revision_number(article) or None,
    )
    _event(article=article, action="comment.create", actor=actor, data={"comment": comment.pk})
    return comment


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
    if article.status in _LIVE or not permissions.can_edit(actor, article):
        _require(actor, "articles.correct_article")
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
        published_at=when if article.status in _LIVE else None,
        prominent=note.prominent,
        revision=revision,
    )
    correction.full_clean()
    correction.save()
    if article.status in _LIVE:
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
    """Take a note down from the reader site. Admins only; the note and the trace stay."""
    if not getattr(actor, "is_superuser", False):
        raise EditorialPermissionDenied("Only an administrator may withdraw a correction note.")
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
def attribution_create(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    source: Source,
    kind: str,
    text: str,
    paragraph: int | None,
    url: str = "",
) -> Attribution:
    """Tie words in the body to their source; the words must stand in that paragraph.

    On a story that is live, only someone who may correct it may add sources to it.
    """
    _require(actor, "articles.add_attribution")
    if actor is not None and not (
        permissions.can_edit(actor, article)
        or (article.is_published and actor.has_perm("articles.correct_article"))
    ):
        raise EditorialPermissionDenied("You may not add attributions to this article now.")
    attribution = Attribution(
        article=article, source=source, kind=kind, text=text.strip(), paragraph=paragraph, url=url
    )
    attribution.full_clean()
    attribution.save()
    _event(
        article=article,
        action="attribution.create",
        actor=actor,
        data={"attribution": attribution.pk, "source": source.name, "paragraph": paragraph},
    )
    return attribution


@transaction.atomic
def source_create(
    *, actor: AbstractBaseUser | None, name: str, kind: str = Source.Kind.PERSON, **fields: Any
) -> Source:
    """A new source, with a unique slug from its name."""
    _require(actor, "articles.add_source")
    source = Source(name=name.strip(), slug=unique_slug(Source, name), kind=kind, **fields)
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def source_merge(*, keep: Source, merge: Source, actor: AbstractBaseUser | None) -> Source:
    """Fold ``merge`` into ``keep``: its attributions, members, names and URL move over.

    Nothing attributed is lost; ``merge``'s name becomes an alias of ``keep`` and its slug
    redirects to ``keep``'s page. Each affected story's audit log records the merge.
    """
    _require(actor, "articles.change_source")
    if keep.pk == merge.pk:
        raise InvalidTransition("Choose two different sources to merge.")
    keep = Source.objects.select_for_update().get(pk=keep.pk)
    merge = Source.objects.select_for_update().get(pk=merge.pk)
    article_ids = set(merge.attributions.values_list("article_id", flat=True))
    moved = merge.attributions.update(source=keep)
    Source.objects.filter(affiliation=merge).exclude(pk=keep.pk).update(affiliation=keep)
    if keep.affiliation_id == merge.pk:
        keep.affiliation = merge.affiliation if merge.affiliation_id != keep.pk else None
    keep.aliases = [*keep.aliases, merge.name, *merge.aliases]
    keep.former_slugs = sorted({*keep.former_slugs, merge.slug, *merge.former_slugs})
    keep.url = keep.url or merge.url
    keep.role = keep.role or merge.role
    keep.full_clean()
    keep.save()
    for article in Article.objects.filter(pk__in=article_ids):
        _event(
            article=article,
            action="source.merge",
            actor=actor,
            data={"kept": keep.name, "merged": merge.name, "attributions": moved},
        )
    merge.delete()
    return keep


@transaction.atomic
def suggestion_accept(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    paragraph: int,
    text: str,
    source_name: str,
    source_kind: str,
    attribution_kind: str,
    source_id: int | None = None,
    role: str = "",
) -> Attribution:
    """Accept a quote-finder suggestion: the Source (found or created) and the Attribution."""
    source = Source.objects.filter(pk=source_id).first() if source_id else None
    if source is None:
        source = Source.objects.filter(name__iexact=source_name.strip()).first()
    if source is None:
        source = source_create(actor=actor, name=source_name, kind=source_kind, role=role)
    return attribution_create(
        article=article,
        actor=actor,
        source=source,
        kind=attribution_kind,
        text=text,
        paragraph=paragraph,
    )


@transaction.atomic
def suggestion_reject(
    *, article: Article, actor: AbstractBaseUser, paragraph: int, text: str, source_name: str
) -> ArticleEvent:
    """Record that a suggested source is wrong, so the desk stops proposing it.

    The passage itself stays unattributed until someone attributes it by hand.
    """
    _require(actor, "articles.add_attribution")
    return _event(
        article=article,
        action="suggestion.reject",
        actor=actor,
        data={"paragraph": paragraph, "text": text, "source": source_name},
    )


@transaction.atomic
def attribution_delete(*, attribution: Attribution, actor: AbstractBaseUser | None) -> None:
    """Remove an attribution from a story that can still be edited."""
    _require(actor, "articles.delete_attribution")
    article = attribution.article
    if not permissions.can_edit(actor, article):
        raise EditorialPermissionDenied("Published attributions change through a correction.")
    _event(
        article=article,
        action="attribution.delete",
        actor=actor,
        data={"source": attribution.source.name, "text": attribution.text},
    )
    attribution.delete()
