"""The reader site's page cache: whole pages for anonymous readers, never a stale correction.

Invalidation. Every stored page carries the site-wide *content generation* it was rendered
under, one number kept under ``GENERATION_KEY`` in the *shared* cache (settings
``CACHES["shared"]``: Redis when there is one, else a file cache every worker and
management command on the machine reads), so a change made through one process is seen by
all on their next request.
Anything that can change what a reader sees bumps it after its transaction commits:
``articles.signals.article_changed`` when it says ``public`` (every service write readers
could see: publish, correct, retract, unpublish, notes and attributions on live stories,
source merges; not a review comment or an edit to a draft), saves and deletes of the plain
records pages show (Section, Author, Source, Tag), and any admin save (its log entry). A bump
makes every stored page a miss at once; each is overwritten by its next render or expires.
A hit costs one round trip to the shared cache: the generation and the page in one
``get_many``.

Why flush everything on every change: a newsroom changes a few times an hour, and
re-rendering a handful of pages after a change costs milliseconds. In return nothing has to
know which pages show an article (its page, home, its section, its authors, its sources,
the corrections log, every feed and sitemap, search results, pages not written yet), so no
page can ever be missed.

Who is served from the cache: GET and HEAD requests to reader URLs (everything outside
``private_prefixes()``: the desk, accounts, admin, shared previews, the API, static and media
files)
from anonymous readers carrying no session or messages cookie and no ``Authorization``
header. Anyone else bypasses it
completely (no read, no write) and gets ``Cache-Control: private, no-cache``. Only 200, 301
and 410 responses are stored, never one that sets a cookie, uses the CSRF token, writes the
session or queues a message, or that its view marked private, no-store or no-cache.

HTTP: stored pages carry ``Cache-Control: public, max-age, s-maxage``, ``Vary: Cookie``, an
``ETag`` (MD5 of the body, Django's ``set_response_etag``) and ``Last-Modified`` (when the
current generation began: when the site last changed). Conditional requests get a 304
through Django's ``get_conditional_response``.

Degrading. The cache never takes the site down: django-redis ignores connection errors
(``IGNORE_EXCEPTIONS``), and while the generation cannot be read, pages are rendered and
served but not stored (``generation_current`` returns None; the process leaves the cache
alone for ``RETRY_AFTER_S``). A bump that could not be written is retried by the next
request of the same process, so a story published during an outage is not hidden behind
pages stored before it. The ``newsroom.cache`` logger says so once per outage.

``s-maxage`` lets a shared cache (CDN, proxy) keep a page that long without asking us.
Public pages carry surrogate keys (``Surrogate-Key``, ``Cache-Tag``) and every write purges
the keys it touches through ``articles.surrogates`` (after this module's bump), so a front
cache that honours purges (``docker/varnish/default.vcl``) never serves a stale correction.
Stored pages also expire after s-maxage, which bounds how long visibility that depends only
on the clock could lag.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import BaseCache, caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date
from taggit.models import Tag

from articles import surrogates
from articles.models import Author, Section, Source
from articles.signals import article_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

GENERATION_KEY = "newsroom:generation"
PAGE_KEY_PREFIX = "newsroom:page"

log = logging.getLogger("newsroom.cache")

STORED_STATUSES = frozenset({200, 301, 410})
# Headers a view sets when a page must not be shared.
PRIVATE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})


def private_prefixes() -> tuple[str, ...]:
    """Paths that are never cached or marked public: everything that is not the reader site."""
    return (
        "/desk/",
        "/accounts/",
        "/admin/",
        "/preview/",
        # The read API answers conditional requests itself, per story, and every request
        # must count against its throttle; the page key knows nothing of content negotiation.
        "/api/",
        "/" + settings.STATIC_URL.lstrip("/"),
        "/" + settings.MEDIA_URL.lstrip("/"),
    )


def is_reader_path(path: str) -> bool:
    """Whether ``path`` belongs to the public reader site (new reader URLs are by default)."""
    return not any(path.startswith(p) or path == p.rstrip("/") for p in private_prefixes())


# --- The content generation --------------------------------------------------------------


def shared_cache() -> BaseCache:
    """The cache every process agrees on: the generation lives here (settings: "shared")."""
    return caches["shared"]


@dataclass(frozen=True)
class Generation:
    number: int
    # Whole seconds, as HTTP dates are.
    last_modified: int
    # True when a client may hold a page of an earlier generation with the same
    # Last-Modified second (two changes within one second, or the time is unknown): then
    # If-Modified-Since alone cannot prove the client's copy is current and gets a 200.
    # ETags are exact and always honoured.
    ambiguous: bool


def _now() -> int:
    return int(time.time())


def _fresh_number() -> int:
    # Never a count: every bump writes a number no page was ever stored under (nanoseconds
    # since the epoch, made unique within this process), so two processes bumping at once
    # can only both orphan what was stored, and a cache that lost the key cannot revive old
    # pages. Writing (not incrementing) also works on every backend, the file cache included.
    global _last_number
    with _number_lock:
        _last_number = max(time.time_ns(), _last_number + 1)
        return _last_number


_last_number = 0
_number_lock = threading.Lock()

# Set when a bump could not be written (the cache was unreachable): the next time this
# process reaches the cache it bumps again, so a change made during an outage is never
# hidden behind pages stored before it.
_pending_bump = threading.Event()

# After a failure this process leaves the cache alone for a moment rather than making every
# request wait on it (a Redis that hangs costs a timeout per call).
RETRY_AFTER_S = 2.0
_down_until = 0.0


def _cache_down() -> bool:
    return time.monotonic() < _down_until


def _mark_down() -> None:
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER_S


def _read() -> dict | None:
    try:
        return shared_cache().get(GENERATION_KEY)
    except Exception:  # django-redis already ignores its errors; other backends may raise
        log.warning("The shared cache is unreachable", exc_info=True)
        return None


def _write(value: dict) -> bool:
    """Store ``value`` as the generation; whether it is now there."""
    try:
        shared_cache().set(GENERATION_KEY, value, timeout=None)
        return shared_cache().get(GENERATION_KEY) == value
    except Exception:
        log.warning("The shared cache is unreachable", exc_info=True)
        return False


def _generation(value) -> Generation | None:
    if not isinstance(value, dict):
        return None
    return Generation(
        number=value["number"], last_modified=value["at"], ambiguous=value["ambiguous"]
    )


def generation_current() -> Generation | None:
    """The generation pages are cached under now, or None while the cache is unreachable
    (pages are then rendered and served, never stored)."""
    return generation_and_entry(None)[0]


def generation_and_entry(key: str | None) -> tuple[Generation | None, dict | None]:
    """The current generation and the page stored under ``key``, in one round trip to the
    shared cache (the hit path's only one). (None, None) while the cache is unreachable."""
    if _cache_down():
        return None, None
    if _pending_bump.is_set() and generation_bump() is None:
        return None, None
    keys = [GENERATION_KEY] if key is None else [GENERATION_KEY, key]
    try:
        found = shared_cache().get_many(keys)
    except Exception:  # django-redis already ignores its errors; other backends may raise
        log.warning("The shared cache is unreachable", exc_info=True)
        found = {}
    generation = _generation(found.get(GENERATION_KEY))
    if generation is None:
        # Missing (first use, eviction) or unreachable: start a generation; if even that
        # cannot be written, the cache is down.
        if generation_bump() is None:
            return None, None
        return _generation(_read()), None
    entry = found.get(key) if key is not None else None
    if not isinstance(entry, dict) or entry.get("generation") != generation.number:
        entry = None
    return generation, entry


def generation_bump() -> int | None:
    """Start a new generation: every page cached so far is orphaned. Returns its number,
    or None when the cache is unreachable (the bump is retried on the next request)."""
    if _cache_down():
        _pending_bump.set()
        return None
    previous = _read()
    now = _now()
    number = _fresh_number()
    value = {
        "number": number,
        "at": now,
        # A client's copy dated this second may predate this change.
        "ambiguous": not isinstance(previous, dict) or previous.get("at", now) >= now,
    }
    if _write(value):
        _pending_bump.clear()
        return number
    _pending_bump.set()
    _mark_down()
    log.warning("The shared cache is unreachable: pages are served uncached until it is back")
    return None


def generation_flush_pending(*, attempts: int = 1, wait_s: float = 1.0) -> bool:
    """Retry a bump this process could not write; whether nothing is pending any more.

    Long-running commands call it between rounds, and before they exit (a web worker retries
    on its next request anyway).
    """
    for attempt in range(attempts):
        if not _pending_bump.is_set():
            return True
        if attempt:
            time.sleep(wait_s)
        global _down_until
        _down_until = 0.0
        generation_bump()
    return not _pending_bump.is_set()


@receiver(article_changed, dispatch_uid="articles.caching.article_changed")
def _article_changed(*, public: bool = True, **kwargs) -> None:
    # article_changed is already sent after commit. A change readers cannot see (a review
    # comment, an edit to a draft) leaves every stored page as true as it was.
    if public:
        generation_bump()


@receiver(post_save, sender=LogEntry, dispatch_uid="articles.caching.admin_logged")
@receiver(post_save, sender=Section, dispatch_uid="articles.caching.section_saved")
@receiver(post_delete, sender=Section, dispatch_uid="articles.caching.section_deleted")
@receiver(post_save, sender=Author, dispatch_uid="articles.caching.author_saved")
@receiver(post_delete, sender=Author, dispatch_uid="articles.caching.author_deleted")
@receiver(post_save, sender=Source, dispatch_uid="articles.caching.source_saved")
@receiver(post_delete, sender=Source, dispatch_uid="articles.caching.source_deleted")
@receiver(post_save, sender=Tag, dispatch_uid="articles.caching.tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="articles.caching.tag_deleted")
def _record_changed(**kwargs) -> None:
    # Sections, authors and sources are plain records edited in the admin. The admin's log
    # entry is the safety net for everything else it saves directly (an article's section,
    # kind or tags), which sends no article_changed.
    # After commit: bumping inside the transaction would let a request that starts now read
    # the old rows and cache them under the new generation.
    transaction.on_commit(generation_bump)


# --- The middleware ----------------------------------------------------------------------


def _page_key(request: HttpRequest) -> str:
    # Scheme and host matter: feeds and sitemaps carry absolute URLs. The generation is not
    # in the key but in the entry: a page stored under an older one is a miss, overwritten
    # by the next render.
    url = request.build_absolute_uri()
    return f"{PAGE_KEY_PREFIX}:{hashlib.sha256(url.encode()).hexdigest()}"


def _has_private_directive(response: HttpResponse) -> bool:
    directives = cc_delim_re.split(response.get("Cache-Control", "").lower())
    return any(d.split("=", 1)[0].strip() in PRIVATE_DIRECTIVES for d in directives)


def _sets_state(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether answering ``request`` sets a cookie, now or in a middleware that runs later.

    Session, CSRF and message middleware write their cookies after this middleware sees the
    response, so ask the request what they are about to do.
    """
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.modified)
        or (messages is not None and getattr(messages, "added_new", False))
    )


def is_anonymous_request(request: HttpRequest) -> bool:
    """Whether the request comes from an anonymous reader, from its headers alone: no
    session or messages cookie (so no session is loaded) and no credentials (an API token,
    a user the front server authenticated). The same rule decides which requests may read
    from a database replica (``newsroom.replicas``)."""
    cookies = request.COOKIES
    return not (
        settings.SESSION_COOKIE_NAME in cookies
        or CookieStorage.cookie_name in cookies
        or "HTTP_AUTHORIZATION" in request.META
        or "REMOTE_USER" in request.META
    )


class ReaderCacheMiddleware:
    """Serve anonymous readers' pages from the shared cache and set the HTTP caching headers.

    Goes right after ``SecurityMiddleware`` and WhiteNoise: a page it serves skips every
    other middleware and the URL resolver, and a page it stores carries the headers they
    set (CSP, Permissions-Policy, X-Frame-Options...), which are the same for every
    anonymous reader. Whether a request is anonymous is read from its cookies and headers
    (``is_anonymous_request``), since no session is loaded yet. ``NEWSROOM_PAGE_CACHE = False``
    turns off the server-side store (the headers stay), which query-count tests and the
    benchmark's "rendered" server use to measure the views themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not is_reader_path(request.path_info):
            return self.get_response(request)
        if not is_anonymous_request(request):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ("Cookie",))
            return response

        # Read the generation before the view reads the database: a change that commits in
        # between bumps it, so a page rendered from older rows is stored as already stale.
        use_store = getattr(settings, "NEWSROOM_PAGE_CACHE", True)
        try:
            key = _page_key(request) if use_store else None
        except DisallowedHost:
            # Not our host: the middleware below answer it (a 400 with the site's headers).
            return self.get_response(request)
        generation, entry = generation_and_entry(key)
        # What the page is rendered under; the navigation is kept per generation too.
        request.content_generation = generation
        if entry is not None:
            response = self._from_entry(entry)
            # The stored time may predate the generation's (a half-written bump).
            response.headers["Last-Modified"] = http_date(generation.last_modified)
            return self._conditional(request, response, generation)

        response = self.get_response(request)
        if (
            response.streaming
            or response.status_code not in STORED_STATUSES
            or _has_private_directive(response)
            or _sets_state(request, response)
        ):
            return response
        self._public_headers(response, generation, surrogates.declared(request, response))
        if use_store and generation is not None and request.method == "GET":
            try:
                shared_cache().set(
                    key,
                    self._to_entry(response, generation),
                    timeout=settings.NEWSROOM_CACHE_S_MAXAGE,
                )
            except Exception:  # a page not stored is only a miss for the next reader
                log.warning("Could not store a page in the shared cache", exc_info=True)
        return self._conditional(request, response, generation)

    @staticmethod
    def _public_headers(
        response: HttpResponse, generation: Generation | None, keys: list[str]
    ) -> None:
        # The surrogate keys (``articles.surrogates``) are stored with the page, so a page
        # served from this cache carries them too.
        surrogates.set_headers(response, keys)
        patch_cache_control(
            response,
            public=True,
            max_age=settings.NEWSROOM_CACHE_MAX_AGE,
            s_maxage=settings.NEWSROOM_CACHE_S_MAXAGE,
        )
        patch_vary_headers(response, ("Cookie",))
        if not response.has_header("ETag"):
            set_response_etag(response)
        if generation is not None:
            response.headers["Last-Modified"] = http_date(generation.last_modified)

    @staticmethod
    def _conditional(
        request: HttpRequest, response: HttpResponse, generation: Generation | None
    ) -> HttpResponse:
        if generation is None or generation.ambiguous:
            last_modified = None
        else:
            last_modified = generation.last_modified
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=last_modified,
            response=response,
        )

    @staticmethod
    def _to_entry(response: HttpResponse, generation: Generation) -> dict:
        # Plain data rather than a pickled response: nothing request-bound is stored.
        return {
            "generation": generation.number,
            "status": response.status_code,
            "content": response.content,
            "headers": list(response.headers.items()),
        }

    @staticmethod
    def _from_entry(entry: dict) -> HttpResponse:
        return HttpResponse(entry["content"], status=entry["status"], headers=entry["headers"])
