from __future__ import annotations

import hashlib
from functools import cached_property

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone

NAV_CACHE_KEY = "articles:nav-sections"


def nav_sections() -> list[dict[str, str]]:
    """Sections for the site navigation, cached because every page shows them.

    ``articles.signals`` drops the cache whenever a section changes; it is the shared
    cache, so every process sees the drop. When the cache is down, it is read from the
    database each time.
    """
    cache = caches["shared"]
    sections = cache.get(NAV_CACHE_KEY)
    if sections is None:
        from articles.models import Section

        sections = [{"name": s.name, "url": s.get_absolute_url()} for s in Section.objects.all()]
        cache.set(NAV_CACHE_KEY, sections, 3600)
    return sections


class Chrome:
    """What the site's header and footer depend on, as one key: the navigation, which of
    its links is the current page, and the day (the masthead's date). ``base.html`` keeps
    each rendering in this process's memory (the "local" cache) under it, so the chrome is
    rendered once a day per page kind, not on every request."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def key(self) -> str:
        sections = nav_sections()
        urls = {"/", *(s["url"] for s in sections)}
        path = getattr(self.request, "path", "")
        current = path if path in urls else ""
        digest = hashlib.md5(repr(sections).encode(), usedforsecurity=False).hexdigest()
        return f"{digest}:{current}:{timezone.localdate().isoformat()}"


def site(request: HttpRequest) -> dict:
    return {
        "site_name": settings.SITE_NAME,
        "nav_sections": nav_sections,
        "chrome": Chrome(request),
    }
