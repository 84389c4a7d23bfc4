"""Logging in and out and managing passwords happen on desk-styled pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from editors.accounts import account_set_role

PASSWORD = "harbour-wall-lantern-42"


@pytest.fixture
def reporter():
    return account_set_role(
        username="rita", role="reporter", email="rita@example.org", password=PASSWORD
    )[0]


@pytest.mark.django_db
class TestLogin:
    def test_login_page_uses_the_desk_style(self, client):
        """The login page is the desk's Bootstrap page with a labelled form."""
        response = client.get(reverse("login") + "?next=/desk/")
        page = response.content.decode()
        assert response.status_code == 200
        assert "editors/vendor/bootstrap/bootstrap.min.css" in page
        assert '<html lang="en">' in page
        assert '<main id="main"' in page
        assert "Log in to the desk" in page
        assert 'for="id_username"' in page
        assert 'for="id_password"' in page
        assert 'name="next" value="/desk/"' in page
        assert reverse("password_reset") in page

    def test_logging_in_opens_the_page_asked_for(self, client, reporter):
        """A correct password logs in and returns to the page that asked for it."""
        response = client.post(
            reverse("login"),
            {"username": "rita", "password": PASSWORD, "next": "/desk/articles/"},
        )
        assert response.status_code == 302
        assert response["Location"] == "/desk/articles/"
        assert client.session[SESSION_KEY] == str(reporter.pk)

    def test_each_person_lands_where_they_can_work(self, client, reporter):
        """With no page asked for, staff land on the desk, an API partner on their tokens
        (the desk would answer 403) and anyone else on the public site."""
        from django.contrib.auth.models import Group

        from editors.roles import PARTNER
        from tests.factories import UserFactory

        partner = UserFactory(username="apple-news")
        partner.groups.add(Group.objects.get(name=PARTNER))
        partner.set_password(PASSWORD)
        partner.save()
        nobody = UserFactory(username="nobody")
        nobody.set_password(PASSWORD)
        nobody.save()
        for username, landing in [
            ("rita", reverse("editors:dashboard")),
            ("apple-news", reverse("editors:token_list")),
            ("nobody", reverse("articles:home")),
        ]:
            response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
            assert response["Location"] == landing, username
            assert client.get(landing).status_code == 200, username
            client.logout()

    def test_wrong_password_is_refused(self, client, reporter):
        """A wrong password re-renders the form with an error."""
        response = client.post(reverse("login"), {"username": "rita", "password": "nope"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
        assert SESSION_KEY not in client.session

    def test_logout_is_a_post(self, client, reporter):
        """The navbar logs out with a POST form; a GET does not log anyone out."""
        client.force_login(reporter)
        page = client.get(reverse("editors:dashboard")).content.decode()
        assert re.search(r'<form method="post" action="/accounts/logout/"', page)
        assert client.get(reverse("logout")).status_code == 405
        assert SESSION_KEY in client.session

        response = client.post(reverse("logout"))

        assert response.status_code == 302
        assert SESSION_KEY not in client.session


@pytest.mark.django_db
class TestPasswords:
    def test_password_change_requires_login(self, client):
        """Anonymous visitors are sent to log in first."""
        response = client.get(reverse("password_change"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_password_change(self, client, reporter):
        """A logged-in user changes their password on a desk page."""
        client.force_login(reporter)
        page = client.get(reverse("password_change")).content.decode()
        assert "Change your password" in page
        assert 'for="id_old_password"' in page

        response = client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "quay-crane-orbit-77",
                "new_password2": "quay-crane-orbit-77",
            },
            follow=True,
        )

        assert "Password changed" in response.content.decode()
        reporter.refresh_from_db()
        assert reporter.check_password("quay-crane-orbit-77")

    def test_password_reset_sends_an_email(self, client, reporter, mailoutbox):
        """Asking for a reset with a known address emails a working link."""
        page = client.get(reverse("password_reset")).content.decode()
        assert "Reset your password" in page

        response = client.post(
            reverse("password_reset"), {"email": "rita@example.org"}, follow=True
        )

        assert "Check your email" in response.content.decode()
        assert len(mailoutbox) == 1
        message = mailoutbox[0]
        assert message.to == ["rita@example.org"]
        assert "Reset your desk password" in message.subject
        link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
        assert "rita" in message.body

        confirm = client.get(link, follow=True)
        assert "Choose a new password" in confirm.content.decode()
        done = client.post(
            confirm.redirect_chain[-1][0],
            {"new_password1": "quay-crane-orbit-77", "new_password2": "quay-crane-orbit-77"},
            follow=True,
        )
        assert "Your password is set" in done.content.decode()
        reporter.refresh_from_db()
        assert reporter.check_password("quay-crane-orbit-77")

    def test_password_reset_for_an_unknown_address_sends_nothing(self, client, mailoutbox):
        """An unknown address gets the same reply and no email (no account probing)."""
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
        assert response.status_code == 302
        assert mailoutbox == []

    def test_used_reset_link_says_so(self, client, reporter):
        """A bad reset link explains that it no longer works."""
        response = client.get(
            reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})
        )
        assert "This link no longer works" in response.content.decode()


@pytest.mark.django_db
def test_auth_pages_carry_the_publication_name_not_the_host(client, settings):
    """The login page names the publication, not whichever host the request came in on."""
    response = client.get("/accounts/login/")
    assert settings.SITE_NAME in response.content.decode()
    assert response.context["site_name"] == settings.SITE_NAME
