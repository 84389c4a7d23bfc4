"""After a correction, readers who follow the corrections log, by page or by feed, get it next.

The correction is the seed story's: "forces (sic)" back to "militaries (sic)" in paragraph 11,
with a public note. Feeds are parsed the way a reader's feed client parses them.
"""

from __future__ import annotations

import dataclasses
import re

import feedparser
import pytest
from django.urls import reverse

from articles import body, services
from articles.models import Article, CorrectionNote
from articles.services import CorrectionChoice, NoteData
from tests.factories import CorrectionNoteFactory, PublishedArticleFactory, article_changes
from tests.helpers import seed_article

NOTE_TEXT = "An earlier version of this story misquoted Gen. Stephen Townsend in paragraph 11."
FEEDS = {
    "rss": ("articles:corrections_feed", "rss20"),
    "atom": ("articles:corrections_atom", "atom10"),
}


@pytest.fixture
def corrected(db, editor) -> tuple[Article, CorrectionNote]:
    """The demo site after an editor corrected paragraph 11 of the seed story."""
    article = seed_article()
    changes = article_changes(article)
    index = body.paragraph_numbers(b.kind for b in changes.blocks).index(11)
    block = changes.blocks[index]
    changes.blocks[index] = dataclasses.replace(
        block, text=block.text.replace("forces (sic)", "militaries (sic)")
    )
    services.article_correct(
        article=article,
        actor=editor,
        changes=changes,
        base_revision=services.latest_revision_number(article),
        choice=CorrectionChoice(
            note=NoteData(
                kind="correction",
                text=NOTE_TEXT,
                paragraphs=[11],
                before="forces",
                after="militaries",
            )
        ),
    )
    return article, article.corrections.latest("issued_at", "pk")


def parse(client, feed: str):
    url_name, version = FEEDS[feed]
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == version
    return parsed


@pytest.mark.django_db
class TestCorrectionsLog:
    def test_new_correction_is_listed_first_linking_to_paragraph_11(self, client, corrected):
        """The log's first entry is the new note, linking to the corrected paragraph."""
        article, note = corrected

        response = client.get(reverse("articles:corrections"))

        assert response.context["page"].object_list[0] == note
        html = response.content.decode()
        first = re.search(r'<li class="note" id="correction-(\d+)">(.*?)</li>', html, re.S)
        assert first.group(1) == str(note.pk)
        assert f'href="{article.get_absolute_url()}#p11"' in first.group(2)
        assert NOTE_TEXT in first.group(2)
        assert "paragraph 11" in first.group(2)

    def test_log_advertises_both_feeds(self, client, db):
        """Feed readers can discover the RSS and Atom feeds from the log page."""
        html = client.get(reverse("articles:corrections")).content.decode()

        rss = reverse("articles:corrections_feed")
        atom = reverse("articles:corrections_atom")
        assert re.search(
            rf'<link rel="alternate" type="application/rss\+xml"[^>]*href="{rss}"', html
        )
        assert re.search(
            rf'<link rel="alternate" type="application/atom\+xml"[^>]*href="{atom}"', html
        )


@pytest.mark.django_db
@pytest.mark.parametrize("feed", ["rss", "atom"])
class TestFeeds:
    def test_feed_is_valid_and_every_entry_is_complete(self, client, corrected, feed):
        """A feed client reads every entry: title, link, id, date and summary."""
        parsed = parse(client, feed)

        assert parsed.feed.title.endswith(": corrections")
        assert len(parsed.entries) == CorrectionNote.objects.public().count()
        for entry in parsed.entries:
            assert entry.get("title")
            assert entry.get("link", "").startswith("http://testserver/articles/")
            assert entry.get("id")
            assert entry.get("published_parsed")
            assert entry.get("summary")

    def test_first_entry_is_the_new_correction_linking_to_paragraph_11(
        self, client, corrected, feed
    ):
        """The newest entry is the correction; following it opens paragraph 11."""
        article, note = corrected

        entry = parse(client, feed).entries[0]

        assert entry.link == f"http://testserver{article.get_absolute_url()}#p11"
        assert entry.title == f"Correction: {article.headline}"
        assert entry.summary == NOTE_TEXT
        assert entry.id.endswith(f"#correction-{note.pk}")
        published = note.published_at.utctimetuple()
        assert tuple(entry.published_parsed)[:6] == tuple(published)[:6]

    def test_entry_ids_are_unique_and_stable(self, client, corrected, feed):
        """Each note keeps one id, so a feed reader never shows a note twice."""
        first = [e.id for e in parse(client, feed).entries]
        again = [e.id for e in parse(client, feed).entries]

        assert len(set(first)) == len(first)
        assert first == again

    def test_retraction_note_is_in_the_feed(self, client, editor, feed):
        """A retraction reaches feed subscribers, linking to the note on the story."""
        article = PublishedArticleFactory(headline="Council hid the audit")
        services.article_retract(article=article, actor=editor, comment="We cannot stand by it.")
        note = article.corrections.get()

        entry = parse(client, feed).entries[0]

        assert entry.title == "Retraction: Council hid the audit"
        assert entry.link.endswith(f"{article.get_absolute_url()}#correction-{note.pk}")
        assert entry.summary == "We cannot stand by it."

    def test_only_public_notes_are_in_the_feed(self, client, superuser, feed):
        """Withdrawn notes and notes on stories readers can't see are left out."""
        shown = CorrectionNoteFactory(text="Shown.")
        withdrawn = CorrectionNoteFactory(text="Withdrawn.")
        services.correction_note_withdraw(note=withdrawn, actor=superuser, reason="Wrong story.")
        CorrectionNoteFactory(
            text="On an unpublished story.",
            article=PublishedArticleFactory(status=Article.Status.UNPUBLISHED),
        )

        entries = parse(client, feed).entries

        assert [e.summary for e in entries] == [shown.text]

    def test_note_text_is_escaped(self, client, feed, db):
        """Markup in a note is text in the feed, never markup a feed reader would run."""
        CorrectionNoteFactory(text="We wrote <script>alert(1)</script> by mistake.")

        response = client.get(reverse(FEEDS[feed][0]))

        assert b"<script>" not in response.content
        assert feedparser.parse(response.content).bozo == 0

    def test_feed_costs_one_query_whatever_its_length(
        self, client, feed, db, django_assert_num_queries, settings
    ):
        """Notes and their stories are read in one query, so a long log costs no more."""
        settings.NEWSROOM_PAGE_CACHE = False  # measure the view, not the page cache
        CorrectionNoteFactory.create_batch(2)
        with django_assert_num_queries(1):
            client.get(reverse(FEEDS[feed][0]))

        CorrectionNoteFactory.create_batch(8)
        with django_assert_num_queries(1):
            response = client.get(reverse(FEEDS[feed][0]))
        assert len(feedparser.parse(response.content).entries) == 10
