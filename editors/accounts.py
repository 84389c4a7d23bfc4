"""Desk accounts: one function gives a user a role (used by the command and by tests)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.text import slugify

from articles.models import Author
from articles.services import unique_slug
from editors.roles import EDITOR, ROLE_CHOICES, ROLE_PERMISSIONS


@transaction.atomic
def account_set_role(
    *,
    username: str,
    role: str,
    email: str = "",
    password: str | None = None,
    full_name: str = "",
) -> tuple[object, bool]:
    """Create or update ``username`` with exactly one role; returns (user, created).

    Admins are superusers; every other role is membership of its group. Editors are also
    staff, for the admin pages their permissions cover. Everyone gets an Author profile so
    they can carry a byline.
    """
    if role not in ROLE_CHOICES:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLE_CHOICES)}.")
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if email:
        user.email = email
    if full_name:
        user.first_name, _, user.last_name = full_name.partition(" ")
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    group_name = ROLE_CHOICES[role]
    user.is_superuser = group_name is None
    # Editors manage sections, authors and sources in the admin, limited by their permissions.
    user.is_staff = group_name in (None, EDITOR)
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=ROLE_PERMISSIONS))
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    if not Author.objects.filter(user=user).exists():
        name = user.get_full_name() or username
        Author.objects.create(user=user, display_name=name, slug=unique_slug(Author, slugify(name)))
    return user, created
