"""Read replicas: anonymous readers' reads go to a replica, everything else to the primary.

``ReplicaRouter`` (settings ``DATABASE_ROUTERS``, set only when ``DATABASE_REPLICA_URLS``
names replicas) sends every write to ``default`` and a read to a replica only while the
current request was found replica-safe by ``newsroom.replicas.ReplicaMiddleware``, which
says so through a context variable (``reads_from``). Outside such a request (the desk, the
admin, a signed-in reader, a recent writer, a management command, a job worker, a test)
the variable is unset and every read goes to the primary, so nothing that was not meant
for a replica ever reads one.

Reads inside ``transaction.atomic`` on the primary stay there: they must see the
transaction's own writes, and a replica's snapshot is not the one being locked
(``select_for_update`` is routed as a write anyway).

A replica that fails (connection refused, server gone) is left alone by this process for
``RETRY_AFTER_S``: ``replica_choose`` skips it, so its requests read from the primary.
The request that found it down is answered again from the primary by the middleware.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PRIMARY = "default"

# Seconds a process reads from the primary instead of a replica that just failed.
RETRY_AFTER_S = 5.0

# The replica the current request reads from; None: the primary.
_replica: ContextVar[str | None] = ContextVar("newsroom_replica", default=None)

_down_until: dict[str, float] = {}
_turn = itertools.count()


def replicas() -> list[str]:
    """The replica aliases configured (settings ``NEWSROOM_DB_REPLICAS``)."""
    return getattr(settings, "NEWSROOM_DB_REPLICAS", [])


def replica_choose() -> str | None:
    """A replica for one request, in turn among those not known to be down; None if none."""
    now = time.monotonic()
    healthy = [alias for alias in replicas() if _down_until.get(alias, 0.0) <= now]
    if not healthy:
        return None
    return healthy[next(_turn) % len(healthy)]


def replica_mark_down(alias: str) -> None:
    """Leave ``alias`` alone for ``RETRY_AFTER_S``: its reads go to the primary meanwhile."""
    _down_until[alias] = time.monotonic() + RETRY_AFTER_S


def current_replica() -> str | None:
    """The replica the current request reads from, or None when it reads from the primary."""
    return _replica.get()


@contextmanager
def reads_from(alias: str | None) -> Iterator[None]:
    """Route the reads made inside the block to ``alias`` (None: the primary)."""
    token = _replica.set(alias)
    try:
        yield
    finally:
        _replica.reset(token)


class ReplicaRouter:
    """Writes to the primary; reads to the request's replica when it has one (see above)."""

    def db_for_read(self, model, **hints) -> str:
        alias = _replica.get()
        if alias is None or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return alias

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # A replica holds the primary's rows: an object read from one may point to an
        # object read from the other.
        same = {PRIMARY, *replicas()}
        if obj1._state.db in same and obj2._state.db in same:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        # Replicas get the schema through replication.
        return db == PRIMARY
