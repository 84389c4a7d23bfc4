"""Query pins for the desk's pages: the editor, the article list, the revision list and the
dashboard cost the same number of queries for a story with one byline, block and
attribution as for one with ten of each (for the lists: one article or ten of each kind).

Every page starts with the same four queries: the session, the user, and the user's and
their groups' permissions (``has_perm`` caches them for the request). Presence
(``editors.presence``) lives in the cache, not the database.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Author, Byline, ReviewComment
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SourceFactory,
)
from tests.helpers import edit_url, user_with_role

pytestmark = pytest.mark.django_db

Status = Article.Status
SIZES = (1, 10)

# Session, user, the user's permissions, their groups' permissions, and the navigation's
# unread notifications (the Inbox badge; on the dashboard, its "Waiting for you" card's
# query counts them).
REQUEST = 5


def story(user, n: int, *, factory=ArticleFactory) -> Article:
    """A story someone else started with ``n`` bylines (``user``'s among them: their own
    work through a byline, which is what ``permissions.is_own`` has to read), ``n``
    paragraphs, ``n`` attributions and ``n`` review comments, with a first revision."""
    article = factory(
        bylines=n - 1,
        blocks=[("paragraph", f"Paragraph {i} is here, the mayor said.") for i in range(1, n + 1)],
    )
    Byline.objects.create(article=article, author=Author.objects.get(user=user), position=n)
    for i in range(1, n + 1):
        AttributionFactory(
            article=article, source=SourceFactory(), paragraph=i, text=f"Paragraph {i} is here"
        )
        ReviewComment.objects.create(article=article, author=user, text=f"Comment {i}")
    services.revision_create(article=article, actor=None)
    return article


def queries(client, django_assert_num_queries, url: str, expected: int):
    client.get(url)  # warm what is not per request (content types, the template cache)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


# The editor page, after REQUEST:
#   1 the article (section joined), 4 prefetched: bylines with authors, blocks,
#     attributions with sources, tags (``with_editor_data``);
#   1 the newest revision number (the form's base_revision);
#   2 the quote finder: rejected suggestions (events), the sources it matches against;
#   1 preview links;
#   2 choices: sections, authors (once for every byline form); no list of every source
#     (attributing searches for one: editors.views.attributing);
#   2 review comments, correction notes;
#   +1 for an editor: the recent activity log (editors read the reasons in it).
EDITOR_PAGE = {"editor": REQUEST + 14, "reporter": REQUEST + 13}
# A story the user may not change (a reporter's live story) is shown as text, not a form:
# no section or author choices to list.
READ_ONLY_SAVING = 2


@pytest.mark.parametrize("role", ["editor", "reporter"])
@pytest.mark.parametrize(
    "factory", [ArticleFactory, PublishedArticleFactory], ids=["draft", "live"]
)
@pytest.mark.parametrize("n", SIZES)
def test_the_editor_page_costs_the_same_however_long_the_story(
    client, django_assert_num_queries, role, factory, n
):
    """A draft or a live story, opened by an editor or by a reporter with a byline on it,
    costs the same with ten bylines, blocks and attributions as with one."""
    user = user_with_role(role, role)
    article = story(user, n, factory=factory)
    client.force_login(user)

    read_only = role == "reporter" and factory is PublishedArticleFactory
    expected = EDITOR_PAGE[role] - (READ_ONLY_SAVING if read_only else 0)
    response = queries(client, django_assert_num_queries, edit_url(article), expected)

    page = response.content.decode()
    if read_only:
        assert page.count("data-paragraph-number=") == n
    else:
        assert response.context["body_form"]["body"].value().count("is here, the mayor") == n
    assert f"Comment {n}" in response.content.decode()


# The revision list, after REQUEST: the article with its bylines and authors (2; can_edit
# asks whose story it is), the revisions with who saved them (1).
REVISION_LIST = REQUEST + 3


@pytest.mark.parametrize("role", ["editor", "reporter"])
@pytest.mark.parametrize("n", SIZES)
def test_the_revision_list_costs_the_same_however_many_bylines(
    client, django_assert_num_queries, role, n
):
    """Ten bylines and ten revisions cost what one of each does."""
    user = user_with_role(role, role)
    article = story(user, n)
    for i in range(n - 1):
        services.article_update(
            article=article,
            actor=user,
            changes=services.ArticleChanges(
                fields={"headline": f"Headline {i}"},
                blocks=[services.BlockData(kind=b.kind, text=b.text) for b in article.blocks.all()],
                authors=[b.author for b in article.bylines.all()],
                tags=[],
            ),
            base_revision=i + 1,
        )
    client.force_login(user)
    url = reverse("editors:revision_list", kwargs={"pk": article.pk})

    response = queries(client, django_assert_num_queries, url, REVISION_LIST)

    assert len(response.context["revisions"]) == n


def desk_full_of_work(user, other, n: int) -> None:
    """``n`` stories in every queue the dashboard shows ``user``, each with a few bylines."""
    for _ in range(n):
        for status in (Status.DRAFT, Status.CHANGES_REQUESTED, Status.IN_REVIEW, Status.APPROVED):
            ArticleFactory(created_by=user, status=status, bylines=3)
        # For an editor's "Awaiting review": someone else's story.
        ArticleFactory(created_by=other, status=Status.IN_REVIEW)
        ArticleFactory(
            created_by=user,
            status=Status.APPROVED,
            held_reason="1 direct quote(s) have no attribution.",
        )
        ArticleFactory(
            created_by=user,
            status=Status.SCHEDULED,
            scheduled_at=timezone.now() + timezone.timedelta(hours=1),
        )
        CorrectionNoteFactory(article=PublishedArticleFactory(created_by=user, bylines=3))


# The article list, after REQUEST: one page of articles with their sections (paged by key,
# never counted), and the sections for the filter's select.
ARTICLE_LIST = REQUEST + 2


@pytest.mark.parametrize("role", ["editor", "reporter"])
@pytest.mark.parametrize("n", SIZES)
def test_the_article_list_costs_the_same_however_many_articles(
    client, django_assert_num_queries, role, n
):
    """One article of each kind or ten: the same number of queries."""
    user = user_with_role(role, role)
    desk_full_of_work(user, user_with_role("reporter", "other"), n)
    client.force_login(user)

    response = queries(
        client, django_assert_num_queries, reverse("editors:article_list"), ARTICLE_LIST
    )

    visible = 8 if role == "editor" else 7  # a reporter does not see "other"'s story
    assert len(response.context["page"].object_list) == min(25, visible * n)


# The dashboard, after REQUEST: one aggregate for every queue's count, one list per queue
# (an editor's seven: held back, my drafts, changes requested, awaiting review, approved,
# scheduled, published; a reporter's six, without "held back"), recent corrections; +1 for
# an editor: the readers' error reports waiting (reports/, one count on an index).
DASHBOARD = {"editor": REQUEST + 1 + 7 + 1 + 1, "reporter": REQUEST + 1 + 6 + 1}


@pytest.mark.parametrize("role", ["editor", "reporter"])
@pytest.mark.parametrize("n", SIZES)
def test_the_dashboard_costs_the_same_however_many_articles(
    client, django_assert_num_queries, role, n
):
    """Every queue full, with one story each or ten: the same number of queries."""
    user = user_with_role(role, role)
    desk_full_of_work(user, user_with_role("reporter", "other"), n)
    client.force_login(user)

    response = queries(
        client, django_assert_num_queries, reverse("editors:dashboard"), DASHBOARD[role]
    )

    assert all(queue["count"] for queue in response.context["queues"])
