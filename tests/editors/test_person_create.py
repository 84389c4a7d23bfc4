"""Creating a person (issue 13): the admin's one add page and ``newsroom_user`` both go
through ``accounts.person_create``, which gives the account its one role and its byline."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from articles import services
from articles.exceptions import EditorialPermissionDenied
from articles.models import Article, Author
from editors import accounts
from tests.editors.test_editor_form import form_data, set_block
from tests.factories import AuthorFactory, SectionFactory
from tests.helpers import user_with_role

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "kettle-lamp-orchard-42"
ADD_URL = reverse("admin:auth_user_add")


def admin_add(client, **fields):
    """POST the admin's add-user page as it is filled in by hand."""
    data = {
        "username": "jane.doe",
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "role": "reporter",
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane@example.org",
        **fields,
    }
    return client.post(ADD_URL, data)


class TestAdminAddPage:
    def test_the_add_page_asks_for_role_name_and_email(self, client, superuser):
        """Role, first and last name and email are on the page with username and password;
        the role is one choice among the declared roles."""
        client.force_login(superuser)
        response = client.get(ADD_URL)
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert {"username", "password1", "password2", "role", "first_name", "last_name"} <= set(
            form.fields
        )
        assert "email" in form.fields
        assert [key for key, _label in form.fields["role"].choices] == list(accounts.ROLE_LABELS)
        assert "groups" not in form.fields

    def test_a_reporter_made_in_the_admin_signs_in_and_bylines_only_themselves(
        self, client, superuser
    ):
        """The admin's add page creates a reporter with an Author named after them, who can
        sign in, finds their own byline on a new story, and cannot byline anyone else:
        neither the form nor the service lets them."""
        client.force_login(superuser)
        response = admin_add(client)
        assert response.status_code == 302, response.context["adminform"].form.errors
        user = User.objects.get(username="jane.doe")
        assert sorted(user.groups.values_list("name", flat=True)) == ["Reporter"]
        assert (user.first_name, user.last_name, user.email) == ("Jane", "Doe", "jane@example.org")
        assert not user.is_staff and not user.is_superuser
        author = Author.objects.get(user=user)
        assert (author.display_name, author.slug) == ("Jane Doe", "jane-doe")

        client.logout()
        signed_in = client.post(reverse("login"), {"username": "jane.doe", "password": PASSWORD})
        assert signed_in.status_code == 302
        response = client.get(reverse("editors:article_create"))
        assert response.status_code == 200
        bylines = response.context["bylines"]
        assert bylines.forms[0].initial["author"] == author.pk
        offered = [value for value, _label in bylines.forms[0].fields["author"].choices if value]
        assert [int(str(value)) for value in offered] == [author.pk]

        someone = AuthorFactory(display_name="Someone Else")
        data = form_data(response)
        data["headline"] = ["Bridge reopens after repairs"]
        data["section"] = [str(SectionFactory().pk)]
        set_block(data, 0, "The bridge reopened on Monday.")
        data["bylines-0-author"] = [str(someone.pk)]
        response = client.post(reverse("editors:article_create"), data)
        assert response.status_code == 400
        assert "You may byline only yourself" in response.content.decode()
        assert not Article.objects.exists()

        with pytest.raises(EditorialPermissionDenied, match="byline only yourself"):
            services.article_create(
                actor=user,
                section=SectionFactory(),
                headline="Bridge reopens",
                blocks=[],
                authors=[author, someone],
            )
        assert not Article.objects.exists()

    def test_the_byline_slug_is_unique(self, client, superuser):
        """A second Jane Doe gets a slug of her own."""
        AuthorFactory(display_name="Jane Doe", slug="jane-doe")
        client.force_login(superuser)
        assert admin_add(client).status_code == 302
        assert Author.objects.get(user__username="jane.doe").slug == "jane-doe-2"

    def test_a_refused_password_creates_nobody(self, client, superuser):
        """The password validators apply on the one page; no user or author is left."""
        client.force_login(superuser)
        response = admin_add(client, password1="123", password2="123")
        assert response.status_code == 200
        assert not User.objects.filter(username="jane.doe").exists()
        assert not Author.objects.filter(display_name="Jane Doe").exists()

    def test_an_admin_role_makes_a_superuser(self, client, superuser):
        """The "Admin" choice is the superuser flag; no group."""
        client.force_login(superuser)
        assert admin_add(client, role="admin").status_code == 302
        user = User.objects.get(username="jane.doe")
        assert user.is_superuser and user.is_staff
        assert not user.groups.exists()


