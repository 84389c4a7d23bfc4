"""Logging in under attack (django-axes, ``editors.security``): ten wrong passwords lock that
account, many more from one address lock the address, the lockout page says so in plain words,
and an operator unlocks with axes' own commands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from editors.accounts import account_set_role
from editors.security import client_address

pytestmark = pytest.mark.django_db

PASSWORD = "harbour-wall-lantern-42"
LOCKED = "Logging in is locked"
WRONG = "not-the-password"
HOME = "198.51.100.10"


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    """Every wrong password costs a full hash; these tests count them, not time them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rita():
    return account_set_role(username="rita", role="reporter", password=PASSWORD)[0]


@pytest.fixture
def omar():
    return account_set_role(username="omar", role="reporter", password=PASSWORD)[0]


def attempt(client, username, password=WRONG, *, address=HOME, url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_ten_wrong_passwords_lock_that_account_and_no_other(client, rita, omar):
    """The tenth wrong password locks rita: her right password is then refused with the
    lockout page, while omar, from the same address, still logs in."""
    for _ in range(9):
        assert attempt(client, "rita").status_code == 200
    tenth = attempt(client, "rita")
    assert tenth.status_code == 429
    assert LOCKED in tenth.content.decode()

    refused = attempt(client, "rita", PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert not logged_in(client)

    other = attempt(client, "omar", PASSWORD)
    assert other.status_code == 302
    assert client.session[SESSION_KEY] == str(omar.pk)


def test_the_lockout_page_says_for_how_long_and_who_can_help(client, rita):
    """The lockout is the desk's login page in plain words: locked for 15 minutes, ask an
    administrator, or reset the password; never cached."""
    for _ in range(10):
        attempt(client, "rita")
    response = attempt(client, "rita", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert "editors/vendor/bootstrap/bootstrap.min.css" in page
    assert '<main id="main"' in page
    assert "10 for one account" in page
    assert "locked for 15 minutes" in page
    assert "Wait 15 minutes, then try again" in page
    assert "administrators" in page
    assert reverse("password_reset") in page
    assert "no-store" in response["Cache-Control"]


def test_the_page_says_the_same_for_an_account_that_does_not_exist(client):
    """Made-up usernames lock like real ones, with the same page: no account probing."""
    for _ in range(10):
        attempt(client, "nobody-here")
    response = attempt(client, "nobody-here")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_an_account_is_locked_whichever_address_the_guesses_come_from(client, rita):
    """Ten wrong passwords from ten addresses still lock the account, for a new address too."""
    for n in range(10):
        attempt(client, "rita", address=f"203.0.113.{n + 1}")
    response = attempt(client, "rita", PASSWORD, address="192.0.2.200")
    assert response.status_code == 429
    assert not logged_in(client)


def test_many_accounts_from_one_address_lock_the_address(client, settings, rita):
    """Thirty wrong passwords from one address, a few per username, lock that address for
    every account (rita too), while rita still logs in from elsewhere."""
    assert settings.NEWSROOM_AXES_ADDRESS_FAILURE_LIMIT == 30
    attacker = "203.0.113.66"
    for n in range(29):
        assert attempt(client, f"guess-{n % 10}", address=attacker).status_code == 200
    assert attempt(client, "guess-x", address=attacker).status_code == 429

    response = attempt(client, "rita", PASSWORD, address=attacker)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert attempt(client, "rita", PASSWORD, address=HOME).status_code == 302


def test_axes_reset_username_unlocks_the_account(client, rita):
    """An operator runs `axes_reset_username rita`; her right password works again."""
    for _ in range(10):
        attempt(client, "rita")
    assert attempt(client, "rita", PASSWORD).status_code == 429

    call_command("axes_reset_username", "rita")

    assert attempt(client, "rita", PASSWORD).status_code == 302
    assert logged_in(client)


def test_axes_reset_ip_unlocks_an_address(client, rita):
    """`axes_reset_ip ADDRESS` lifts an address lockout; `axes_reset` lifts them all."""
    attacker = "203.0.113.66"
    for n in range(30):
        attempt(client, f"guess-{n}", address=attacker)
    assert attempt(client, "rita", PASSWORD, address=attacker).status_code == 429

    call_command("axes_reset_ip", attacker)
    assert attempt(client, "rita", PASSWORD, address=attacker).status_code == 302

    for _ in range(10):
        attempt(client, "omar-typo")
    call_command("axes_reset")
    assert not AccessAttempt.objects.exists()


def test_the_lock_lifts_after_the_cool_off(client, rita):
    """Fifteen minutes after the last wrong password, the right one works."""
    for _ in range(10):
        attempt(client, "rita")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert attempt(client, "rita", PASSWORD).status_code == 302


def test_the_admin_login_is_protected_by_the_same_lockout(client, superuser):
    """Wrong passwords on the admin's login count too, and lock the admin login and the
    desk login alike."""
    admin_login = reverse("admin:login")
    for _ in range(10):
        attempt(client, "admin", url=admin_login)

    locked = attempt(client, "admin", "pw-admin-1", url=admin_login)
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert attempt(client, "admin", "pw-admin-1").status_code == 429
    assert not logged_in(client)


def test_the_admin_lists_the_attempts(client, rita, superuser):
    """axes' admin lists the failed attempts, by username and address."""
    for _ in range(3):
        attempt(client, "rita")
    client.force_login(superuser)

    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()

    assert "rita" in page
    assert HOME in page


def test_logging_in_works_while_the_cache_is_down(client, rita, omar):
    """Failures live in the database: with every cache unreachable the lockout still
    counts, and other accounts still log in."""
    down = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
    with override_settings(CACHES={**django_settings.CACHES, "default": down, "shared": down}):
        for _ in range(10):
            attempt(client, "rita")
        assert attempt(client, "rita", PASSWORD).status_code == 429
        assert attempt(client, "omar", PASSWORD).status_code == 302


class TestClientAddress:
    def test_without_proxies_it_is_the_peer(self, rf, settings):
        """With no proxy in front a forged X-Forwarded-For changes nothing."""
        settings.NEWSROOM_PROXY_COUNT = 0
        request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.9.9.9")
        assert client_address(request) == "192.0.2.1"

    def test_behind_one_proxy_it_is_what_the_proxy_saw(self, rf, settings):
        """Behind one proxy, the right-most entry: the ones before it are the client's own."""
        settings.NEWSROOM_PROXY_COUNT = 1
        request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5")
        assert client_address(request) == "203.0.113.5"

    def test_a_short_or_garbled_header_falls_back_to_the_peer(self, rf, settings):
        """Fewer entries than proxies, or one that is no address: the peer's address."""
        settings.NEWSROOM_PROXY_COUNT = 2
        assert (
            client_address(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4"))
            == "10.0.0.2"
        )
        garbled = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="junk, 10.0.0.1")
        assert client_address(garbled) == "10.0.0.2"
