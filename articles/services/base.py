"""The plumbing every write shares: permission checks, the audit event (and the
article_changed signal it schedules), snapshots and revisions."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from articles import body, diffing, fields, permissions, rendering
from articles.exceptions import EditorialPermissionDenied
from articles.models import (
    BLOCK_UID_RE,
    Article,
    ArticleEvent,
    Author,
    Block,
    Byline,
    Revision,
    new_block_uid,
)
from articles.signals import article_changed
from webhooks import events as webhooks

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

Status = Article.Status


@dataclass(frozen=True)
class BlockData:
    """One block to be written: ``text`` is already block text (see ``body.from_plain``).

    ``uid`` is the stored block it continues (``Block.uid``); "" for a new block, or for one
    whose identity ``assign_uids`` should find from the stored body (a plain-text save).
    """

    kind: str
    text: str = ""
    image: Any = None
    image_alt: str = ""
    image_caption: str = ""
    image_credit: str = ""
    uid: str = ""


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
    public: bool | None = None,
) -> ArticleEvent:
    """Write the audit row, and once the transaction commits tell listeners (the search
    index, the page cache) that the article changed. Every write path passes here.

    ``public`` says whether readers could see the change. By default they could when the
    story is, or was until this change, in a state readers get something for
    (``Article.Status.READER_FACING``); internal records (review comments, rejected
    suggestions, preview links) pass ``public=False`` whatever the state.
    """
    if public is None:
        public = bool({article.status, from_status} & Article.Status.READER_FACING)
    event = ArticleEvent.objects.create(
        article=article,
        action=action,
        actor=actor,
        message=message,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )
    # In this transaction too: the subscribers' deliveries commit with the change.
    webhooks.record(article=article, action=action, data=data or {}, public=public)
    article_id, event_id = article.pk, event.pk
    if public:
        # In this transaction: the prepared page cannot outlive the change it misses
        # (article_changed re-prepares it once the change commits).
        rendering.mark_stale([article_id])
    # Robust: the change committed and is reported as done whatever a listener does.
    transaction.on_commit(
        lambda: article_changed.send(
            sender=Article,
            article_id=article_id,
            action=action,
            public=public,
            event_id=event_id,
        ),
        robust=True,
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
    """Every editorial field, the bylines, the tags and the blocks, as plain JSON
    (declared in ``articles.fields``)."""
    return fields.snapshot(article)


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


def block_chars(text: str) -> int:
    """How long a block's text is as the desk shows it: entities decoded, markup counted."""
    return len(html.unescape(text or ""))


def block_limits_check(blocks: Sequence[BlockData]) -> None:
    """Refuse a body over ``NEWSROOM_MAX_BLOCKS`` blocks, or with a block over
    ``NEWSROOM_MAX_BLOCK_CHARS`` characters, with a ``ValidationError`` that names the block
    and the limits.

    NOTE: an article is rendered, diffed, snapshotted and re-posted whole on every edit; a
    story of 39,321 blocks (a 3 MB paste) took 37 s to import and its editor page never
    loaded. Checked on the one write path, so the desk, the importer and a revision restore
    all stop at the same line.
    """
    max_blocks, max_chars = settings.NEWSROOM_MAX_BLOCKS, settings.NEWSROOM_MAX_BLOCK_CHARS
    if len(blocks) > max_blocks:
        raise ValidationError(
            f"The article has {len(blocks):,} blocks; the limit is {max_blocks:,} blocks per "
            f"article ({len(blocks) - max_blocks:,} over). Split it into several stories.",
            code="too_many_blocks",
        )
    numbers = body.paragraph_numbers(b.kind for b in blocks)
    too_long = [
        (position, number, chars)
        for position, (data, number) in enumerate(zip(blocks, numbers, strict=True), start=1)
        if (chars := block_chars(data.text)) > max_chars
    ]
    if too_long:
        position, number, chars = too_long[0]
        where = f"Block {position}" + (f" (paragraph {number})" if number else "")
        others = len(too_long) - 1
        raise ValidationError(
            f"{where} has {chars:,} characters; the limit is {max_chars:,} characters per "
            f"block ({chars - max_chars:,} over). Split it into shorter paragraphs."
            + (
                f" {others:,} more block{'s are' if others > 1 else ' is'} too long."
                if others
                else ""
            ),
            code="block_too_long",
        )


# The article fields readers read as prose, besides the body and image captions.
TYPESET_FIELDS = ("headline", "dek", "lead_image_caption")


def typeset(text: str, *, markup: bool = False) -> str:
    """``text`` with typographic quotes and apostrophes (``body.typographic``), unless
    ``NEWSROOM_TYPOGRAPHIC_QUOTES`` is off. ``markup``: block text, whose tags stay as typed.

    Every service that stores words readers read passes them here: blocks through
    ``_write_blocks``, and the ``TYPESET_FIELDS`` where the services set them.
    """
    if not settings.NEWSROOM_TYPOGRAPHIC_QUOTES:
        return text
    return body.typographic(text, markup=markup)


