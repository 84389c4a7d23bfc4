"""The desk's article list at scale: its filters (status, section, author, the day it last
changed, words in the headline) alone and combined, paging by key without ever counting,
refusing bad input with a message rather than a 500, what each role sees, and a query count
that does not grow with the archive."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline
from articles.selectors import desk_articles
from editors.views import articles as article_views
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PublishedArticleFactory,
    SectionFactory,
)
from tests.helpers import user_with_role

pytestmark = pytest.mark.django_db

Status = Article.Status
LIST = reverse("editors:article_list")
# Session, user, the user's and their groups' permissions, the Inbox badge's unread
# notifications; then the page of articles with their sections (paged by key, never counted)
# and the sections for the filter's select.
LIST_QUERIES = 5 + 2


def changed(article: Article, when: datetime) -> Article:
    """``article`` as last changed at ``when`` (``modified_at`` is ``auto_now``)."""
    Article.objects.filter(pk=article.pk).update(modified_at=when)
    return article


def listed(client, **params) -> list[str]:
    """The headlines on the list's first page for ``params``, in list order."""
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content.decode()
    return [article.headline for article in response.context["page"].object_list]


def walk(client, url: str, link: str = "older_url") -> list[list[int]]:
    """Each page's article ids from ``url`` on, following ``link`` to the end."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append([article.pk for article in page.object_list])
        target = getattr(page, link)
        url = LIST + target if target.startswith("?") else target
    return pages


def last_page_url(client, url: str) -> str:
    """The list's last page, found by following "Older" from ``url``."""
    while older := client.get(url).context["page"].older_url:
        url = LIST + older
    return url


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


