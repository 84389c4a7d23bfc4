"""Advisory presence: who else has an article open in the editor, kept in the shared cache.

It only informs ("Ana is also editing since 10:02"); optimistic concurrency in
``articles.services.article_update`` is what actually protects the text.

Presence is kept per (user, tab): every load of the editor page is a tab with its own id.
Rendering the page is the tab's first heartbeat; the page's script
(``editors/static/editors/presence.js``) beats every ``heartbeat_every_ms()`` while the page
is visible and its user active, and says goodbye on ``pagehide``. A tab not heard from for
``settings.NEWSROOM_PRESENCE_EXPIRY_S`` is gone, so a closed, hidden or idle tab drops out
within that time even when its goodbye never arrives.

The cache is an optimisation: when it is unreachable presence is empty, never an error.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

log = logging.getLogger("newsroom.cache")

#: How the desk names the viewer's own other tab, in presence and on the conflict page.
YOU_ELSEWHERE = "you, in another window"
#: Heartbeats per expiry: one lost beat does not make a tab look gone.
BEATS_PER_EXPIRY = 3

_TAB = re.compile(r"[A-Za-z0-9_-]{8,40}")


@dataclass(frozen=True)
class Present:
    """Someone (``you``: the viewer, in another tab) with the article open since ``since``."""

    label: str
    you: bool
    since: datetime


def expiry() -> timedelta:
    return timedelta(seconds=settings.NEWSROOM_PRESENCE_EXPIRY_S)


def heartbeat_every_ms() -> int:
    """How often an open, active editor tab tells the server it is still there."""
    return int(settings.NEWSROOM_PRESENCE_EXPIRY_S * 1000 / BEATS_PER_EXPIRY)


def new_tab() -> str:
    """An id for one load of the editor page."""
    return secrets.token_urlsafe(12)


def valid_tab(tab: str) -> bool:
    return bool(_TAB.fullmatch(tab or ""))


def who(*, user, viewer) -> str:
    """The wording rule for a person the desk reports on: the viewer is "you, in another
    window" (they have the story open twice), anyone else is named."""
    if user.pk == viewer.pk:
        return YOU_ELSEWHERE
    return user.get_full_name() or user.get_username()


def _now() -> datetime:
    return timezone.now()


def _tabs_key(article_id: int) -> str:
    return f"editors:presence-tabs:{article_id}"


def _tab_key(article_id: int, user_id: int, tab: str) -> str:
    return f"editors:presence:{article_id}:{user_id}:{tab}"


def _timeout() -> int:
    return math.ceil(settings.NEWSROOM_PRESENCE_EXPIRY_S) + 1


def _fresh(entry, now: datetime) -> bool:
    return (
        isinstance(entry, dict)
        and "seen" in entry
        and now - datetime.fromisoformat(entry["seen"]) < expiry()
    )


def touch(*, article_id: int, user, tab: str, own_tabs: bool = True) -> list[Present]:
    """Record that ``user`` has the article open in ``tab`` now; return who else has it open
    (the user's own other tabs as one "you, in another window", unless not ``own_tabs``).

    The page's render leaves out the user's own tabs: a reload or a link back to the story
    is rendered before the page it replaces says goodbye, so the server cannot tell that
    page from a second window. The script's first heartbeat, sent once the page has
    loaded, can."""
    now = _now()
    cache = caches["shared"]
    try:
        tabs = cache.get(_tabs_key(article_id))
        members = [tuple(m) for m in tabs] if isinstance(tabs, list) else []
        keys = {_tab_key(article_id, uid, t): (uid, t) for uid, t in members}
        stored = cache.get_many(list(keys))
        present = {keys[k]: e for k, e in stored.items() if _fresh(e, now)}
        mine = cache.get(_tab_key(article_id, user.pk, tab))
        if isinstance(mine, dict) and mine.get("left"):
            # A heartbeat that overtook its tab's goodbye: the tab has gone.
            present.pop((user.pk, tab), None)
        else:
            since = mine["since"] if _fresh(mine, now) else now.isoformat()
            entry = {
                "name": user.get_full_name() or user.get_username(),
                "since": since,
                "seen": now.isoformat(),
            }
            cache.set(_tab_key(article_id, user.pk, tab), entry, _timeout())
            present[(user.pk, tab)] = entry
        # NOTE: two tabs that join at the same moment may each write the list without the
        # other; the one left out adds itself back with its next heartbeat.
        cache.set(_tabs_key(article_id), list(present), 2 * _timeout())
    except Exception:  # django-redis already ignores its errors; other backends may raise
        log.warning("The shared cache is unreachable; presence is empty", exc_info=True)
        return []
    others = _others(present, user=user, tab=tab)
    return others if own_tabs else [p for p in others if not p.you]


def leave(*, article_id: int, user, tab: str) -> None:
    """``user`` closed ``tab`` (or left the page): stop counting it at once."""
    if not valid_tab(tab):
        return
    try:
        # A marker rather than a delete, so a heartbeat still on its way cannot revive it.
        caches["shared"].set(_tab_key(article_id, user.pk, tab), {"left": True}, _timeout())
    except Exception:
        log.warning("The shared cache is unreachable; presence is empty", exc_info=True)


def _others(present: dict, *, user, tab: str) -> list[Present]:
    """One line per other person, and one for the viewer's own other tabs: the earliest."""
    people: dict[object, Present] = {}
    for (uid, t), entry in present.items():
        if uid == user.pk and t == tab:
            continue
        you = uid == user.pk
        since = datetime.fromisoformat(entry["since"])
        if uid not in people or since < people[uid].since:
            people[uid] = Present(
                label=YOU_ELSEWHERE if you else entry["name"], you=you, since=since
            )
    return sorted(people.values(), key=lambda p: (p.you, p.since))
