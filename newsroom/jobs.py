"""Background jobs: how the rest of the code asks for one (``enqueue``).

A job is a Celery task (``<app>/tasks.py``). ``enqueue`` sends it once the current
transaction commits, so a worker never looks for rows that are not there yet and a
rolled-back write starts nothing. Every job is idempotent: sending one twice, or a worker
dying half way and the broker handing it out again (``acks_late``), does no harm.

The broker can fail; the write that asked for the job has committed and reports success
whatever happens here. Each task says what to do then, in its ``when_broker_down``:

- ``RUN_HERE`` (the default): run it in this process now. Renditions, indexing and purges
  are short and were done in the request before there was a broker: the site degrades to
  that, it does not lose the work.
- ``LATER``: leave it; its own rows say it is due and a periodic job picks it up (webhook
  deliveries: never slow the editor's request with a subscriber's network).

After one failure the broker is not tried again for ``BROKER_RETRY_AFTER_S`` seconds, so an
outage costs one connection timeout per process, not one per job.

With no broker at all (``make run``), jobs run in the process that asks, after the commit:
``RUN_HERE`` ones at once, ``LATER`` ones (a subscriber's network, a mail server) on a
thread of this process (``NEWSROOM_JOBS_ASIDE``), so that the editor's answer never waits for
them either. The tests turn that off to see the job's effect when the request returns.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial
from typing import Any

from celery import Task
from django.conf import settings
from django.db import connections, transaction

from newsroom.celery import app

log = logging.getLogger("newsroom.jobs")

RUN_HERE = "run here"
LATER = "later"
BROKER_RETRY_AFTER_S = 30.0

_broker_down_until = 0.0


def is_eager() -> bool:
    """No broker: jobs run in the process that asks for them."""
    return bool(app.conf.task_always_eager)


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Run ``task(*args, **kwargs)`` in the background once the current transaction
    commits (at once outside one). Never raises."""
    transaction.on_commit(partial(send, task, args, kwargs), robust=True)


def send(task: Task, args: tuple = (), kwargs: dict | None = None, **options: Any) -> bool:
    """Hand the job to the broker now; True when a worker will run it (or it ran here).
    ``options`` go to ``apply_async`` (``countdown`` for a retry)."""
    global _broker_down_until
    kwargs = kwargs or {}
    if is_eager():
        if _waits(task) and settings.NEWSROOM_JOBS_ASIDE:
            _aside().submit(_run_aside, task, args, kwargs)
            return True
        return _run_here(task, args, kwargs)
    if time.monotonic() >= _broker_down_until:
        try:
            task.apply_async(args, kwargs, **options)
            return True
        except Exception as exc:
            _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER_S
            log.warning(
                "The job broker is unreachable (%s): jobs run here or wait for the "
                "periodic sweep for %.0f s",
                exc,
                BROKER_RETRY_AFTER_S,
            )
    if _waits(task):
        return False
    return _run_here(task, args, kwargs)


def _waits(task: Task) -> bool:
    return getattr(task, "when_broker_down", RUN_HERE) == LATER


@cache
def _aside() -> ThreadPoolExecutor:
    # Two threads: a subscriber that hangs holds one, up to its timeout, not every job.
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="newsroom-job")


def _run_aside(task: Task, args: tuple, kwargs: dict) -> None:
    try:
        _run_here(task, args, kwargs)
    except Exception:  # _run_here keeps the task's own errors; this is anything else
        log.exception("Job %s failed on its thread", task.name)
    finally:
        # The thread's own database connections; the request's are not touched.
        connections.close_all()


def _run_here(task: Task, args: tuple, kwargs: dict) -> bool:
    # ``apply`` runs the task in this process and keeps its exception in the result.
    result = task.apply(args, kwargs)
    if result.failed():
        log.error("Job %s failed here: %r", task.name, result.result)
        return False
    return True


def broker_is_back() -> None:
    """Forget an outage (tests, and a worker that just reconnected)."""
    global _broker_down_until
    _broker_down_until = 0.0