class TestArticleListFilters:
    def test_status(self, editor_client):
        """The status filter keeps only stories in that status."""
        ArticleFactory(headline="Draft story")
        PublishedArticleFactory(headline="Live story")

        assert listed(editor_client, status=Status.PUBLISHED) == ["Live story"]
        assert listed(editor_client, status=Status.DRAFT) == ["Draft story"]

    def test_status_choices_are_the_models(self, editor_client):
        """The status select offers every ``Article.Status`` and "any", declared once."""
        form = editor_client.get(LIST).context["form"]

        assert list(form.fields["status"].choices) == [("", "Any status"), *Status.choices]

    def test_section(self, editor_client):
        """The section filter, by slug, keeps only that section's stories."""
        sport = SectionFactory(name="Sport")
        ArticleFactory(headline="Cup final", section=sport)
        ArticleFactory(headline="Council budget")

        assert listed(editor_client, section="sport") == ["Cup final"]

    def test_author_by_slug_or_part_of_the_name(self, editor_client):
        """An author's slug, or part of their name in any case, keeps their bylined stories
        (once each, however many of the story's bylines match)."""
        jane = AuthorFactory(display_name="Jane Doe", slug="jane-doe")
        janet = AuthorFactory(display_name="Janet Smith", slug="janet-smith")
        both = ArticleFactory(headline="Both of them", bylines=0)
        Byline.objects.create(article=both, author=jane, position=0)
        Byline.objects.create(article=both, author=janet, position=1)
        only_jane = ArticleFactory(headline="Jane alone", bylines=0)
        Byline.objects.create(article=only_jane, author=jane)
        ArticleFactory(headline="Someone else")
        changed(both, timezone.now())

        assert listed(editor_client, author="jane-doe") == ["Both of them", "Jane alone"]
        assert listed(editor_client, author="JANET") == ["Both of them"]
        assert listed(editor_client, author="jan") == ["Both of them", "Jane alone"]
        assert listed(editor_client, author="nobody-at-all") == []

    def test_changed_between_days_both_included(self, editor_client, settings):
        """``changed_from`` and ``changed_to`` are whole days in the site's time zone, both
        included."""
        settings.TIME_ZONE = "Europe/Oslo"
        oslo = timezone.get_fixed_timezone(60)  # 1 December is winter time: UTC+1
        changed(
            ArticleFactory(headline="Late on the 30th"), datetime(2026, 11, 30, 23, 59, tzinfo=oslo)
        )
        changed(
            ArticleFactory(headline="Start of the 1st"), datetime(2026, 12, 1, 0, 0, tzinfo=oslo)
        )
        changed(
            ArticleFactory(headline="End of the 2nd"), datetime(2026, 12, 2, 23, 59, tzinfo=oslo)
        )
        changed(ArticleFactory(headline="The 3rd"), datetime(2026, 12, 3, 0, 0, tzinfo=oslo))

        both = listed(editor_client, changed_from="2026-12-01", changed_to="2026-12-02")
        since = listed(editor_client, changed_from="2026-12-02")
        until = listed(editor_client, changed_to="2026-11-30")

        assert both == ["End of the 2nd", "Start of the 1st"]
        assert since == ["The 3rd", "End of the 2nd"]
        assert until == ["Late on the 30th"]

    def test_headline_contains_in_any_case(self, editor_client):
        """The search keeps stories whose headline contains the words, in any case."""
        ArticleFactory(headline="Ferry timetable changes")
        ArticleFactory(headline="New FERRY terminal")
        ArticleFactory(headline="Bus strike")

        assert sorted(listed(editor_client, q="ferry")) == [
            "Ferry timetable changes",
            "New FERRY terminal",
        ]
        assert listed(editor_client, q="RY TIME") == ["Ferry timetable changes"]
        assert listed(editor_client, q="100%") == []  # LIKE's wildcards are plain text

    def test_filters_combine(self, editor_client):
        """Every filter given narrows the list: only a story matching all of them is left."""
        sport = SectionFactory(name="Sport")
        jane = AuthorFactory(display_name="Jane Doe", slug="jane-doe")
        now = timezone.now()
        target = PublishedArticleFactory(headline="Cup final tonight", section=sport, bylines=0)
        Byline.objects.create(article=target, author=jane)
        # Each of these misses exactly one filter.
        PublishedArticleFactory(headline="Cup final replay", section=sport)  # author
        draft = ArticleFactory(headline="Cup final draft", section=sport, bylines=0)  # status
        Byline.objects.create(article=draft, author=jane)
        elsewhere = PublishedArticleFactory(headline="Cup final abroad", bylines=0)  # section
        Byline.objects.create(article=elsewhere, author=jane)
        other = PublishedArticleFactory(headline="League table", section=sport, bylines=0)  # q
        Byline.objects.create(article=other, author=jane)
        old = PublishedArticleFactory(headline="Cup final 1999", section=sport, bylines=0)
        Byline.objects.create(article=old, author=jane)
        changed(old, now - timedelta(days=30))  # dates

        found = listed(
            editor_client,
            status=Status.PUBLISHED,
            section="sport",
            author="jane",
            q="cup final",
            changed_from=(now - timedelta(days=1)).date().isoformat(),
            changed_to=(now + timedelta(days=1)).date().isoformat(),
        )

        assert found == ["Cup final tonight"]

    def test_the_form_keeps_its_values(self, editor_client):
        """The filters come back filled in as they were sent."""
        SectionFactory(name="Sport")

        page = editor_client.get(
            LIST,
            {
                "q": "cup",
                "status": "in_review",
                "section": "sport",
                "author": "jane",
                "changed_from": "2026-11-01",
                "changed_to": "2026-11-30",
            },
        ).content.decode()

        assert 'name="q" value="cup"' in page
        assert '<option value="in_review" selected>' in page
        assert '<option value="sport" selected>' in page
        assert 'name="author" value="jane"' in page
        assert 'name="changed_from" value="2026-11-01"' in page
        assert 'name="changed_to" value="2026-11-30"' in page
        assert "Clear filters" in page


class TestArticleListBadInput:
    @pytest.mark.parametrize(
        ("params", "error"),
        [
            ({"changed_from": "yesterday"}, "Enter a valid date."),
            ({"changed_to": "2026-02-30"}, "Enter a valid date."),
            ({"changed_from": "0001-01-01"}, "Enter a date between 1900 and 9998."),
            ({"changed_to": "9999-12-31"}, "Enter a date between 1900 and 9998."),
            (
                {"changed_from": "2026-12-02", "changed_to": "2026-12-01"},
                "The end date is before the start date.",
            ),
            ({"status": "lost"}, "Select a valid choice."),
            ({"section": "no-such-section"}, "Select a valid choice."),
            ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
        ],
    )
    def test_bad_filters_are_explained_not_listed(self, editor_client, params, error):
        """A filter that cannot be read is a 400 page that says what is wrong beside the
        filters, keeps them, and lists nothing (never a broader list, never a 500)."""
        ArticleFactory(headline="Council budget")

        response = editor_client.get(LIST, params)

        page = response.content.decode()
        assert response.status_code == 400
        assert error in page
        assert "The list is not shown until the filters above are corrected." in page
        assert "Council budget" not in page
        assert response.context["page"] is None

    @pytest.mark.parametrize("params", [{"q": "ferry\x00"}, {"author": "jane\x00"}])
    def test_control_characters_are_a_400(self, editor_client, params):
        """A NUL in a filter (which PostgreSQL cannot take) is refused before the form."""
        assert editor_client.get(LIST, params).status_code == 400

    @pytest.mark.parametrize(
        "position",
        [
            {"before": "yesterday"},
            {"after": "20261202T035550.287323Z"},
            {"before": "20261202T035550.287323Z_1", "after": "20261202T035550.287323Z_1"},
        ],
    )
    def test_a_malformed_position_is_a_400(self, editor_client, position):
        """A hand-edited or truncated ``before``/``after`` is the site's 400, not a 500."""
        assert editor_client.get(LIST, position).status_code == 400


