"""The editorial workflow (``articles.services.article_transition`` and its wrappers).

For each move, four things (STYLE.md §7): it works; an illegal move raises
``InvalidTransition``; an actor without permission gets ``PermissionDenied`` and nothing
changes; and the move leaves an ``ArticleEvent`` and a new ``Revision``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles import permissions, services
from articles.exceptions import InvalidTransition
from articles.models import Article, CorrectionNote
from tests.factories import ArticleFactory, CorrectionNoteFactory, PublishedArticleFactory

Status = Article.Status


def in_an_hour():
    return timezone.now() + timedelta(hours=1)


def assert_untouched(article: Article, status: str) -> None:
    """Nothing was half-done: same status, and no event, revision or comment written."""
    article.refresh_from_db()
    assert article.status == status
    assert not article.events.exists()
    assert not article.revisions.exists()
    assert not article.comments.exists()


def assert_logged(
    article: Article, *, move: tuple[str, str], actor, source: str, target: str, message: str = ""
):
    """The move left one event (named in ``permissions.MOVES``) and one new revision."""
    event = article.events.get()
    revision = article.revisions.get()
    assert event.action == permissions.MOVES[move].event
    assert event.actor == actor
    assert (event.from_status, event.to_status) == (source, target)
    assert event.message == message
    assert event.data["revision"] == revision.number == 1
    assert revision.created_by == actor
    assert revision.message == (message or permissions.MOVES[move].label)
    assert revision.snapshot["headline"] == article.headline
    return event


@pytest.mark.django_db
class TestSubmit:
    def test_a_reporter_submits_their_draft(self, reporter):
        """Submitting puts the reporter's draft in review."""
        article = ArticleFactory(created_by=reporter)
        result = services.article_submit(article=article, actor=reporter)
        assert result.status == Status.IN_REVIEW
        article.refresh_from_db()
        assert article.status == Status.IN_REVIEW

    def test_a_story_sent_back_can_be_resubmitted(self, reporter):
        """After changes were requested the reporter submits again."""
        article = ArticleFactory(created_by=reporter, status=Status.CHANGES_REQUESTED)
        services.article_submit(article=article, actor=reporter)
        article.refresh_from_db()
        assert article.status == Status.IN_REVIEW

    @pytest.mark.parametrize("status", [Status.APPROVED, Status.PUBLISHED, Status.IN_REVIEW])
    def test_illegal_move(self, editor, status):
        """An approved, published or already submitted story cannot be submitted."""
        article = ArticleFactory(status=status)
        with pytest.raises(InvalidTransition):
            services.article_submit(article=article, actor=editor)
        assert_untouched(article, status)

    @pytest.mark.parametrize("who", ["colleague", "copy_editor"])
    def test_refused_without_permission(self, reporter, who, request):
        """A colleague or a copy editor cannot submit the reporter's draft."""
        article = ArticleFactory(created_by=reporter)
        with pytest.raises(PermissionDenied):
            services.article_submit(article=article, actor=request.getfixturevalue(who))
        assert_untouched(article, Status.DRAFT)

    def test_logged(self, reporter):
        """The submission is in the audit log with its note, and a revision is kept."""
        article = ArticleFactory(created_by=reporter)
        services.article_submit(article=article, actor=reporter, comment="Ready for a read.")
        assert_logged(
            article,
            move=("*", Status.IN_REVIEW),
            actor=reporter,
            source=Status.DRAFT,
            target=Status.IN_REVIEW,
            message="Ready for a read.",
        )


@pytest.mark.django_db
class TestWithdrawFromReview:
    def test_a_reporter_withdraws_their_story(self, reporter):
        """A reporter can take their story back out of review."""
        article = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        services.article_transition(article=article, actor=reporter, to=Status.DRAFT)
        article.refresh_from_db()
        assert article.status == Status.DRAFT

    def test_illegal_move(self, reporter):
        """An approved story is not withdrawn to draft (changes must be requested instead)."""
        article = ArticleFactory(created_by=reporter, status=Status.APPROVED)
        with pytest.raises(InvalidTransition):
            services.article_transition(article=article, actor=reporter, to=Status.DRAFT)
        assert_untouched(article, Status.APPROVED)

    @pytest.mark.parametrize("who", ["colleague", "copy_editor"])
    def test_refused_without_permission(self, reporter, who, request):
        """Only the owner (or an editor) withdraws a story from review."""
        article = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        with pytest.raises(PermissionDenied):
            services.article_transition(
                article=article, actor=request.getfixturevalue(who), to=Status.DRAFT
            )
        assert_untouched(article, Status.IN_REVIEW)

    def test_logged(self, reporter):
        """The withdrawal is logged as such, not as a rejection."""
        article = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        services.article_transition(article=article, actor=reporter, to=Status.DRAFT)
        assert_logged(
            article,
            move=(Status.IN_REVIEW, Status.DRAFT),
            actor=reporter,
            source=Status.IN_REVIEW,
            target=Status.DRAFT,
        )


