"""Revalidation for every read API response: validators, ``no-cache`` and the 304.

Every response carries a weak ``ETag`` (weak: the JSON and the browsable page are the same
resource in two renderings) and, where a time is known, ``Last-Modified``; a matching
``If-None-Match`` or ``If-Modified-Since`` gets a 304 through Django's
``get_conditional_response``. ``Cache-Control: no-cache``: a client or a shared cache may keep
a response but asks again every time, so a correction is never served stale.

- A story's documents: the ``ETag`` names the document (the ninjs ``version``, or a digest
  of the API document, which also changes with the version) and ``Last-Modified`` is when
  readers last saw the story change (``articles.ninjs.version_created``).
- Lists and records without a time of their own (sources, authors, sections): the ``ETag``
  is a digest of the page as sent, and ``Last-Modified`` the latest of the page's own times
  and the moment the site's content last changed (``articles.caching``'s content
  generation, bumped after every change readers could see, a story taken down or a note
  withdrawn included: a row that *left* a page must move its date too, which the rows still
  on it cannot say). One read of the shared cache, no query; while the cache is unreachable
  only the page's own times count, and a record with none goes without ``Last-Modified``.

``If-Modified-Since`` counts whole seconds: a client that saw a response made in the same
second as the next change learns of it only through ``If-None-Match``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from rest_framework.request import Request
from rest_framework.response import Response

from articles import caching


def digest_etag(data: Any) -> str:
    """A weak ETag naming ``data`` (what a serializer returned) exactly."""
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return f'W/"{hashlib.sha256(encoded.encode()).hexdigest()[:20]}"'


def _seconds(moment: datetime | int | None) -> int | None:
    if moment is None or isinstance(moment, int):
        return moment
    return int(moment.timestamp())


def site_changed_at(*moments: datetime | int | None) -> int | None:
    """The latest of ``moments`` and the time the site's content last changed (whole
    seconds), or None when neither is known."""
    generation = caching.generation_current()
    known = [_seconds(m) for m in moments if m is not None]
    if generation is not None:
        known.append(generation.last_modified)
    return max(known) if known else None


def latest(moments: Iterable[datetime | None]) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)


def conditional_response(
    request: Request,
    response: Response,
    *,
    etag: str | None = None,
    last_modified: datetime | int | None,
) -> HttpResponseBase:
    """``response`` with its validators and ``no-cache``, or a 304 when the client's copy is
    current. ``etag`` defaults to a digest of ``response.data``."""
    etag = etag or digest_etag(response.data)
    seconds = _seconds(last_modified)
    response["ETag"] = etag
    if seconds is not None:
        response["Last-Modified"] = http_date(seconds)
    patch_cache_control(response, no_cache=True)
    return get_conditional_response(request, etag=etag, last_modified=seconds, response=response)


class ConditionalMixin:
    """For the API's list views: the paginated page, answered conditionally.

    ``page_changed_at(rows)`` gives the page's own newest time (None by default: the site's
    content generation alone dates the page)."""

    def page_changed_at(self, rows: list) -> datetime | None:
        return None

    def list(self, request: Request, *args, **kwargs) -> HttpResponseBase:
        queryset = self.filter_queryset(self.get_queryset())
        rows = list(self.paginate_queryset(queryset))
        self.prepare_rows(rows)
        response = self.get_paginated_response(self.get_serializer(rows, many=True).data)
        return conditional_response(
            request, response, last_modified=site_changed_at(self.page_changed_at(rows))
        )

    def prepare_rows(self, rows: list) -> None:
        """Work on the page's rows before they are serialized (nothing by default)."""
