"""Who is told of what: the real workflow services, their audit events and the notifications
the dispatcher writes from them (``notifications.kinds``)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleEvent
from notifications import dispatch, kinds
from notifications.models import Notification
from tests.factories import ArticleFactory, PublishedArticleFactory
from tests.helpers import correct_headline, user_with_role
from tests.notifications.conftest import at, bylined

pytestmark = pytest.mark.django_db
Status = Article.Status


def told(article: Article) -> list[tuple[str, str, str | None]]:
    """(recipient, kind, actor) for each notification about ``article``, sorted."""
    return sorted(
        (n.recipient.username, n.kind, n.actor.username if n.actor else None)
        for n in Notification.objects.filter(article=article).select_related("recipient", "actor")
    )


class TestSubmitted:
    def test_every_editor_is_told_once_and_the_submitter_not_at_all(
        self, story, reporter, editor, second_editor, copy_editor, superuser, run_on_commit
    ):
        """A submission tells each editor (and the admin) once; the reporter who submitted
        it and the copy editor, who reviews nothing, are not told."""
        with run_on_commit():
            services.article_submit(article=story, actor=reporter)

        assert told(story) == [
            ("admin", "submitted", "rita"),
            ("ed", "submitted", "rita"),
            ("eve", "submitted", "rita"),
        ]

    def test_an_editor_who_submits_is_not_told_of_their_own_submission(
        self, editor, second_editor, run_on_commit
    ):
        """Never told of one's own action: the other editor is."""
        article = bylined(ArticleFactory(created_by=editor), editor)
        with run_on_commit():
            services.article_submit(article=article, actor=editor)

        assert told(article) == [("eve", "submitted", "ed")]

    def test_an_editor_with_a_byline_on_the_story_is_told_once(
        self, story, reporter, editor, second_editor, run_on_commit
    ):
        """Eve is an editor and shares the byline: one notification, not two."""
        bylined(story, reporter, second_editor)
        with run_on_commit():
            services.article_submit(article=story, actor=reporter)

        assert told(story) == [("ed", "submitted", "rita"), ("eve", "submitted", "rita")]

    def test_someone_in_both_audiences_of_a_kind_is_told_once(
        self, story, reporter, editor, second_editor, monkeypatch, run_on_commit
    ):
        """A kind told to editors and bylines alike tells an editor on the byline once."""
        both = kinds.Kind(
            key="approved",
            label="Approved",
            actions=("article.approve",),
            recipients=(kinds.EDITORS, kinds.BYLINES),
            default_delivery=kinds.DESK,
            message="{actor} approved “{headline}”.",
            help_text="",
        )
        monkeypatch.setitem(kinds.BY_ACTION, "article.approve", both)
        bylined(story, reporter, second_editor)
        at(story, Status.IN_REVIEW)
        with run_on_commit():
            services.article_approve(article=story, actor=editor)

        assert told(story) == [("eve", "approved", "ed"), ("rita", "approved", "ed")]


class TestBylinesAreTold:
    def test_changes_requested_tells_the_reporter_with_the_editor_as_actor(
        self, story, reporter, editor, second_editor, run_on_commit
    ):
        """The bylined reporter hears from the editor who sent it back, with the comment;
        the other editor is not told."""
        at(story, Status.IN_REVIEW)
        with run_on_commit():
            services.article_request_changes(
                article=story, actor=editor, comment="Source the second quote."
            )

        assert told(story) == [("rita", "changes_requested", "ed")]
        notification = Notification.objects.get()
        assert notification.comment == "Source the second quote."
        assert notification.event.action == "article.request_changes"
        assert notification.summary == f"ed asked for changes to “{story.headline}”."

    def test_every_byline_is_told_but_not_an_unlinked_freelancer(
        self, story, reporter, editor, run_on_commit
    ):
        """Two reporters share the byline with a freelancer who has no desk account: both
        reporters are told; the freelancer, having no account, cannot be."""
        colleague = user_with_role("reporter", "colin")
        bylined(story, reporter, colleague)
        from tests.factories import AuthorFactory

        story.bylines.create(author=AuthorFactory(), position=5)
        at(story, Status.IN_REVIEW)
        with run_on_commit():
            services.article_approve(article=story, actor=editor)

        assert told(story) == [("colin", "approved", "ed"), ("rita", "approved", "ed")]

    @pytest.mark.parametrize(
        ("kind", "start", "act"),
        [
            (
                "approved",
                Status.IN_REVIEW,
                lambda a, ed: services.article_approve(article=a, actor=ed),
            ),
            (
                "published",
                Status.APPROVED,
                lambda a, ed: services.article_publish(article=a, actor=ed),
            ),
            (
                "scheduled",
                Status.APPROVED,
                lambda a, ed: services.article_schedule(
                    article=a, actor=ed, at=timezone.now() + timedelta(days=1)
                ),
            ),
        ],
    )
    def test_each_move_tells_the_bylines(
        self, story, reporter, editor, second_editor, run_on_commit, kind, start, act
    ):
        """Approve, publish, schedule: the byline is told, by the editor who did it."""
        at(story, start)
        with run_on_commit():
            act(story, editor)

        assert told(story) == [("rita", kind, "ed")]

    def test_a_correction_tells_the_bylines(self, reporter, editor, run_on_commit):
        """A correction to a live story tells its byline."""
        article = bylined(PublishedArticleFactory(), reporter)
        with run_on_commit():
            correct_headline(article, editor, headline="Council votes on the budget", note="Fix.")

        assert told(article) == [("rita", "corrected", "ed")]

    def test_a_retraction_tells_the_bylines_with_the_notice(self, reporter, editor, run_on_commit):
        """A retraction tells its byline, and carries the retraction notice."""
        article = bylined(PublishedArticleFactory(), reporter)
        with run_on_commit():
            services.article_retract(
                article=article, actor=editor, comment="The documents were forged."
            )

        assert told(article) == [("rita", "retracted", "ed")]
        assert Notification.objects.get().comment == "The documents were forged."

    def test_the_scheduler_publishing_a_story_tells_its_bylines(self, reporter, run_on_commit):
        """When a scheduled story's time comes the scheduler (no actor) publishes it, and
        its byline is told that the newsroom published it."""
        article = bylined(
            ArticleFactory(
                status=Status.SCHEDULED, scheduled_at=timezone.now() - timedelta(minutes=5)
            ),
            reporter,
        )
        with run_on_commit():
            published, failures = services.article_publish_due()

        assert (published, failures) == ([article], [])
        assert told(article) == [("rita", "published", None)]
        assert Notification.objects.get().summary.startswith(kinds.SYSTEM_ACTOR)

    def test_moves_no_kind_names_tell_nobody(self, story, reporter, editor, run_on_commit):
        """Withdrawing from review, unpublishing, editing: no kind, nobody told."""
        at(story, Status.IN_REVIEW)
        with run_on_commit():
            services.article_transition(article=story, actor=reporter, to=Status.DRAFT)
        published = bylined(PublishedArticleFactory(), reporter)
        with run_on_commit():
            services.article_unpublish(article=published, actor=editor, comment="Legal hold.")

        assert Notification.objects.count() == 0


