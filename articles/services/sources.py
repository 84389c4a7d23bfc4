"""Sources and attributions: who said what, suggestions from the quote finder, merging."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from articles import permissions
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
