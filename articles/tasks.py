"""The articles app's background jobs (``newsroom.jobs``). Each is idempotent."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger("newsroom.jobs")


@shared_task(name="articles.tasks.make_renditions")
def make_renditions(name: str) -> None:
    """The reader sizes of one stored image (nothing when its manifest exists)."""
    from articles import renditions

    renditions.process_quietly(name)


@shared_task(name="articles.tasks.index_article")
def index_article(article_id: int) -> None:
    """Search reads the story as it is now; pages that listed search results are stored
    again after it (the page cache moved on when the change committed, possibly before the
    index did)."""
    from articles import caching, search

    search.index_article(article_id)
    caching.generation_bump()


@shared_task(name="articles.tasks.purge")
def purge(keys: list[str]) -> None:
    """Purge surrogate keys from the front cache (``articles.surrogates``)."""
    from articles import surrogates

    surrogates.purge(keys)


@shared_task(name="articles.tasks.publish_due")
def publish_due() -> list[str]:
    """Publish the scheduled stories whose time has come (periodic). Safe concurrently: each
    story is claimed under a row lock (``article_publish_due``)."""
    from articles import caching
    from articles.services import article_publish_due

    published, failures = article_publish_due()
    for line in failures:
        log.warning("Could not publish %s", line)
    # A publish while the cache was unreachable could not invalidate stored pages.
    caching.generation_flush_pending(attempts=1)
    return [article.slug for article in published]
