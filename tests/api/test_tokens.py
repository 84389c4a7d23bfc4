"""API tokens (``api.tokens``, ``api.authentication``, ``api.throttling``, ``api.admin``):
creating and revoking them through the services, using one against the read API, its own
throttle, and the admin, where admins revoke anyone's and nobody reads a secret."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token

from api import tokens
from api.models import ApiToken, ApiTokenEvent
from editors.roles import PARTNER
from tests.factories import ArticleFactory, PublishedArticleFactory, UserFactory
from tests.helpers import user_with_role

pytestmark = pytest.mark.django_db


def ninjs_url(article) -> str:
    return reverse("api:article_ninjs", kwargs={"pk": article.pk})


def with_token(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {secret}"}


@pytest.fixture
def partner(db):
    user = UserFactory(username="apple-news")
    user.groups.add(Group.objects.get(name=PARTNER))
    return user


@pytest.fixture
def article(db):
    return PublishedArticleFactory()


class TestApiTokenCreate:
    def test_creates_a_named_token_stored_as_a_digest(self, reporter):
        """The secret is returned once; the row keeps its digest and never the secret."""
        token, secret = tokens.api_token_create(
            actor=reporter, name="  Apple   News feed ", expires_in=timedelta(days=30)
        )

        token.refresh_from_db()
        assert token.name == "Apple News feed"
        assert token.user == reporter
        assert token.digest == hash_token(secret)
        assert secret not in [str(v) for v in ApiToken.objects.values().get(pk=token.pk).values()]
        assert timedelta(days=29) < token.expiry - timezone.now() <= timedelta(days=30)
        assert token.is_active

    def test_writes_the_audit_event(self, reporter):
        """A create leaves a ``token.create`` event naming the token, its holder and actor."""
        token, secret = tokens.api_token_create(actor=reporter, name="Feed")

        event = ApiTokenEvent.objects.get()
        assert (event.action, event.token, event.holder, event.actor) == (
            "token.create",
            token,
            reporter,
            reporter,
        )
        assert event.data == {"name": "Feed", "expiry": None}
        assert secret not in str(event.data)

    def test_a_partner_may_hold_tokens(self, partner):
        """The Partner group holds ``api.hold_token`` and nothing of the desk."""
        token, _secret = tokens.api_token_create(actor=partner, name="Feed")
        assert token.user == partner
        assert not partner.has_perm("articles.use_desk")

    @pytest.mark.parametrize("role", ["reporter", "copy-editor", "editor", "admin"])
    def test_every_desk_role_may_hold_tokens(self, role):
        assert tokens.may_hold_token(user_with_role(role))

    def test_a_user_without_a_role_is_refused(self):
        """A reader account cannot create a token, and nothing is written."""
        with pytest.raises(PermissionDenied):
            tokens.api_token_create(actor=UserFactory(), name="Feed")
        assert not ApiToken.objects.exists()
        assert not ApiTokenEvent.objects.exists()

    @pytest.mark.parametrize(
        ("name", "expires_in"),
        [
            ("   ", None),
            ("x" * 101, None),
            ("Feed", timedelta(0)),
            ("Feed", timedelta(days=tokens.MAX_EXPIRY_DAYS + 1)),
        ],
        ids=["blank", "too-long", "no-lifetime", "too-long-lived"],
    )
    def test_bad_input_is_refused(self, reporter, name, expires_in):
        with pytest.raises(ValidationError):
            tokens.api_token_create(actor=reporter, name=name, expires_in=expires_in)
        assert not ApiToken.objects.exists()

    def test_an_active_name_is_not_reused(self, reporter):
        """Two active tokens cannot share a name; a revoked one's name is free again."""
        token, _ = tokens.api_token_create(actor=reporter, name="Feed")
        with pytest.raises(ValidationError):
            tokens.api_token_create(actor=reporter, name="feed")
        tokens.api_token_revoke(token=token, actor=reporter)
        tokens.api_token_create(actor=reporter, name="Feed")

    def test_active_tokens_are_capped(self, reporter, monkeypatch):
        monkeypatch.setattr(tokens, "MAX_ACTIVE_TOKENS", 2)
        tokens.api_token_create(actor=reporter, name="One")
        tokens.api_token_create(actor=reporter, name="Two")
        with pytest.raises(ValidationError):
            tokens.api_token_create(actor=reporter, name="Three")
        assert ApiToken.objects.count() == 2


