"""Who may byline whom (issue 13): a reporter bylines only themselves; an editor
(``permissions.BYLINE_OTHERS_PERMISSION``) adds and removes anyone's byline. The services
enforce it, whatever the form sent."""

from __future__ import annotations

import pytest

from articles import services
from articles.exceptions import EditorialPermissionDenied
from articles.models import Article, Author, Byline
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, article_changes

pytestmark = pytest.mark.django_db


def own(user) -> Author:
    return Author.objects.get(user=user)


def bylines(article) -> list[Author]:
    return [b.author for b in article.bylines.select_related("author")]


@pytest.fixture
def draft(reporter):
    """The reporter's draft under their own byline, with a first revision."""
    article = ArticleFactory(created_by=reporter, bylines=0)
    Byline.objects.create(article=article, author=own(reporter), position=0)
    services.revision_create(article=article, actor=None)
    return article


def save(article, actor, authors, **fields):
    return services.article_update(
        article=article,
        actor=actor,
        changes=article_changes(article, authors=authors, **fields),
        base_revision=services.latest_revision_number(article),
    )


class TestBylineRule:
    def test_a_reporter_creates_a_story_under_their_own_byline(self, reporter):
        """Their own author profile is a byline they may give a new story."""
        article = services.article_create(
            actor=reporter, section=SectionFactory(), headline="Pier closes", blocks=[],
            authors=[own(reporter)],
        )  # fmt: skip
        assert bylines(article) == [own(reporter)]

    def test_a_reporter_cannot_create_a_story_under_someone_elses_byline(self, reporter, colleague):
        """Another reporter's byline (or a freelancer's) is refused by name, and nothing
        is created."""
        refusal = "byline only yourself; ask an editor to add or remove colleague"
        with pytest.raises(EditorialPermissionDenied, match=refusal):
            services.article_create(
                actor=reporter, section=SectionFactory(), headline="Pier closes", blocks=[],
                authors=[own(reporter), own(colleague)],
            )  # fmt: skip
        assert not Article.objects.filter(headline="Pier closes").exists()

    def test_a_reporter_cannot_add_someone_else_to_their_draft(self, reporter, draft):
        """An edit that adds another author is refused and changes nothing."""
        freelancer = AuthorFactory(display_name="Fran Lance")
        with pytest.raises(EditorialPermissionDenied, match="Fran Lance"):
            save(draft, reporter, [own(reporter), freelancer], headline="Changed")
        draft.refresh_from_db()
        assert draft.headline != "Changed"
        assert bylines(draft) == [own(reporter)]

    def test_an_editor_adds_and_removes_anyone(self, editor, reporter, colleague, draft):
        """Editors put other people's bylines on a story and take them off."""
        save(draft, editor, [own(reporter), own(colleague)])
        assert bylines(draft) == [own(reporter), own(colleague)]
        save(draft, editor, [own(colleague)])
        assert bylines(draft) == [own(colleague)]

    def test_a_reporter_cannot_remove_a_byline_an_editor_added(
        self, editor, reporter, colleague, draft
    ):
        """The colleague an editor added stays: dropping them is refused."""
        save(draft, editor, [own(reporter), own(colleague)])
        with pytest.raises(EditorialPermissionDenied, match="colleague"):
            save(draft, reporter, [own(reporter)])
        assert bylines(draft) == [own(reporter), own(colleague)]

    def test_a_reporter_keeps_the_others_and_changes_their_own(
        self, editor, reporter, colleague, draft
    ):
        """Saving with the editor's bylines kept works, and so do reordering and removing
        their own byline."""
        save(draft, editor, [own(reporter), own(colleague)])
        save(draft, reporter, [own(reporter), own(colleague)], headline="Pier reopens")
        draft.refresh_from_db()
        assert draft.headline == "Pier reopens"
        save(draft, reporter, [own(colleague), own(reporter)])
        assert bylines(draft) == [own(colleague), own(reporter)]
