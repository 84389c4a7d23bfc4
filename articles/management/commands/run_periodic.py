from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.celery import app


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (CELERY_BEAT_SCHEDULE: publishing what is due, retrying "
        "webhook deliveries) once, here. With a broker, `celery -A newsroom beat` sends them "
        "to the workers instead; without one (make run), run this from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", action="append", default=[], metavar="NAME", help="Only this entry."
        )

    def handle(self, *args, only: list[str], **options):
        app.loader.import_default_modules()  # each app's tasks.py
        schedule = settings.CELERY_BEAT_SCHEDULE
        unknown = set(only) - set(schedule)
        if unknown:
            raise CommandError(
                f"No periodic job {', '.join(sorted(unknown))}; there are: {', '.join(schedule)}"
            )
        failed = []
        for name, entry in schedule.items():
            if only and name not in only:
                continue
            started = time.monotonic()
            result = app.tasks[entry["task"]].apply(entry.get("args", ()), entry.get("kwargs", {}))
            took = time.monotonic() - started
            if result.failed():
                failed.append(name)
                self.stderr.write(f"{name}: failed after {took:.2f} s: {result.result!r}")
            else:
                self.stdout.write(f"{name}: done in {took:.2f} s ({result.result!r})")
        if failed:
            raise CommandError(f"Periodic jobs failed: {', '.join(failed)}")
