"""Reads for the desk that combine several models (HackSoft's selectors): who works here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser
    from django.db.models import QuerySet

#: Who may read the People page: the admins (superusers hold every permission). Editors
#: and the rest of the desk do not manage accounts.
PEOPLE_PERMISSION = "auth.view_user"

#: The People page's order and its keyset: usernames are unique, so they alone are a key.
PEOPLE_KEYS = ("username",)


def can_see_people(user: AbstractUser) -> bool:
    return user.is_authenticated and user.has_perm(PEOPLE_PERMISSION)


def person_list(*, actor: AbstractUser) -> QuerySet:
    """Every account with what the People page shows of it: its author profile
    (``author``, joined), its groups (prefetched, for ``accounts.role_of``) and
    ``story_count``, the stories it has a byline on. Costs the same number of queries
    however many people a page lists. Raises ``PermissionDenied`` unless ``actor`` may
    see people (``PEOPLE_PERMISSION``)."""
    if not can_see_people(actor):
        raise PermissionDenied("Only admins see the newsroom's people.")
    return (
        get_user_model()
        .objects.select_related("author")
        .prefetch_related("groups")
        .annotate(story_count=Count("author__bylines"))
        .order_by(*PEOPLE_KEYS)
    )