@pytest.mark.django_db
class TestRequestChanges:
    def test_an_editor_sends_a_story_back(self, editor, reporter):
        """Requesting changes returns the story to its reporter."""
        article = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        services.article_request_changes(article=article, actor=editor, comment="Source it.")
        article.refresh_from_db()
        assert article.status == Status.CHANGES_REQUESTED

    @pytest.mark.parametrize("comment", ["", "   "])
    def test_a_comment_is_required(self, editor, comment):
        """The reporter must be told what to change; a blank comment is refused."""
        article = ArticleFactory(status=Status.IN_REVIEW)
        with pytest.raises(InvalidTransition):
            services.article_request_changes(article=article, actor=editor, comment=comment)
        assert_untouched(article, Status.IN_REVIEW)

    def test_illegal_move(self, editor):
        """A draft nobody submitted cannot be sent back."""
        article = ArticleFactory(status=Status.DRAFT)
        with pytest.raises(InvalidTransition):
            services.article_request_changes(article=article, actor=editor, comment="No.")
        assert_untouched(article, Status.DRAFT)

    @pytest.mark.parametrize("who", ["reporter", "copy_editor"])
    def test_refused_without_permission(self, reporter, who, request):
        """Neither the reporter (on their own story) nor a copy editor can reject it."""
        article = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        with pytest.raises(PermissionDenied):
            services.article_request_changes(
                article=article, actor=request.getfixturevalue(who), comment="Fix it."
            )
        assert_untouched(article, Status.IN_REVIEW)

    def test_logged_and_the_comment_is_kept_for_the_reporter(self, editor, reporter):
        """The request is logged with its comment, which also becomes a review comment."""
        article = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        services.article_request_changes(
            article=article, actor=editor, comment="  Who said this?  "
        )
        assert_logged(
            article,
            move=("*", Status.CHANGES_REQUESTED),
            actor=editor,
            source=Status.IN_REVIEW,
            target=Status.CHANGES_REQUESTED,
            message="Who said this?",
        )
        comment = article.comments.get()
        assert (comment.author, comment.text, comment.revision_number) == (
            editor,
            "Who said this?",
            1,
        )


@pytest.mark.django_db
class TestApprove:
    def test_an_editor_approves(self, editor, reporter):
        """An editor approves a story in review."""
        article = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        services.article_approve(article=article, actor=editor)
        article.refresh_from_db()
        assert article.status == Status.APPROVED

    def test_illegal_move(self, editor):
        """A draft must go through review before it is approved."""
        article = ArticleFactory(status=Status.DRAFT)
        with pytest.raises(InvalidTransition):
            services.article_approve(article=article, actor=editor)
        assert_untouched(article, Status.DRAFT)

    @pytest.mark.parametrize("who", ["reporter", "copy_editor"])
    def test_refused_without_permission(self, reporter, who, request):
        """A reporter cannot approve their own story; a copy editor cannot approve any."""
        article = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        with pytest.raises(PermissionDenied):
            services.article_approve(article=article, actor=request.getfixturevalue(who))
        assert_untouched(article, Status.IN_REVIEW)

    def test_logged(self, editor):
        """The approval is logged and a revision kept."""
        article = ArticleFactory(status=Status.IN_REVIEW)
        services.article_approve(article=article, actor=editor, comment="Good to go.")
        event = assert_logged(
            article,
            move=(Status.IN_REVIEW, Status.APPROVED),
            actor=editor,
            source=Status.IN_REVIEW,
            target=Status.APPROVED,
            message="Good to go.",
        )
        assert "skipped_review" not in event.data


