"""Reads for the desk: the inbox, the dashboard's card and the navigation's unread count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Value, When, Window

from articles.pagination import KeysetPage, keyset_page
from notifications.models import Notification

if TYPE_CHECKING:
    from django.http import HttpRequest

INBOX_PAGE = 25
DASHBOARD_LENGTH = 5
#: Unread first, then newest first; the id breaks ties.
INBOX_ORDER = ("-unread", "-created_at", "-pk")

#: The most unread notifications the badge counts; past it, it says "99+".
BADGE_MAX = 99

_COUNT_ATTR = "_notifications_unread_count"


def inbox_page(request: HttpRequest) -> KeysetPage:
    """One page of the user's inbox, keyset-paginated (one query)."""
    queryset = (
        Notification.objects.for_user(request.user)
        .with_inbox_data()
        .annotate(
            unread=Case(
                When(read_at__isnull=True, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    )
    return keyset_page(request, queryset, per_page=INBOX_PAGE, keys=INBOX_ORDER)


def waiting(request: HttpRequest, *, limit: int = DASHBOARD_LENGTH) -> list[Notification]:
    """The newest unread notifications, and (in the same query) how many are unread: the
    navigation's badge then asks nothing more (``unread_count``)."""
    rows = list(
        Notification.objects.for_user(request.user)
        .unread()
        .with_inbox_data()
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:limit]
    )
    setattr(request, _COUNT_ATTR, min(rows[0].total, BADGE_MAX + 1) if rows else 0)
    return rows


def unread_count(request: HttpRequest) -> int:
    """How many notifications wait unread for the request's user, up to ``BADGE_MAX`` + 1
    (shown "99+"): one query per request, which reads at most that many index entries and
    never counts a whole inbox."""
    if not hasattr(request, _COUNT_ATTR):
        unread = Notification.objects.for_user(request.user).unread().order_by()
        setattr(request, _COUNT_ATTR, len(unread.values_list("pk", flat=True)[: BADGE_MAX + 1]))
    return getattr(request, _COUNT_ATTR)


def badge(count: int) -> str:
    """The count as the badge shows it: "" for none, "99+" past ``BADGE_MAX``."""
    if not count:
        return ""
    return f"{BADGE_MAX}+" if count > BADGE_MAX else str(count)
