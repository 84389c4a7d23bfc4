"""Import a plain-text story: ``manage.py import_article FILE --section SLUG [--publish]``.

A thin wrapper over ``articles.importing``: read the file, resolve the section, call
``import_story`` and report. Every failure is a one-line ``CommandError`` and, because
``import_story`` runs in one transaction, leaves nothing saved.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from articles.importing import (
    StoryImportError,
    import_story,
    max_bytes,
    read_story_file,
    size_label,
    story_summary,
)
from articles.models import Article, Section


class Command(BaseCommand):
    help = (
        "Import a plain-text story (paragraphs separated by blank lines; notes such as "
        "'Correction: ...' become correction notes) into a section, as a draft or published."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file",
            help=f"UTF-8 text file, at most {size_label(max_bytes())} (DJANGO_IMPORT_MAX_BYTES).",
        )
        parser.add_argument("--section", required=True, help="Section slug, e.g. world.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish at once (default: save a draft)."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print what was created as one JSON object."
        )
        parser.add_argument(
            "--headline", help="Default: the first sentence, cut to 120 characters."
        )
        parser.add_argument("--dek", default="", help="Standfirst under the headline.")
        parser.add_argument(
            "--byline",
            action="append",
            default=[],
            metavar="NAME",
            help="Author display name; repeat for several. Default: Newsroom Staff.",
        )
        parser.add_argument("--credit-line", default="", help="e.g. 'Staff and wire reports'.")
        parser.add_argument("--dateline", default="", help="e.g. 'UNITED NATIONS'.")
        parser.add_argument(
            "--kind", default=Article.Kind.NEWS, choices=Article.Kind.values, help="Story kind."
        )
        parser.add_argument(
            "--tag", action="append", default=[], metavar="TAG", help="Repeat for several."
        )

    def handle(self, *args, **options) -> None:
        slug = options["section"]
        section = Section.objects.filter(slug=slug).first()
        if section is None:
            known = ", ".join(Section.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"Unknown section “{slug}” (known sections: {known}).")
        try:
            article = import_story(
                text=read_story_file(options["file"]),
                section=section,
                headline=options["headline"],
                dek=options["dek"],
                bylines=options["byline"],
                credit_line=options["credit_line"],
                dateline=options["dateline"],
                kind=options["kind"],
                tags=options["tag"],
                publish=options["publish"],
            )
        except StoryImportError as exc:
            raise CommandError(str(exc)) from exc

        summary = story_summary(article)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        state = "published" if article.is_published else "saved as a draft (readers can't see it)"
        self.stdout.write(
            self.style.SUCCESS(f"Imported “{article.headline}”, {state}.")
            + f"\n  {summary['paragraphs']} paragraphs, {len(summary['subheadings'])} "
            f"subheadings, {len(summary['corrections'])} notes\n  {summary['url']}"
        )
