"""Desk people: the services that create an account with its role and byline, and change a
role. The Django admin, ``manage.py newsroom_user`` and the tests all go through them.

A person has exactly one desk role (``editors.roles.ROLE_CHOICES``): admins are superusers,
every other role is membership of its group. Editors are also staff, for the admin pages
their permissions cover. Every person gets an Author profile, named after them, so their
byline is there from the start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify

from articles.models import Author
from articles.services import unique_slug
from editors.roles import EDITOR, ROLE_CHOICES

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

#: The role ``ROLE_CHOICES`` gives superusers rather than a group.
ADMIN = next(key for key, group in ROLE_CHOICES.items() if group is None)

#: What the admin's role field and the People page call each role, in the declared order:
#: its group's name, and "Admin" for the superusers.
ROLE_LABELS: dict[str, str] = {key: group or key.title() for key, group in ROLE_CHOICES.items()}

#: The groups that are desk roles; any other group (API partners) is the admin's to set.
DESK_GROUPS = frozenset(group for group in ROLE_CHOICES.values() if group)


def role_of(user: AbstractUser) -> str | None:
    """The user's desk role (a ``ROLE_CHOICES`` key), or None. Reads ``user.groups.all()``,
    so a list that prefetched the groups asks nothing more."""
    if user.is_superuser:
        return ADMIN
    for group in user.groups.all():
        for key, name in ROLE_CHOICES.items():
            if name == group.name:
                return key
    return None


def _require(actor: AbstractUser | None, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(f"You do not have permission to do this ({perm}).")


def _check_role(role: str | None) -> None:
    if role is not None and role not in ROLE_CHOICES:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLE_CHOICES)}.")


def _author_ensure(user: AbstractUser) -> Author:
    """The user's Author profile, created from their full name (or username) with a unique
    slug when they have none."""
    author = Author.objects.filter(user=user).first()
    if author is None:
        name = user.get_full_name() or user.get_username()
        author = Author.objects.create(
            user=user, display_name=name, slug=unique_slug(Author, slugify(name), max_length=120)
        )
    return author


@transaction.atomic
def person_set_role(
    *, user: AbstractUser, role: str | None, actor: AbstractUser | None = None
) -> AbstractUser:
    """Give ``user`` exactly ``role`` (a ``ROLE_CHOICES`` key; None takes every desk role
    away). Groups that are not desk roles (API partners) are left as they are.

    ``actor`` None is the system (a management command); otherwise they need
    ``auth.change_user``.
    """
    _check_role(role)
    _require(actor, "auth.change_user")
    group_name = ROLE_CHOICES.get(role) if role else None
    user.is_superuser = role == ADMIN
    # Editors manage sections, authors and sources in the admin, limited by their permissions.
    user.is_staff = role == ADMIN or group_name == EDITOR
    user.save(update_fields=["is_superuser", "is_staff"])
    user.groups.remove(*Group.objects.filter(name__in=DESK_GROUPS))
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    if role:
        _author_ensure(user)
    return user


@transaction.atomic
def person_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    actor: AbstractUser | None = None,
) -> AbstractUser:
    """Create a desk person: the account, its one role, and its Author profile named after
    their full name (their username when they have none), all in one transaction.

    Without a password the account exists but nobody can sign in to it until one is set.
    Raises ``ValidationError`` (a taken or malformed username, a password the validators
    refuse), ``ValueError`` (an unknown role) or ``PermissionDenied`` (an ``actor`` without
    ``auth.add_user``; None is the system).
    """
    _check_role(role)
    _require(actor, "auth.add_user")
    User = get_user_model()
    user = User(
        username=username, first_name=first_name.strip(), last_name=last_name.strip(), email=email
    )
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return person_set_role(user=user, role=role)


@transaction.atomic
def person_update(
    *,
    user: AbstractUser,
    role: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    actor: AbstractUser | None = None,
) -> AbstractUser:
    """Give an existing user ``role`` (``person_set_role``) and whichever of a new email,
    name or password is given; what is not given stays. Raises as ``person_create`` does."""
    _check_role(role)
    _require(actor, "auth.change_user")
    if email:
        user.email = email
    if first_name or last_name:
        user.first_name, user.last_name = first_name.strip(), last_name.strip()
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean()
    user.save()
    return person_set_role(user=user, role=role)


def account_set_role(
    *,
    username: str,
    role: str,
    email: str = "",
    password: str | None = None,
    full_name: str = "",
) -> tuple[AbstractUser, bool]:
    """``person_create`` for a new username, else ``person_update``; returns (user, created).
    ``full_name`` is split into the first and last name at its first space."""
    first_name, _, last_name = full_name.partition(" ")
    fields = {"role": role, "email": email, "password": password}
    names = {"first_name": first_name, "last_name": last_name}
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return person_create(username=username, **fields, **names), True
    return person_update(user=user, **fields, **names), False
