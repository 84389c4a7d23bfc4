"""The publish gate: a person cannot put a story with unattributed direct quotes in front of
readers, unless an editor overrides it with a reason the audit log keeps.

The seed story is imported as a draft with no attributions; its direct quotes stand in
paragraphs 3 (two), 4 (two), 6, 9 and 11.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from articles import quotes, services
from articles.exceptions import UnattributedQuotes
from articles.importing import import_story, read_story_file
from articles.models import Article, ArticleEvent, Source
from tests.factories import SectionFactory
from tests.helpers import SEED_FILE

Status = Article.Status
QUOTED_PARAGRAPHS = [3, 3, 4, 4, 6, 9, 11]
REASON = "Wire copy: the wire service has confirmed every quote."


@pytest.fixture
def draft(reporter) -> Article:
    """The seed story imported as the reporter's draft: no attributions at all."""
    article = import_story(
        text=read_story_file(SEED_FILE),
        section=SectionFactory(name="World", slug="world"),
        headline="Haley confronts Russia at the UN",
        bylines=[reporter.author],
    )
    assert article.status == Status.DRAFT
    assert not article.attributions.exists()
    return article


def publish_events(article: Article):
    return ArticleEvent.objects.filter(article=article, action="article.publish")


def accept_suggestions(article: Article, actor) -> int:
    """Do what the desk's "accept" does for every suggestion: find or create the source, then
    attribute the words to it. Returns how many attributions were made."""
    sources: dict[str, Source] = {}
    suggestions = quotes.suggest(article.paragraph_texts(), sources=Source.objects.all())
    for suggestion in suggestions:
        source = (
            Source.objects.get(pk=suggestion.source_id)
            if suggestion.source_id
            else sources.get(suggestion.source_name)
        )
        if source is None:
            source = services.source_create(
                actor=actor,
                name=suggestion.source_name,
                kind=suggestion.source_kind,
                role=suggestion.role,
            )
        sources[suggestion.source_name] = source
        services.attribution_create(
            article=article,
            actor=actor,
            source=source,
            kind=suggestion.attribution_kind,
            text=suggestion.finding.text,
            paragraph=suggestion.finding.paragraph,
        )
    return len(suggestions)


@pytest.mark.django_db
class TestEditorPublish:
    def test_unattributed_quotes_stop_the_publish(self, draft, editor):
        """The editor is told which quotes lack a source, by paragraph, and nothing goes live."""
        with pytest.raises(UnattributedQuotes) as refused:
            services.article_publish(article=draft, actor=editor)

        findings = refused.value.findings
        assert [f.paragraph for f in findings] == QUOTED_PARAGRAPHS
        assert {f.kind for f in findings} == {"quote"}
        texts = [f.text for f in findings]
        assert "flawed anti-Syrian draft" in texts
        assert any(t.startswith("To avoid mishaps in the air") for t in texts)
        message = " ".join(refused.value.messages)
        assert "7 direct quote(s)" in message
        assert "paragraph 11" in message
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT
        assert draft.first_published_at is None
        assert not publish_events(draft).exists()

    def test_scheduling_is_gated_too(self, draft, editor):
        """A scheduled story would reach readers unattended, so scheduling is gated the same way."""
        with pytest.raises(UnattributedQuotes):
            services.article_schedule(
                article=draft, actor=editor, at=timezone.now() + timedelta(hours=2)
            )

        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

    def test_accepting_the_suggestions_lets_the_story_publish(self, draft, editor):
        """Once every suggested source is accepted, the same publish goes through."""
        made = accept_suggestions(draft, editor)

        article = services.article_publish(article=draft, actor=editor)

        assert made >= len(QUOTED_PARAGRAPHS)
        assert article.status == Status.PUBLISHED
        assert Source.objects.filter(name="Nikki Haley").count() == 1
        assert draft.attributions.filter(source__name="Stephen Townsend", paragraph=11).exists()
        event = publish_events(draft).get()
        assert event.actor == editor
        assert "unattributed_override" not in event.data
        assert article in Article.objects.published()

    def test_accepting_reuses_sources_already_on_file(self, draft, editor):
        """A suggestion that names a known source attributes to it instead of a duplicate."""
        haley = services.source_create(actor=editor, name="Nikki Haley", role="Ambassador")

        accept_suggestions(draft, editor)

        assert Source.objects.filter(name="Nikki Haley").count() == 1
        assert draft.attributions.filter(source=haley, paragraph=3).count() == 2

    def test_editor_may_override_with_a_reason(self, draft, editor):
        """The override publishes; the log keeps the reason and every unattributed quote."""
        article = services.article_transition(
            article=draft, actor=editor, to=Status.PUBLISHED, override_reason=f"  {REASON}  "
        )

        assert article.status == Status.PUBLISHED
        override = publish_events(draft).get().data["unattributed_override"]
        assert override["reason"] == REASON
        assert [q["paragraph"] for q in override["quotes"]] == QUOTED_PARAGRAPHS
        assert "flawed anti-Syrian draft" in [q["text"] for q in override["quotes"]]

    @pytest.mark.parametrize("reason", ["", "   \n"], ids=["empty", "blank"])
    def test_override_without_a_reason_is_refused(self, draft, editor, reason):
        """An override needs words: an empty or blank reason publishes nothing."""
        with pytest.raises(UnattributedQuotes):
            services.article_transition(
                article=draft, actor=editor, to=Status.PUBLISHED, override_reason=reason
            )

        draft.refresh_from_db()
        assert draft.status == Status.DRAFT
        assert not publish_events(draft).exists()


@pytest.mark.django_db
class TestReporter:
    def test_reporter_can_submit_a_story_with_unattributed_quotes(self, draft, reporter):
        """Review is where sources get checked, so submitting is not blocked."""
        article = services.article_submit(article=draft, actor=reporter)

        assert article.status == Status.IN_REVIEW
        assert ArticleEvent.objects.filter(article=draft, action="article.submit").exists()

    @pytest.mark.parametrize("override_reason", ["", REASON], ids=["plain", "with-override"])
    def test_reporter_cannot_publish_at_all(self, draft, reporter, override_reason):
        """A reporter is refused for lack of permission, override or not, attributed or not."""
        services.article_submit(article=draft, actor=reporter)

        with pytest.raises(PermissionDenied):
            services.article_transition(
                article=draft,
                actor=reporter,
                to=Status.PUBLISHED,
                override_reason=override_reason,
            )

        draft.refresh_from_db()
        assert draft.status == Status.IN_REVIEW


@pytest.mark.django_db
class TestSystemPublish:
    def test_system_publish_is_not_gated(self, draft):
        """Documented behaviour: a publish with no actor (an import, ``publish_scheduled``) is
        not gated: there is no person to ask, and imports are attributed afterwards."""
        article = services.article_publish(article=draft, actor=None)

        assert article.status == Status.PUBLISHED
        event = publish_events(draft).get()
        assert event.actor is None
        assert "unattributed_override" not in event.data

    def test_import_article_publish_is_not_gated(self, db, tmp_path):
        """``import_article --publish`` puts the unattributed seed story live."""
        SectionFactory(name="World", slug="world")
        story = tmp_path / "seed.txt"
        story.write_bytes(SEED_FILE.read_bytes())

        call_command(
            "import_article", str(story), "--section", "world", "--publish", stdout=StringIO()
        )

        article = Article.objects.get()
        assert article.status == Status.PUBLISHED
        assert not article.attributions.exists()
