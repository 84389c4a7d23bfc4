"""Model-level rules: attribution validation, append-only notes and revisions, block checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from articles import services
from articles.exceptions import ImmutableRecordError
from articles.models import Article, Attribution, Block, CorrectionNote, Revision
from tests.factories import (
    ArticleFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

Status = Article.Status


def attribution(article: Article, *, text: str, paragraph: int | None, kind: str = "quote"):
    return Attribution(
        article=article, source=SourceFactory(), kind=kind, text=text, paragraph=paragraph
    )


class TestAttributionValidation:
    def test_words_standing_in_the_named_paragraph_pass(self):
        """An attribution whose words stand in its paragraph is valid."""
        article = ArticleFactory()

        attribution(article, text="We will balance the books,", paragraph=2).full_clean()

    def test_words_from_another_paragraph_fail(self):
        """Words from paragraph 2 claimed for paragraph 1 are refused, naming the paragraph."""
        article = ArticleFactory()

        with pytest.raises(ValidationError) as exc:
            attribution(article, text="We will balance the books,", paragraph=1).full_clean()

        assert "do not stand in paragraph 1" in " ".join(exc.value.message_dict["text"])

    def test_paragraph_beyond_the_story_fails(self):
        """A paragraph number past the end of the story is refused."""
        article = ArticleFactory()

        with pytest.raises(ValidationError) as exc:
            attribution(article, text="The vote is next week.", paragraph=4).full_clean()

        assert "no paragraph 4" in " ".join(exc.value.message_dict["paragraph"])

    def test_numbering_skips_subheadings(self):
        """After a subheading, the next paragraph is paragraph 2, as readers count it."""
        article = ArticleFactory(
            blocks=[
                ("paragraph", "The council met."),
                ("subheading", "What the mayor said"),
                ("paragraph", "The mayor was pleased with the vote."),
            ]
        )

        attribution(article, text="pleased with the vote", paragraph=2).full_clean()
        with pytest.raises(ValidationError):
            attribution(article, text="pleased with the vote", paragraph=3).full_clean()

    def test_quote_needs_a_paragraph_but_photo_credit_does_not(self):
        """Text attributions must name a paragraph; a photo credit stands on its own."""
        article = ArticleFactory()

        with pytest.raises(ValidationError) as exc:
            attribution(article, text="The vote is next week.", paragraph=None).full_clean()
        assert "paragraph" in exc.value.message_dict

        attribution(article, text="Photo: City Hall", paragraph=None, kind="photo").full_clean()


class TestCorrectionNoteAppendOnly:
    def test_published_note_cannot_be_saved_again(self):
        """Editing a published note through save() raises and leaves the stored note as it was."""
        note = CorrectionNoteFactory()
        note.text = "Quietly reworded."

        with pytest.raises(ImmutableRecordError):
            note.save()

        note.refresh_from_db()
        assert note.text == "An earlier version misstated the day of the meeting."

    def test_published_note_cannot_be_deleted(self):
        """Deleting a published note raises; the note stays."""
        note = CorrectionNoteFactory()

        with pytest.raises(ImmutableRecordError):
            note.delete()

        assert CorrectionNote.objects.filter(pk=note.pk).exists()

    def test_queryset_update_and_delete_are_refused_for_published_notes(self):
        """Bulk update() and delete() cannot get round the rule either."""
        note = CorrectionNoteFactory()
        notes = CorrectionNote.objects.filter(pk=note.pk)

        with pytest.raises(ImmutableRecordError):
            notes.update(text="Rewritten in bulk.")
        with pytest.raises(ImmutableRecordError):
            notes.delete()

        note.refresh_from_db()
        assert note.text == "An earlier version misstated the day of the meeting."

    def test_article_with_notes_cannot_be_deleted(self):
        """A story that carries notes is protected from deletion, so its notes survive."""
        note = CorrectionNoteFactory()

        with pytest.raises(ProtectedError):
            note.article.delete()

        assert Article.objects.filter(pk=note.article_id).exists()

    def test_pending_note_can_be_edited_and_deleted(self):
        """A note readers have not seen yet (on a draft) can still be changed or removed."""
        note = CorrectionNoteFactory(article=ArticleFactory(), published_at=None)

        note.text = "Reworded before publication."
        note.save()
        note.refresh_from_db()
        assert note.text == "Reworded before publication."

        CorrectionNote.objects.filter(pk=note.pk).update(kind=CorrectionNote.Kind.CLARIFICATION)
        note.delete()
        assert not CorrectionNote.objects.filter(pk=note.pk).exists()

    def test_clean_refuses_paragraphs_the_story_does_not_have(self):
        """A note cannot point at a paragraph the story does not have."""
        article = ArticleFactory()
        note = CorrectionNote(article=article, text="A correction.", paragraphs=[2, 9])

        with pytest.raises(ValidationError) as exc:
            note.full_clean()

        assert "no paragraph 9" in " ".join(exc.value.message_dict["paragraphs"])


class TestRevisionImmutable:
    def test_saved_revision_cannot_be_saved_again(self):
        """A revision is a snapshot: re-saving it raises and the stored one is unchanged."""
        revision = services.revision_create(article=ArticleFactory(), actor=None, message="First")
        revision.message = "Rewritten history"

        with pytest.raises(ImmutableRecordError):
            revision.save()

        revision.refresh_from_db()
        assert revision.message == "First"

    def test_queryset_update_is_refused(self):
        """Revisions cannot be rewritten in bulk."""
        revision = services.revision_create(article=ArticleFactory(), actor=None, message="First")

        with pytest.raises(ImmutableRecordError):
            Revision.objects.filter(pk=revision.pk).update(message="Rewritten")

        revision.refresh_from_db()
        assert revision.message == "First"


class TestBlockClean:
    def test_empty_paragraph_is_refused(self):
        """A paragraph with no readable words is refused."""
        for text in ["", "   ", "<em> </em>", "<script>alert(1)</script>"]:
            block = Block(position=1, kind=Block.Kind.PARAGRAPH, text=text)
            with pytest.raises(ValidationError) as exc:
                block.clean()
            assert "text" in exc.value.message_dict, text

    def test_text_is_sanitised_on_clean(self):
        """Cleaning a block strips markup outside the inline set."""
        block = Block(position=1, kind=Block.Kind.PARAGRAPH, text='Hi <b onclick="x()">there</b>')

        block.clean()

        assert block.text == "Hi <b>there</b>"

    def test_image_block_needs_alt_text(self):
        """An image without alt text is refused: readers who can't see it need a description."""
        block = Block(position=1, kind=Block.Kind.IMAGE, image="body/2024/01/photo.jpg")

        with pytest.raises(ValidationError) as exc:
            block.clean()

        assert "image_alt" in exc.value.message_dict

        block.image_alt = "The council chamber during the vote."
        block.clean()

    def test_image_block_needs_an_image(self):
        """An image block without an image is refused."""
        block = Block(position=1, kind=Block.Kind.IMAGE, image_alt="Something")

        with pytest.raises(ValidationError) as exc:
            block.clean()

        assert "image" in exc.value.message_dict