def typeset_fields(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the ``TYPESET_FIELDS`` it holds typeset (a copy)."""
    return {
        name: typeset(value) if name in TYPESET_FIELDS and isinstance(value, str) else value
        for name, value in values.items()
    }


def _block_key(block: Any) -> tuple[str, str, str]:
    """What makes two blocks the same block unchanged: kind, words (quote marks folded, so
    typed straight quotes match the typeset ones stored) and image."""
    name = getattr(block.image, "name", block.image) or ""
    words = body.fold_quotes(body.plain_text(block.text))
    return (block.kind, words, name if isinstance(name, str) else "")


def assign_uids(blocks: Sequence[BlockData], stored: Sequence[Any]) -> list[BlockData]:
    """``blocks`` with every block's identity settled against the ``stored`` body.

    A valid uid (``BLOCK_UID_RE``) is kept; the later of two equal ones, and an invalid one,
    count as none. A block without one takes the uid of a stored block no other block claims:
    first one with the same kind and words (a moved paragraph), then the one
    ``diffing.aligned_pairs`` aligns it with (an edited one). Whatever is left is a new block
    and gets a fresh uid. A plain-text save, an old revision restored, a service call
    without uids all keep the identity of the blocks they did not change.
    """
    claimed: set[str] = set()
    uids: list[str] = []
    for data in blocks:
        uid = data.uid if data.uid and BLOCK_UID_RE.fullmatch(data.uid) else ""
        if uid in claimed:
            uid = ""
        claimed.add(uid)
        uids.append(uid)
    missing = [i for i, uid in enumerate(uids) if not uid]
    if missing and stored:
        free = [b for b in stored if b.uid and b.uid not in claimed]
        by_key: dict[tuple, list[Any]] = {}
        for block in free:
            by_key.setdefault(_block_key(block), []).append(block)
        unmatched = []
        for i in missing:
            same = by_key.get(_block_key(blocks[i]))
            if same:
                uids[i] = same.pop(0).uid
            else:
                unmatched.append(i)
        taken = set(uids)
        rest = [b for b in free if b.uid not in taken]
        for old, new in diffing.aligned_pairs(rest, [blocks[i] for i in unmatched]):
            uids[unmatched[new]] = rest[old].uid
    taken = set(uids)
    for i, uid in enumerate(uids):
        if not uid:
            uid = new_block_uid()
            while uid in taken:
                uid = new_block_uid()
            taken.add(uid)
            uids[i] = uid
    return [
        data if data.uid == uid else replace(data, uid=uid)
        for data, uid in zip(blocks, uids, strict=True)
    ]


def _write_blocks(article: Article, blocks: Iterable[BlockData], *, fresh: bool = False) -> None:
    """Replace the article's body; checked against the block limits before anything goes.

    Text and captions are typeset (``typeset``) on the way in: the desk, imports and
    restored revisions all store typographic quotes. Each block keeps its identity
    (``assign_uids``); ``fresh``: the article was just created and has no body yet.
    """
    blocks = list(blocks)
    block_limits_check(blocks)
    if not fresh and not all(b.uid and BLOCK_UID_RE.fullmatch(b.uid) for b in blocks):
        stored = list(article.blocks.only("uid", "kind", "text", "image"))
    else:
        stored = []
    blocks = assign_uids(blocks, stored)
    article.blocks.all().delete()
    for position, data in enumerate(blocks, start=1):
        block = Block(
            article=article,
            uid=data.uid,
            position=position,
            kind=data.kind,
            text=typeset(data.text, markup=True),
            image=data.image or "",
            image_alt=data.image_alt,
            image_caption=typeset(data.image_caption),
            image_credit=data.image_credit,
        )
        block.full_clean(exclude=["article"])
        block.save()


def _check_bylines(
    actor: AbstractBaseUser | None, article: Article, authors: Sequence[Author]
) -> None:
    """Refuse a change to someone else's byline by an actor who may byline only themselves
    (``permissions.can_byline_others``): adding another author, or removing one an editor
    added. Their own byline they may add, remove and move."""
    if permissions.can_byline_others(actor):
        return
    before = {b.author_id: b.author for b in article.bylines.select_related("author")}
    after = {a.pk: a for a in authors}
    others = [
        author
        for author in [
            *(a for pk, a in after.items() if pk not in before),
            *(a for pk, a in before.items() if pk not in after),
        ]
        if author.user_id != actor.pk
    ]
    if others:
        names = ", ".join(sorted(str(a) for a in others))
        raise EditorialPermissionDenied(
            f"You may byline only yourself; ask an editor to add or remove {names}."
        )


def _write_bylines(
    article: Article, authors: Sequence[Author], *, actor: AbstractBaseUser | None
) -> None:
    """Replace the story's bylines with ``authors``, in order, after ``_check_bylines``."""
    authors = list(authors)
    _check_bylines(actor, article, authors)
    article.bylines.all().delete()
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)


def latest_revision_number(article: Article) -> int:
    return article.revisions.aggregate(n=Max("number"))["n"] or 0
