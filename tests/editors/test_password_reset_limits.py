"""Password-reset mails are capped per address asked for (3 an hour) and per client (10 an
hour); over a cap the reply is the same as ever, no mail goes out, and the refusal is logged.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.urls import reverse
from django_ratelimit import core

from editors.accounts import account_set_role

pytestmark = pytest.mark.django_db

PASSWORD = "harbour-wall-lantern-42"
HOME = "198.51.100.10"
DONE = reverse("password_reset_done")


@pytest.fixture(autouse=True)
def one_window(monkeypatch):
    """django-ratelimit counts in fixed windows (an hour here); pin its clock so that no
    test straddles the end of one."""
    monkeypatch.setattr(core, "time", SimpleNamespace(time=lambda: 1_750_000_000.0))


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rita():
    return account_set_role(
        username="rita", role="reporter", email="rita@example.org", password=PASSWORD
    )[0]


def ask(client, email, *, address=HOME):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_an_address_gets_three_mails_an_hour(client, rita, mailoutbox):
    """Five requests for rita's address send three mails; all five get the same reply."""
    replies = [ask(client, "rita@example.org") for _ in range(5)]

    assert len(mailoutbox) == 3
    assert {(r.status_code, r["Location"]) for r in replies} == {(302, DONE)}


def test_the_address_cap_holds_across_clients_and_spellings(client, rita, mailoutbox):
    """The cap is per address, whoever asks and however it is capitalised."""
    for n, spelling in enumerate(["rita@example.org", "Rita@Example.org", " RITA@example.org"]):
        ask(client, spelling, address=f"203.0.113.{n + 1}")
    ask(client, "rita@example.org", address="192.0.2.50")

    assert len(mailoutbox) == 3


def test_a_client_gets_ten_mails_an_hour(client, mailoutbox):
    """One client asking for twelve addresses sends ten mails; another client still can."""
    for n in range(13):
        account_set_role(
            username=f"reporter{n}", role="reporter", email=f"r{n}@example.org", password=PASSWORD
        )
    replies = [ask(client, f"r{n}@example.org") for n in range(12)]

    assert len(mailoutbox) == 10
    assert {(r.status_code, r["Location"]) for r in replies} == {(302, DONE)}
    ask(client, "r12@example.org", address="192.0.2.50")
    assert len(mailoutbox) == 11


def test_over_the_cap_known_and_unknown_addresses_look_alike(client, rita, mailoutbox):
    """Over the client's cap, an address with an account and one without get the same
    reply, the reply everyone gets: the cap reveals nothing about accounts."""
    for n in range(10):
        ask(client, f"nobody{n}@example.org")
    known = ask(client, "rita@example.org")
    unknown = ask(client, "nobody-else@example.org")

    assert mailoutbox == []
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert (known.status_code, known["Location"]) == (302, DONE)
    page = client.get(DONE).content.decode()
    assert "If an account uses that address" in page


def test_a_refused_mail_is_logged(client, rita, mailoutbox, caplog):
    """The refusal is logged with the limit and the client, not the address asked for."""
    for _ in range(3):
        ask(client, "rita@example.org")
    with caplog.at_level(logging.WARNING, logger="editors.security"):
        ask(client, "rita@example.org")

    assert len(mailoutbox) == 3
    [record] = [r for r in caplog.records if r.name == "editors.security"]
    assert "no mail sent, over the limit per address" in record.getMessage()
    assert HOME in record.getMessage()
    assert "rita@example.org" not in record.getMessage()


def test_an_unreachable_cache_lets_the_reset_through(client, settings, rita, mailoutbox):
    """If the counters cannot be reached the page still answers and the mail goes out."""
    down = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
    with override_settings(CACHES={**settings.CACHES, "down": down}, RATELIMIT_USE_CACHE="down"):
        response = ask(client, "rita@example.org")

    assert (response.status_code, response["Location"]) == (302, DONE)
    assert len(mailoutbox) == 1


def test_an_invalid_form_counts_nothing(client, rita, mailoutbox):
    """A request with no valid address sends nothing and uses up none of the allowance."""
    for _ in range(5):
        assert (
            client.post(reverse("password_reset"), {"email": "not an address"}).status_code == 200
        )
    for _ in range(3):
        ask(client, "rita@example.org")

    assert len(mailoutbox) == 3
