"""Advisory presence: who else has an article open in the editor, kept in the cache.

It only informs ("Ana is also editing since 10:02"); optimistic concurrency in
``articles.services.article_update`` is what actually protects the text.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import caches
from django.utils import timezone

STALE_AFTER = timedelta(minutes=2)


def _key(article_id: int) -> str:
    return f"editors:presence:{article_id}"


def touch(*, article_id: int, user) -> list[dict]:
    """Record that ``user`` is editing now; return the other editors still present."""
    now = timezone.now()
    # Shared by every worker; while the cache is down presence is simply empty.
    cache = caches["shared"]
    present: dict[str, dict] = cache.get(_key(article_id)) or {}
    fresh = {
        uid: entry
        for uid, entry in present.items()
        if now - datetime.fromisoformat(entry["seen"]) < STALE_AFTER
    }
    mine = fresh.get(str(user.pk))
    fresh[str(user.pk)] = {
        "name": user.get_full_name() or user.get_username(),
        "since": mine["since"] if mine else now.isoformat(),
        "seen": now.isoformat(),
    }
    cache.set(_key(article_id), fresh, int(STALE_AFTER.total_seconds()) * 2)
    return [
        {"name": e["name"], "since": datetime.fromisoformat(e["since"])}
        for uid, e in fresh.items()
        if uid != str(user.pk)
    ]