class TestDispatch:
    def test_a_retried_dispatch_tells_nobody_twice(self, story, reporter, editor, run_on_commit):
        """The same event dispatched again (a retry) writes no second notification."""
        with run_on_commit():
            services.article_submit(article=story, actor=reporter)
        event = ArticleEvent.objects.get(action="article.submit")

        with run_on_commit():
            dispatch.on_article_changed(action=event.action, event_id=event.pk)
            dispatch.notify(event_id=event.pk)

        assert told(story) == [("ed", "submitted", "rita")]

    def test_an_action_no_kind_names_costs_no_query(self, django_assert_num_queries):
        """Most writes (an edit, a review comment) notify nobody and ask the database
        nothing."""
        with django_assert_num_queries(0):
            dispatch.on_article_changed(action="article.update", event_id=1, public=False)

    def test_a_failing_dispatch_never_fails_the_editors_action(
        self, story, reporter, editor, monkeypatch, caplog, run_on_commit
    ):
        """The submission stands and the failure is logged when notifying breaks."""

        def broken(**kwargs):
            raise RuntimeError("database hiccup")

        monkeypatch.setattr(dispatch, "notify", broken)
        with caplog.at_level(logging.ERROR, logger="newsroom.notifications"), run_on_commit():
            services.article_submit(article=story, actor=reporter)

        story.refresh_from_db()
        assert story.status == Status.IN_REVIEW
        assert Notification.objects.count() == 0
        assert "Could not notify anyone" in caplog.text

    def test_inactive_and_non_desk_people_are_not_told(self, story, reporter, run_on_commit):
        """An editor whose account is switched off, and a byline whose account has no desk
        access any more, are not told."""
        gone = user_with_role("editor", "gone")
        gone.is_active = False
        gone.save()
        partner = user_with_role("reporter", "pat")
        partner.groups.clear()
        bylined(story, reporter, partner)
        with run_on_commit():
            services.article_submit(article=story, actor=reporter)

        assert told(story) == []

    def test_notification_is_dated_like_its_event(self, story, reporter, editor, run_on_commit):
        with run_on_commit():
            services.article_submit(article=story, actor=reporter)

        notification = Notification.objects.get()
        assert notification.created_at == notification.event.created_at
        assert notification.read_at is None


def test_every_kind_is_produced_by_an_action_the_services_write():
    """Each kind's actions are audit actions the workflow writes (the moves' events, the
    correction service's), so no kind waits on an event that never comes."""
    from articles.permissions import MOVES
    from articles.services.workflow import article_publish_due  # noqa: F401

    written = {move.event for move in MOVES.values()} | {
        "article.correct",
        "article.publish.scheduled",
    }
    for kind in kinds.KINDS:
        assert set(kind.actions) <= written, kind.key
        assert kind.default_delivery in {kinds.EMAIL, kinds.DESK}
        assert set(kind.recipients) <= {kinds.EDITORS, kinds.BYLINES}
        assert kind.summary(actor="ed", headline="H")
    assert len(kinds.BY_ACTION) == sum(len(k.actions) for k in kinds.KINDS)


@pytest.mark.parametrize("editors", [1, 10])
def test_dispatch_costs_the_same_however_many_are_told(
    story, reporter, django_assert_num_queries, editors
):
    """The event, the recipients, their preferences, one insert and the mails due (plus the
    transaction's savepoint and release): the same for one editor as for ten."""
    for i in range(editors):
        user_with_role("editor", f"editor{i}")
    services.article_submit(article=story, actor=reporter)
    event = ArticleEvent.objects.get(action="article.submit")

    with django_assert_num_queries(7):
        dispatch.notify(event_id=event.pk)

    assert Notification.objects.count() == editors
