"""Reader HTML prepared when a story changes, not on every read (``ArticleRendering``).

A story is written a few times and read millions of times, so what every read would
recompute is rendered once per change: the article page's ``<head>`` extras (canonical and
share tags, JSON-LD) and its ``<article>`` element (body, notes, sources), the three
teasers lists show, and the read API's ninjs document with its version (``articles.ninjs``).
``FRAGMENTS`` says which template makes which field; the templates stay the one home of the
markup (a shared preview renders the same includes live).

Writing. ``prepare`` renders one story from fresh rows and stores the result unless a
rendering of newer data is already there (``read_at``). Every change readers could see
marks the rendering stale inside its own transaction (``articles.services.base._event``),
and once it commits ``article_changed`` re-prepares it. Edits to the plain records the
fragments show (a source, an author, a section, a tag, anything saved in the admin) mark
the renderings that show them stale, and the next read re-renders them; so does any save
of a story or of a row that belongs to it, wherever it comes from (the admin, a shell).

Reading. ``for_page`` and ``for_list`` use a rendering when its ``version`` (a fingerprint
of the templates, the code that fills them and the settings they read) and ``status`` match
the story, else they prepare one there and then: stories loaded in bulk
(``generate_corpus``), renderings made stale, and every story after a deploy that changed
a template. A rendering that cannot be stored (a read-only database) is still served.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticleRendering,
    Attribution,
    Author,
    Block,
    Byline,
    CorrectionNote,
    Section,
    Source,
)
from articles.signals import article_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

log = logging.getLogger("newsroom.rendering")

# Absolute URLs are rendered under this origin (a reserved, never-resolving name that HTML
# escaping and JSON encoding leave as it is) and served under the one the reader asked for.
ORIGIN = "https://newsroom-origin.invalid"

#: Field of ``ArticleRendering`` -> (template, extra context). The one list of fragments.
FRAGMENTS: dict[str, tuple[str, dict]] = {
    "head_html": ("articles/includes/_story_head.html", {}),
    "story_html": ("articles/includes/_story.html", {}),
    "teaser_html": ("articles/includes/_teaser.html", {"level": 3}),
    "section_teaser_html": ("articles/includes/_teaser.html", {"hide_section": True}),
    "lead_html": ("articles/includes/_lead.html", {}),
}

# Bump when something the fingerprint cannot see changes what the fragments hold.
FORMAT = 1

_BASE = Path(__file__).resolve().parent
# What fills the fragments besides the templates: a change to any of these files (a deploy)
# makes every rendering stale.
_CODE = (
    "rendering.py",
    "ninjs.py",
    "body.py",
    "jsonld.py",
    "corrections.py",
    "images.py",
    "renditions.py",
    "templatetags",
)
_SETTINGS = ("SITE_NAME", "TIME_ZONE", "LANGUAGE_CODE", "STATIC_URL", "MEDIA_URL")


@functools.cache
def fingerprint() -> str:
    """The version every rendering this process makes carries (and expects)."""
    digest = hashlib.sha256(str(FORMAT).encode())
    templates = Path(settings.BASE_DIR) / "templates" / "articles" / "includes"
    files = sorted(templates.glob("*.html"))
    for name in _CODE:
        path = _BASE / name
        files.extend(sorted(path.glob("*.py")) if path.is_dir() else [path])
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for name in _SETTINGS:
        digest.update(f"{name}={getattr(settings, name, '')}".encode())
    digest.update(repr(sorted(_static_manifest().items())).encode())
    return digest.hexdigest()[:32]


def _static_manifest() -> dict:
    # Share cards name hashed static files: a new image is a new URL.
    from django.contrib.staticfiles.storage import staticfiles_storage

    return dict(getattr(staticfiles_storage, "hashed_files", {}) or {})


class _Origin:
    """What the fragment templates ask of a request: absolute URLs, under ``ORIGIN``."""

    path = ""
    GET: dict = {}

    def build_absolute_uri(self, location: str = "/") -> str:
        if location.startswith(("http://", "https://", "//")):
            return location
        return ORIGIN + "/" + location.lstrip("/")


def origin_of(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def is_current(article: Article) -> bool:
    """Whether ``article.rendering`` (loaded with it) can be served as it is."""
    rendering = _loaded(article)
    return (
        rendering is not None
        and rendering.version == fingerprint()
        and rendering.status == article.status
    )


def _loaded(article: Article) -> ArticleRendering | None:
    try:
        return article.rendering
    except ArticleRendering.DoesNotExist:
        return None


# --- Writing -----------------------------------------------------------------------------


def _render(article: Article) -> dict[str, str]:
    from articles.visibility import reader_outcome

    context = {
        "article": article,
        "outcome": reader_outcome(article),
        "request": _Origin(),
        "site_name": settings.SITE_NAME,
    }
    return {
        field: render_to_string(template, {**context, **extra})
        for field, (template, extra) in FRAGMENTS.items()
    }


def _page_data():
    # The page's data, and what the ninjs document reads besides (every published note,
    # withdrawn ones too, and when the latest revision was made).
    return (
        Article.objects.with_page_data()
        .with_version_data()
        .annotate(read_at=Now())
        .prefetch_related(
            Prefetch(
                "corrections",
                queryset=CorrectionNote.objects.filter(published_at__isnull=False),
                to_attr="published_notes",
            )
        )
    )


def _syndicated(article: Article) -> dict[str, str]:
    from articles import ninjs

    ninjs_json, ninjs_version = ninjs.prepared(article)
    return {"ninjs_json": ninjs_json, "ninjs_version": ninjs_version}


def prepare_many(article_ids: Iterable[int]) -> dict[int, ArticleRendering]:
    """Render the stories from fresh rows and store each rendering unless a newer one is
    there. Returns what was rendered (stored or not), by article id."""
    ids = list(article_ids)
    if not ids:
        return {}
    rendered = {}
    for article in _page_data().filter(pk__in=ids):
        rendering = ArticleRendering(
            article_id=article.pk,
            revision=article.latest_revision,
            status=article.status,
            version=fingerprint(),
            read_at=article.read_at,
            rendered_at=timezone.now(),
            **_render(article),
            **_syndicated(article),
        )
        _store(rendering)
        rendered[article.pk] = rendering
    return rendered


def prepare(article_id: int) -> ArticleRendering | None:
    return prepare_many([article_id]).get(article_id)


def _store(rendering: ArticleRendering) -> bool:
    """Write ``rendering`` unless the row holds one made from data read later. Best effort:
    a database that refuses the write (read-only, gone) costs the next reader a render."""
    fields = {
        f.attname: getattr(rendering, f.attname)
        for f in ArticleRendering._meta.concrete_fields
        if not f.primary_key
    }
    # Replace a rendering of data read earlier, or a stale mark made no later than this
    # data was read (a render of rows read before the mark must not pass for current).
    older = Q(read_at__lt=rendering.read_at) | Q(version="", read_at__lte=rendering.read_at)
    try:
        # A savepoint: a refused write never breaks a transaction the caller is in.
        with transaction.atomic():
            return _write(rendering, fields, older)
    except DatabaseError:
        log.warning("Could not store the rendering of article %s", rendering.article_id)
        return False


def _write(rendering: ArticleRendering, fields: dict, older: Q) -> bool:
    mine = ArticleRendering.objects.filter(pk=rendering.article_id)
    if mine.filter(older).update(**fields):
        return True
    if mine.exists():
        return False
    try:
        with transaction.atomic():
            ArticleRendering.objects.create(article_id=rendering.article_id, **fields)
        return True
    except IntegrityError:  # another process stored one first: keep the newer
        return bool(mine.filter(older).update(**fields))


def mark_stale(article_ids=None, *, where: Q | None = None) -> None:
    """Renderings of these articles (ids, or a condition on the article) must be made
    again; a render of older data that finishes later is not stored either."""
    renderings = ArticleRendering.objects.all()
    if article_ids is not None:
        renderings = renderings.filter(article_id__in=list(article_ids))
    if where is not None:
        renderings = renderings.filter(article__in=Article.objects.filter(where))
    renderings.update(version="", read_at=Now())


def mark_stale_now_and_after_commit(article_ids=None, *, where: Q | None = None) -> None:
    # Now: inside the writing transaction, so the change and the staleness commit together.
    # After commit: a reader who read the old rows just before the commit and stores its
    # render just after is overruled.
    mark_stale(article_ids, where=where)
    # Robust: a failure here is logged and never undoes, or hides, what committed.
    transaction.on_commit(lambda: mark_stale(article_ids, where=where), robust=True)


@receiver(article_changed, dispatch_uid="articles.rendering.article_changed")
def _article_changed(*, article_id: int, public: bool = True, **kwargs) -> None:
    if not public:
        return
    try:
        prepare(article_id)
    except Exception:
        # The change committed and is reported as done; the next reader renders the story.
        log.exception("Could not render article %s after its change", article_id)
        try:
            mark_stale([article_id])
        except DatabaseError:
            log.warning("Could not mark the rendering of article %s stale", article_id)


# What each plain record shows up in: the articles whose fragments print it.
SHOWN_IN = {
    Author: lambda pk: Q(bylines__author_id=pk),
    Source: lambda pk: Q(attributions__source_id=pk) | Q(attributions__source__affiliation_id=pk),
    Section: lambda pk: Q(section_id=pk),
    Tag: lambda pk: Q(pk__in=TaggedItem.objects.filter(tag_id=pk).values("object_id")),
}


@receiver(post_save, sender=Author, dispatch_uid="articles.rendering.author_saved")
@receiver(post_delete, sender=Author, dispatch_uid="articles.rendering.author_deleted")
@receiver(post_save, sender=Source, dispatch_uid="articles.rendering.source_saved")
@receiver(post_delete, sender=Source, dispatch_uid="articles.rendering.source_deleted")
@receiver(post_save, sender=Section, dispatch_uid="articles.rendering.section_saved")
@receiver(post_save, sender=Tag, dispatch_uid="articles.rendering.tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="articles.rendering.tag_deleted")
def _record_changed(sender, instance, created: bool = False, **kwargs) -> None:
    if created:
        return  # nothing shows a record that did not exist
    mark_stale_now_and_after_commit(where=SHOWN_IN[sender](instance.pk))


@receiver(post_save, sender=Article, dispatch_uid="articles.rendering.article_saved")
def _article_saved(instance: Article, created: bool, raw: bool = False, **kwargs) -> None:
    # The services say so through _event; this also covers a save from anywhere else (the
    # admin, a shell, a data migration).
    if not created and not raw:
        mark_stale_now_and_after_commit([instance.pk])


@receiver(post_save, sender=Block, dispatch_uid="articles.rendering.block_saved")
@receiver(post_delete, sender=Block, dispatch_uid="articles.rendering.block_deleted")
@receiver(post_save, sender=Byline, dispatch_uid="articles.rendering.byline_saved")
@receiver(post_delete, sender=Byline, dispatch_uid="articles.rendering.byline_deleted")
@receiver(post_save, sender=Attribution, dispatch_uid="articles.rendering.attribution_saved")
@receiver(post_delete, sender=Attribution, dispatch_uid="articles.rendering.attribution_deleted")
@receiver(post_save, sender=CorrectionNote, dispatch_uid="articles.rendering.note_saved")
@receiver(post_delete, sender=CorrectionNote, dispatch_uid="articles.rendering.note_deleted")
def _part_changed(instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        mark_stale_now_and_after_commit([instance.article_id])


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="articles.rendering.tagged")
def _tags_changed(instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Article):
        mark_stale_now_and_after_commit([instance.pk])
    elif pk_set:
        mark_stale_now_and_after_commit(pk_set)


# --- Reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """An article page's two fragments, ready for the reader who asked."""

    head: SafeString
    story: SafeString


