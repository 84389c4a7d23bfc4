"""``/desk/tokens/``: a holder lists their API tokens, creates one (its secret shown this
once) and revokes one; who may open the page; CSRF; the history; a pinned query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token

from api import tokens
from api.models import ApiToken, ApiTokenEvent
from editors.roles import PARTNER
from tests.factories import PublishedArticleFactory, UserFactory
from tests.helpers import user_with_role

pytestmark = pytest.mark.django_db

PAGE = "/desk/tokens/"
SECRET = re.compile(r'id="new-token" value="([0-9a-f]{64})"')


def revoke_url(token: ApiToken) -> str:
    return reverse("editors:token_revoke", kwargs={"pk": token.pk})


def ninjs(client, article, secret: str):
    return Client().get(
        reverse("api:article_ninjs", kwargs={"pk": article.pk}),
        HTTP_AUTHORIZATION=f"Token {secret}",
    )


def create(client, name: str = "Apple News feed", days: str = "") -> tuple[object, str]:
    response = client.post(PAGE, {"name": name, "expires_in_days": days})
    assert response.status_code == 200
    match = SECRET.search(response.content.decode())
    return response, match.group(1) if match else ""


@pytest.fixture
def partner(db):
    user = UserFactory(username="apple-news")
    user.groups.add(Group.objects.get(name=PARTNER))
    return user


class TestWhoMayOpenIt:
    def test_anonymous_visitors_go_to_the_login_page(self, client):
        response = client.get(PAGE)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/desk/tokens/")

    def test_a_reader_account_is_refused(self, client):
        """A signed-in user with no role gets 403, and cannot create one by POST either."""
        client.force_login(UserFactory())
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, {"name": "Feed"}).status_code == 403
        assert not ApiToken.objects.exists()

    @pytest.mark.parametrize("role", ["reporter", "copy-editor", "editor", "admin"])
    def test_every_desk_role_opens_it_from_the_menu(self, client, role):
        client.force_login(user_with_role(role, f"someone-{role}"))
        assert f'href="{PAGE}"' in client.get(reverse("editors:dashboard")).content.decode()
        response = client.get(PAGE)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"

    def test_a_partner_opens_it_and_sees_no_desk_links(self, client, partner):
        """A partner holds tokens but has no desk: the menu offers no desk page."""
        client.force_login(partner)
        response = client.get(PAGE)
        assert response.status_code == 200
        text = response.content.decode()
        assert reverse("editors:dashboard") + '"' not in text
        assert reverse("editors:article_list") not in text
        assert client.get(reverse("editors:dashboard")).status_code == 403


class TestCreating:
    def test_the_secret_is_shown_once_and_stored_hashed(self, client, reporter):
        """The response to the form shows the secret with copy instructions; the database,
        the session and the next page never have it."""
        client.force_login(reporter)

        response, secret = create(client, days="30")

        text = response.content.decode()
        assert secret
        assert "shown only now" in text
        assert 'data-copy="#new-token"' in text
        assert response["Cache-Control"] == "private, no-store"
        token = ApiToken.objects.get()
        assert (token.user, token.name) == (reporter, "Apple News feed")
        assert token.digest == hash_token(secret)
        assert timedelta(days=29) < token.expiry - timezone.now() <= timedelta(days=30)
        assert all(secret not in str(v) for v in ApiToken.objects.values().get().values())
        assert all(secret not in s.session_data for s in Session.objects.all())
        again = client.get(PAGE).content.decode()
        assert secret not in again
        assert "Apple News feed" in again

    def test_the_token_reads_the_api(self, client, reporter):
        client.force_login(reporter)
        _response, secret = create(client)
        article = PublishedArticleFactory()

        response = ninjs(client, article, secret)

        assert response.status_code == 200
        assert ApiToken.objects.get().last_used_at is not None

    def test_without_an_expiry_it_never_expires(self, client, reporter):
        client.force_login(reporter)
        create(client)
        assert ApiToken.objects.get().expiry is None
        assert "Never" in client.get(PAGE).content.decode()

    @pytest.mark.parametrize(
        ("name", "days"), [("", ""), ("Feed", "0"), ("Feed", "-3"), ("Feed", "soon")]
    )
    def test_bad_input_shows_the_form_again(self, client, reporter, name, days):
        client.force_login(reporter)
        response, secret = create(client, name=name, days=days)
        assert not secret
        assert "is-invalid" in response.content.decode()
        assert not ApiToken.objects.exists()

    def test_a_service_refusal_is_a_message(self, client, reporter):
        client.force_login(reporter)
        create(client, name="Feed")
        response, secret = create(client, name="feed")
        assert not secret
        assert "already have an active token" in response.content.decode()
        assert ApiToken.objects.count() == 1

    def test_create_is_logged(self, client, reporter):
        client.force_login(reporter)
        create(client)
        event = ApiTokenEvent.objects.get()
        assert (event.action, event.actor, event.holder) == ("token.create", reporter, reporter)


class TestRevoking:
    def test_revoking_stops_the_token(self, client, reporter):
        """Revoke answers with the list and a message; the token then gets 401; it is
        logged, and the page shows it revoked, with its history."""
        client.force_login(reporter)
        _response, secret = create(client)
        token = ApiToken.objects.get()
        article = PublishedArticleFactory()

        response = client.post(revoke_url(token), follow=True)

        assert response.redirect_chain == [(PAGE, 302)]
        text = response.content.decode()
        assert "Revoked “Apple News feed”" in text
        assert ninjs(client, article, secret).status_code == 401
        assert ApiTokenEvent.objects.filter(action="token.revoke", actor=reporter).exists()
        history = " ".join(text.split('id="token-history-title"')[1].split())
        assert "“Apple News feed” revoked by you" in history
        assert "“Apple News feed” created by you" in history
        assert f'action="{revoke_url(token)}"' not in text

    def test_another_users_token_is_not_found(self, client, reporter, other_reporter):
        token, _secret = tokens.api_token_create(actor=other_reporter, name="Feed")
        client.force_login(reporter)

        assert client.post(revoke_url(token)).status_code == 404

        token.refresh_from_db()
        assert token.is_active
        assert "Feed" not in client.get(PAGE).content.decode()

    def test_even_an_admin_revokes_others_tokens_in_the_admin_not_here(
        self, client, reporter, admin
    ):
        token, _secret = tokens.api_token_create(actor=reporter, name="Feed")
        client.force_login(admin)
        assert client.post(revoke_url(token)).status_code == 404

    def test_revoke_needs_a_post(self, client, reporter):
        token, _secret = tokens.api_token_create(actor=reporter, name="Feed")
        client.force_login(reporter)
        assert client.get(revoke_url(token)).status_code == 405
        token.refresh_from_db()
        assert token.is_active

    def test_revoking_twice_is_a_message(self, client, reporter):
        token, _secret = tokens.api_token_create(actor=reporter, name="Feed")
        tokens.api_token_revoke(token=token, actor=reporter)
        client.force_login(reporter)
        response = client.post(revoke_url(token), follow=True)
        assert "revoked already" in response.content.decode()

    def test_expired_tokens_say_so(self, client, reporter):
        token, _secret = tokens.api_token_create(
            actor=reporter, name="Feed", expires_in=timedelta(days=1)
        )
        ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(hours=1))
        client.force_login(reporter)
        assert ">Expired<" in client.get(PAGE).content.decode()


class TestCsrf:
    def test_the_forms_need_the_csrf_token(self, reporter):
        """Without the page's CSRF token neither form does anything; with it both work."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(reporter)
        existing, _ = tokens.api_token_create(actor=reporter, name="Old")

        assert client.post(PAGE, {"name": "Feed"}).status_code == 403
        assert client.post(revoke_url(existing)).status_code == 403
        assert ApiToken.objects.count() == 1
        existing.refresh_from_db()
        assert existing.is_active

        page = client.get(PAGE).content.decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        assert client.post(PAGE, {"name": "Feed", "csrfmiddlewaretoken": csrf}).status_code == 200
        client.post(revoke_url(existing), {"csrfmiddlewaretoken": csrf})
        existing.refresh_from_db()
        assert ApiToken.objects.count() == 2
        assert existing.state == "revoked"


def test_the_page_costs_the_same_queries_however_many_tokens(
    client, reporter, django_assert_num_queries
):
    """Session, user, the two permission queries, then the tokens and the history, and the
    Inbox badge's unread notifications."""
    client.force_login(reporter)
    counts = []
    for n in (1, 5):
        for i in range(n - ApiToken.objects.count()):
            token, _ = tokens.api_token_create(actor=reporter, name=f"Feed {n}-{i}")
            tokens.api_token_revoke(token=token, actor=reporter)
        client.get(PAGE)
        with django_assert_num_queries(7):
            assert client.get(PAGE).status_code == 200
        counts.append(ApiToken.objects.count())
    assert counts == [1, 5]