@pytest.mark.django_db
class TestSchedule:
    def test_an_editor_schedules_an_approved_story(self, editor):
        """Scheduling records the publication time and leaves the story unpublished."""
        article = ArticleFactory(status=Status.APPROVED)
        at = in_an_hour()
        services.article_schedule(article=article, actor=editor, at=at)
        article.refresh_from_db()
        assert article.status == Status.SCHEDULED
        assert article.scheduled_at == at
        assert article.first_published_at is None

    @pytest.mark.parametrize(
        "at",
        [None, timedelta(0), -timedelta(minutes=1)],
        ids=["missing", "now", "past"],
    )
    def test_the_time_must_be_in_the_future(self, editor, at):
        """A schedule without a time, or for now or the past, is refused."""
        article = ArticleFactory(status=Status.APPROVED)
        when = None if at is None else timezone.now() + at
        with pytest.raises(InvalidTransition, match="future"):
            services.article_transition(article=article, actor=editor, to=Status.SCHEDULED, at=when)
        assert_untouched(article, Status.APPROVED)
        assert article.scheduled_at is None

    def test_illegal_move(self, editor):
        """A published story cannot be scheduled again."""
        article = PublishedArticleFactory()
        with pytest.raises(InvalidTransition):
            services.article_schedule(article=article, actor=editor, at=in_an_hour())
        assert_untouched(article, Status.PUBLISHED)

    @pytest.mark.parametrize("who", ["reporter", "copy_editor"])
    def test_refused_without_permission(self, reporter, who, request):
        """Only editors schedule, even the reporter's own approved story."""
        article = ArticleFactory(created_by=reporter, status=Status.APPROVED)
        with pytest.raises(PermissionDenied):
            services.article_schedule(
                article=article, actor=request.getfixturevalue(who), at=in_an_hour()
            )
        assert_untouched(article, Status.APPROVED)

    def test_logged(self, editor):
        """The log records the chosen time."""
        article = ArticleFactory(status=Status.APPROVED)
        at = in_an_hour()
        services.article_schedule(article=article, actor=editor, at=at)
        event = assert_logged(
            article,
            move=("*", Status.SCHEDULED),
            actor=editor,
            source=Status.APPROVED,
            target=Status.SCHEDULED,
        )
        assert event.data["scheduled_at"] == at.isoformat()
        assert "skipped_review" not in event.data

    def test_scheduling_a_draft_records_that_review_was_skipped(self, editor):
        """An editor may schedule a draft directly; the log says review was skipped."""
        article = ArticleFactory(status=Status.DRAFT)
        services.article_schedule(article=article, actor=editor, at=in_an_hour())
        assert article.events.get().data["skipped_review"] is True

    def test_a_scheduled_story_is_hidden_from_readers_until_its_time(self, editor, client):
        """Before its time a scheduled story is not published: not listed, and its page 404s."""
        article = ArticleFactory(status=Status.APPROVED)
        services.article_schedule(article=article, actor=editor, at=in_an_hour())
        live = PublishedArticleFactory()
        assert list(Article.objects.published()) == [live]
        assert not Article.objects.due().exists()
        assert client.get(article.get_absolute_url()).status_code == 404
        assert client.get(live.get_absolute_url()).status_code == 200


@pytest.mark.django_db
class TestUnschedule:
    def test_an_editor_unschedules(self, editor):
        """Unscheduling returns the story to approved and forgets the time."""
        article = ArticleFactory(status=Status.SCHEDULED, scheduled_at=in_an_hour())
        services.article_transition(article=article, actor=editor, to=Status.APPROVED)
        article.refresh_from_db()
        assert article.status == Status.APPROVED
        assert article.scheduled_at is None

    def test_illegal_move(self, editor):
        """A scheduled story does not drop straight back to draft."""
        article = ArticleFactory(status=Status.SCHEDULED, scheduled_at=in_an_hour())
        with pytest.raises(InvalidTransition):
            services.article_transition(article=article, actor=editor, to=Status.DRAFT)
        assert_untouched(article, Status.SCHEDULED)

    @pytest.mark.parametrize("who", ["reporter", "copy_editor"])
    def test_refused_without_permission(self, reporter, who, request):
        """Only editors unschedule."""
        at = in_an_hour()
        article = ArticleFactory(created_by=reporter, status=Status.SCHEDULED, scheduled_at=at)
        with pytest.raises(PermissionDenied):
            services.article_transition(
                article=article, actor=request.getfixturevalue(who), to=Status.APPROVED
            )
        assert_untouched(article, Status.SCHEDULED)
        assert article.scheduled_at == at

    def test_logged(self, editor):
        """Unscheduling is logged under its own name."""
        article = ArticleFactory(status=Status.SCHEDULED, scheduled_at=in_an_hour())
        services.article_transition(article=article, actor=editor, to=Status.APPROVED)
        assert_logged(
            article,
            move=(Status.SCHEDULED, Status.APPROVED),
            actor=editor,
            source=Status.SCHEDULED,
            target=Status.APPROVED,
        )


