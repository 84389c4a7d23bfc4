"""How often clients may read the API: anonymous ones per address, token holders per user."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import BaseCache, caches
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from api.models import ApiToken
from editors.security import client_address

log = logging.getLogger("newsroom.cache")


class _SharedCounting:
    """Counted in the shared cache; if it cannot count, the request goes through."""

    @property
    def cache(self) -> BaseCache:
        return caches["shared"]

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # django-redis already ignores its errors; other backends may raise
            log.warning(
                "The shared cache is unreachable: API reads are not throttled", exc_info=True
            )
            return True


class AnonReadThrottle(_SharedCounting, AnonRateThrottle):
    """Anonymous reads per client address, at ``DJANGO_API_ANON_RATE``.

    Counted in the shared cache, so every worker sees the same numbers; the client is the
    address the login lockout and the reset limits use (``editors.security.client_address``,
    which knows how many proxies stand in front). If the cache cannot count, the read goes
    through: the API degrades to unthrottled, it does not fall.
    """

    def get_rate(self) -> str:
        # Read per request (not once at import, as DRF's own setting is): tests and a
        # reloaded configuration see the current value.
        return settings.NEWSROOM_API_ANON_RATE

    def get_ident(self, request) -> str:
        return client_address(request)


class TokenUserThrottle(_SharedCounting, UserRateThrottle):
    """Requests made with an API token, per token holder, at ``DJANGO_API_USER_RATE``.

    Counted per person, not per token, so a second token does not double the allowance, and
    in the shared cache as anonymous reads are. Only token requests: a desk user signed in
    with a session is not throttled, and anonymous clients are ``AnonReadThrottle``'s.
    """

    def get_rate(self) -> str:
        return settings.NEWSROOM_API_USER_RATE

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
