"""``manage.py newsroom_user``: create or update a desk account with one role."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Author
from editors.roles import ROLE_CHOICES

PASSWORD = "kettle-lamp-orchard-42"

User = get_user_model()


def newsroom_user(*args: str) -> str:
    out = StringIO()
    call_command("newsroom_user", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("NEWSROOM_PASSWORD", PASSWORD)
    return PASSWORD


def role_groups(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@pytest.mark.django_db
class TestNewsroomUser:
    @pytest.mark.parametrize("role", ["reporter", "copy-editor", "editor"])
    def test_creates_a_user_with_a_desk_role(self, password, role):
        """The new user is in exactly the role's group, can sign in and can use the desk."""
        out = newsroom_user("alex", "--role", role, "--email", "alex@example.org")
        user = User.objects.get(username="alex")
        assert out == f"Created alex as {role}.\n"
        assert role_groups(user) == [ROLE_CHOICES[role]]
        assert user.check_password(password)
        assert user.email == "alex@example.org"
        assert not user.is_superuser
        assert user.is_staff == (role == "editor")  # editors manage sections in the admin
        assert user.has_perm("articles.use_desk")

    def test_admin_is_a_superuser_and_staff(self, password):
        """The admin role makes a superuser who can reach the Django admin."""
        newsroom_user("root", "--role", "admin")
        user = User.objects.get(username="root")
        assert user.is_superuser
        assert user.is_staff
        assert role_groups(user) == []
        assert user.check_password(password)

    def test_updating_a_user_changes_their_role(self, password):
        """Giving an existing user another role takes them out of the old group."""
        newsroom_user("alex", "--role", "reporter")
        out = newsroom_user("alex", "--role", "editor")
        user = User.objects.get(username="alex")
        assert out == "Updated alex as editor.\n"
        assert role_groups(user) == ["Editor"]
        assert User.objects.filter(username="alex").count() == 1

    def test_an_admin_demoted_to_reporter_loses_superuser(self, password):
        """Leaving the admin role removes superuser and staff status."""
        newsroom_user("alex", "--role", "admin")
        newsroom_user("alex", "--role", "reporter")
        user = User.objects.get(username="alex")
        assert not user.is_superuser
        assert not user.is_staff
        assert role_groups(user) == ["Reporter"]

    def test_an_existing_user_keeps_their_password_when_none_is_given(self, password, monkeypatch):
        """Changing a role without a new password leaves the old one working."""
        newsroom_user("alex", "--role", "reporter")
        monkeypatch.delenv("NEWSROOM_PASSWORD")
        newsroom_user("alex", "--role", "editor", "--no-password")
        assert User.objects.get(username="alex").check_password(password)

    def test_a_new_user_without_a_password_cannot_sign_in(self, monkeypatch):
        """With --no-password the account exists but no password opens it."""
        monkeypatch.delenv("NEWSROOM_PASSWORD", raising=False)
        newsroom_user("alex", "--role", "reporter", "--no-password")
        assert not User.objects.get(username="alex").has_usable_password()

    def test_an_unknown_role_is_refused(self, password):
        """A role that does not exist is a command error and creates nobody."""
        with pytest.raises(CommandError, match="invalid choice"):
            newsroom_user("alex", "--role", "chief")
        assert not User.objects.filter(username="alex").exists()

    def test_a_weak_password_is_refused_and_nobody_is_created(self, monkeypatch):
        """The password validators apply: "123" is refused with their message, and no user
        or author profile is left behind."""
        monkeypatch.setenv("NEWSROOM_PASSWORD", "123")
        with pytest.raises(CommandError, match="This password is too short"):
            newsroom_user("alex", "--role", "reporter")
        assert not User.objects.filter(username="alex").exists()
        assert not Author.objects.exists()

    def test_a_weak_password_leaves_an_existing_user_as_they_were(self, password, monkeypatch):
        """A refused password change does not change the role either."""
        newsroom_user("alex", "--role", "reporter")
        monkeypatch.setenv("NEWSROOM_PASSWORD", "password")
        with pytest.raises(CommandError, match="too common"):
            newsroom_user("alex", "--role", "editor")
        user = User.objects.get(username="alex")
        assert role_groups(user) == ["Reporter"]
        assert user.check_password(password)

    def test_a_reporter_gets_an_author_profile(self, password):
        """A reporter can carry a byline from the start."""
        newsroom_user("jane.doe", "--role", "reporter")
        author = Author.objects.get(user__username="jane.doe")
        assert author.display_name == "jane.doe"
        assert author.slug == "janedoe"

    def test_updating_a_reporter_keeps_one_author_profile(self, password):
        """Running the command again does not create a second byline for the same person."""
        newsroom_user("alex", "--role", "reporter")
        newsroom_user("alex", "--role", "editor")
        assert Author.objects.filter(user__username="alex").count() == 1