@pytest.mark.django_db
class TestPublish:
    def test_an_editor_publishes_an_approved_story(self, editor):
        """Publishing makes the story public now."""
        article = ArticleFactory(status=Status.APPROVED)
        before = timezone.now()
        services.article_publish(article=article, actor=editor)
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert before <= article.first_published_at <= timezone.now()
        assert article.updated_at == article.first_published_at
        assert list(Article.objects.published()) == [article]

    def test_publishing_a_scheduled_story_now_clears_the_schedule(self, editor):
        """ "Publish now" on a scheduled story publishes it at once and drops the old time."""
        article = ArticleFactory(status=Status.SCHEDULED, scheduled_at=in_an_hour())
        services.article_publish(article=article, actor=editor)
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.scheduled_at is None
        assert article.first_published_at <= timezone.now()

    def test_publishing_a_draft_records_that_review_was_skipped(self, editor):
        """An editor may publish a draft directly; the log says review was skipped."""
        article = ArticleFactory(status=Status.DRAFT)
        services.article_publish(article=article, actor=editor)
        event = article.events.get()
        assert event.action == "article.publish"
        assert event.data["skipped_review"] is True

    def test_pending_correction_notes_go_public_with_the_story(self, editor):
        """Notes written before publication are published with the story."""
        article = ArticleFactory(status=Status.APPROVED)
        note = CorrectionNoteFactory(article=article, published_at=None)
        assert not CorrectionNote.objects.public().exists()
        services.article_publish(article=article, actor=editor)
        note.refresh_from_db()
        article.refresh_from_db()
        assert note.published_at == article.first_published_at
        assert list(CorrectionNote.objects.public()) == [note]

    def test_illegal_move(self, editor):
        """A story sent back for changes cannot be published until it is fixed and resubmitted."""
        article = ArticleFactory(status=Status.CHANGES_REQUESTED)
        with pytest.raises(InvalidTransition):
            services.article_publish(article=article, actor=editor)
        assert_untouched(article, Status.CHANGES_REQUESTED)

    @pytest.mark.parametrize("who", ["reporter", "copy_editor"])
    def test_refused_without_permission(self, reporter, who, request):
        """Only editors publish, even the reporter's own approved story."""
        article = ArticleFactory(created_by=reporter, status=Status.APPROVED)
        with pytest.raises(PermissionDenied):
            services.article_publish(article=article, actor=request.getfixturevalue(who))
        assert_untouched(article, Status.APPROVED)
        assert article.first_published_at is None

    def test_logged(self, editor):
        """The publication is logged, without a skipped-review flag when it was approved."""
        article = ArticleFactory(status=Status.APPROVED)
        services.article_publish(article=article, actor=editor)
        event = assert_logged(
            article,
            move=("*", Status.PUBLISHED),
            actor=editor,
            source=Status.APPROVED,
            target=Status.PUBLISHED,
        )
        assert "skipped_review" not in event.data


@pytest.mark.django_db
class TestUnpublish:
    def test_an_editor_unpublishes(self, editor, client):
        """Unpublishing takes the story off the site but keeps its first publication time."""
        article = PublishedArticleFactory()
        first = article.first_published_at
        services.article_unpublish(article=article, actor=editor, comment="Legal hold.")
        article.refresh_from_db()
        assert article.status == Status.UNPUBLISHED
        assert article.first_published_at == first
        assert not Article.objects.published().exists()
        assert client.get(article.get_absolute_url()).status_code == 410

    @pytest.mark.parametrize("comment", ["", "  "])
    def test_a_reason_is_required(self, editor, comment):
        """Taking a story down needs a reason on record."""
        article = PublishedArticleFactory()
        with pytest.raises(InvalidTransition):
            services.article_unpublish(article=article, actor=editor, comment=comment)
        assert_untouched(article, Status.PUBLISHED)

    def test_illegal_move(self, editor):
        """A draft was never published, so it cannot be unpublished."""
        article = ArticleFactory(status=Status.DRAFT)
        with pytest.raises(InvalidTransition):
            services.article_unpublish(article=article, actor=editor, comment="Oops.")
        assert_untouched(article, Status.DRAFT)

    @pytest.mark.parametrize("who", ["reporter", "copy_editor"])
    def test_refused_without_permission(self, reporter, who, request):
        """A reporter cannot take down even their own published story."""
        article = PublishedArticleFactory(created_by=reporter)
        with pytest.raises(PermissionDenied):
            services.article_unpublish(
                article=article, actor=request.getfixturevalue(who), comment="Please."
            )
        assert_untouched(article, Status.PUBLISHED)

    def test_logged_with_the_reason(self, editor):
        """The reason is in the log and in the review comments."""
        article = PublishedArticleFactory()
        services.article_unpublish(article=article, actor=editor, comment="Legal hold.")
        assert_logged(
            article,
            move=("*", Status.UNPUBLISHED),
            actor=editor,
            source=Status.PUBLISHED,
            target=Status.UNPUBLISHED,
            message="Legal hold.",
        )
        assert article.comments.get().text == "Legal hold."


