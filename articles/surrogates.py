"""Surrogate keys: what each reader page shows, and what each write must purge from a front
cache (Varnish, Fastly, Cloudflare) in front of the site.

Pages. A reader view declares the keys of what it renders with ``tag(request, *keys)``;
``articles.caching.ReaderCacheMiddleware._public_headers``, the one place public headers are
set, writes them, with the site-wide key ``all``, as ``Surrogate-Key`` (space separated:
Fastly, Varnish xkey) and ``Cache-Tag`` (comma separated: Cloudflare). Pages served from the
page cache keep them (they are stored with the response headers). The keys:

- ``article-<id>``: the story, on every page that shows it (its page, teasers, feed items,
  the corrections log's entries, source pages' quotes, search results);
- ``section-<id>``, ``author-<id>``, ``source-<id>``, ``tag-<id>``: the record's own page
  and feeds, where a story can newly appear;
- ``home`` (the home page, the latest feeds, sitemaps), ``corrections`` (the log and its
  feeds), ``search`` (results pages), ``authors`` and ``sources`` (the A-to-Z indexes),
  ``all`` (every page).

Purging. A page carries the keys of every story it shows, so a write purges the keys of
the story it changed (every page that showed it) plus those of the lists it may now
appear in (``article_keys``). The receivers below hook where the page cache invalidates
(``articles.caching``) and run after it, so the front cache refetches pages the origin has
already re-rendered:

- ``article_changed`` (public only) purges ``article_keys`` plus ``ACTION_KEYS[action]``;
- Author, Source and Tag saves purge the record's key and the stories that print it
  (``articles.rendering.SHOWN_IN``, the same rule that marks their renderings stale);
- a Section save purges ``all``: every page's navigation lists the sections;
- an admin save (its log entry) purges the story it concerns, else ``all``.

Purges go through the purger ``NEWSROOM_PURGER`` names (``articles.purging``), as a background
job (``articles.tasks.purge``) sent after the write commits; they never fail the write.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from taggit.models import Tag, TaggedItem

from articles import purging
from articles.models import (
    Article,
    Attribution,
    Author,
    Byline,
    CorrectionNote,
    Section,
    Source,
)
from articles.signals import article_changed
from newsroom import jobs

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

log = logging.getLogger("newsroom.purge")

ALL = "all"
HOME = "home"
CORRECTIONS = "corrections"
SEARCH = "search"
# The A-to-Z indexes of authors and sources: any published story may add one to them or
# change the newest story they show.
AUTHORS = "authors"
SOURCES = "sources"

# More keys than this in one purge (an author with thousands of stories) purge ``all``.
MAX_KEYS = 200

SURROGATE_KEY_HEADER = "Surrogate-Key"
CACHE_TAG_HEADER = "Cache-Tag"

# What an audit action touches besides the story's own keys (``article_keys``): the
# corrections log and its feeds list notes.
ACTION_KEYS: dict[str, tuple[str, ...]] = {
    "article.correct": (CORRECTIONS,),
    "correction.create": (CORRECTIONS,),
    "correction.update": (CORRECTIONS,),
    "correction.withdraw": (CORRECTIONS,),
    "article.retract": (CORRECTIONS,),
}
# Moves that take a story's notes into or out of the log (publishing makes its pending
# notes public, unpublishing hides them): ``corrections`` too when the story has any.
NOTE_VISIBILITY_ACTIONS = frozenset(
    {"article.publish", "article.publish.scheduled", "article.republish", "article.unpublish"}
)


def article(pk) -> str:
    return f"article-{pk}"


def section(pk) -> str:
    return f"section-{pk}"


def author(pk) -> str:
    return f"author-{pk}"


def source(pk) -> str:
    return f"source-{pk}"


def topic(pk) -> str:
    """A tag's key (``tag-<id>``; ``tag`` is the function that declares keys)."""
    return f"tag-{pk}"


# --- Declaring what a page shows ---------------------------------------------------------


