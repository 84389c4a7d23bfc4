"""Blocks keep a stable identity (``Block.uid``) through edits, moves and splits, and the
attributions and note anchors on them follow their words (``services.editing``)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from articles import body, services
from articles.models import Article, ArticleEvent, Block, Revision
from articles.services import BlockData, CorrectionChoice, NoteData
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    article_changes,
)

pytestmark = pytest.mark.django_db

BODY = [
    ("paragraph", "The council met on Tuesday."),
    ("paragraph", "The mayor spoke first."),
    ("paragraph", "“We will balance the books,” the mayor said. Then she left."),
]


def uids(article: Article) -> list[str]:
    return [b.uid for b in article.blocks.all()]


def data(article: Article) -> list[BlockData]:
    """The stored body as the editor sends it back: every block with its uid."""
    return [BlockData(kind=b.kind, text=b.text, uid=b.uid) for b in article.blocks.all()]


def save(article: Article, actor, blocks: list[BlockData]) -> Article:
    return services.article_update(
        article=article,
        actor=actor,
        changes=article_changes(article, blocks=blocks),
        base_revision=services.latest_revision_number(article),
    )


@pytest.fixture
def draft(reporter) -> Article:
    article = ArticleFactory(created_by=reporter, blocks=BODY)
    services.revision_create(article=article, actor=None)
    return article


class TestIdentity:
    def test_every_block_has_a_distinct_uid_and_revisions_record_it(self, draft):
        assert len(set(uids(draft))) == 3
        assert all(len(uid) == 8 and uid.isalnum() for uid in uids(draft))
        snapshot = draft.revisions.get().snapshot
        assert [b["uid"] for b in snapshot["blocks"]] == uids(draft)

    def test_blocks_sent_without_uids_keep_theirs_when_moved_or_edited(self, reporter, draft):
        """The text-box path sends no uids: a moved paragraph is found by its words, an
        edited one by the diff's alignment, and only the new one is new."""
        first, second, third = uids(draft)
        blocks = [
            BlockData(kind="paragraph", text="The mayor spoke first."),
            BlockData(kind="paragraph", text="The council met on Wednesday."),
            BlockData(kind="paragraph", text="A new paragraph."),
            BlockData(kind="paragraph", text=draft.blocks.all()[2].text),
        ]

        save(draft, reporter, blocks)

        stored = uids(draft)
        assert (stored[0], stored[1], stored[3]) == (second, first, third)
        assert stored[2] not in {first, second, third}

    def test_given_uids_are_kept_and_bad_or_repeated_ones_replaced(self, reporter, draft):
        _first, second, third = uids(draft)
        blocks = data(draft)
        blocks[0] = BlockData(kind="paragraph", text=blocks[0].text, uid="client-made_1")
        blocks[1] = BlockData(kind="paragraph", text=blocks[1].text, uid="not valid!")
        blocks.append(BlockData(kind="paragraph", text="A copy.", uid=third))

        save(draft, reporter, blocks)

        stored = uids(draft)
        assert stored[0] == "client-made_1"
        # The invalid uid counts as none: the block is found again by its words.
        assert stored[1] == second
        assert stored[2] == third
        # The repeated one is not the block it copied; it may take the identity no block
        # claimed any more (the first block's: block 1 came back under a new uid).
        assert stored[3] != third
        assert len(set(stored)) == 4

    def test_an_unchanged_save_with_uids_writes_no_revision(self, reporter, draft):
        save(draft, reporter, data(draft))
        assert draft.revisions.count() == 1

    def test_a_split_keeps_the_first_half_s_uid(self, reporter, draft):
        first, second, third = uids(draft)
        blocks = data(draft)
        blocks[2:3] = [
            BlockData(
                kind="paragraph", text="“We will balance the books,” the mayor said.", uid=third
            ),
            BlockData(kind="paragraph", text="Then she left.", uid="newHalf1"),
        ]

        save(draft, reporter, blocks)

        assert uids(draft) == [first, second, third, "newHalf1"]

    def test_an_old_revision_without_uids_restores(self, reporter, draft):
        """Snapshots written before blocks had uids restore; blocks they share with the
        current body keep their identity."""
        before = uids(draft)
        snapshot = dict(draft.revisions.get().snapshot)
        snapshot["blocks"] = [
            {k: v for k, v in b.items() if k != "uid"} for b in snapshot["blocks"][:2]
        ]
        old = Revision.objects.create(article=draft, number=2, snapshot=snapshot, message="Old")

        services.revision_restore(article=draft, revision=old, actor=reporter)

        assert uids(draft) == before[:2]
        assert draft.revisions.count() == 3


