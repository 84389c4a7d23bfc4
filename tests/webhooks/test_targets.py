"""The SSRF guard: deliveries go only to public http(s) addresses, unless a network is
allowed by ``NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS``; checked when a subscriber is registered
and again before every attempt."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.exceptions import ValidationError

from tests.webhooks.conftest import subscribe
from tests.webhooks.test_events import correct
from webhooks import targets
from webhooks.models import Delivery, Subscriber

INSIDE = [
    "http://10.0.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8000/hook",
    "http://localhost:8000/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "http://0.0.0.0/hook",
    "http://192.168.1.1/hook",
    "http://224.0.0.1/hook",
    "http://100.64.0.1/hook",
]


@pytest.fixture
def nothing_allowed(settings):
    settings.NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS = []


@pytest.mark.django_db
@pytest.mark.parametrize("url", INSIDE)
def test_registration_refuses_inside_addresses(nothing_allowed, url):
    with pytest.raises(ValidationError) as caught:
        subscribe(url)
    assert "url" in caught.value.message_dict
    assert "public addresses" in caught.value.message_dict["url"][0]
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, why",
    [
        ("ftp://93.184.216.34/hook", "Only http and https"),
        ("file:///etc/passwd", "Only http and https"),
        ("https://user:pw@93.184.216.34/hook", "no credentials"),
        ("http://no-such-host.invalid/hook", "does not resolve"),
    ],
)
def test_registration_refuses_other_urls(url, why):
    with pytest.raises(ValidationError, match=why):
        subscribe(url)


@pytest.mark.django_db
def test_a_public_address_is_accepted(nothing_allowed):
    assert subscribe("https://93.184.216.34/hook").pk


def test_allowed_networks_let_an_address_through(settings):
    settings.NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert targets.refusal(ipaddress.ip_address("10.20.1.2")) is None
    assert targets.refusal(ipaddress.ip_address("10.21.1.2")) == "private"
    assert targets.refusal(ipaddress.ip_address("::ffff:10.20.1.2")) is None
    assert targets.refusal(ipaddress.ip_address("169.254.169.254")) == "link-local"
    assert targets.refusal(ipaddress.ip_address("::1")) == "loopback"


@pytest.mark.django_db
@pytest.mark.parametrize("url", INSIDE[:4])
def test_delivery_time_refuses_inside_addresses(
    nothing_allowed, url, editor, django_capture_on_commit_callbacks
):
    """A subscriber that got past registration (the setting changed since, or the name now
    resolves inside) is refused at delivery, before any connection."""
    from articles import services
    from tests.factories import PublishedArticleFactory

    Subscriber.objects.create(name="Inside", url=url, events=["corrected"])
    live = PublishedArticleFactory()
    services.revision_create(article=live, actor=None)

    with django_capture_on_commit_callbacks(execute=True):
        correct(live, editor)

    delivery = Delivery.objects.get()
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None
    assert attempt.error.startswith("Refused:")
    assert delivery.status == "pending"


@pytest.mark.django_db
def test_loopback_is_refused_at_delivery_once_no_longer_allowed(
    settings, receiver, editor, django_capture_on_commit_callbacks
):
    from articles import services
    from tests.factories import PublishedArticleFactory

    subscribe(receiver.url)
    settings.NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS = []
    live = PublishedArticleFactory()
    services.revision_create(article=live, actor=None)

    with django_capture_on_commit_callbacks(execute=True):
        correct(live, editor)

    assert receiver.received == []
    assert "loopback" in Delivery.objects.get().attempt_log.get().error
