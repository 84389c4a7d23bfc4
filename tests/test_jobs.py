"""Background jobs (``newsroom.jobs`` on Celery): sent after commit, run by a worker when a
broker is configured and in-process without one, and never lost or fatal when the broker
is down."""

from __future__ import annotations

import contextlib
import logging
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import CommandError, call_command
from django.db import transaction

from articles import renditions
from articles.models import Article
from articles.tasks import make_renditions, publish_due
from newsroom import jobs
from newsroom.celery import app
from tests.editors.test_editor_form import form_data
from tests.factories import ArticleFactory, ScheduledArticleFactory, image_upload
from tests.helpers import edit_url, user_with_role

ran: list[tuple] = []


@app.task(name="tests.test_jobs.record")
def record(*args):
    ran.append(args)


@app.task(name="tests.test_jobs.record_later", when_broker_down=jobs.LATER)
def record_later(*args):
    ran.append(("later", *args))


@pytest.fixture(autouse=True)
def _clean():
    ran.clear()
    jobs.broker_is_back()
    yield
    jobs.broker_is_back()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _forget_connections():
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def using_broker(url: str):
    """The app with a real broker instead of eager jobs."""
    conf = app.conf
    saved = {key: conf[key] for key in ("task_always_eager", "broker_url")}
    conf.update(task_always_eager=False, broker_url=url)
    _forget_connections()
    try:
        yield
    finally:
        conf.update(saved)
        _forget_connections()


@pytest.fixture
def broker():
    """Kombu's in-process broker, which ``start_worker`` consumes from in a thread."""
    with using_broker("memory://"):
        yield


@pytest.fixture
def redis_server(tmp_path):
    """A Redis of our own, on a free loopback port, that the test may stop."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", process
    process.kill()
    process.wait()


# --- Without a broker (make run, the tests) ----------------------------------------------


def test_without_a_broker_jobs_run_here_once_the_transaction_commits(
    db, django_capture_on_commit_callbacks
):
    assert jobs.is_eager()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        jobs.enqueue(record, 1)
        assert ran == []  # nothing before the commit
    assert ran == [(1,)]


def test_a_rolled_back_write_starts_no_job(db, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        jobs.enqueue(record, 1)
        1 / 0  # noqa: B018
    assert ran == []


def test_without_a_broker_an_upload_has_its_renditions_when_the_save_returns(
    db, client, django_capture_on_commit_callbacks
):
    """``make run``: no worker is needed for renditions."""
    article = ArticleFactory()
    editor = user_with_role("editor")
    client.force_login(editor)
    from articles import services

    services.revision_create(article=article, actor=None)
    data = form_data(client.get(edit_url(article)))
    data["lead_image"] = image_upload("ferry.jpg")
    data["lead_image_alt"] = ["A ferry"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit_url(article), data).status_code == 302
    article.refresh_from_db()
    assert renditions.manifest_for(article.lead_image.name) is not None


# --- With a broker: a worker runs them ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_upload_returns_before_its_renditions_exist_and_a_worker_makes_them(
    client, settings, broker
):
    article = ArticleFactory()
    from articles import services

    with transaction.atomic():
        services.revision_create(article=article, actor=None)
    client.force_login(user_with_role("editor"))
    data = form_data(client.get(edit_url(article)))
    data["lead_image"] = image_upload("ferry.jpg")
    data["lead_image_alt"] = ["A ferry"]

    assert client.post(edit_url(article), data).status_code == 302

    article.refresh_from_db()
    name = article.lead_image.name
    assert name and renditions.manifest_for(name) is None  # the request only sent the job
    assert client.get(edit_url(article)).status_code == 200  # the original shows meanwhile

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline = time.monotonic() + 30
        while renditions.manifest_for(name) is None and time.monotonic() < deadline:
            renditions.cache.delete(renditions._cache_key(name))
            time.sleep(0.1)
    manifest = renditions.manifest_for(name)
    assert manifest is not None and manifest["renditions"]
    media = Path(settings.MEDIA_ROOT)
    assert (media / renditions.manifest_name(name)).exists()


@pytest.mark.django_db(transaction=True)
def test_a_job_sent_twice_does_its_work_once(settings, broker):
    """Idempotent: a redelivered renditions job finds the manifest and encodes nothing."""
    article = ArticleFactory()
    article.lead_image.save("quay.jpg", image_upload("quay.jpg"), save=False)
    name = article.lead_image.name
    renditions.process(name)
    manifest = Path(settings.MEDIA_ROOT) / renditions.manifest_name(name)
    before = manifest.stat().st_mtime_ns
    assert jobs.send(make_renditions, (name,))
    assert jobs.send(make_renditions, (name,))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        time.sleep(1.0)
    assert manifest.stat().st_mtime_ns == before


# --- When the broker is down -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_goes_down_costs_one_try_then_jobs_run_here(redis_server, caplog):
    url, process = redis_server
    with using_broker(url):
        assert jobs.send(record, (1,))  # queued on the live broker, not run here
        assert ran == []
        process.kill()
        process.wait()
        caplog.set_level(logging.WARNING, logger="newsroom.jobs")
        started = time.monotonic()
        assert jobs.send(record, (2,))  # the broker is gone: done here instead
        first = time.monotonic() - started
        started = time.monotonic()
        assert jobs.send(record, (3,))
        second = time.monotonic() - started
        assert ran == [(2,), (3,)]
        assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
        assert "unreachable" in caplog.records[0].message
        # The outage is remembered: the second job does not wait on the broker again.
        assert second < first
        # A job that must not run in a request (a webhook delivery) waits for the sweep.
        assert not jobs.send(record_later, (4,))
        assert ("later", 4) not in ran


# --- Periodic jobs -----------------------------------------------------------------------


def test_the_periodic_jobs_are_declared_once_for_beat_and_the_command(settings):
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["publish-due"]["task"] == publish_due.name


def test_run_periodic_publishes_what_is_due(db, capsys):
    from datetime import timedelta

    from django.utils import timezone

    article = ScheduledArticleFactory(scheduled_at=timezone.now() - timedelta(minutes=1))
    call_command("run_periodic", "--only", "publish-due")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert "publish-due: done" in capsys.readouterr().out


def test_run_periodic_names_an_unknown_job(db):
    with pytest.raises(CommandError, match="No periodic job nope; there are: publish-due"):
        call_command("run_periodic", "--only", "nope")
