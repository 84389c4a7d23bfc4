from __future__ import annotations

import functools
import hashlib
from functools import cached_property

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone

NAV_CACHE_KEY = "articles:nav-sections"


def nav_sections(request: HttpRequest | None = None) -> list[dict[str, str]]:
    """Sections for the site navigation, cached because every page shows them.

    A reader request already knows the content generation (the page cache read it, and any
    change to a section bumps it): the list is kept in this process's memory under that
    generation, so it costs no round trip. Otherwise it comes from the shared cache, which
    ``articles.signals`` clears whenever a section changes, so every process sees the
    change. When the cache is down, it is read from the database each time.
    """
    generation = getattr(request, "content_generation", None)
    if generation is not None:
        local = caches["local"]
        key = f"{NAV_CACHE_KEY}:{generation.number}"
        sections = local.get(key)
        if sections is None:
            sections = _load_sections()
            local.set(key, sections, 3600)
        return sections
    cache = caches["shared"]
    sections = cache.get(NAV_CACHE_KEY)
    if sections is None:
        sections = _load_sections()
        cache.set(NAV_CACHE_KEY, sections, 3600)
    return sections


def _load_sections() -> list[dict[str, str]]:
    from articles.models import Section

    return [{"name": s.name, "url": s.get_absolute_url()} for s in Section.objects.all()]


class Chrome:
    """What the site's header and footer depend on, as one key: the navigation, which of
    its links is the current page, and the day (the masthead's date). ``base.html`` keeps
    each rendering in this process's memory (the "local" cache) under it, so the chrome is
    rendered once a day per page kind, not on every request."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def key(self) -> str:
        sections = nav_sections(self.request)
        urls = {"/", *(s["url"] for s in sections)}
        path = getattr(self.request, "path", "")
        current = path if path in urls else ""
        digest = hashlib.md5(repr(sections).encode(), usedforsecurity=False).hexdigest()
        return f"{digest}:{current}:{timezone.localdate().isoformat()}"


def site(request: HttpRequest) -> dict:
    return {
        "site_name": settings.SITE_NAME,
        "nav_sections": functools.partial(nav_sections, request),
        "chrome": Chrome(request),
    }
