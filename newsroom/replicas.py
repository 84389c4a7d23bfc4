"""Which requests may read from a database replica, and read-your-writes for the rest.

``ReplicaMiddleware`` routes a request's reads to a replica (``newsroom.routers``) only when
it is a GET or HEAD from an anonymous reader, by the page cache's own rule
(``articles.caching.is_anonymous_request``: no session or messages cookie, no
``Authorization``), outside the desk, accounts, admin and shared previews, and when none
of the following says the primary is needed:

- Read-your-writes: a request with an unsafe method that succeeded (status below 400) gets
  a signed, HttpOnly, SameSite=Lax cookie saying "primary until T", T being
  ``NEWSROOM_READ_YOUR_WRITES_S`` seconds on; the same client reads from the primary until
  then. Signed-in users already read from the primary (their session cookie); the cookie
  covers what comes after a logout and anonymous writes.
- A content generation younger than the window (``articles.caching``): every public write
  starts one after it commits, and the page cache, the navigation and the front cache keep
  what is rendered under it for the whole generation. For its first seconds pages are
  rendered from the primary, so nothing rendered from a replica that has not caught up is
  kept. The window is therefore also the replication lag this site tolerates. While the
  generation cannot be read (the shared cache is down) reader pages use the primary: a
  change made then starts no generation, and a page renders its stored fragments again
  (``articles.rendering``) from what it read, which must not be a replica's older rows.

The marker cookie leaves the page cache's anonymity rule alone: a recent writer still gets
stored pages, which are as fresh as the primary by the rule above, and only the misses it
causes are rendered from the primary.

A replica that fails during a request (``OperationalError``/``InterfaceError`` on its
connection) is marked down for the process (``routers.RETRY_AFTER_S``) and the request,
a GET or HEAD, is answered again from the primary: a reader never sees a replica's outage.

With no replicas configured the middleware removes itself (``MiddlewareNotUsed``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpResponse

from articles.caching import is_anonymous_request
from newsroom import errors, routers
from newsroom.outage import OUTAGE_ERRORS

if TYPE_CHECKING:
    from django.http import HttpRequest

log = logging.getLogger("newsroom.replicas")

ROUTER = "newsroom.routers.ReplicaRouter"
MARKER_COOKIE = "newsroom_primary"
MARKER_SALT = "newsroom.replicas.primary-until"
READ_METHODS = frozenset({"GET", "HEAD"})
# Methods that never write; anything else that succeeds sets the marker.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Editors work there, and a shared preview shows the draft just saved.
PRIMARY_PREFIXES = (*errors.DESK_PREFIXES, "/preview/")
_NOT_A_READER_PAGE = object()


def _now() -> float:
    return time.time()


def primary_until(request: HttpRequest) -> float:
    """When this client's read-your-writes window ends (0 without a valid marker)."""
    if MARKER_COOKIE not in request.COOKIES:
        return 0.0
    value = request.get_signed_cookie(MARKER_COOKIE, default="", salt=MARKER_SALT)
    try:
        return float(value)
    except ValueError:
        return 0.0


def replica_safe(request: HttpRequest) -> bool:
    """Whether ``request`` may read from a replica (the rules in the module docstring)."""
    if request.method not in READ_METHODS:
        return False
    path = request.path_info
    if any(path.startswith(p) or path == p.rstrip("/") for p in PRIMARY_PREFIXES):
        return False
    if not is_anonymous_request(request):
        return False
    now = _now()
    if primary_until(request) > now:
        return False
    # Set by the page cache on anonymous reader pages; None while the shared cache is down.
    generation = getattr(request, "content_generation", _NOT_A_READER_PAGE)
    if generation is _NOT_A_READER_PAGE:
        return True
    if generation is None:
        return False
    return now - generation.last_modified >= settings.NEWSROOM_READ_YOUR_WRITES_S


def mark_primary(response: HttpResponse) -> None:
    """Send the client the "primary until now + window" marker."""
    window = settings.NEWSROOM_READ_YOUR_WRITES_S
    if window <= 0:
        return
    response.set_signed_cookie(
        MARKER_COOKIE,
        f"{_now() + window:.3f}",
        salt=MARKER_SALT,
        max_age=math.ceil(window),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class ReplicaMiddleware:
    """Read from a replica when the request allows it; keep recent writers on the primary.

    Goes after ``newsroom.outage.DatabaseOutageMiddleware``, so that its
    ``process_exception`` sees a replica's failure first and the request can be answered
    again from the primary instead of with the outage page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not routers.replicas() or ROUTER not in settings.DATABASE_ROUTERS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        alias = routers.replica_choose() if replica_safe(request) else None
        with routers.reads_from(alias):
            response = self.get_response(request)
        if alias is not None and getattr(request, "_replica_failed", False):
            routers.replica_mark_down(alias)
            log.warning(
                "Replica %s is unreachable: reads go to the primary for %s s",
                alias,
                routers.RETRY_AFTER_S,
            )
            request._replica_failed = False
            return self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            mark_primary(response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        alias = routers.current_replica()
        if (
            alias is not None
            and isinstance(exception, OUTAGE_ERRORS)
            and connections[alias].errors_occurred
        ):
            # Thrown away: __call__ answers the request again from the primary.
            request._replica_failed = True
            return HttpResponse(status=503)
        return None
