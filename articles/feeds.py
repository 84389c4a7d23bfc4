"""Feeds of the corrections log: RSS 2.0 and Atom, each item linking to the paragraph."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.models import CorrectionNote

FEED_LENGTH = 50


class CorrectionsFeed(Feed):
    description_template = None

    def title(self) -> str:
        return f"{settings.SITE_NAME}: corrections"

    def link(self) -> str:
        return reverse("articles:corrections")

    def description(self) -> str:
        return "Every correction, clarification and update, newest first."

    def items(self):
        return (
            CorrectionNote.objects.public()
            .select_related("article")
            .order_by("-issued_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, note: CorrectionNote) -> str:
        return f"{note.get_kind_display()}: {note.article.headline}"

    def item_description(self, note: CorrectionNote) -> str:
        return note.text

    def item_link(self, note: CorrectionNote) -> str:
        anchor = f"#p{note.first_paragraph}" if note.first_paragraph else f"#correction-{note.pk}"
        return note.article.get_absolute_url() + anchor

    def item_guid(self, note: CorrectionNote) -> str:
        return f"{note.article.get_absolute_url()}#correction-{note.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, note: CorrectionNote):
        return note.published_at

    def item_updateddate(self, note: CorrectionNote):
        return note.published_at

    def item_categories(self, note: CorrectionNote) -> list[str]:
        return [note.get_kind_display()]


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()
