"""Keeping robots out of the error-report form without a third party.

Four checks, declared here once (``RULES``), that a person filling in the form never
notices:

- a honeypot field people cannot see and robots fill in (``HONEYPOT_FIELD``);
- a signed timestamp in the form (``form_token``): sent back faster than a person types
  (``min_seconds``) it is refused with a request to try again; older than ``max_age`` it
  has expired and the reader is asked to send it again (their words stay in the form);
- a cap on links in the text (``max_links``): error reports rarely need more;
- the same text for the same story within ``duplicate_window`` is stored once
  (``reports.services.report_create``).

And a rate per client (``settings.NEWSROOM_ERROR_REPORT_RATE``, django-ratelimit).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.utils.crypto import salted_hmac


@dataclass(frozen=True)
class Rules:
    min_seconds: int = 3
    max_age: timedelta = timedelta(days=1)
    max_links: int = 2
    duplicate_window: timedelta = timedelta(days=1)


RULES = Rules()

#: The honeypot's field name: plausible to a robot, labelled "Leave this empty" for people.
HONEYPOT_FIELD = "website"
_SALT = "reports.form"
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


class FormSigner(signing.TimestampSigner):
    """A ``TimestampSigner`` whose clock can be set (``now``), for tokens made earlier."""

    def __init__(self, *, now: Callable[[], float] = time.time) -> None:
        super().__init__(salt=_SALT)
        self._now = now

    def timestamp(self) -> str:
        return signing.b62_encode(int(self._now()))


def form_token(article_id: int, *, now: Callable[[], float] = time.time) -> str:
    """The signed "form shown at" value for a story's report form."""
    return FormSigner(now=now).sign(str(article_id))


class TokenProblem(Exception):
    """Why a form token was refused; ``code`` is ``too_fast``, ``expired`` or ``invalid``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_token(token: str, article_id: int) -> None:
    """Raise ``TokenProblem`` unless ``token`` was made for this story, between
    ``RULES.min_seconds`` and ``RULES.max_age`` ago."""
    signer = FormSigner()
    try:
        value = signer.unsign(token or "", max_age=RULES.max_age)
    except signing.SignatureExpired:
        raise TokenProblem("expired") from None
    except signing.BadSignature:
        raise TokenProblem("invalid") from None
    if value != str(article_id):
        raise TokenProblem("invalid")
    try:
        signer.unsign(token, max_age=RULES.min_seconds)
    except signing.SignatureExpired:
        return
    raise TokenProblem("too_fast")


def link_count(text: str) -> int:
    return len(_LINK.findall(text or ""))


def normalized(text: str) -> str:
    """The text as duplicates are compared: case and spacing do not make a new report."""
    return " ".join((text or "").split()).casefold()


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalized(text).encode()).hexdigest()


def client_digest(address: str) -> str:
    """A keyed digest of a client address (the secret key keys it): never the address."""
    if not address:
        return ""
    return salted_hmac("reports.client", address, algorithm="sha256").hexdigest()
