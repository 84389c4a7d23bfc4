"""How often anonymous clients may read the API."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import BaseCache, caches
from rest_framework.throttling import AnonRateThrottle

from editors.security import client_address

log = logging.getLogger("newsroom.cache")


class AnonReadThrottle(AnonRateThrottle):
    """Anonymous reads per client address, at ``DJANGO_API_ANON_RATE``.

    Counted in the shared cache, so every worker sees the same numbers; the client is the
    address the login lockout and the reset limits use (``editors.security.client_address``,
    which knows how many proxies stand in front). If the cache cannot count, the read goes
    through: the API degrades to unthrottled, it does not fall.
    """

    @property
    def cache(self) -> BaseCache:
        return caches["shared"]

    def get_rate(self) -> str:
        # Read per request (not once at import, as DRF's own setting is): tests and a
        # reloaded configuration see the current value.
        return settings.NEWSROOM_API_ANON_RATE

    def get_ident(self, request) -> str:
        return client_address(request)

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # django-redis already ignores its errors; other backends may raise
            log.warning(
                "The shared cache is unreachable: API reads are not throttled", exc_info=True
            )
            return True
