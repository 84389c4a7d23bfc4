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

from articles import body
from articles.exceptions import EditorialPermissionDenied, InvalidTransition
from articles.models import (
    Article,
    ArticleEvent,
    Attribution,
    Author,
    Block,
    Byline,
    CorrectionNote,
    Revision,
    Section,
    Source,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


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
    return ArticleEvent.objects.create(
        article=article,
        action=action,
        actor=actor,
        message=message,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )


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
    last = article.revisions.aggregate(n=Max("number"))["n"] or 0
    return Revision.objects.create(
        article=article,
        number=last + 1,
        created_by=actor,
        message=message[:300],
        snapshot=article_snapshot(article),
    )


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
) -> Article:
    """Create a draft with its body and bylines, and its first revision."""
    _require(actor, "articles.add_article")
    article = Article(
        section=section,
        headline=headline.strip(),
        slug=slug or unique_slug(Article, headline),
        dek=dek,
        dateline=dateline,
        kind=kind,
        credit_line=credit_line,
        created_by=actor,
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
    """What stops this article from being published, in words an editor can act on."""
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


@transaction.atomic
def article_publish(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    at: datetime | None = None,
    message: str = "",
) -> Article:
    """Publish a draft: readers see it from ``at`` (default now), with its pending notes."""
    _require(actor, "articles.publish_article")
    article = Article.objects.select_for_update().get(pk=article.pk)
    target = Article.Status.PUBLISHED
    if not article.can_transition_to(target):
        raise InvalidTransition(
            f"A {article.get_status_display().lower()} article cannot be published."
        )
    problems = article_publish_problems(article)
    if problems:
        raise InvalidTransition(problems)
    when = at or timezone.now()
    previous = article.status
    article.status = target
    article.first_published_at = article.first_published_at or when
    article.updated_at = article.updated_at or article.first_published_at
    article.save(update_fields=["status", "first_published_at", "updated_at", "modified_at"])
    article.corrections.filter(published_at__isnull=True).update(published_at=when)
    revision_create(article=article, actor=actor, message=message or "Published")
    _event(
        article=article,
        action="article.publish",
        actor=actor,
        from_status=previous,
        to_status=target,
        message=message,
    )
    return article


@transaction.atomic
def correction_note_create(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    note: NoteData,
    issued_at: datetime | None = None,
) -> CorrectionNote:
    """Attach a note. On a published story it is public at once and moves the updated time."""
    _require(actor, "articles.correct_article")
    article = Article.objects.select_for_update().get(pk=article.pk)
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
        published_at=when if article.is_published else None,
    )
    correction.full_clean()
    correction.save()
    if article.is_published:
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
    """Tie words in the body to their source; the words must stand in that paragraph."""
    _require(actor, "articles.add_attribution")
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
