"""Saving edits (``article_update``), edit conflicts and restoring revisions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.exceptions import EditConflict
from articles.models import Article, ArticleEvent
from articles.services import BlockData
from tests.factories import ArticleFactory, SectionFactory, article_changes
from tests.helpers import user_with_role

Status = Article.Status


@pytest.fixture
def draft(reporter):
    """A reporter's draft created through the service, so it has revision 1."""
    return services.article_create(
        actor=reporter,
        section=SectionFactory(),
        headline="Council votes on budget",
        blocks=[
            BlockData(kind="paragraph", text="The council met on Tuesday."),
            BlockData(kind="paragraph", text="The vote is next week."),
        ],
        authors=[reporter.author],
    )


def texts(article: Article) -> list[str]:
    return list(article.blocks.values_list("text", flat=True))


@pytest.mark.django_db
class TestSave:
    def test_saving_from_the_current_revision_writes_a_revision_and_an_event(self, reporter, draft):
        """A save from the latest revision is stored as the next revision and logged."""
        changes = article_changes(
            draft,
            headline="Council passes budget",
            blocks=[("paragraph", "The council met on Wednesday."), ("paragraph", "It passed.")],
        )
        services.article_update(
            article=draft, actor=reporter, changes=changes, base_revision=1, message="Fix day"
        )
        draft.refresh_from_db()
        assert draft.headline == "Council passes budget"
        assert texts(draft) == ["The council met on Wednesday.", "It passed."]
        revision = draft.revisions.latest("number")
        assert revision.number == 2
        assert revision.created_by == reporter
        assert revision.message == "Fix day"
        assert revision.snapshot["headline"] == "Council passes budget"
        assert [b["text"] for b in revision.snapshot["blocks"]] == texts(draft)
        event = draft.events.get(action="article.edit")
        assert event.actor == reporter
        assert event.data == {"revision": 2, "changed": ["blocks", "headline"]}

    def test_an_edit_that_changes_nothing_writes_nothing(self, reporter, draft):
        """Pressing Save without changing anything leaves no revision and no event."""
        services.article_update(
            article=draft, actor=reporter, changes=article_changes(draft), base_revision=1
        )
        assert draft.revisions.count() == 1
        assert not draft.events.filter(action="article.edit").exists()

    def test_a_failing_update_changes_nothing(self, reporter, draft):
        """An invalid block (an image without an image) rejects the whole save: the headline
        and every block stay as they were."""
        changes = article_changes(
            draft,
            headline="A new headline",
            blocks=[
                BlockData(kind="paragraph", text="A rewritten first paragraph."),
                BlockData(kind="image", image_alt="The council chamber"),
            ],
        )
        with pytest.raises(ValidationError):
            services.article_update(article=draft, actor=reporter, changes=changes, base_revision=1)
        draft.refresh_from_db()
        assert draft.headline == "Council votes on budget"
        assert texts(draft) == ["The council met on Tuesday.", "The vote is next week."]
        assert draft.revisions.count() == 1
        assert not draft.events.filter(action="article.edit").exists()


@pytest.mark.django_db
class TestEditConflict:
    def test_the_second_of_two_saves_from_the_same_revision_is_refused(
        self, reporter, editor, draft
    ):
        """When two people edit the same revision, the second save raises EditConflict with
        the first person's revision, and the first person's text stays saved."""
        first = article_changes(draft, blocks=[("paragraph", "The reporter's version.")])
        second = article_changes(draft, blocks=[("paragraph", "The editor's version.")])
        services.article_update(article=draft, actor=reporter, changes=first, base_revision=1)

        with pytest.raises(EditConflict) as exc:
            services.article_update(article=draft, actor=editor, changes=second, base_revision=1)

        assert exc.value.revision.number == 2
        assert exc.value.revision.created_by == reporter
        # Saved text is typeset (services.base.typeset): the apostrophe is ’.
        assert [b["text"] for b in exc.value.revision.snapshot["blocks"]] == [
            "The reporter’s version."
        ]
        # The loser's words are still in their hands, to show side by side and save again.
        assert [b.text for b in second.blocks] == ["The editor's version."]
        draft.refresh_from_db()
        assert texts(draft) == ["The reporter’s version."]
        assert draft.revisions.count() == 2
        assert draft.events.filter(action="article.edit").count() == 1

    def test_saving_again_from_the_newer_revision_goes_through(self, reporter, editor, draft):
        """After seeing the conflict, saving from the newer revision is a deliberate overwrite."""
        first = article_changes(draft, blocks=[("paragraph", "The reporter's version.")])
        second = article_changes(draft, blocks=[("paragraph", "The editor's version.")])
        services.article_update(article=draft, actor=reporter, changes=first, base_revision=1)
        with pytest.raises(EditConflict) as exc:
            services.article_update(article=draft, actor=editor, changes=second, base_revision=1)
        services.article_update(
            article=draft, actor=editor, changes=second, base_revision=exc.value.revision.number
        )
        assert texts(draft) == ["The editor’s version."]
        assert draft.revisions.count() == 3


