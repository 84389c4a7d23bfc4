"""Anonymous sourcing falls under policy (issue 10): publishing a story that quotes an
anonymous source needs an editor's recorded reason, like an unattributed direct quote."""

from __future__ import annotations

import pytest

from articles import selectors, services
from articles.exceptions import UnattributedQuotes
from articles.models import Article
from tests.factories import ArticleFactory

Status = Article.Status
ANONYMOUS = (
    "The deal is close to done, according to a person familiar with the talks, who spoke on "
    "condition of anonymity because the talks are private."
)
NAMED = "The council approved the budget on Tuesday, the mayor, Ana Ruiz, said."


@pytest.mark.django_db
class TestAnonymousSourcesNeedAReason:
    def test_the_finder_flags_the_passage(self):
        article = ArticleFactory(blocks=[("paragraph", ANONYMOUS)])
        flagged = selectors.anonymous_sources(article)
        assert [f.paragraph for f in flagged] == [1]
        assert all(f.anonymous for f in flagged)

    def test_publishing_waits_for_a_reason(self, editor):
        article = ArticleFactory(status=Status.APPROVED, blocks=[("paragraph", ANONYMOUS)])
        with pytest.raises(UnattributedQuotes) as refused:
            services.article_publish(article=article, actor=editor)
        assert "anonymous source" in " ".join(refused.value.messages)
        article.refresh_from_db()
        assert article.status == Status.APPROVED

    def test_an_editor_publishes_with_a_logged_reason(self, editor):
        article = ArticleFactory(status=Status.APPROVED, blocks=[("paragraph", ANONYMOUS)])
        reason = "Two people confirmed it independently; the editor knows who they are."
        services.article_publish(article=article, actor=editor, override_reason=reason)
        event = article.events.get(action="article.publish")
        assert event.data["unattributed_override"]["reason"] == reason
        assert event.data["unattributed_override"]["anonymous"][0]["paragraph"] == 1

    def test_a_named_source_needs_no_reason(self, editor):
        article = ArticleFactory(status=Status.APPROVED, blocks=[("paragraph", NAMED)])
        assert selectors.anonymous_sources(article) == []
        services.article_publish(article=article, actor=editor)
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED

    def test_the_confirm_page_lists_it_and_asks_for_the_reason(self, client, editor):
        article = ArticleFactory(status=Status.APPROVED, blocks=[("paragraph", ANONYMOUS)])
        client.force_login(editor)
        page = client.get(f"/desk/articles/{article.pk}/move/{Status.PUBLISHED}/")
        assert 'id="anonymous"' in page.content.decode()
        assert "override_reason" in page.context["form"].fields


@pytest.mark.django_db
def test_the_desk_panel_flags_it(client, editor):
    article = ArticleFactory(blocks=[("paragraph", ANONYMOUS)])
    client.force_login(editor)
    page = client.get(f"/desk/articles/{article.pk}/").content.decode()
    assert "Anonymous source" in page
    assert "recorded reason" in page
