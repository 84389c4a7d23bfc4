"""Deliveries never slow or fail the editor's action: with a broker the request only hands
the job over (a worker sends it); with the broker down nothing is sent in the request and
the periodic sweep sends it later."""

from __future__ import annotations

import socket
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from kombu import pools

from articles import services
from newsroom.celery import app
from tests.editors.test_editor_form import form_data, set_block
from tests.factories import PublishedArticleFactory
from tests.helpers import edit_url, user_with_role
from tests.webhooks.conftest import subscribe, wait_for
from webhooks import sending
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker(request):
    """The app with a broker instead of eager jobs: ``memory://`` unless the test passes a
    URL (as ``tests/test_jobs.py`` does)."""
    url = getattr(request, "param", "memory://")
    if url == "down":
        url = f"redis://127.0.0.1:{_free_port()}/0"  # nobody listens there
    conf = app.conf
    saved = {key: conf[key] for key in ("task_always_eager", "broker_url")}
    conf.update(task_always_eager=False, broker_url=url)
    forget_connections()
    yield url
    conf.update(saved)
    forget_connections()


def forget_connections() -> None:
    """Connections and producers to the previous broker (kombu keeps producers per URL)."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = app.amqp._producer_pool = None
    pools.reset()


def desk_correction(client) -> float:
    """Correct a live story in the desk, as an editor; returns how long the request took."""
    live = PublishedArticleFactory(headline="Ferry strike ends")
    with transaction.atomic():
        services.revision_create(article=live, actor=None)
    client.force_login(user_with_role("editor"))
    data = form_data(client.get(edit_url(live)))
    set_block(data, 0, "The council met on Wednesday.")
    data.update(
        {
            "correction-choice": ["note"],
            "correction-kind": ["correction"],
            "correction-text": ["An earlier version gave the wrong day."],
        }
    )
    started = time.monotonic()
    response = client.post(edit_url(live), data)
    took = time.monotonic() - started
    assert response.status_code == 302
    return took


def test_with_a_broker_the_request_only_hands_the_delivery_over(client, settings, broker, receiver):
    """The subscriber hangs; the editor's request does not wait for it: the delivery is
    pending, untried, when the request returns."""
    # Waiting for it would take 20 s (it would time out); the request takes far less, even
    # on a loaded machine.
    settings.NEWSROOM_WEBHOOKS_TIMEOUT_S = 20.0
    receiver.hang_s = 20.0
    receiver.answers = ["hang"]
    subscribe(receiver.url)

    took = desk_correction(client)

    assert receiver.received == []
    assert took < 10.0, took
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.kind) == ("pending", 0, "corrected")


def test_a_worker_delivers_what_the_request_handed_over(client, broker, receiver):
    partner = subscribe(receiver.url)

    desk_correction(client)
    assert receiver.received == []

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        wait_for(lambda: Delivery.objects.filter(status="delivered").exists(), timeout=20)
    (got,) = receiver.received
    assert got.signed_with(partner.secret)
    assert got.json["event"] == "corrected"


@pytest.mark.parametrize("broker", ["down"], indirect=True)
def test_with_the_broker_down_the_sweep_sends_it_later(client, broker, receiver):
    """Nothing reaches the subscriber during the request; the sweep (which runs in the
    background) sends it, here, while the broker is still down."""
    partner = subscribe(receiver.url)

    took = desk_correction(client)

    assert receiver.received == []
    assert took < 10.0, took
    assert Delivery.objects.get().status == "pending"

    assert sending.sweep() == 1

    (got,) = receiver.received
    assert got.signed_with(partner.secret)
    assert Delivery.objects.get().status == "delivered"