@pytest.mark.django_db
class TestRepublish:
    def test_republishing_keeps_the_first_publication_time(self, editor):
        """A republished story keeps the date it first went out."""
        article = PublishedArticleFactory()
        first = article.first_published_at
        services.article_unpublish(article=article, actor=editor, comment="Legal hold.")
        services.article_publish(article=article, actor=editor)
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.first_published_at == first
        assert list(Article.objects.published()) == [article]

    def test_illegal_move(self, editor):
        """An unpublished story goes back to draft or out again, not to approved."""
        article = ArticleFactory(status=Status.UNPUBLISHED)
        with pytest.raises(InvalidTransition):
            services.article_approve(article=article, actor=editor)
        assert_untouched(article, Status.UNPUBLISHED)

    @pytest.mark.parametrize("who", ["reporter", "copy_editor"])
    def test_refused_without_permission(self, reporter, who, request):
        """Only editors put a story back up."""
        article = ArticleFactory(
            created_by=reporter,
            status=Status.UNPUBLISHED,
            first_published_at=timezone.now() - timedelta(days=1),
        )
        with pytest.raises(PermissionDenied):
            services.article_publish(article=article, actor=request.getfixturevalue(who))
        assert_untouched(article, Status.UNPUBLISHED)

    def test_logged(self, editor):
        """Republishing is logged as a republish, not a first publication."""
        article = ArticleFactory(
            status=Status.UNPUBLISHED, first_published_at=timezone.now() - timedelta(days=1)
        )
        services.article_publish(article=article, actor=editor)
        event = assert_logged(
            article,
            move=(Status.UNPUBLISHED, Status.PUBLISHED),
            actor=editor,
            source=Status.UNPUBLISHED,
            target=Status.PUBLISHED,
        )
        assert "skipped_review" not in event.data


NOT_READY = {
    "no byline": ({"bylines": 0}, "It needs at least one byline."),
    "no paragraph": (
        {"blocks": [("subheading", "What happens next")]},
        "It needs at least one paragraph.",
    ),
    "no headline": ({"headline": ""}, "It needs a headline."),
    "lead image without alt text": (
        {"lead_image": "lead/2026/01/council.jpg", "lead_image_alt": ""},
        "The lead image needs alt text.",
    ),
}


@pytest.mark.django_db
class TestReadiness:
    @pytest.mark.parametrize("case", list(NOT_READY))
    def test_an_incomplete_story_cannot_be_submitted(self, reporter, case):
        """Submitting an incomplete story says what is missing and changes nothing."""
        fields, problem = NOT_READY[case]
        article = ArticleFactory(created_by=reporter, **fields)
        with pytest.raises(InvalidTransition) as exc:
            services.article_submit(article=article, actor=reporter)
        assert exc.value.messages == [problem]
        assert_untouched(article, Status.DRAFT)

    @pytest.mark.parametrize("case", list(NOT_READY))
    @pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED])
    def test_an_incomplete_story_cannot_be_published(self, editor, case, status):
        """Publishing an incomplete story says what is missing and changes nothing."""
        fields, problem = NOT_READY[case]
        article = ArticleFactory(status=status, **fields)
        note = CorrectionNoteFactory(article=article, published_at=None, paragraphs=[])
        with pytest.raises(InvalidTransition) as exc:
            services.article_publish(article=article, actor=editor)
        assert exc.value.messages == [problem]
        assert_untouched(article, status)
        assert article.first_published_at is None
        note.refresh_from_db()
        assert note.published_at is None

    def test_every_problem_is_listed_at_once(self, editor):
        """The editor sees every missing piece in one go, not one per attempt."""
        article = ArticleFactory(
            headline="",
            bylines=0,
            blocks=[],
            lead_image="lead/2026/01/council.jpg",
            lead_image_alt="  ",
        )
        with pytest.raises(InvalidTransition) as exc:
            services.article_publish(article=article, actor=editor)
        assert exc.value.messages == [
            "It needs a headline.",
            "It needs at least one byline.",
            "It needs at least one paragraph.",
            "The lead image needs alt text.",
        ]
        assert_untouched(article, Status.DRAFT)

    def test_a_block_quote_counts_as_a_paragraph(self, reporter):
        """A story whose only numbered block is a quote has a paragraph and can be submitted."""
        article = ArticleFactory(created_by=reporter, blocks=[("blockquote", "We will.")])
        services.article_submit(article=article, actor=reporter)
        article.refresh_from_db()
        assert article.status == Status.IN_REVIEW
