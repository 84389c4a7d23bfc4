"""Pending notes change through ``correction_note_update``; published notes never change, and
withdrawing one takes its own permission (``articles.withdraw_correctionnote``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import services
from articles.exceptions import InvalidTransition
from articles.models import ArticleEvent, CorrectionNote
from tests.factories import ArticleFactory, CorrectionNoteFactory
from tests.helpers import user_with

pytestmark = pytest.mark.django_db

TEXT = "An earlier version misstated the day of the meeting."  # CorrectionNoteFactory's


def changes(note: CorrectionNote, **fields) -> services.NoteData:
    values = {
        "kind": note.kind,
        "text": note.text,
        "paragraphs": note.paragraphs,
        "before": note.before,
        "after": note.after,
        "prominent": note.prominent,
    }
    return services.NoteData(**(values | fields))


def pending_note(**article_fields) -> CorrectionNote:
    return CorrectionNoteFactory(article=ArticleFactory(**article_fields), published_at=None)


class TestCorrectionNoteUpdate:
    def test_whoever_may_edit_the_draft_rewords_its_pending_note(self, reporter):
        """The draft's own reporter may change its pending note; the log names what changed."""
        note = pending_note(created_by=reporter)

        updated = services.correction_note_update(
            note=note, actor=reporter, changes=changes(note, text=" Reworded. ", paragraphs=[3, 1])
        )

        stored = CorrectionNote.objects.get()
        assert updated == stored
        assert (stored.text, stored.paragraphs, stored.published_at) == ("Reworded.", [1, 3], None)
        event = ArticleEvent.objects.get(action="correction.update")
        assert (event.article, event.actor) == (note.article, reporter)
        assert event.data == {
            "note": note.pk,
            "changed": ["text", "paragraphs"],
            "paragraphs": [1, 3],
        }

    def test_a_corrections_editor_may_reword_a_note_on_anyones_draft(self):
        """Holders of correct_article may change the note without being able to edit the draft."""
        actor = user_with("articles.correct_article")
        note = pending_note()

        services.correction_note_update(
            note=note, actor=actor, changes=changes(note, kind="update")
        )

        assert CorrectionNote.objects.get().kind == "update"

    def test_a_published_note_never_changes(self, editor):
        """Even an editor cannot reword a note readers saw: it is withdrawn and reissued."""
        note = CorrectionNoteFactory()

        with pytest.raises(InvalidTransition, match="withdraw it and issue a new one"):
            services.correction_note_update(
                note=note, actor=editor, changes=changes(note, text="X.")
            )

        assert CorrectionNote.objects.get().text == TEXT
        assert not ArticleEvent.objects.exists()

    def test_a_withdrawn_note_never_changes(self, editor):
        note = CorrectionNoteFactory(
            article=ArticleFactory(), published_at=None, withdrawn_at=timezone.now()
        )

        with pytest.raises(InvalidTransition):
            services.correction_note_update(
                note=note, actor=editor, changes=changes(note, text="X.")
            )

        assert CorrectionNote.objects.get().text == TEXT

    def test_refused_to_who_may_neither_edit_nor_correct(self, reporter, colleague):
        """A reporter cannot reword the note on a colleague's draft."""
        note = pending_note(created_by=colleague)

        with pytest.raises(PermissionDenied):
            services.correction_note_update(
                note=note, actor=reporter, changes=changes(note, text="Reworded.")
            )

        assert CorrectionNote.objects.get().text == TEXT
        assert not ArticleEvent.objects.exists()

    def test_paragraphs_the_story_lacks_are_refused(self, editor):
        note = pending_note()

        with pytest.raises(ValidationError) as exc:
            services.correction_note_update(
                note=note, actor=editor, changes=changes(note, paragraphs=[9])
            )

        assert "paragraphs" in exc.value.message_dict
        assert CorrectionNote.objects.get().paragraphs == [1]

    def test_an_update_that_changes_nothing_writes_nothing(self, editor):
        note = pending_note()

        services.correction_note_update(note=note, actor=editor, changes=changes(note))

        assert not ArticleEvent.objects.exists()


class TestWithdrawPermission:
    def test_a_user_granted_withdraw_correctionnote_may_withdraw(self):
        """The permission, not superuser status, is what withdrawing takes."""
        actor = user_with("articles.withdraw_correctionnote")
        note = CorrectionNoteFactory()

        services.correction_note_withdraw(note=note, actor=actor, reason="Wrong story.")

        note.refresh_from_db()
        assert (note.withdrawn_by, note.withdrawal_reason) == (actor, "Wrong story.")

    def test_an_editor_without_it_is_refused(self, editor):
        """Editors issue corrections but do not withdraw them."""
        note = CorrectionNoteFactory()

        with pytest.raises(PermissionDenied, match="withdraw_correctionnote"):
            services.correction_note_withdraw(note=note, actor=editor, reason="Wrong story.")

        note.refresh_from_db()
        assert note.withdrawn_at is None

    def test_a_superuser_holds_it(self, superuser):
        note = CorrectionNoteFactory()

        services.correction_note_withdraw(note=note, actor=superuser, reason="Wrong story.")

        note.refresh_from_db()
        assert note.withdrawn_by == superuser
