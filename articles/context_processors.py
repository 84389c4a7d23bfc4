from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

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


def site(request: HttpRequest) -> dict:
    return {"site_name": settings.SITE_NAME, "nav_sections": nav_sections}