class TestApiTokenRevoke:
    def test_the_holder_revokes_their_token(self, reporter):
        """Revoking keeps the row, marks who and when, and writes ``token.revoke``."""
        token, _ = tokens.api_token_create(actor=reporter, name="Feed")

        tokens.api_token_revoke(token=token, actor=reporter)

        token.refresh_from_db()
        assert token.revoked_by == reporter
        assert token.state == "revoked"
        event = ApiTokenEvent.objects.get(action="token.revoke")
        assert (event.token, event.holder, event.actor) == (token, reporter, reporter)

    def test_someone_else_is_refused(self, reporter, colleague, editor):
        """Another holder, even an editor, may not revoke a token that is not theirs."""
        token, _ = tokens.api_token_create(actor=reporter, name="Feed")
        for other in (colleague, editor):
            with pytest.raises(PermissionDenied):
                tokens.api_token_revoke(token=token, actor=other)
        token.refresh_from_db()
        assert token.is_active
        assert not ApiTokenEvent.objects.filter(action="token.revoke").exists()

    def test_an_admin_revokes_anyones_token(self, reporter, admin):
        token, _ = tokens.api_token_create(actor=reporter, name="Feed")
        tokens.api_token_revoke(token=token, actor=admin)
        token.refresh_from_db()
        assert token.revoked_by == admin
        assert ApiTokenEvent.objects.get(action="token.revoke").actor == admin

    def test_revoking_twice_raises(self, reporter):
        token, _ = tokens.api_token_create(actor=reporter, name="Feed")
        tokens.api_token_revoke(token=token, actor=reporter)
        with pytest.raises(tokens.TokenRevoked):
            tokens.api_token_revoke(token=token, actor=reporter)
        assert ApiTokenEvent.objects.filter(action="token.revoke").count() == 1

    def test_a_holder_whose_role_was_taken_away_may_still_revoke(self, reporter):
        token, _ = tokens.api_token_create(actor=reporter, name="Feed")
        reporter.groups.clear()
        reporter = type(reporter).objects.get(pk=reporter.pk)
        tokens.api_token_revoke(token=token, actor=reporter)
        token.refresh_from_db()
        assert token.state == "revoked"