class TestArticleListPaging:
    @pytest.fixture
    def small_pages(self, monkeypatch):
        monkeypatch.setattr(article_views, "ARTICLE_LIST_PAGE", 3)

    def test_walks_every_story_once_newest_change_first_without_counting(
        self, editor_client, small_pages
    ):
        """Older to the end, then Newer back to the top: every story exactly once, newest
        change first (the id breaks ties), and no query counts anything."""
        now = timezone.now()
        stories = ArticleFactory.create_batch(8)
        for i, article in enumerate(stories):
            # Pairs changed at the same moment: only the id orders them.
            changed(article, now - timedelta(minutes=i // 2))
        expected = [a.pk for a in sorted(stories, key=lambda a: (stories.index(a) // 2, -a.pk))]

        with CaptureQueriesContext(connection) as captured:
            older = walk(editor_client, LIST)
            newer = walk(editor_client, last_page_url(editor_client, LIST), link="newer_url")

        assert [len(page) for page in older] == [3, 3, 2]
        assert [pk for page in older for pk in page] == expected
        assert newer == older[::-1]
        sql = [query["sql"].upper() for query in captured.captured_queries]
        assert [q for q in sql if "ARTICLES_ARTICLE" in q]
        assert not [q for q in sql if "COUNT(" in q]

    def test_the_links_keep_the_filters(self, editor_client, small_pages):
        """Newer and Older keep every filter; each page of the walk still matches them."""
        sport = SectionFactory(name="Sport")
        mine = {ArticleFactory(headline=f"Cup tie {i}", section=sport).pk for i in range(7)}
        ArticleFactory(headline="Cup tie elsewhere")
        PublishedArticleFactory(headline="Cup tie published", section=sport)

        pages = walk(editor_client, f"{LIST}?status=draft&section=sport&q=cup")

        assert sorted(pk for page in pages for pk in page) == sorted(mine)
        second = editor_client.get(LIST, {"status": "draft", "section": "sport", "q": "cup"})
        older = parse_qs(urlsplit(second.context["page"].older_url).query)
        assert {k: v for k, v in older.items() if k != "before"} == {
            "status": ["draft"],
            "section": ["sport"],
            "q": ["cup"],
        }
        following = editor_client.get(LIST + second.context["page"].older_url)
        newer = parse_qs(urlsplit(following.context["page"].newer_url).query)
        assert newer.pop("after")
        assert newer == {"status": ["draft"], "section": ["sport"], "q": ["cup"]}

    def test_legacy_page_numbers_redirect_keeping_the_filters(self, editor_client):
        """``?page=N`` from the counted list is a permanent redirect to its first page."""
        response = editor_client.get(LIST, {"status": "draft", "page": "3"})

        assert response.status_code == 301
        assert response["Location"] == f"{LIST}?status=draft"


class TestArticleListVisibility:
    def test_each_role_sees_what_it_saw(
        self, client, reporter, other_reporter, copy_editor, editor
    ):
        """A reporter sees their own work (started or bylined) and what is published; copy
        editors and editors see everything; the filters never widen that."""
        own = ArticleFactory(headline="Rita's draft", created_by=reporter)
        bylined = ArticleFactory(headline="Rita bylined", created_by=other_reporter, bylines=0)
        Byline.objects.create(article=bylined, author=reporter.author)
        for story in (
            ArticleFactory(headline="Otto's draft", created_by=other_reporter, bylines=0),
            PublishedArticleFactory(
                headline="Published story", created_by=other_reporter, bylines=0
            ),
        ):
            Byline.objects.create(article=story, author=other_reporter.author)
        everything = {own.headline, "Rita bylined", "Otto's draft", "Published story"}

        seen = {}
        for user in (reporter, copy_editor, editor):
            client.force_login(user)
            seen[user.username] = set(listed(client))

        assert seen["rita"] == {"Rita's draft", "Rita bylined", "Published story"}
        assert seen["cora"] == everything
        assert seen["ed"] == everything
        client.force_login(reporter)
        assert listed(client, author=other_reporter.author.slug) == ["Published story"]
        assert listed(client, q="draft") == ["Rita's draft"]

    def test_the_list_matches_for_desk(self, reporter, other_reporter):
        """The list is ``for_desk`` narrowed, for every role: the same rule, not a copy."""
        ArticleFactory(created_by=reporter)
        ArticleFactory(created_by=other_reporter)
        PublishedArticleFactory(created_by=other_reporter)

        for user in (reporter, user_with_role("editor", "eve")):
            listed_ids = set(desk_articles(user=user).values_list("pk", flat=True))
            assert listed_ids == set(Article.objects.for_desk(user).values_list("pk", flat=True))

    def test_a_user_without_the_desk_gets_no_list(self, client):
        """No desk permission, no list."""
        from tests.factories import UserFactory

        client.force_login(UserFactory())

        assert client.get(LIST).status_code == 403


def fill_desk(reporter, other, total: int) -> None:
    """``total`` stories, taking turns among the kinds a reporter's list tells apart: their
    own draft, another's draft they are bylined on, another's draft, a published story."""
    for i in range(total):
        kind = i % 4
        if kind == 0:
            ArticleFactory(created_by=reporter)
        elif kind == 1:
            bylined = ArticleFactory(created_by=other)
            Byline.objects.create(article=bylined, author=reporter.author, position=1)
        elif kind == 2:
            ArticleFactory(created_by=other)
        else:
            PublishedArticleFactory(created_by=other, bylines=2)


class TestArticleListQueries:
    @pytest.mark.parametrize("role", ["editor", "reporter"])
    @pytest.mark.parametrize("params", [{}, {"status": "draft", "q": "council", "author": "re"}])
    @pytest.mark.parametrize("total", [3, 30])
    def test_3_or_30_stories_cost_the_same(
        self,
        client,
        django_assert_num_queries,
        reporter,
        other_reporter,
        editor,
        role,
        params,
        total,
    ):
        """Three stories or thirty (more than a page), filtered or not: the same number of
        queries, none of them a count."""
        fill_desk(reporter, other_reporter, total)
        client.force_login(editor if role == "editor" else reporter)
        client.get(LIST, params)  # warm what is not per request

        with django_assert_num_queries(LIST_QUERIES) as captured:
            response = client.get(LIST, params)

        assert response.status_code == 200
        assert response.context["page"].object_list
        assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]

    def test_a_chosen_section_costs_one_more_query(self, editor_client, django_assert_num_queries):
        """Choosing a section looks it up by slug once: one query more, still constant."""
        SectionFactory(name="Sport")
        editor_client.get(LIST, {"section": "sport"})

        with django_assert_num_queries(LIST_QUERIES + 1):
            editor_client.get(LIST, {"section": "sport"})


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL indexes")
@pytest.mark.parametrize(
    ("filters", "index", "priced_out"),
    [
        ({}, "article_desk_latest", ["seqscan"]),
        ({"status": Status.IN_REVIEW}, "article_desk_status", ["seqscan"]),
        # Walking the list's index and testing each headline is a fair plan for a tiny
        # table, so index scans are priced out too: only a bitmap scan can use a condition.
        ({"q": "ferry"}, "article_headline_trgm", ["seqscan", "indexscan"]),
    ],
)
def test_postgresql_can_answer_the_list_from_its_indexes(editor, filters, index, priced_out):
    """With the other plans priced out, PostgreSQL reads the list's page from the index made
    for it: the query Django writes matches the indexed expression (``UPPER(headline)``)."""
    ArticleFactory(headline="Ferry timetable")
    articles = desk_articles(user=editor, **filters).order_by("-modified_at", "-pk")[:26]
    sql, params = articles.query.sql_with_params()

    with connection.cursor() as cursor:
        for plan in priced_out:
            cursor.execute(f"SET LOCAL enable_{plan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert index in plan, plan