class TestTransitions:
    def test_draft_can_be_published_but_published_cannot_be_published_again(self):
        """The table allows draft → published and refuses published → published."""
        assert Article(status=Status.DRAFT).can_transition_to(Status.PUBLISHED)
        assert not Article(status=Status.PUBLISHED).can_transition_to(Status.PUBLISHED)
        assert not Article(status=Status.PUBLISHED).can_transition_to(Status.DRAFT)

    def test_available_transitions_lists_the_legal_moves(self):
        """A published story can only be retracted or unpublished; an unknown status has none."""
        assert Article(status=Status.PUBLISHED).available_transitions() == [
            Status.RETRACTED,
            Status.UNPUBLISHED,
        ]
        assert Status.PUBLISHED in Article(status=Status.DRAFT).available_transitions()
        assert Article(status="bogus").available_transitions() == []

    def test_every_move_in_the_table_goes_to_a_known_status(self):
        """The transition table names only real statuses, so no button leads nowhere."""
        for source, targets in Article.TRANSITIONS.items():
            assert source in Status.values
            assert targets <= set(Status.values)
            assert source not in targets


class TestPublishedArticle:
    def test_is_published_and_was_updated(self):
        """A published story reads as updated only once a later substantive change is recorded."""
        article = PublishedArticleFactory()
        assert article.is_published
        assert not article.was_updated

        article.updated_at = article.first_published_at + timedelta(minutes=5)
        assert article.was_updated
