"""Load the demo site: ``manage.py load_demo``. Safe to run any number of times.

Everything comes from ``articles/demo/``: ``demo.json`` lists the sections, bylines, sources
and stories, and each story body is a plain-text file in the import format, so the demo goes
through the same ``import_story`` path as a real import. Rows are keyed by slug: a row that
already exists is left alone (not updated), and a story that exists is skipped whole, with
its attributions. Sources are keyed by name, since ``services.source_create`` derives their
slug from it. All of it runs in one transaction, so a failed load leaves nothing behind.

Demo desk accounts are not created here.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import services
from articles.importing import StoryImportError, import_story, read_story_file
from articles.models import Article, Author, Section, Source

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
MANIFEST = DEMO_DIR / "demo.json"


def _get_or_create(model: type[models.Model], slug: str, fields: dict[str, Any]):
    """The row with ``slug``, or a new validated one. Existing rows are never changed.

    Used for sections and authors only, which ``articles.services`` has no create function
    for (yet); sources go through ``services.source_create``.
    """
    existing = model.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    row = model(slug=slug, **fields)
    row.full_clean()
    row.save()
    return row, True


class Command(BaseCommand):
    help = "Load demo sections, sources and published stories (idempotent, keyed by slug)."

    def handle(self, *args, **options) -> None:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        try:
            with transaction.atomic():
                created = self._load(manifest, now=timezone.now())
        except (StoryImportError, ValidationError, KeyError) as exc:
            message = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(f"Demo content not loaded: {' '.join(message)}") from exc

        if not any(created.values()):
            self.stdout.write("Demo content already loaded; nothing changed.")
            return
        parts = [f"{len(names)} {what}" for what, names in created.items() if names]
        self.stdout.write(self.style.SUCCESS("Loaded demo content: " + ", ".join(parts) + "."))
        for headline in created["stories"]:
            self.stdout.write(f"  published: {headline}")

    def _load(self, manifest: dict[str, Any], *, now) -> dict[str, list[str]]:
        created: dict[str, list[str]] = {
            "sections": [],
            "authors": [],
            "sources": [],
            "stories": [],
            "attributions": [],
        }

        sections = {}
        for item in manifest["sections"]:
            fields = {k: item.get(k, "") for k in ("name", "description")}
            fields["position"] = item.get("position", 0)
            sections[item["slug"]], new = _get_or_create(Section, item["slug"], fields)
            if new:
                created["sections"].append(item["name"])

        authors = {}
        for item in manifest["authors"]:
            fields = {k: item.get(k, "") for k in ("display_name", "title", "bio")}
            authors[item["slug"]], new = _get_or_create(Author, item["slug"], fields)
            if new:
                created["authors"].append(item["display_name"])

        # Sources are named, not slugged, in the manifest: ``source_create`` makes the slug
        # from the name, so the name is the key. Organisations come before their people.
        sources: dict[str, Source] = {}
        for item in manifest["sources"]:
            name = item["name"]
            source = Source.objects.filter(slug=slugify(name)).first()
            if source is None:
                affiliation = item.get("affiliation")
                source = services.source_create(
                    actor=None,
                    name=name,
                    kind=item["kind"],
                    role=item.get("role", ""),
                    url=item.get("url", ""),
                    affiliation=sources[affiliation] if affiliation else None,
                )
                created["sources"].append(name)
            sources[name] = source

        for story in manifest["stories"]:
            if Article.objects.filter(slug=story["slug"]).exists():
                continue
            article = import_story(
                text=read_story_file(DEMO_DIR / story["file"]),
                section=sections[story["section"]],
                headline=story["headline"],
                dek=story.get("dek", ""),
                bylines=[authors[slug] for slug in story["bylines"]],
                credit_line=story.get("credit_line", ""),
                kind=story["kind"],
                dateline=story.get("dateline", ""),
                tags=story.get("tags", ()),
                slug=story["slug"],
                publish=True,
                published_at=now - timedelta(hours=story["published_hours_ago"]),
            )
            created["stories"].append(article.headline)
            for item in story.get("attributions", ()):
                services.attribution_create(
                    article=article,
                    actor=None,
                    source=sources[item["source"]],
                    kind=item["kind"],
                    text=item["text"],
                    paragraph=item["paragraph"],
                )
                created["attributions"].append(f"{article.slug} ¶{item['paragraph']}")
        return created
