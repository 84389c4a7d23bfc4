"""Sending a delivery: retried with backoff when the receiver fails, given up after the
last attempt, never following a redirect, claimed so that it is sent once, and connected to
the address the SSRF guard checked."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tests.webhooks.conftest import subscribe, wait_for
from tests.webhooks.test_events import correct
from webhooks import sending
from webhooks.models import Delivery
from webhooks.tasks import deliver, sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(db):
    from articles import services
    from tests.factories import PublishedArticleFactory

    article = PublishedArticleFactory(headline="Ferry strike ends")
    services.revision_create(article=article, actor=None)
    return article


@pytest.fixture
def corrected(editor, live, partner, django_capture_on_commit_callbacks):
    """Correct the live story: one delivery, attempted once as the change commits."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            correct(live, editor)
        return Delivery.objects.get()

    return run


def time_passes() -> None:
    """Make every waiting retry due now."""
    Delivery.objects.filter(status="pending").update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_failing_receiver_is_retried_and_every_attempt_recorded(receiver, corrected):
    """A 500 leaves the delivery pending with a retry in about 30 s; the sweep sends it when
    due, the receiver takes it, and both attempts are on the record."""
    receiver.answers = [500, 200]
    started = timezone.now()

    delivery = corrected()

    assert (delivery.status, delivery.attempts) == ("pending", 1)
    wait = (delivery.next_attempt_at - started).total_seconds()
    assert 0.8 * sending.RETRY_BASE_S <= wait <= 1.2 * sending.RETRY_BASE_S + 5
    assert sweep.apply().get() == 0  # not due yet: nothing sent
    assert len(receiver.received) == 1

    time_passes()
    assert sweep.apply().get() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]
    assert delivery.attempt_log.first().error == "HTTP 500"
    first, second = receiver.received
    assert first.body == second.body
    assert first.headers["X-Newsroom-Signature"] == second.headers["X-Newsroom-Signature"]


def test_it_gives_up_after_the_last_attempt(settings, receiver, corrected):
    settings.NEWSROOM_WEBHOOKS_MAX_ATTEMPTS = 3
    receiver.answers = [503]

    delivery = corrected()
    for _ in range(4):
        time_passes()
        sweep.apply()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert len(receiver.received) == 3
    assert delivery.attempt_log.count() == 3


def test_the_backoff_doubles_up_to_an_hour():
    for attempts, base in [(1, 30), (2, 60), (3, 120), (8, 3600), (20, 3600)]:
        delay = sending.retry_delay(attempts)
        assert min(0.8 * base, 3600) <= delay <= min(1.2 * base, 3600)


