"""``services.article_save``: the desk's one save, routed to a draft edit or a correction by
``permissions.can_edit`` / ``can_correct``, saying what it did."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from articles import services
from articles.exceptions import CorrectionChoiceRequired, EditConflict
from articles.models import Article, ArticleEvent, CorrectionNote
from articles.services import CorrectionChoice, NoteData, SaveResult
from tests.factories import ArticleFactory, PublishedArticleFactory, article_changes

Status = Article.Status


@pytest.fixture
def draft(reporter):
    article = ArticleFactory(created_by=reporter)
    services.revision_create(article=article, actor=None)
    return article


@pytest.fixture
def live(db):
    article = PublishedArticleFactory()
    services.revision_create(article=article, actor=None)
    return article


def save(article, actor, changes, **kwargs) -> services.SaveOutcome:
    return services.article_save(
        article=article, actor=actor, changes=changes, base_revision=1, **kwargs
    )


@pytest.mark.django_db
class TestArticleSave:
    def test_a_draft_edit_is_saved_as_the_next_revision(self, reporter, draft):
        """Editing a draft goes through article_update: a revision and an edit event."""
        outcome = save(draft, reporter, article_changes(draft, headline="Council backs budget"))

        assert outcome.result == SaveResult.SAVED
        assert outcome.changed
        assert outcome.revision.number == 2
        assert outcome.note is None
        assert outcome.article.headline == "Council backs budget"
        assert ArticleEvent.objects.filter(article=draft, action="article.edit").count() == 1

    def test_an_unchanged_save_writes_nothing(self, reporter, draft):
        """Saving the story as it stands is UNCHANGED: no revision, no event."""
        outcome = save(draft, reporter, article_changes(draft))

        assert outcome.result == SaveResult.UNCHANGED
        assert not outcome.changed
        assert outcome.revision is None
        assert draft.revisions.count() == 1
        assert not ArticleEvent.objects.filter(article=draft, action="article.edit").exists()

    def test_a_live_story_is_corrected_with_its_public_note(self, editor, live):
        """On a published story the save is a correction; the note it published comes back."""
        note = NoteData(kind="clarification", text="An earlier version was unclear.")

        outcome = save(
            live,
            editor,
            article_changes(live, blocks=[("paragraph", "The council met on Wednesday.")]),
            choice=CorrectionChoice(note=note),
        )

        assert outcome.result == SaveResult.CORRECTED
        assert outcome.note == CorrectionNote.objects.get(article=live)
        assert outcome.note.kind == "clarification"
        assert outcome.note.revision == outcome.revision
        assert ArticleEvent.objects.get(article=live, action="article.correct").data["note"]

    def test_a_non_substantive_correction_says_so(self, editor, live):
        """A correction with a reason and no note is CORRECTED_QUIETLY: no public note."""
        outcome = save(
            live,
            editor,
            article_changes(live, headline=live.headline + " now"),
            choice=CorrectionChoice(non_substantive_reason="Typo"),
        )

        assert outcome.result == SaveResult.CORRECTED_QUIETLY
        assert outcome.note is None
        assert outcome.revision.number == 2
        assert not CorrectionNote.objects.filter(article=live).exists()

    def test_an_unchanged_live_story_publishes_nothing(self, editor, live):
        """Saving a live story unchanged needs no choice and publishes no note."""
        outcome = save(live, editor, article_changes(live))

        assert outcome.result == SaveResult.UNCHANGED
        assert not CorrectionNote.objects.exists()

    def test_a_live_change_without_a_choice_asks_for_one(self, editor, live):
        """Without a note or a reason, a change to a live story is refused with the analysis."""
        with pytest.raises(CorrectionChoiceRequired):
            save(live, editor, article_changes(live, headline="Something else"))

        live.refresh_from_db()
        assert live.headline != "Something else"
        assert live.revisions.count() == 1

    def test_the_route_follows_the_story_as_stored_not_as_loaded(self, editor, draft):
        """A story published after the form was loaded is corrected, not edited."""
        stale = Article.objects.get(pk=draft.pk)
        services.article_publish(article=draft, actor=editor)  # revision 2

        with pytest.raises(CorrectionChoiceRequired):
            services.article_save(
                article=stale,
                actor=editor,
                changes=article_changes(stale, headline="Changed after publication"),
                base_revision=2,
            )

    def test_someone_who_may_neither_edit_nor_correct_is_refused(self, reporter, live):
        """A reporter's save of a published story is refused and changes nothing."""
        with pytest.raises(PermissionDenied):
            save(live, reporter, article_changes(live, headline="Changed"))

        live.refresh_from_db()
        assert live.headline != "Changed"

    def test_another_reporters_draft_is_refused(self, colleague, draft):
        """A reporter cannot save a colleague's draft."""
        with pytest.raises(PermissionDenied):
            save(draft, colleague, article_changes(draft, headline="Mine now"))

    def test_a_save_from_an_old_revision_is_a_conflict(self, reporter, draft):
        """Whichever way it routes, a save over a newer revision raises EditConflict."""
        save(draft, reporter, article_changes(draft, headline="First"))

        with pytest.raises(EditConflict) as caught:
            save(draft, reporter, article_changes(draft, headline="Second"))

        assert caught.value.revision.number == 2
