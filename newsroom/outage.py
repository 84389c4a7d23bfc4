"""A database outage answers 503 in the site's style, never a 500 with a traceback.

When PostgreSQL is down or restarting, every query raises ``OperationalError`` (connection
refused, server closed the connection) or ``InterfaceError`` (the connection is already
closed). ``DatabaseOutageMiddleware`` turns those into a 503 with ``Retry-After``
(settings ``NEWSROOM_DB_RETRY_AFTER``), on reader and desk pages alike:

- Reader pages in the page cache keep being served: ``articles.caching.ReaderCacheMiddleware``
  answers a hit before any view runs, and for an anonymous reader without cookies nothing
  on the way there queries (the session and the user are lazy, and with no session cookie
  loading them reads nothing). Pages not in the cache get the 503, as does anyone with a
  session cookie (a signed-in editor reading the site), who always bypasses the cache.
- A desk POST (a save, an import, a comment, an attribution, a move) gets a page that says
  nothing was saved and shows back the text that was sent, so nothing typed is lost. Every
  service is one transaction, so a failure half-way through leaves nothing half-written.

The ``newsroom.database`` logger says so as one warning per outage (settings ``LOGGING``
gives it the ``OncePerOutage`` filter), with the error's one line, not a traceback per
request; Django's own "Service Unavailable" log line is suppressed for these responses.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from newsroom import errors

log = logging.getLogger("newsroom.database")

#: What an unreachable database raises (through Django's wrappers, on every backend).
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def service_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 for ``request`` while the database is unreachable; logs it (once per outage)."""
    retry_after = settings.NEWSROOM_DB_RETRY_AFTER
    log.warning(
        "Database unavailable, answering 503 (Retry-After: %s) to %s %s: %s: %s",
        retry_after,
        request.method,
        request.path,
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
    )
    desk_post = request.method == "POST" and errors.style_for(request) == "desk"
    response = errors.render_error(
        request,
        "503-post" if desk_post else "503",
        posted=errors.posted_text(request) if desk_post else None,
        headers={"Retry-After": str(retry_after)},
    )
    # Logged above, once per outage; Django would log every one as an error.
    response._has_been_logged = True
    return response


def response_for_current_exception(request: HttpRequest) -> HttpResponse | None:
    """The 503 when the exception being handled is an outage (for ``handler500``)."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OUTAGE_ERRORS):
        return service_unavailable(request, exc)
    return None


class DatabaseOutageMiddleware:
    """Turn a view's ``OperationalError``/``InterfaceError`` into the outage page (503)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OUTAGE_ERRORS):
            return service_unavailable(request, exception)
        return None
