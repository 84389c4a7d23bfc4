"""The per-article rules in ``articles.permissions``: who may move or edit which article."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from articles import permissions
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

Status = Article.Status


class TestMoves:
    @pytest.mark.parametrize(
        ("source", "target"),
        [(s, t) for s, targets in Article.TRANSITIONS.items() for t in sorted(targets)],
    )
    def test_every_allowed_transition_has_a_move(self, source, target):
        """Each move in Article.TRANSITIONS has a permission, a button label and a log name."""
        step = permissions.move(source, target)
        assert step.permission.startswith("articles.")
        assert step.label
        assert step.event.startswith("article.")

    @pytest.mark.parametrize(
        ("source", "target", "event"),
        [
            (Status.DRAFT, Status.IN_REVIEW, "article.submit"),
            (Status.CHANGES_REQUESTED, Status.IN_REVIEW, "article.submit"),
            (Status.IN_REVIEW, Status.DRAFT, "article.withdraw_review"),
            (Status.IN_REVIEW, Status.CHANGES_REQUESTED, "article.request_changes"),
            (Status.IN_REVIEW, Status.APPROVED, "article.approve"),
            (Status.APPROVED, Status.SCHEDULED, "article.schedule"),
            (Status.SCHEDULED, Status.APPROVED, "article.unschedule"),
            (Status.APPROVED, Status.PUBLISHED, "article.publish"),
            (Status.PUBLISHED, Status.UNPUBLISHED, "article.unpublish"),
            (Status.UNPUBLISHED, Status.PUBLISHED, "article.republish"),
        ],
    )
    def test_moves_are_logged_under_their_own_names(self, source, target, event):
        """The audit log tells a republish from a publish and a withdrawal from a rejection."""
        assert permissions.move(source, target).event == event


@pytest.mark.django_db
class TestIsOwn:
    def test_the_reporter_who_started_it(self, reporter):
        """Starting an article makes it yours."""
        assert permissions.is_own(reporter, ArticleFactory(created_by=reporter))

    def test_a_bylined_reporter(self, reporter, colleague):
        """A byline makes a colleague's article yours too."""
        article = ArticleFactory(created_by=colleague)
        article.bylines.create(author=reporter.author, position=5)
        assert permissions.is_own(reporter, article)

    def test_someone_elses_article(self, reporter, colleague):
        """Neither starting it nor a byline: not yours."""
        assert not permissions.is_own(reporter, ArticleFactory(created_by=colleague))

    def test_anonymous(self):
        """An anonymous visitor owns nothing, even an article with no creator."""
        assert not permissions.is_own(AnonymousUser(), ArticleFactory(created_by=None))


@pytest.mark.django_db
class TestCanTake:
    def test_the_system_takes_any_allowed_move(self):
        """A management command (actor None) is not held back by permissions."""
        article = ArticleFactory(status=Status.SCHEDULED)
        assert permissions.can_take(None, article, Status.PUBLISHED)

    @pytest.mark.parametrize("actor", ["system", "admin"])
    def test_nobody_takes_a_move_that_does_not_exist(self, actor, admin):
        """An illegal move is refused even to an admin or the system."""
        article = ArticleFactory(status=Status.PUBLISHED)
        assert not permissions.can_take(
            None if actor == "system" else admin, article, Status.APPROVED
        )

    def test_an_editor_submits_a_reporters_draft(self, editor, colleague):
        """Editors may move someone else's draft to review."""
        assert permissions.can_take(editor, ArticleFactory(created_by=colleague), Status.IN_REVIEW)


def _moves(user, article) -> list[tuple[str, str]]:
    return [(target, move.label) for target, move in permissions.available_moves(user, article)]


@pytest.mark.django_db
class TestAvailableMoves:
    def test_reporter_on_own_draft(self, reporter):
        """A reporter's draft offers only "Submit for review"."""
        article = ArticleFactory(created_by=reporter)
        assert _moves(reporter, article) == [(Status.IN_REVIEW, "Submit for review")]

    def test_reporter_on_own_story_in_review(self, reporter):
        """In review, the reporter may only withdraw it."""
        article = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        assert _moves(reporter, article) == [(Status.DRAFT, "Withdraw from review")]

    def test_copy_editor_on_a_story_in_review(self, copy_editor, colleague):
        """A copy editor gets no workflow buttons."""
        article = ArticleFactory(created_by=colleague, status=Status.IN_REVIEW)
        assert _moves(copy_editor, article) == []

    def test_editor_on_a_story_in_review(self, editor, colleague):
        """An editor sees every move out of review, in workflow order."""
        article = ArticleFactory(created_by=colleague, status=Status.IN_REVIEW)
        assert _moves(editor, article) == [
            (Status.DRAFT, "Withdraw from review"),
            (Status.CHANGES_REQUESTED, "Request changes"),
            (Status.APPROVED, "Approve"),
            (Status.SCHEDULED, "Schedule"),
            (Status.PUBLISHED, "Publish now"),
        ]

    def test_editor_on_a_published_story(self, editor):
        """A published story can only be unpublished or retracted."""
        article = ArticleFactory(status=Status.PUBLISHED)
        assert _moves(editor, article) == [
            (Status.UNPUBLISHED, "Unpublish"),
            (Status.RETRACTED, "Retract"),
        ]

    def test_editor_on_an_unpublished_story(self, editor):
        """An unpublished story can only be republished as it was: readers saw it, so it
        never becomes an editable draft again."""
        article = ArticleFactory(status=Status.UNPUBLISHED)
        assert _moves(editor, article) == [(Status.PUBLISHED, "Republish")]


@pytest.mark.django_db
class TestCanEdit:
    @pytest.mark.parametrize("status", Status.values)
    @pytest.mark.parametrize("who", ["system", "admin", "editor"])
    def test_nobody_edits_a_published_or_unpublished_story(self, who, status, request):
        """Editors, admins and the system edit anything except stories readers saw
        (published, unpublished, retracted), which change only through a correction."""
        actor = None if who == "system" else request.getfixturevalue(who)
        article = ArticleFactory(status=status)
        expected = status not in {Status.PUBLISHED, Status.UNPUBLISHED, Status.RETRACTED}
        assert permissions.can_edit(actor, article) is expected

    @pytest.mark.parametrize("status", Status.values)
    def test_a_reporter_edits_own_drafts_and_returned_stories_only(self, reporter, status):
        """A reporter edits their own draft or a story sent back to them, nothing further on."""
        article = ArticleFactory(created_by=reporter, status=status)
        expected = status in {Status.DRAFT, Status.CHANGES_REQUESTED}
        assert permissions.can_edit(reporter, article) is expected

    @pytest.mark.parametrize("status", Status.values)
    def test_a_reporter_never_edits_a_colleagues_story(self, reporter, colleague, status):
        """A colleague's article is closed to a reporter whatever its state."""
        article = ArticleFactory(created_by=colleague, status=status)
        assert not permissions.can_edit(reporter, article)

    @pytest.mark.parametrize("status", Status.values)
    def test_a_copy_editor_edits_stories_in_review(self, copy_editor, colleague, status):
        """A copy editor works on what is in review, not on drafts or approved stories."""
        article = ArticleFactory(created_by=colleague, status=status)
        assert permissions.can_edit(copy_editor, article) is (status == Status.IN_REVIEW)

    def test_a_bylined_author_without_an_account_role_cannot_edit(self):
        """A byline on an account with no role gives no editing right."""
        user = UserFactory()
        article = ArticleFactory()
        article.bylines.create(author=AuthorFactory(user=user), position=5)
        assert permissions.is_own(user, article)
        assert not permissions.can_edit(user, article)