def test_a_redirect_is_not_followed(receiver, corrected):
    """A 3xx is a failed attempt that names where it pointed; nothing goes there."""
    receiver.answers = [(302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")]

    delivery = corrected()

    assert len(receiver.received) == 1
    attempt = delivery.attempt_log.get()
    assert attempt.status_code == 302
    assert "not followed" in attempt.error and "169.254.169.254" in attempt.error
    assert delivery.status == "pending"


def test_a_receiver_that_hangs_times_out(settings, receiver, corrected):
    settings.NEWSROOM_WEBHOOKS_TIMEOUT_S = 0.3
    receiver.answers = ["hang"]

    delivery = corrected()

    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None
    assert "timed out" in attempt.error.lower() or "Timeout" in attempt.error
    assert attempt.duration_ms < 2000


def test_an_unreachable_receiver_is_an_attempt_without_a_status(
    editor, live, db, django_capture_on_commit_callbacks
):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nobody listens there
    subscribe(f"http://127.0.0.1:{port}/")
    with django_capture_on_commit_callbacks(execute=True):
        correct(live, editor)
    attempt = Delivery.objects.get().attempt_log.get()
    assert attempt.status_code is None
    assert "ConnectionRefused" in attempt.error


def test_a_claimed_delivery_is_not_sent_again(receiver, corrected, monkeypatch):
    """While one worker holds the claim, another (a retry, the sweep) sends nothing; once the
    claim lapses (the worker died) it is sent."""
    receiver.answers = [500, 200]
    delivery = corrected()
    time_passes()
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() + timedelta(minutes=1)
    )

    assert deliver.apply((str(delivery.pk),)).get() == "skipped"
    assert sweep.apply().get() == 0
    assert len(receiver.received) == 1

    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert deliver.apply((str(delivery.pk),)).get() == "delivered"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a database that takes concurrent writers (SQLite locks the table: "
    "'database table is locked'); the embedded default runs one process",
)
def test_two_workers_at_once_send_it_once(receiver):
    """Racing workers, each with its own connection: the conditional UPDATE lets one
    through."""
    from tests.factories import PublishedArticleFactory
    from webhooks.models import Kind

    partner = subscribe(receiver.url)
    delivery = Delivery.objects.create(
        subscriber=partner,
        kind=Kind.UPDATED,
        article=PublishedArticleFactory(),
        version="1.a",
        body="{}",
    )
    receiver.delay_s = 0.3
    results = []
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        try:
            results.append(sending.deliver(str(delivery.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["delivered", "skipped", "skipped", "skipped"]
    assert len(receiver.received) == 1
    assert partner.deliveries.get().attempt_log.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections writing at once: SQLite's shared in-memory test database fails "
    "the second at once ('database table is locked') where a file waits its busy timeout",
)
def test_without_a_broker_a_correction_never_waits_for_the_subscriber(
    settings, editor, receiver, monkeypatch
):
    """``make run`` has no worker: the delivery goes out on a thread of the process once the
    correction commits, so the editor's action is over while the subscriber still holds the
    request, and the delivery is recorded when it answers."""
    from articles import services
    from newsroom import jobs
    from tests.factories import PublishedArticleFactory

    Status = Delivery.Status

    settings.NEWSROOM_JOBS_ASIDE = True
    settings.NEWSROOM_WEBHOOKS_TIMEOUT_S = 10.0
    assert jobs.is_eager()
    receiver.answers = ["hold"]
    subscribe(receiver.url)
    live = PublishedArticleFactory(headline="Ferry strike ends")
    with transaction.atomic():
        services.revision_create(article=live, actor=None)
    finished = threading.Event()
    run_aside = jobs._run_aside

    def observed(*args):
        run_aside(*args)
        finished.set()

    monkeypatch.setattr(jobs, "_run_aside", observed)

    with transaction.atomic():  # as the desk's request does; the deliveries go at commit
        correct(live, editor)

    # The thread has claimed the delivery and waits on the subscriber (reading the database
    # while it writes would lock SQLite's shared in-memory test database).
    wait_for(lambda: receiver.received, timeout=10)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 0)
    assert not finished.is_set()
    receiver.released.set()
    assert finished.wait(10)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.DELIVERED, 1)
    assert [r.json["event"] for r in receiver.received] == ["corrected"]


def test_the_connection_goes_to_the_checked_address(
    receiver, monkeypatch, editor, live, db, django_capture_on_commit_callbacks
):
    """The host is resolved once, checked, and connected to; the Host header keeps the name
    (a DNS answer that changes after the check cannot redirect the request)."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "10.0.0.1"])

    def resolve(host, port, *args, **kwargs):
        if host == "hooks.partner.test":
            address = next(answers, "10.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    answers = iter(["127.0.0.1", "127.0.0.1", "10.0.0.1"])  # registration, delivery, later
    subscribe(f"http://hooks.partner.test:{receiver.port}/hook")

    with django_capture_on_commit_callbacks(execute=True):
        correct(live, editor)

    (got,) = receiver.received
    assert got.headers["Host"] == f"hooks.partner.test:{receiver.port}"
    assert Delivery.objects.get().status == "delivered"