class TestAdminChangePage:
    def test_the_role_is_one_choice_and_the_groups_picker_has_no_desk_roles(
        self, client, superuser
    ):
        """The change page shows the user's role as a choice; the raw groups picker offers
        only groups that are not desk roles, and superuser status is not a checkbox."""
        reporter = user_with_role("reporter", "rita")
        client.force_login(superuser)
        url = reverse("admin:auth_user_change", args=[reporter.pk])
        form = client.get(url).context["adminform"].form
        assert form.fields["role"].initial == "reporter"
        assert not set(form.fields["groups"].queryset.values_list("name", flat=True)) & set(
            accounts.DESK_GROUPS
        )
        assert "is_superuser" not in form.fields
        assert "user_permissions" not in form.fields

    def test_changing_the_role_keeps_other_groups(self, client, superuser):
        """Making a reporter an editor swaps the group, makes them staff and keeps any
        group that is not a role."""
        from django.contrib.auth.models import Group

        reporter = user_with_role("reporter", "rita")
        partner = Group.objects.get(name="Partner")
        reporter.groups.add(partner)
        client.force_login(superuser)
        url = reverse("admin:auth_user_change", args=[reporter.pk])
        assert client.get(url).status_code == 200
        data = {
            "username": "rita",
            "first_name": "Rita",
            "last_name": "Moreno",
            "email": "rita@example.org",
            "role": "editor",
            "is_active": "on",
            "groups": [str(partner.pk)],
        }

        response = client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        reporter.refresh_from_db()
        assert sorted(reporter.groups.values_list("name", flat=True)) == ["Editor", "Partner"]
        assert reporter.is_staff and not reporter.is_superuser
        assert Author.objects.filter(user=reporter).count() == 1


class TestPersonCreateService:
    def test_creates_account_role_and_author_in_one_go(self):
        """The service makes the user, its group and its Author."""
        user = accounts.person_create(
            username="omar", role="editor", first_name="Omar", last_name="Haddad"
        )
        assert accounts.role_of(user) == "editor"
        assert user.author.display_name == "Omar Haddad"
        assert not user.has_usable_password()

    def test_a_taken_username_is_refused(self):
        """Usernames are unique: the service says so and creates no second author."""
        accounts.person_create(username="omar", role="reporter")
        with pytest.raises(ValidationError):
            accounts.person_create(username="omar", role="reporter")
        assert Author.objects.filter(display_name="omar").count() == 1

    def test_an_actor_without_add_user_is_refused(self):
        """Only those who may add users create people (editors do not)."""
        editor = user_with_role("editor", "ed")
        with pytest.raises(PermissionDenied):
            accounts.person_create(username="omar", role="reporter", actor=editor)
        assert not User.objects.filter(username="omar").exists()


class TestNewsroomUserCommand:
    def test_creates_the_author_from_first_and_last_name(self, monkeypatch):
        """``newsroom_user --first-name --last-name`` names the new byline after them."""
        monkeypatch.setenv("NEWSROOM_PASSWORD", PASSWORD)
        call_command(
            "newsroom_user",
            "jdoe",
            "--role",
            "reporter",
            "--first-name",
            "Jane",
            "--last-name",
            "Doe",
            stdout=StringIO(),
        )
        user = User.objects.get(username="jdoe")
        assert user.get_full_name() == "Jane Doe"
        assert user.author.display_name == "Jane Doe"
        assert user.author.slug == "jane-doe"
        assert user.check_password(PASSWORD)
