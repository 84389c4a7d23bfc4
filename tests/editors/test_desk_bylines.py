"""The editor page's bylines (issue 13): a new story starts under the user's own byline; a
reporter is offered only themselves, and the bylines an editor added survive the reporter's
save; an editor picks anyone from a list sorted by name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, Author, Byline
from tests.editors.test_editor_form import form_data
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, article_changes
from tests.helpers import edit_url

pytestmark = pytest.mark.django_db


def own(user) -> Author:
    return Author.objects.get(user=user)


def bylines(article) -> list[Author]:
    return [b.author for b in article.bylines.select_related("author")]


def offered(response) -> list[int]:
    field = response.context["bylines"].forms[0].fields["author"]
    return [int(str(value)) for value, _label in field.choices if value]


@pytest.fixture
def draft(reporter):
    article = ArticleFactory(created_by=reporter, bylines=0)
    Byline.objects.create(article=article, author=own(reporter), position=0)
    services.revision_create(article=article, actor=None)
    return article


@pytest.fixture
def co_bylined(draft, editor, other_reporter):
    """The reporter's draft, to which an editor added a colleague's byline."""
    return services.article_update(
        article=draft,
        actor=editor,
        changes=article_changes(draft, authors=[own(draft.created_by), own(other_reporter)]),
        base_revision=services.latest_revision_number(draft),
    )


class TestNewStory:
    def test_the_byline_defaults_to_the_users_own_author(self, client, editor):
        """An editor's new story starts under the editor's own byline too."""
        client.force_login(editor)
        response = client.get(reverse("editors:article_create"))
        assert response.context["bylines"].forms[0].initial["author"] == own(editor).pk

    def test_an_editor_is_offered_every_author_sorted_by_name(self, client, editor, reporter):
        """The editor's list holds every author, in name order."""
        AuthorFactory(display_name="Zoe Zed")
        AuthorFactory(display_name="Abe Able")
        client.force_login(editor)
        response = client.get(reverse("editors:article_create"))
        names = list(Author.objects.order_by("display_name").values_list("pk", flat=True))
        assert offered(response) == names
        assert len(names) == Author.objects.count()

    def test_an_editor_bylines_someone_else(self, client, editor, reporter):
        """An editor may put another person's byline on a story from the desk."""
        client.force_login(editor)
        data = form_data(client.get(reverse("editors:article_create")))
        data.update(
            {
                "headline": ["Bridge reopens after repairs"],
                "section": [str(SectionFactory().pk)],
                "body": ["The bridge reopened on Monday."],
                "bylines-0-author": [str(own(reporter).pk)],
            }
        )
        assert client.post(reverse("editors:article_create"), data).status_code == 302
        article = Article.objects.get(headline="Bridge reopens after repairs")
        assert bylines(article) == [own(reporter)]


class TestReporterSaves:
    def test_a_reporter_is_offered_only_themselves(self, client, reporter, co_bylined):
        """Their form lists their own author alone, and shows the editor's byline as text."""
        client.force_login(reporter)
        response = client.get(edit_url(co_bylined))
        assert offered(response) == [own(reporter).pk]
        assert "Also bylined: otto." in response.content.decode()

    def test_saving_keeps_the_bylines_an_editor_added(self, client, reporter, co_bylined):
        """The reporter edits the headline; the colleague's byline stays, in its place."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(co_bylined)))
        data["headline"] = ["Council backs budget"]

        assert client.post(edit_url(co_bylined), data).status_code == 302

        co_bylined.refresh_from_db()
        assert co_bylined.headline == "Council backs budget"
        assert [a.user.username for a in bylines(co_bylined)] == ["rita", "otto"]

    def test_removing_their_own_byline_keeps_the_others(self, client, reporter, co_bylined):
        """Ticking Remove on their own byline leaves the editor's one."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(co_bylined)))
        data["bylines-0-DELETE"] = ["on"]

        assert client.post(edit_url(co_bylined), data).status_code == 302

        assert [a.user.username for a in bylines(co_bylined)] == ["otto"]

    def test_a_forged_byline_is_refused_by_the_form(self, client, reporter, draft):
        """Posting another author's id gets the form's clear refusal and saves nothing."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        data["bylines-1-author"] = [str(AuthorFactory(display_name="Fran Lance").pk)]
        data["headline"] = ["Changed"]

        response = client.post(edit_url(draft), data)

        assert response.status_code == 400
        assert "You may byline only yourself" in response.content.decode()
        draft.refresh_from_db()
        assert draft.headline != "Changed"
        assert bylines(draft) == [own(reporter)]
