"""Purgers: how surrogate keys (``articles.surrogates``) are purged from a front cache.

``NEWSROOM_PURGER`` (``DJANGO_PURGER``) names the class; one instance per process.

- ``LoggingPurger`` (the default, no front cache): logs the keys it would purge, at INFO on
  the ``newsroom.purge`` logger.
- ``HttpPurger``: one ``PURGE`` request to each URL in ``NEWSROOM_PURGE_URLS``
  (``DJANGO_PURGE_URLS``) with the keys, space separated, in an ``xkey`` header (Varnish
  with varnish-modules' xkey, as ``docker/varnish/default.vcl`` handles it). Short timeouts
  (``NEWSROOM_PURGE_TIMEOUT_S``); a front cache that fails is logged once, until it answers
  again, and never fails the write that asked for the purge.

A purger is a class with ``purge(keys)``; any other (Fastly's or Cloudflare's API) plugs in
the same way.
"""

from __future__ import annotations

import logging
import threading
import urllib.request
from collections.abc import Sequence

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

log = logging.getLogger("newsroom.purge")

DEFAULT_PURGER = "articles.purging.LoggingPurger"


class Purger:
    def purge(self, keys: Sequence[str]) -> None:
        raise NotImplementedError


class LoggingPurger(Purger):
    def purge(self, keys: Sequence[str]) -> None:
        log.info("Would purge surrogate keys: %s", " ".join(keys))


class HttpPurger(Purger):
    """``PURGE`` with ``xkey: <keys>`` to every front cache, one request each."""

    def __init__(self, urls: Sequence[str] | None = None, timeout: float | None = None) -> None:
        self.urls = list(settings.NEWSROOM_PURGE_URLS if urls is None else urls)
        self.timeout = settings.NEWSROOM_PURGE_TIMEOUT_S if timeout is None else timeout
        self._failing: set[str] = set()
        self._lock = threading.Lock()

    def purge(self, keys: Sequence[str]) -> None:
        header = " ".join(keys)
        for url in self.urls:
            request = urllib.request.Request(  # noqa: S310 - URLs come from settings
                url, method="PURGE", headers={"xkey": header}
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    response.read()
            except Exception as error:  # URLError, HTTPError, timeouts, a bad URL
                self._failed(url, error)
            else:
                self._succeeded(url)
                log.debug("Purged %s at %s", header, url)

    def _failed(self, url: str, error: Exception) -> None:
        with self._lock:
            first = url not in self._failing
            self._failing.add(url)
        if first:
            log.warning(
                "Could not purge the front cache at %s (%s: %s); pages there expire with "
                "s-maxage. Further failures are not logged until it answers again.",
                url,
                type(error).__name__,
                error,
            )

    def _succeeded(self, url: str) -> None:
        with self._lock:
            was_failing = url in self._failing
            self._failing.discard(url)
        if was_failing:
            log.warning("The front cache at %s answers purges again", url)


_purger: Purger | None = None
_purger_lock = threading.Lock()


def get_purger() -> Purger:
    """The process's purger, as ``NEWSROOM_PURGER`` names it."""
    global _purger
    with _purger_lock:
        if _purger is None:
            _purger = import_string(getattr(settings, "NEWSROOM_PURGER", DEFAULT_PURGER))()
        return _purger


@receiver(setting_changed, dispatch_uid="articles.purging.setting_changed")
def _forget_purger(*, setting: str, **kwargs) -> None:
    global _purger
    if setting.startswith("NEWSROOM_PURGE"):
        with _purger_lock:
            _purger = None
