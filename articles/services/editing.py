"""Creating and editing articles that readers have not seen yet, with optimistic
concurrency; restoring revisions; review comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from articles import body, diffing, fields, permissions
from articles.exceptions import (
    EditConflict,
    EditorialPermissionDenied,
    InvalidTransition,
)
from articles.models import (
    Article,
    Author,
    ReviewComment,
    Revision,
    Section,
)
from articles.services.base import (
    BlockData,
    _event,
    _require,
    _write_blocks,
    _write_bylines,
    article_snapshot,
    latest_revision_number,
    revision_create,
    typeset,
    typeset_fields,
    unique_slug,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


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
        headline=typeset(headline.strip()),
        slug=slug or unique_slug(Article, headline),
        dek=typeset(dek),
        dateline=dateline,
        kind=kind,
        credit_line=credit_line,
        created_by=actor,
        **typeset_fields(lead_image_fields),
    )
    article.full_clean()
    article.save()
    _write_blocks(article, blocks, fresh=True)
    _write_bylines(article, authors, actor=actor)
    if tags:
        article.tags.set(list(tags))
    revision_create(article=article, actor=actor, message=message)
    _event(article=article, action="article.create", actor=actor, to_status=article.status)
    return article


# Derived from the one field spec (``articles.fields``).
COPY_FIELDS = fields.COPY_FIELDS
EDITABLE_FIELDS = fields.FORM_FIELDS


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


def _apply_changes(
    article: Article, changes: ArticleChanges, *, actor: AbstractBaseUser | None
) -> None:
    values = typeset_fields(changes.fields)
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(article, name, values[name])
    article.full_clean()
    article.save()
    _write_blocks(article, changes.blocks)
    _write_bylines(article, changes.authors, actor=actor)
    article.tags.set(list(changes.tags), clear=True)


def _check_base(article: Article, base_revision: int) -> None:
    """Refuse an edit that started from an older revision than the newest."""
    current = latest_revision_number(article)
    if base_revision != current:
        newer = article.revisions.filter(number=current).first()
        if newer is None:
            raise InvalidTransition("This form is out of date; reload the article.")
        raise EditConflict(article=article, revision=newer)


def _apply_if_changed(
    article: Article,
    changes: ArticleChanges,
    before: dict,
    *,
    actor: AbstractBaseUser | None,
) -> dict | None:
    """Write the changes; undo them and return None when they change nothing."""
    try:
        with transaction.atomic():
            _apply_changes(article, changes, actor=actor)
            after = article_snapshot(article)
            if after == before:
                raise _Unchanged
    except _Unchanged:
        article.refresh_from_db()
        return None
    return after


def paragraph_moves(old_blocks: Sequence[Any], new_blocks: Sequence[Any]) -> dict[int, int]:
    """Old paragraph number -> new number, for the paragraphs that are still in the body.

    A paragraph is followed by its identity (``Block.uid``) first, however it moved or its
    words changed; paragraphs without a match there (a snapshot from before blocks had
    uids) by ``diffing``'s alignment of the two bodies. Blocks are snapshot dicts.
    """

    def uid(block: Any) -> str:
        return block.get("uid", "") if isinstance(block, dict) else block.uid

    new_numbers = {
        uid(item.block): item.number
        for item in body.number_blocks(new_blocks)
        if item.number and uid(item.block)
    }
    moves = {
        item.number: new_numbers[uid(item.block)]
        for item in body.number_blocks(old_blocks)
        if item.number and uid(item.block) in new_numbers
    }
    taken = set(moves.values())
    for diff in diffing.diff_blocks(old_blocks, new_blocks):
        old, new = diff.old_number, diff.new_number
        if old and new and old not in moves and new not in taken:
            moves[old] = new
            taken.add(new)
    return moves


def carry_attributions(
    article: Article,
    old_blocks: Sequence[Any],
    new_blocks: Sequence[Any],
    moves: dict[int, int],
    *,
    actor: AbstractBaseUser | None,
) -> None:
    """Keep attributions pointing at their words after the body changed (``moves`` from
    ``paragraph_moves``), on a draft edit and a correction alike.

    Words that still stand word for word move with their paragraph (or to the one paragraph
    they now stand in, when a paragraph was split); words a correction changed follow the
    change ("militaries (sic)" becomes "forces (sic)"). An attribution whose words were
    removed entirely is deleted, and the audit log says so.
    """
    old_paragraphs = body.paragraph_texts(old_blocks)
    new_paragraphs = body.paragraph_texts(new_blocks)
    for attribution in article.attributions.select_related("source"):
        if attribution.paragraph is None:
            continue
        text = body.normalize_space(attribution.text)
        target = moves.get(attribution.paragraph)
        # Compared as ``Attribution.clean`` compares (quote marks folded), and kept as the
        # paragraph now spells the words.
        holders = [n for n, p in new_paragraphs.items() if body.contains(p, text)]
        if target in holders:
            new_number, new_text = target, body.passage_in(new_paragraphs[target], text)
        elif len(holders) == 1:
            new_number, new_text = holders[0], body.passage_in(new_paragraphs[holders[0]], text)
        else:
            new_number, new_text = _follow_change(
                old_paragraphs.get(attribution.paragraph, ""), new_paragraphs, target, text
            )
        if new_number is None:
            _event(
                article=article,
                action="attribution.delete",
                actor=actor,
                message="Its words were removed from the story.",
                data={"source": attribution.source.name, "text": attribution.text},
            )
            attribution.delete()
            continue
        if (new_number, new_text) == (attribution.paragraph, attribution.text):
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
    found = body.find(old_text, text)
    if target is None or found is None:
        return None, ""
    new_text = new_paragraphs[target]
    span = diffing.map_span(old_text, new_text, *found)
    if span is None:
        return None, ""
    return target, new_text[span[0] : span[1]].strip()


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
    after = _apply_if_changed(article, changes, before, actor=actor)
    if after is None:
        return article

    changed = {key for key in after if after[key] != before[key]}
    if copy_editing and changed - COPY_FIELDS:
        raise EditorialPermissionDenied(
            "Copy editors change the words; ask an editor to change "
            + ", ".join(sorted(changed - COPY_FIELDS))
            + "."
        )
    if after["blocks"] != before["blocks"]:
        moves = paragraph_moves(before["blocks"], after["blocks"])
        carry_attributions(article, before["blocks"], after["blocks"], moves, actor=actor)
    revision = revision_create(article=article, actor=actor, message=message or "Edited")
    _event(
        article=article,
        action="article.edit",
        actor=actor,
        message=message,
        data={"revision": revision.number, "changed": sorted(changed)},
    )
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
    _event(
        article=article,
        action="comment.create",
        actor=actor,
        data={"comment": comment.pk},
        public=False,
    )
    return comment
