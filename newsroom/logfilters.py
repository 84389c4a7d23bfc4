"""Logging filters (no Django models here: logging is configured before apps load)."""

from __future__ import annotations

import logging
import threading
import time

QUIET_SECONDS = 60.0


class OncePerOutage(logging.Filter):
    """Pass the first record of an outage, then stay quiet while it lasts.

    A dependency that is down fails on every request; its log should say so once, as a
    warning without a traceback per request. An outage is taken to be over after
    ``QUIET_SECONDS`` without a failure: the next failure after that is a new outage and is
    logged again. Records are shortened to their message and the exception's one line.
    """

    def __init__(self, name: str = "", quiet_seconds: float = QUIET_SECONDS) -> None:
        super().__init__(name)
        self.quiet_seconds = quiet_seconds
        self._last_failure = float("-inf")
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        with self._lock:
            new_outage = now - self._last_failure > self.quiet_seconds
            self._last_failure = now
        if not new_outage:
            return False
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {error}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = (
            f"{record.name}: unavailable, going on without it: {record.msg} "
            "(further failures are not logged while it lasts)"
        )
        return True