class TestTheMigration:
    def test_the_fill_gives_every_block_without_a_uid_a_distinct_one(self):
        migration = importlib.import_module("articles.migrations.0011_block_uid")
        articles = [ArticleFactory(blocks=BODY[:1]), ArticleFactory(blocks=BODY[:1])]
        Block.objects.filter(article__in=articles).update(uid="")

        migration.fill_uids(apps, None)

        filled = list(Block.objects.filter(article__in=articles).values_list("uid", flat=True))
        assert all(len(uid) == 8 and uid.isalnum() for uid in filled)


class TestAttributionsFollowTheirWords:
    @pytest.fixture
    def attributed(self, draft):
        return AttributionFactory(
            article=draft, paragraph=3, text="We will balance the books,", kind="quote"
        )

    def test_a_paragraph_inserted_above_in_a_draft(self, reporter, draft, attributed):
        blocks = data(draft)
        blocks.insert(1, BlockData(kind="paragraph", text="Residents packed the hall."))

        save(draft, reporter, blocks)

        attributed.refresh_from_db()
        assert attributed.paragraph == 4
        attributed.full_clean()

    def test_a_draft_edit_through_the_text_box_path_too(self, reporter, draft, attributed):
        """No uids sent (the text box): the paragraphs are aligned, the quote still moves."""
        blocks = [BlockData(kind=b.kind, text=b.text) for b in draft.blocks.all()]
        blocks.insert(0, BlockData(kind="subheading", text="Budget"))
        blocks.insert(1, BlockData(kind="paragraph", text="Residents packed the hall."))

        save(draft, reporter, blocks)

        attributed.refresh_from_db()
        assert attributed.paragraph == 4

    def test_a_paragraph_moved_to_the_top_with_its_words_changed(self, reporter, draft, attributed):
        """Followed by identity: the quote's paragraph moved and was reworded around it."""
        blocks = data(draft)
        quote = blocks.pop(2)
        blocks.insert(
            0,
            BlockData(
                kind="paragraph",
                text="“We will balance the books,” the mayor said on Tuesday.",
                uid=quote.uid,
            ),
        )

        save(draft, reporter, blocks)

        attributed.refresh_from_db()
        assert attributed.paragraph == 1

    def test_words_removed_from_a_draft_take_their_attribution(self, reporter, draft, attributed):
        blocks = data(draft)[:2]

        save(draft, reporter, blocks)

        assert not draft.attributions.exists()
        event = ArticleEvent.objects.get(article=draft, action="attribution.delete")
        assert event.message == "Its words were removed from the story."

    def test_a_correction_that_splits_its_paragraph(self, editor):
        live = PublishedArticleFactory(blocks=BODY)
        services.revision_create(article=live, actor=None)
        attributed = AttributionFactory(
            article=live, paragraph=3, text="Then she left.", kind="paraphrase"
        )
        blocks = data(live)
        blocks[2:3] = [
            BlockData(
                kind="paragraph",
                text="“We will balance the books,” the mayor said.",
                uid=blocks[2].uid,
            ),
            BlockData(kind="paragraph", text="Then she left.", uid="splitOff"),
        ]

        services.article_correct(
            article=live,
            actor=editor,
            changes=article_changes(live, blocks=blocks),
            base_revision=services.latest_revision_number(live),
            choice=CorrectionChoice(
                note=NoteData(kind="update", text="Paragraph 3 was split in two.")
            ),
        )

        attributed.refresh_from_db()
        assert attributed.paragraph == 4
        assert attributed.text == "Then she left."
        assert live.blocks.get(uid="splitOff").position == 4


class TestNoteAnchorsFollowTheirParagraph:
    def test_a_moved_paragraph_takes_its_note(self, editor):
        live = PublishedArticleFactory(blocks=BODY)
        services.revision_create(article=live, actor=None)
        note = CorrectionNoteFactory(article=live, paragraphs=[1])
        blocks = data(live)
        first = blocks.pop(0)
        blocks.append(
            BlockData(kind="paragraph", text="The council met on Tuesday night.", uid=first.uid)
        )

        services.article_correct(
            article=live,
            actor=editor,
            changes=article_changes(live, blocks=blocks),
            base_revision=services.latest_revision_number(live),
            choice=CorrectionChoice(
                note=NoteData(kind="clarification", text="The meeting was at night.")
            ),
        )

        live.refresh_from_db()
        assert live.note_anchors[str(note.pk)] == [3]
        assert body.plain_text(live.blocks.all()[2].text) == "The council met on Tuesday night."