def for_page(article: Article, request: HttpRequest) -> Prepared:
    """The article page's fragments: stored ones when current, else made now."""
    rendering = _loaded(article) if is_current(article) else None
    if rendering is None:
        rendering = prepare(article.pk) or ArticleRendering(**_render(article))
    origin = origin_of(request)
    # Both fragments came out of autoescaping templates; only our origin is put back.
    return Prepared(
        head=mark_safe(rendering.head_html.replace(ORIGIN, origin)),  # noqa: S308
        story=mark_safe(rendering.story_html.replace(ORIGIN, origin)),  # noqa: S308
    )


def for_list(articles: list[Article], field: str, request: HttpRequest) -> list[SafeString]:
    """Each article's ``field`` fragment (a teaser), in order; missing or stale ones are
    rendered now, all in one go."""
    missing = [a.pk for a in articles if not is_current(a)]
    fresh = prepare_many(missing) if missing else {}
    origin = origin_of(request)
    html = []
    for article in articles:
        rendering = fresh.get(article.pk) or _loaded(article)
        text = getattr(rendering, field).replace(ORIGIN, origin) if rendering else ""
        html.append(mark_safe(text))  # noqa: S308 - rendered by autoescaping templates
    return html


def stored_ninjs(article: Article) -> ArticleRendering | None:
    """``article``'s rendering (loaded with it) when its ninjs document can be served as it
    is: current, and made for a story readers saw."""
    rendering = _loaded(article) if is_current(article) else None
    return rendering if rendering is not None and rendering.ninjs_version else None