def tag(target: HttpRequest | HttpResponse, *keys: str | None) -> None:
    """Declare that the page answering ``target`` (the request, or the response) shows
    what ``keys`` name. Empty keys are ignored; order is kept, duplicates dropped."""
    declared = target.__dict__.setdefault("_surrogate_keys", {})
    for key in keys:
        if key:
            declared[key] = None


def articles(objects: Iterable) -> list[str]:
    """The keys of the stories ``objects`` (articles, or rows with an ``article_id``) show."""
    return [article(getattr(o, "article_id", None) or o.pk) for o in objects]


def declared(request: HttpRequest | None, response: HttpResponse) -> list[str]:
    """Every key the view declared on the request or the response, and ``all``."""
    keys = {
        **(getattr(request, "_surrogate_keys", None) or {}),
        **(getattr(response, "_surrogate_keys", None) or {}),
    }
    keys.pop(ALL, None)
    return [*keys, ALL]


def set_headers(response: HttpResponse, keys: Iterable[str]) -> None:
    keys = list(dict.fromkeys(keys))
    response.headers[SURROGATE_KEY_HEADER] = " ".join(keys)
    response.headers[CACHE_TAG_HEADER] = ",".join(keys)


def keyed(*keys: str):
    """A view decorator for pages whose keys are fixed (feeds, sitemaps)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            tag(request, *keys)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


# --- What a write touches ----------------------------------------------------------------


def article_keys(article_id: int) -> list[str]:
    """The story's key and those of every list it may appear in as it now stands: its
    section, authors, sources (and their organisations), tags, home and search."""
    keys = [article(article_id)]
    section_id = Article.objects.filter(pk=article_id).values_list("section_id", flat=True)
    keys += [section(pk) for pk in section_id if pk]
    keys += [
        author(pk)
        for pk in Byline.objects.filter(article_id=article_id).values_list("author_id", flat=True)
    ]
    for source_id, affiliation_id in Attribution.objects.filter(article_id=article_id).values_list(
        "source_id", "source__affiliation_id"
    ):
        keys += [source(source_id), source(affiliation_id) if affiliation_id else ""]
    keys += [
        topic(pk)
        for pk in TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article), object_id=article_id
        ).values_list("tag_id", flat=True)
    ]
    return [k for k in dict.fromkeys(keys) if k] + [HOME, SEARCH, AUTHORS, SOURCES]


def action_keys(article_id: int, action: str) -> list[str]:
    """What a public change to a story (audit ``action``) purges."""
    keys = [*article_keys(article_id), *ACTION_KEYS.get(action, ())]
    if action in NOTE_VISIBILITY_ACTIONS and _has_public_notes(article_id):
        keys.append(CORRECTIONS)
    return keys


def _has_public_notes(article_id: int) -> bool:
    return CorrectionNote.objects.filter(
        article_id=article_id, published_at__isnull=False, withdrawn_at__isnull=True
    ).exists()


def record_keys(model: type, pk: int) -> list[str]:
    """What an edit to a plain record purges: its key and the stories that print it."""
    from articles.rendering import SHOWN_IN

    if model is Section:
        return [section(pk), ALL]  # every page's navigation lists the sections
    own = {Author: author, Source: source, Tag: topic}[model](pk)
    shown = Article.objects.filter(SHOWN_IN[model](pk)).order_by().values_list("pk", flat=True)
    keys = [own, *(article(a) for a in shown.distinct()[: MAX_KEYS + 1])]
    if model is Source:
        # People of an organisation name it on their pages.
        members = Source.objects.filter(affiliation_id=pk).order_by().values_list("pk", flat=True)
        keys += [source(m) for m in members[: MAX_KEYS + 1]]
    return keys


def purge_later(keys: Iterable[str]) -> None:
    """Purge ``keys`` in the background (``articles.tasks.purge``); callers are past the
    commit. Never raises."""
    from articles.tasks import purge as purge_job

    keys = list(dict.fromkeys(k for k in keys if k))
    if keys:
        jobs.send(purge_job, (keys,))


def purge(keys: Iterable[str]) -> None:
    """Purge ``keys`` now (the purge job). Never raises."""
    keys = list(dict.fromkeys(k for k in keys if k))
    if not keys:
        return
    if len(keys) > MAX_KEYS:
        keys = [ALL]
    try:
        purging.get_purger().purge(keys)
    except Exception:
        log.exception("Could not purge the front cache (keys: %s)", " ".join(keys))


def purge_on_commit(keys: Iterable[str]) -> None:
    keys = list(keys)
    transaction.on_commit(lambda: purge_later(keys), robust=True)


# --- The receivers -----------------------------------------------------------------------


def _or_all(compute, *args) -> list[str]:
    """``compute(*args)``, or ``all`` when the database cannot say what changed (in a
    savepoint: a failed read never breaks the write's transaction)."""
    try:
        with transaction.atomic():
            return compute(*args)
    except DatabaseError:
        log.warning("Could not read what a change touches: purging every page", exc_info=True)
        return [ALL]


def _article_changed(*, article_id: int, action: str = "", public: bool = True, **kwargs) -> None:
    # Sent after commit, after the page cache's own invalidation (connected earlier).
    if public:
        purge_later(_or_all(action_keys, article_id, action))


def _record_saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    if raw or (created and sender is not Section):
        return  # nothing shows a record that did not exist (but the navigation lists sections)
    # Read now, inside the write's transaction; purged once it commits.
    purge_on_commit(_or_all(record_keys, sender, instance.pk))


def _record_deleted(sender, instance, **kwargs) -> None:
    # What showed it is already gone with it (bylines, attributions): purge every page.
    own = {Section: section, Author: author, Source: source, Tag: topic}[sender](instance.pk)
    purge_on_commit([own, ALL])


# Admin log entries for these models: the story they concern (the records above have their
# own receivers).
_ADMIN_STORY = {
    Article: lambda pk: pk,
    CorrectionNote: lambda pk: (
        CorrectionNote.objects.filter(pk=pk).values_list("article_id", flat=True).first()
    ),
    Attribution: lambda pk: (
        Attribution.objects.filter(pk=pk).values_list("article_id", flat=True).first()
    ),
}


def _admin_logged(instance: LogEntry, created: bool = False, **kwargs) -> None:
    if not created:
        return
    purge_on_commit(_or_all(admin_keys, instance))


def admin_keys(entry: LogEntry) -> list[str]:
    """What an admin save purges: the story it concerns, else every page."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    if model in (Section, Author, Source, Tag):
        return []  # their post_save/post_delete receivers purge them
    story = _ADMIN_STORY.get(model)
    try:
        article_id = story(int(entry.object_id)) if story else None
    except (TypeError, ValueError):
        article_id = None
    if article_id is None:
        return [ALL]
    if entry.action_flag == DELETION and model is Article:
        return [article(article_id), HOME, SEARCH, CORRECTIONS, AUTHORS, SOURCES]
    return [*article_keys(article_id), CORRECTIONS]


def connect() -> None:
    """Connect the receivers; ``ArticlesConfig.ready`` calls it after the page cache and the
    renderings connected theirs (receivers run in connection order), so a front cache that
    refetches right after a purge gets the page as it now is, never one stored before."""
    article_changed.connect(_article_changed, dispatch_uid="articles.surrogates.article_changed")
    for model in (Section, Author, Source, Tag):
        name = model._meta.model_name
        post_save.connect(
            _record_saved, sender=model, dispatch_uid=f"articles.surrogates.{name}_saved"
        )
        post_delete.connect(
            _record_deleted, sender=model, dispatch_uid=f"articles.surrogates.{name}_deleted"
        )
    post_save.connect(_admin_logged, sender=LogEntry, dispatch_uid="articles.surrogates.admin")
