from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Q

from articles import rendering
from articles.models import Article

BATCH = 200


class Command(BaseCommand):
    help = (
        "Render the reader HTML of published stories whose rendering is missing, stale or of "
        "another version (articles.rendering), newest first. Readers never need it (a page "
        "without one is rendered when first read); run it after a deploy that changed the "
        "templates, or after loading stories in bulk, so the first readers do not wait."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=0, help="At most this many stories (0: all)."
        )
        parser.add_argument(
            "--slugs-file",
            type=Path,
            help="Only the stories whose slugs this file lists, one per line.",
        )

    def handle(self, *args, limit: int, slugs_file: Path | None, **options):
        # Current: this version, made for the status the story has now.
        current = Q(rendering__version=rendering.fingerprint(), rendering__status=F("status"))
        stories = Article.objects.published().exclude(current).latest_first()
        if slugs_file is not None:
            try:
                slugs = [s.strip() for s in slugs_file.read_text().split() if s.strip()]
            except OSError as error:
                raise CommandError(f"Cannot read {slugs_file}: {error}") from error
            stories = stories.filter(slug__in=slugs)
        ids = list(stories.values_list("pk", flat=True)[: limit or None])
        started = time.monotonic()
        for start in range(0, len(ids), BATCH):
            rendering.prepare_many(ids[start : start + BATCH])
        took = time.monotonic() - started
        rate = len(ids) / took if took else 0
        self.stdout.write(f"Rendered {len(ids):,} stories in {took:.1f} s ({rate:,.0f}/s).")
