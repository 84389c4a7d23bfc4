from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from articles import caching
from articles.services import article_publish_due


class Command(BaseCommand):
    help = (
        "Publish scheduled articles whose time has come. Safe to run from cron and "
        "concurrently; --loop keeps it running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            default=0,
            help="Keep running, checking every SECONDS.",
        )
        parser.add_argument(
            "--iterations",
            type=int,
            default=0,
            help="With --loop, stop after this many checks (0: run until stopped).",
        )

    def handle(self, *args, loop: int, iterations: int, **options):
        done = 0
        while True:
            published, failures = article_publish_due()
            for article in published:
                self.stdout.write(f"Published {article.slug}")
            for line in failures:
                self.stderr.write(f"Could not publish {line}")
            done += 1
            if not loop or (iterations and done >= iterations):
                self._tell_the_page_cache(attempts=5)
                return
            self._tell_the_page_cache(attempts=1)
            time.sleep(loop)

    def _tell_the_page_cache(self, *, attempts: int) -> None:
        # A publish while the cache was unreachable could not invalidate stored pages.
        if not caching.generation_flush_pending(attempts=attempts):
            self.stderr.write(
                "The cache is unreachable: pages stored before this run may show the old "
                "version until it is back (the web site retries) or they expire."
            )
