from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from articles import renditions
from articles.models import Article, Block


class Command(BaseCommand):
    help = (
        "Clean and make renditions for every lead and body image that has none yet "
        "(images uploaded before renditions existed, or whose processing failed). "
        "Images that already have them are left alone, so it is safe to run again."
    )

    def handle(self, *args, **options):
        names = sorted(
            set(Article.objects.exclude(lead_image="").values_list("lead_image", flat=True))
            | set(Block.objects.exclude(image="").values_list("image", flat=True))
        )
        made = kept = 0
        failed: list[str] = []
        for name in names:
            if renditions.is_processed(name):
                kept += 1
                continue
            try:
                renditions.process(name)
            except Exception as exc:  # one bad file must not stop the rest
                failed.append(name)
                self.stderr.write(f"Could not process {name}: {exc}")
            else:
                made += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"Made renditions for {name}")
        self.stdout.write(
            f"Made renditions for {made} image{'s' if made != 1 else ''}; {kept} already had them."
        )
        if failed:
            raise CommandError(f"{len(failed)} image(s) could not be processed.")
