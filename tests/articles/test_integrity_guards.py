"""Paths by which a story readers saw could otherwise change silently, each closed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from articles import permissions, services
from articles.exceptions import CorrectionChoiceRequired, InvalidTransition
from articles.models import Article, Source
from articles.services import CorrectionChoice
from tests.factories import (
    AuthorFactory,
    BylineFactory,
    PublishedArticleFactory,
    article_changes,
)

pytestmark = pytest.mark.django_db
Status = Article.Status


def _live(editor) -> Article:
    article = PublishedArticleFactory()
    services.revision_create(article=article, actor=None)
    return article


def test_changing_only_a_byline_on_a_live_story_needs_a_note_or_reason(editor):
    """A new byline is something readers see: no silent swap."""
    article = _live(editor)
    changes = article_changes(article, authors=[AuthorFactory()])
    with pytest.raises(CorrectionChoiceRequired):
        services.article_correct(
            article=article,
            actor=editor,
            changes=changes,
            base_revision=1,
            choice=CorrectionChoice(),
        )
    services.article_correct(
        article=article,
        actor=editor,
        changes=changes,
        base_revision=1,
        choice=CorrectionChoice(non_substantive_reason="Byline corrected to the actual writer"),
    )
    assert article.events.get(action="article.correct").message.startswith("Byline")


def test_a_retracted_story_cannot_be_edited_or_corrected(editor):
    """A retraction is final: no edit, no correction, no restore."""
    article = _live(editor)
    services.article_retract(article=article, actor=editor, comment="Fabricated quotes.")
    article.refresh_from_db()
    assert not permissions.can_edit(editor, article)
    with pytest.raises(PermissionDenied):
        services.article_update(
            article=article,
            actor=editor,
            changes=article_changes(article, headline="Rewritten"),
            base_revision=article.revisions.count(),
        )
    with pytest.raises(InvalidTransition):
        services.article_correct(
            article=article,
            actor=editor,
            changes=article_changes(article, headline="Rewritten"),
            base_revision=article.revisions.count(),
            choice=CorrectionChoice(non_substantive_reason="x"),
        )


def test_an_unpublished_story_never_becomes_an_editable_draft(editor):
    """Unpublish then back to draft would let wording change before republishing."""
    article = _live(editor)
    services.article_unpublish(article=article, actor=editor, comment="Legal hold.")
    with pytest.raises(InvalidTransition):
        services.article_transition(article=article, actor=editor, to=Status.DRAFT)


def test_a_bylined_copy_editor_still_only_copy_edits_in_review(copy_editor, reporter):
    """Carrying a byline does not let a copy editor move a story in review."""
    article = PublishedArticleFactory(status=Status.IN_REVIEW, created_by=reporter)
    BylineFactory(article=article, author=copy_editor.author, position=5)
    services.revision_create(article=article, actor=None)
    other = type(article.section).objects.create(name="Elsewhere", slug="elsewhere")
    with pytest.raises(PermissionDenied):
        services.article_update(
            article=article,
            actor=copy_editor,
            changes=article_changes(article, section=other),
            base_revision=1,
        )
    article.refresh_from_db()
    assert article.section != other


def test_a_refused_attribution_leaves_no_orphan_source(client, colleague):
    """The desk creates the new source and the attribution together, or neither."""
    article = PublishedArticleFactory()
    client.force_login(colleague)
    before = Source.objects.count()
    client.post(
        f"/desk/articles/{article.pk}/attributions/",
        {
            "new_source": "Orphan Source Qwerty",
            "new_source_kind": "person",
            "kind": "quote",
            "text": "We will balance the books,",
            "paragraph": 2,
        },
    )
    assert Source.objects.count() == before