class TestAuthentication:
    def test_a_token_reads_the_api(self, client, reporter, article):
        """A working token gets the published document and records when it was used."""
        token, secret = tokens.api_token_create(actor=reporter, name="Feed")

        response = client.get(ninjs_url(article), **with_token(secret))

        assert response.status_code == 200
        assert response.json()["pubstatus"] == "usable"
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_last_used_is_written_at_most_once_a_minute(self, client, reporter, article):
        token, secret = tokens.api_token_create(actor=reporter, name="Feed")
        client.get(ninjs_url(article), **with_token(secret))
        token.refresh_from_db()
        first = token.last_used_at
        client.get(ninjs_url(article), **with_token(secret))
        token.refresh_from_db()
        assert token.last_used_at == first

    def test_a_token_sees_only_what_readers_see(self, client, reporter):
        """A desk user's token is no way into the desk: a draft is still a 404."""
        _token, secret = tokens.api_token_create(actor=reporter, name="Feed")
        draft = ArticleFactory(created_by=reporter)
        assert client.get(ninjs_url(draft), **with_token(secret)).status_code == 404

    def test_a_revoked_token_gets_401(self, client, reporter, article):
        token, secret = tokens.api_token_create(actor=reporter, name="Feed")
        tokens.api_token_revoke(token=token, actor=reporter)

        response = client.get(ninjs_url(article), **with_token(secret))

        assert response.status_code == 401
        assert response.json() == {"detail": "This API token has been revoked."}
        assert response["WWW-Authenticate"] == "Token"

    def test_an_expired_token_gets_401_and_is_kept(self, client, reporter, article):
        token, secret = tokens.api_token_create(
            actor=reporter, name="Feed", expires_in=timedelta(days=1)
        )
        ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))

        response = client.get(ninjs_url(article), **with_token(secret))

        assert response.status_code == 401
        assert response.json() == {"detail": "This API token has expired."}
        assert ApiToken.objects.get(pk=token.pk).state == "expired"

    @pytest.mark.parametrize(
        "header",
        ["Token nope", "Token " + "0" * 64, "Token", "Token a b"],
        ids=["short", "unknown", "empty", "spaces"],
    )
    def test_a_wrong_token_gets_401(self, client, article, header):
        response = client.get(ninjs_url(article), HTTP_AUTHORIZATION=header)
        assert response.status_code == 401

    def test_a_token_stops_when_its_holder_loses_the_role(self, client, reporter, article):
        _token, secret = tokens.api_token_create(actor=reporter, name="Feed")
        reporter.groups.clear()
        assert client.get(ninjs_url(article), **with_token(secret)).status_code == 401

    def test_a_token_stops_when_its_account_is_deactivated(self, client, reporter, article):
        _token, secret = tokens.api_token_create(actor=reporter, name="Feed")
        type(reporter).objects.filter(pk=reporter.pk).update(is_active=False)
        assert client.get(ninjs_url(article), **with_token(secret)).status_code == 401

    def test_other_schemes_are_left_alone(self, client, article):
        """An ``Authorization`` header for another scheme reads as anonymous."""
        response = client.get(ninjs_url(article), HTTP_AUTHORIZATION="Bearer abc")
        assert response.status_code == 200

    def test_the_secret_is_never_logged(self, client, reporter, article, caplog):
        token, secret = tokens.api_token_create(actor=reporter, name="Feed")
        with caplog.at_level(logging.DEBUG):
            client.get(ninjs_url(article), **with_token(secret))
            tokens.api_token_revoke(token=token, actor=reporter)
            client.get(ninjs_url(article), **with_token(secret))
        assert caplog.records
        assert secret not in caplog.text
        assert secret[:15] not in caplog.text


class TestThrottle:
    def test_token_requests_have_their_own_higher_rate(self, client, settings, partner, article):
        """Token requests count at ``DJANGO_API_USER_RATE``, apart from anonymous reads."""
        settings.NEWSROOM_API_ANON_RATE = "1/min"
        settings.NEWSROOM_API_USER_RATE = "3/min"
        _token, secret = tokens.api_token_create(actor=partner, name="Feed")

        with_secret = [client.get(ninjs_url(article), **with_token(secret)) for _ in range(4)]
        anonymous = [client.get(ninjs_url(article)).status_code for _ in range(2)]

        assert [r.status_code for r in with_secret] == [200, 200, 200, 429]
        assert int(with_secret[-1]["Retry-After"]) > 0
        assert anonymous == [200, 429]

    def test_a_holders_tokens_share_one_allowance(self, client, settings, partner, article):
        settings.NEWSROOM_API_USER_RATE = "2/min"
        _one, first = tokens.api_token_create(actor=partner, name="One")
        _two, second = tokens.api_token_create(actor=partner, name="Two")

        statuses = [
            client.get(ninjs_url(article), **with_token(secret)).status_code
            for secret in (first, second, second)
        ]

        assert statuses == [200, 200, 429]

    def test_holders_are_counted_apart(self, client, settings, partner, reporter, article):
        settings.NEWSROOM_API_USER_RATE = "1/min"
        _a, partners = tokens.api_token_create(actor=partner, name="Feed")
        _b, reporters = tokens.api_token_create(actor=reporter, name="Feed")

        assert client.get(ninjs_url(article), **with_token(partners)).status_code == 200
        assert client.get(ninjs_url(article), **with_token(reporters)).status_code == 200
        assert client.get(ninjs_url(article), **with_token(partners)).status_code == 429

    def test_desk_sessions_stay_unthrottled(self, client, settings, editor, article):
        settings.NEWSROOM_API_USER_RATE = "1/min"
        client.force_login(editor)
        assert [client.get(ninjs_url(article)).status_code for _ in range(3)] == [200] * 3


