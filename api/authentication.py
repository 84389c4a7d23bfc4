"""``Authorization: Token <secret>``: knox's token authentication, for ``api.models.ApiToken``.

knox finds the token and compares digests; what we change is what happens after. A revoked
or expired token is refused with a message saying so (knox deletes an expired token and
answers "Invalid token.", losing its history); a token whose holder may no longer hold
tokens (``api.hold_token``: their role was taken away) or whose account is inactive stops
working without being revoked; and the time it was last used is recorded, at most once a
minute, so a busy feed does not write on every request.
"""

from __future__ import annotations

import binascii
from datetime import timedelta
from hmac import compare_digest

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from api.models import ApiToken
from api.tokens import may_hold_token

#: How stale ``last_used_at`` may be before a request writes it again.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    """An ``ApiToken``, sent as ``Authorization: Token <secret>``; 401 when it does not work.

    ``request.auth`` is the ``ApiToken``: ``api.throttling.TokenUserThrottle`` counts those
    requests at the token users' rate.
    """

    def authenticate_credentials(self, token: bytes):
        try:
            secret = token.decode("utf-8")
            digest = hash_token(secret)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        candidates = ApiToken.objects.filter(
            token_key=secret[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user")
        for candidate in candidates:
            if compare_digest(digest, candidate.digest):
                return self._check(candidate)
        raise exceptions.AuthenticationFailed("Invalid token.")

    def _check(self, token: ApiToken) -> tuple:
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API token has been revoked.")
        now = timezone.now()
        if token.expiry is not None and token.expiry <= now:
            raise exceptions.AuthenticationFailed("This API token has expired.")
        if not may_hold_token(token.user):
            raise exceptions.AuthenticationFailed("This API token's account may not use the API.")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            # An UPDATE, not save(): no signals, and a concurrent revoke is not overwritten.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token


class ApiTokenScheme(KnoxTokenScheme):
    """The schema's description of ``ApiTokenAuthentication`` (drf-spectacular)."""

    target_class = ApiTokenAuthentication
    name = "apiToken"
