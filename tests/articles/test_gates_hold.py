"""The gates hold at every moment (issue 8): what a person was checked for when scheduling,
the scheduler checks again when the story falls due; a retraction needs only the retract
permission; each move's side rules are data the service, forms and pages read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import permissions, services
from articles.exceptions import EditorialPermissionDenied
from articles.models import Article, CorrectionNote
from tests.factories import ArticleFactory, AttributionFactory, SourceFactory, article_changes
from tests.helpers import user_with

Status = Article.Status
QUOTE = "“We will rebuild the bridge,” the mayor said."
PLAIN = "The council met on Tuesday."


def _schedule(article: Article, editor, **kwargs) -> Article:
    return services.article_schedule(
        article=article, actor=editor, at=timezone.now() + timedelta(minutes=5), **kwargs
    )


def _due(article: Article) -> tuple[list[Article], list[str]]:
    """Run the scheduler as if ten minutes had passed."""
    return services.article_publish_due(now=timezone.now() + timedelta(minutes=10))


@pytest.mark.django_db
class TestSchedulerRechecksTheQuoteGate:
    def test_a_quote_added_after_scheduling_holds_the_story_back(self, editor):
        """An editor schedules a clean story, then adds an unattributed quote while it is
        scheduled: the scheduler does not publish it past the gate."""
        article = ArticleFactory(status=Status.APPROVED, blocks=[("paragraph", PLAIN)])
        _schedule(article, editor)
        article.refresh_from_db()
        services.article_update(
            article=article,
            actor=editor,
            changes=article_changes(article, blocks=[("paragraph", PLAIN), ("paragraph", QUOTE)]),
            base_revision=services.latest_revision_number(article),
        )
        published, failures = _due(article)
        article.refresh_from_db()
        assert published == []
        assert article.status == Status.APPROVED
        assert article.first_published_at is None
        assert "direct quote" in article.held_reason
        assert failures and article.slug in failures[0]
        held = article.events.get(action="article.publish.held")
        assert held.actor is None
        assert (held.from_status, held.to_status) == (Status.SCHEDULED, Status.APPROVED)
        assert not Article.objects.published().filter(pk=article.pk).exists()

    def test_the_override_given_when_scheduling_covers_the_quotes_it_named(self, editor):
        """An editor who scheduled past the gate with a reason is held to that decision: the
        same quotes go out, and the log says on whose reason."""
        article = ArticleFactory(status=Status.APPROVED, blocks=[("paragraph", QUOTE)])
        _schedule(article, editor, override_reason="Confirmed with the mayor's office.")
        published, failures = _due(article)
        article.refresh_from_db()
        assert failures == []
        assert published == [article]
        assert article.status == Status.PUBLISHED
        event = article.events.get(action="article.publish.scheduled")
        override = event.data["unattributed_override"]
        assert override["reason"] == (
            "Given when it was scheduled: Confirmed with the mayor's office."
        )
        assert override["quotes"][0]["paragraph"] == 1

    def test_an_override_does_not_cover_a_quote_added_later(self, editor):
        article = ArticleFactory(status=Status.APPROVED, blocks=[("paragraph", QUOTE)])
        _schedule(article, editor, override_reason="Confirmed.")
        article.refresh_from_db()
        second = "“It is overdue,” the engineer said."
        services.article_update(
            article=article,
            actor=editor,
            changes=article_changes(article, blocks=[("paragraph", QUOTE), ("paragraph", second)]),
            base_revision=services.latest_revision_number(article),
        )
        published, _failures = _due(article)
        article.refresh_from_db()
        assert published == []
        assert article.status == Status.APPROVED

    def test_attributed_quotes_go_out(self, editor):
        article = ArticleFactory(status=Status.APPROVED, blocks=[("paragraph", QUOTE)])
        AttributionFactory(
            article=article,
            source=SourceFactory(name="Mayor Ruiz"),
            kind="quote",
            text="We will rebuild the bridge,",
            paragraph=1,
        )
        _schedule(article, editor)
        published, _failures = _due(article)
        assert published == [article]

    def test_the_next_move_clears_the_hold(self, editor):
        article = ArticleFactory(status=Status.APPROVED, held_reason="It needs a byline.")
        services.article_request_changes(article=article, actor=editor, comment="Add a byline.")
        article.refresh_from_db()
        assert article.held_reason == ""


@pytest.mark.django_db
class TestRetractionNeedsOnlyTheRetractPermission:
    def test_retract_without_correct_permission(self):
        """Retracting publishes its notice as part of the move: ``retract_article`` (with the
        desk) is enough; issuing other corrections is not needed."""
        retractor = user_with("articles.use_desk", "articles.retract_article")
        article = ArticleFactory(status=Status.PUBLISHED, first_published_at=timezone.now())
        services.article_retract(article=article, actor=retractor, comment="Fabricated quotes.")
        article.refresh_from_db()
        assert article.status == Status.RETRACTED
        note = article.corrections.get()
        assert note.kind == CorrectionNote.Kind.RETRACTION
        assert note.is_published and note.prominent

    def test_the_retract_permission_is_still_needed(self):
        corrector = user_with("articles.use_desk", "articles.correct_article")
        article = ArticleFactory(status=Status.PUBLISHED, first_published_at=timezone.now())
        with pytest.raises(EditorialPermissionDenied):
            services.article_retract(article=article, actor=corrector, comment="No.")


class TestMovesAreData:
    def test_every_move_that_exists_has_its_rules(self):
        for source, targets in Article.TRANSITIONS.items():
            for target in targets:
                step = permissions.move(source, target)
                assert step.label and step.event and step.explanation

    def test_unscheduling_asks_nothing_again(self):
        """The scheduled → approved exception is data, not a special case in three places."""
        step = permissions.move(Status.SCHEDULED, Status.APPROVED)
        assert not step.needs_ready and not step.quote_gate and not step.needs_comment

    def test_skipping_review_is_a_property_of_the_move(self):
        assert permissions.move(Status.DRAFT, Status.PUBLISHED).skips_review
        assert permissions.move(Status.IN_REVIEW, Status.SCHEDULED).skips_review
        assert not permissions.move(Status.APPROVED, Status.PUBLISHED).skips_review
        assert not permissions.move(Status.SCHEDULED, Status.PUBLISHED).skips_review


@pytest.mark.django_db
class TestTheDeskReadsTheMoves:
    def test_unschedule_page_does_not_warn_about_readiness(self, client, editor):
        """Today's confirm page warned "This can't happen yet" on an unschedule of an
        incomplete story, though the service allows it."""
        article = ArticleFactory(
            status=Status.SCHEDULED,
            scheduled_at=timezone.now() + timedelta(hours=1),
            bylines=0,
        )
        client.force_login(editor)
        url = f"/desk/articles/{article.pk}/move/{Status.APPROVED}/"
        page = client.get(url)
        assert page.status_code == 200
        assert "can’t happen yet" not in page.content.decode()
        assert permissions.move(Status.SCHEDULED, Status.APPROVED).explanation in (
            page.content.decode()
        )
        response = client.post(url, {"comment": ""})
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == Status.APPROVED

    def test_a_move_that_needs_a_comment_requires_it_in_the_form(self, client, editor):
        article = ArticleFactory(status=Status.PUBLISHED, first_published_at=timezone.now())
        client.force_login(editor)
        page = client.post(f"/desk/articles/{article.pk}/move/{Status.UNPUBLISHED}/", {})
        assert page.status_code == 200
        assert page.context["form"].errors["comment"]
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