@pytest.mark.django_db
class TestWhoMayEdit:
    @pytest.fixture
    def in_review(self, colleague):
        article = ArticleFactory(created_by=colleague, status=Status.IN_REVIEW)
        article.bylines.all().delete()
        article.bylines.create(author=colleague.author, position=0)
        return article

    def test_a_copy_editor_changes_the_words_of_a_story_in_review(self, copy_editor, in_review):
        """A copy editor may fix the headline and the body of someone else's story in review."""
        changes = article_changes(
            in_review,
            headline="Council backs budget",
            blocks=[("paragraph", "The council met on Tuesday evening.")],
        )
        services.article_update(
            article=in_review, actor=copy_editor, changes=changes, base_revision=0
        )
        in_review.refresh_from_db()
        assert in_review.headline == "Council backs budget"
        assert texts(in_review) == ["The council met on Tuesday evening."]
        assert in_review.events.get(action="article.edit").actor == copy_editor

    def test_a_copy_editor_cannot_move_a_story_to_another_section(self, copy_editor, in_review):
        """Placement is an editor's decision: changing the section is refused, and the
        words changed in the same save are not kept either."""
        section = in_review.section
        changes = article_changes(
            in_review, headline="Council backs budget", section=SectionFactory(name="Opinion")
        )
        with pytest.raises(PermissionDenied, match="section"):
            services.article_update(
                article=in_review, actor=copy_editor, changes=changes, base_revision=0
            )
        in_review.refresh_from_db()
        assert in_review.section == section
        assert in_review.headline != "Council backs budget"
        assert not in_review.revisions.exists()

    def test_a_copy_editor_cannot_change_the_bylines(self, copy_editor, colleague, in_review):
        """Who wrote the story is not a copy edit: removing a byline is refused."""
        changes = article_changes(in_review, authors=[])
        with pytest.raises(PermissionDenied, match="ask an editor"):
            services.article_update(
                article=in_review, actor=copy_editor, changes=changes, base_revision=0
            )
        assert [b.author for b in in_review.bylines.all()] == [colleague.author]

    def test_a_copy_editor_cannot_take_over_the_byline(self, copy_editor, colleague, in_review):
        """Adding their own byline does not let a copy editor move someone else's story."""
        changes = article_changes(
            in_review, authors=[copy_editor.author], section=SectionFactory(name="Opinion")
        )
        with pytest.raises(PermissionDenied):
            services.article_update(
                article=in_review, actor=copy_editor, changes=changes, base_revision=0
            )
        in_review.refresh_from_db()
        assert [b.author for b in in_review.bylines.all()] == [colleague.author]

    def test_a_reporter_cannot_edit_a_colleagues_draft(self, reporter, colleague):
        """A reporter is refused an edit of a colleague's draft, and nothing changes."""
        article = ArticleFactory(created_by=colleague)
        before = texts(article)
        changes = article_changes(article, blocks=[("paragraph", "Rewritten.")])
        with pytest.raises(PermissionDenied):
            services.article_update(
                article=article, actor=reporter, changes=changes, base_revision=0
            )
        assert texts(article) == before
        assert not article.revisions.exists()

    @pytest.mark.parametrize("status", [Status.PUBLISHED, Status.UNPUBLISHED])
    @pytest.mark.parametrize("who", ["system", "editor", "admin", "reporter"])
    def test_nobody_edits_a_published_story(self, who, status, reporter, request):
        """A published (or unpublished) story changes only through a correction, so
        article_update refuses everyone, the story's own reporter and the system included."""
        actor = {
            "system": None,
            "reporter": reporter,
            "editor": request.getfixturevalue("editor"),
            "admin": user_with_role("admin"),
        }[who]
        article = ArticleFactory(created_by=reporter, status=status)
        changes = article_changes(article, blocks=[("paragraph", "Quietly changed.")])
        with pytest.raises(PermissionDenied):
            services.article_update(article=article, actor=actor, changes=changes, base_revision=0)
        assert "Quietly changed." not in texts(article)
        assert not ArticleEvent.objects.exists()


@pytest.mark.django_db
class TestRevisionRestore:
    def test_restoring_brings_back_old_blocks_as_a_new_revision(self, reporter, draft):
        """Restoring revision 1 puts its body back and records it as revision 3."""
        changes = article_changes(
            draft, headline="Rewritten", blocks=[("subheading", "New"), ("paragraph", "Other.")]
        )
        services.article_update(article=draft, actor=reporter, changes=changes, base_revision=1)
        original = draft.revisions.get(number=1)

        services.revision_restore(article=draft, revision=original, actor=reporter)

        draft.refresh_from_db()
        assert draft.headline == "Council votes on budget"
        assert texts(draft) == ["The council met on Tuesday.", "The vote is next week."]
        newest = draft.revisions.latest("number")
        assert newest.number == 3
        assert newest.message == "Restored revision 1"
        assert newest.snapshot["blocks"] == original.snapshot["blocks"]
        assert draft.revisions.get(number=2).snapshot["headline"] == "Rewritten"

    def test_restoring_is_refused_to_someone_who_may_not_edit(self, reporter, colleague, draft):
        """Restoring is an edit: a colleague may not restore the reporter's draft."""
        changes = article_changes(draft, blocks=[("paragraph", "Second version.")])
        services.article_update(article=draft, actor=reporter, changes=changes, base_revision=1)
        with pytest.raises(PermissionDenied):
            services.revision_restore(
                article=draft, revision=draft.revisions.get(number=1), actor=colleague
            )
        assert texts(draft) == ["Second version."]
        assert draft.revisions.count() == 2