def test_a_request_with_a_token_skips_the_reader_page_cache(client, reporter, article):
    """A reader page asked for with an ``Authorization`` header is neither served from the
    page cache nor stored in it: it goes back marked private."""
    _token, secret = tokens.api_token_create(actor=reporter, name="Feed")
    anonymous = client.get(article.get_absolute_url())
    assert "public" in anonymous["Cache-Control"]

    response = client.get(article.get_absolute_url(), **with_token(secret))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


class TestAdmin:
    @pytest.fixture
    def token(self, reporter):
        return tokens.api_token_create(actor=reporter, name="Apple News feed")

    def test_admins_see_every_token_without_its_secret(self, client, admin, token):
        """The list shows holder, name, created and expiry; neither page shows the secret,
        its digest or the key it is looked up by."""
        instance, secret = token
        client.force_login(admin)

        listing = client.get(reverse("admin:api_apitoken_changelist"))
        detail = client.get(reverse("admin:api_apitoken_change", args=[instance.pk]))

        assert listing.status_code == 200
        assert detail.status_code == 200
        text = listing.content.decode()
        for heading in ("Name", "User", "Created", "Expiry", "Last used at", "State"):
            assert f">{heading}<" in text
        assert "Apple News feed" in text
        assert instance.user.get_username() in text
        for page in (listing, detail):
            body = page.content.decode()
            assert secret[:8] not in body
            assert instance.digest not in body
            assert instance.token_key not in body

    def test_admins_revoke_through_the_service(self, client, admin, token):
        instance, _ = token
        client.force_login(admin)

        response = client.post(
            reverse("admin:api_apitoken_changelist"),
            {"action": "revoke_selected", "_selected_action": [instance.pk]},
        )

        assert response.status_code == 302
        instance.refresh_from_db()
        assert instance.revoked_by == admin
        assert ApiTokenEvent.objects.filter(action="token.revoke", actor=admin).exists()

    def test_the_admin_neither_adds_nor_deletes_tokens(self, client, admin, token):
        instance, _ = token
        client.force_login(admin)
        assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
        delete = reverse("admin:api_apitoken_delete", args=[instance.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert ApiToken.objects.filter(pk=instance.pk).exists()

    def test_editors_do_not_see_tokens_in_the_admin(self, client, editor, token):
        client.force_login(editor)
        assert client.get(reverse("admin:api_apitoken_changelist")).status_code == 403

    def test_admins_read_the_audit_trail(self, client, admin, token):
        client.force_login(admin)
        response = client.get(reverse("admin:api_apitokenevent_changelist"))
        assert response.status_code == 200
        assert "token.create" in response.content.decode()


def test_the_desk_client_does_not_authenticate_with_a_token_as_a_session():
    """A token is for the API only: the desk ignores an ``Authorization`` header."""
    reporter = user_with_role("reporter")
    _token, secret = tokens.api_token_create(actor=reporter, name="Feed")
    response = Client().get(reverse("editors:dashboard"), **with_token(secret))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_create_use_and_revoke_with_real_commits(client):
    """The whole life of a token with every transaction committed (and the tables flushed
    afterwards: knox's unused table must not block PostgreSQL's TRUNCATE of auth_user)."""
    partner = UserFactory(username="apple-news")
    partner.groups.add(Group.objects.get(name=PARTNER))
    article = PublishedArticleFactory()
    token, secret = tokens.api_token_create(actor=partner, name="Feed")
    assert client.get(ninjs_url(article), **with_token(secret)).status_code == 200
    tokens.api_token_revoke(token=token, actor=partner)
    assert client.get(ninjs_url(article), **with_token(secret)).status_code == 401
    assert ApiTokenEvent.objects.count() == 2
