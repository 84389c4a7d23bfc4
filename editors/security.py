"""Logins and password resets under attack: who a client is, when logging in is locked, how
many reset mails go out.

- **Logins** go through django-axes (``AUTHENTICATION_BACKENDS``, ``AxesMiddleware``, the
  ``AXES_*`` settings), on the desk's login page and the admin's alike. Failures are kept in
  the database (axes' database handler, so a cache outage cannot break logging in), counted
  per account and per address (``AXES_LOCKOUT_PARAMETERS``). ``AxesHandler`` gives an
  address its own, larger allowance; ``lockout_response`` is the page a locked login gets.
  Operators unlock with axes' commands (``axes_reset_username``, ``axes_reset_ip``,
  ``axes_reset``) and see the attempts in the admin.
- **Password-reset mails** are capped per address asked for and per client
  (``password_reset_limited``, on django-ratelimit's counters in the shared cache).
- **Who a client is** (``client_address``): one answer for both, so a proxy in front does not
  turn "one address" into "everyone".
"""

from __future__ import annotations

import ipaddress
import logging
import math
from typing import TYPE_CHECKING

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django_ratelimit.core import is_ratelimited

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The address ``request`` came from.

    ``REMOTE_ADDR``, unless ``NEWSROOM_PROXY_COUNT`` proxies stand in front, each appending
    the address it was reached from to ``X-Forwarded-For``: then the entry the outermost one
    wrote, counted from the right (entries further left are whatever the client sent).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.NEWSROOM_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


class AxesHandler(AxesDatabaseHandler):
    """axes' database handler, with a separate limit for an address.

    axes compares the larger of the two counts (failures for the account, failures from the
    address) with one limit, ``AXES_FAILURE_LIMIT``. A newsroom logs in from a few shared
    addresses (an office, a VPN), so with one limit a colleague's ten typos would lock every
    desk behind that address. Here the address count is scaled so that reaching
    ``NEWSROOM_AXES_ADDRESS_FAILURE_LIMIT`` is reaching axes' limit; the account count is
    compared as it is.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        address_limit = max(settings.NEWSROOM_AXES_ADDRESS_FAILURE_LIMIT, 1)
        counts = [0]
        for parameter, attempts in zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameter == "ip_address":
                # floor(f * limit / address_limit) >= limit exactly when f >= address_limit.
                failures = failures * limit // address_limit
            counts.append(failures)
        return max(counts)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """What a login gets while it is locked: the login page, saying why, for how long and
    who can help (``AXES_LOCKOUT_CALLABLE``). The same words whether the account or the
    address is locked, and whether or not the account exists."""
    cool_off = get_cool_off(request)
    response = render(
        request,
        "registration/locked_out.html",
        {
            "minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
            "failure_limit": get_failure_limit(request, credentials),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    add_never_cache_headers(response)
    return response


#: Reset mails: (what is counted, the ratelimit key, the setting holding the rate).
RESET_LIMITS = (
    ("address", "email", "NEWSROOM_PASSWORD_RESET_RATE_PER_EMAIL"),
    ("client", "ip", "NEWSROOM_PASSWORD_RESET_RATE_PER_CLIENT"),
)


def _email_key(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


def password_reset_limited(request: HttpRequest) -> bool:
    """Count this reset request, per address asked for and per client; whether it is over
    either limit (then no mail goes out, and the reply stays the same).

    A cache that cannot count does not stop a reset: the request is let through (and
    logged), as django-ratelimit does with ``RATELIMIT_FAIL_OPEN``.
    """
    over = []
    for name, key, setting in RESET_LIMITS:
        try:
            limited = is_ratelimited(
                request,
                group=f"newsroom.password_reset.{name}",
                key=_email_key if key == "email" else key,
                rate=getattr(settings, setting),
                increment=True,
            )
        except Exception:  # whatever the cache backend raises: fail open, as documented
            logger.warning(
                "Password reset: the %s limit could not be counted; sending anyway.",
                name,
                exc_info=True,
            )
            continue
        if limited:
            over.append(name)
    if over:
        logger.warning(
            "Password reset: no mail sent, over the limit per %s (client %s).",
            " and per ".join(over),
            client_address(request),
        )
    return bool(over)
