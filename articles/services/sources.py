"""Sources and attributions: who said what, suggestions from the quote finder, merging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import body, permissions
from articles.exceptions import (
    EditorialPermissionDenied,
    InvalidTransition,
)
from articles.models import (
    Article,
    ArticleEvent,
    Attribution,
    Source,
)
from articles.services.base import _event, _require, unique_slug

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class SourceData:
    """A source to create with the attribution that first cites it.

    Its affiliation is a source on file (``affiliation_id``) or a name
    (``affiliation_name``): the organisation that goes by it, else a new one.
    """

    name: str
    kind: str = Source.Kind.PERSON
    role: str = ""
    affiliation_id: int | None = None
    affiliation_name: str = ""


@transaction.atomic
def attribution_create(
    *,
    article: Article,
    actor: AbstractBaseUser | None,
    source: Source | None = None,
    new_source: SourceData | None = None,
    kind: str,
    text: str,
    paragraph: int | None,
    url: str = "",
) -> Attribution:
    """Tie words in the body to their source; the words must stand in that paragraph.

    The source is an existing one (``source``) or a new one (``new_source``), never both. A
    new source (and a new organisation it belongs to) is created in the same transaction, so
    an attribution that is refused leaves no source behind. On a story that is live, only
    someone who may correct it may add sources to it.
    """
    if source is None and new_source is None:
        raise InvalidTransition("Choose a source or name a new one.")
    if source is not None and new_source is not None:
        raise InvalidTransition("Choose a source or name a new one, not both.")
    _require(actor, "articles.add_attribution")
    if not (permissions.can_edit(actor, article) or permissions.can_correct(actor, article)):
        raise EditorialPermissionDenied("You may not add attributions to this article now.")
    if new_source is not None:
        source = _new_source(actor=actor, data=new_source)
    attribution = Attribution(
        article=article,
        source=source,
        kind=kind,
        text=_as_printed(article, paragraph, text),
        paragraph=paragraph,
        url=url,
    )
    attribution.full_clean()
    attribution.save()
    data: dict[str, Any] = {
        "attribution": attribution.pk,
        "source": source.name,
        "paragraph": paragraph,
    }
    if new_source is not None:
        data["new_source"] = True
        if source.affiliation_id:
            data["affiliation"] = source.affiliation.name
    _event(article=article, action="attribution.create", actor=actor, data=data)
    return attribution


@transaction.atomic
def attribution_update(
    *,
    attribution: Attribution,
    actor: AbstractBaseUser | None,
    source: Source,
    kind: str,
    text: str,
    paragraph: int | None,
    url: str = "",
) -> Attribution:
    """Change an attribution: its source, kind, words, paragraph or link.

    Only while the story can still be edited (``permissions.can_edit``): a live story's
    attributions change through a correction, which carries them along with its words. The
    audit log records each changed field before and after; an update that changes nothing
    writes nothing.
    """
    _require(actor, "articles.change_attribution")
    current = Attribution.objects.select_for_update().get(pk=attribution.pk)
    article = Article.objects.select_for_update().get(pk=current.article_id)
    if not permissions.can_edit(actor, article):
        if article.status in Article.Status.FROZEN:
            raise EditorialPermissionDenied(
                "Readers saw this story: its attributions change through a correction."
            )
        raise EditorialPermissionDenied("You may not change this article's attributions now.")
    changes: dict[str, dict[str, Any]] = {}
    if current.source_id != source.pk:
        changes["source"] = {"from": current.source.name, "to": source.name}
    wanted = {
        "kind": kind,
        "text": _as_printed(article, paragraph, text),
        "paragraph": paragraph,
        "url": url,
    }
    for name, value in wanted.items():
        if getattr(current, name) != value:
            changes[name] = {"from": getattr(current, name), "to": value}
    if not changes:
        return current
    current.source = source
    for name, value in wanted.items():
        setattr(current, name, value)
    current.article = article
    current.full_clean()
    current.save()
    _event(
        article=article,
        action="attribution.update",
        actor=actor,
        data={"attribution": current.pk, "source": current.source.name, "changes": changes},
    )
    return current


def _as_printed(article: Article, paragraph: int | None, text: str) -> str:
    """The attributed words as the paragraph spells them, typographic quotes and all, when
    they stand there (``body.find``: an editor may type ``don't`` for the body's ``don’t``);
    else as typed, for ``Attribution.clean`` to refuse."""
    text = text.strip()
    if paragraph:
        return body.passage_in(article.paragraph_texts().get(paragraph, ""), text) or text
    return text


def _new_source(*, actor: AbstractBaseUser | None, data: SourceData) -> Source:
    """The source ``data`` describes, with its affiliation: the one on file by id, else the
    one that goes by the name given (any case), else a new organisation of that name."""
    affiliation = None
    if data.affiliation_id:
        affiliation = Source.objects.filter(pk=data.affiliation_id).first()
        if affiliation is None:
            raise ValidationError({"affiliation": "That affiliation is no longer on file."})
    elif data.affiliation_name.strip():
        affiliation = _source_named(data.affiliation_name) or source_create(
            actor=actor,
            name=" ".join(data.affiliation_name.split()),
            kind=Source.Kind.ORGANISATION,
        )
    return source_create(
        actor=actor,
        name=" ".join(data.name.split()),
        kind=data.kind,
        role=data.role.strip(),
        affiliation=affiliation,
    )


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
    """Accept a quote-finder suggestion: the Source and the Attribution.

    The source is the one suggested by id, else the one that goes by that name or alias
    (whatever the case), else a new one, created with the attribution.
    """
    source = Source.objects.filter(pk=source_id).first() if source_id else None
    if source is None:
        source = _source_named(source_name)
    return attribution_create(
        article=article,
        actor=actor,
        source=source,
        new_source=(None if source else SourceData(name=source_name, kind=source_kind, role=role)),
        kind=attribution_kind,
        text=text,
        paragraph=paragraph,
    )


def _source_named(name: str) -> Source | None:
    """The source called ``name``, or going by it as an alias, ignoring case and spacing."""
    wanted = _folded(name)
    if not wanted:
        return None
    source = Source.objects.filter(name__iexact=" ".join(name.split())).first()
    if source is not None:
        return source
    # NOTE: aliases are a JSON list, and no lookup compares its items ignoring case on both
    # SQLite and PostgreSQL; the quote finder reads every source's aliases too (selectors).
    for pk, aliases in Source.objects.values_list("pk", "aliases"):
        names = [aliases] if isinstance(aliases, str) else aliases or []
        if any(isinstance(alias, str) and _folded(alias) == wanted for alias in names):
            return Source.objects.get(pk=pk)
    return None


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


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
        public=False,
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
