"""Reader search (``/search/``, ``articles.search``).

Most tests run on both databases: PostgreSQL full-text search and the SQLite fallback answer
the same page the same way for plain words. Stemming, weights and web-search syntax exist
only on PostgreSQL; those tests are marked ``postgres`` and skipped on SQLite.

Factories write rows directly, not through the services, so nothing indexes them: tests
call ``index_article`` (what the ``article_changed`` receiver does) or go through a service
inside ``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import search as search_module
from articles import services
from articles.models import Article, ArticleEvent, Revision
from articles.search import index_article, results, search, snippet_html
from articles.services import BlockData, CorrectionChoice, NoteData
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PublishedArticleFactory,
    SectionFactory,
    article_changes,
)
from tests.helpers import SEED_SLUG

pytestmark = pytest.mark.django_db

postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL full-text search"
    ),
]

SEARCH_URL = reverse("articles:search")


def indexed(factory=PublishedArticleFactory, **fields) -> Article:
    """An article made by ``factory`` and indexed, as a service write would leave it."""
    article = factory(**fields)
    index_article(article.pk)
    return article


def found(query: str, **filters) -> list[str]:
    """The slugs ``search`` ranks, best first."""
    ids = search(query, **filters).ids
    slugs = dict(Article.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [slugs[pk] for pk in ids]


def ago(**delta) -> datetime:
    return timezone.now() - timezone.timedelta(**delta)


class TestSearchPage:
    def test_page_without_a_query_asks_for_one(self, client):
        """/search/ with no query answers with a labelled form and asks for a search term."""
        response = client.get(SEARCH_URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<label for="id_q">Search for</label>' in html
        assert 'role="search"' in html
        assert "Type something to search for." in html
        assert 'name="robots" content="noindex"' in html

    @pytest.mark.parametrize("query", ["", "   ", "\t"])
    def test_blank_query_asks_for_one(self, client, query):
        """A blank query is not searched; the reader is asked to type something."""
        indexed(headline="Otters return to the Mill River")
        response = client.get(SEARCH_URL, {"q": query})
        assert response.status_code == 200
        assert "Type something to search for." in response.content.decode()
        assert response.context["results"] == []

    def test_results_show_count_teasers_and_highlighted_snippet(self, client):
        """Results are teasers with the matching passage highlighted and a result count."""
        article = indexed(
            headline="Pool closes for repairs",
            blocks=[("paragraph", "Inspectors found too much chlorine in the water.")],
        )
        response = client.get(SEARCH_URL, {"q": "chlorine"})
        html = response.content.decode()
        assert "1 story for “chlorine”" in html
        assert article.get_absolute_url() in html
        assert "<mark>chlorine</mark>" in html

    def test_no_results_says_so(self, client):
        """A query that matches nothing says that no stories match it."""
        indexed(headline="Otters return to the Mill River")
        response = client.get(SEARCH_URL, {"q": "zeppelin"})
        assert response.status_code == 200
        assert "No stories match “zeppelin”." in response.content.decode()

    @pytest.mark.parametrize(
        "query",
        [
            '"((( AND -',
            "!!!",
            "a & b | !c",
            "'",
            "\\",
            ":*",
            "otters <-> (river",
            'x" OR 1=1 --',
            "the and of",
            "<script>alert(1)</script>",
            "otters " * 40,
        ],
    )
    def test_nonsense_queries_answer_cleanly(self, client, query):
        """Stray quotes, operators, markup and overlong queries never break the page. (A NUL
        is refused before the view, with a 400: tests/test_control_chars.py.)"""
        indexed(headline="Otters return to the Mill River")
        response = client.get(SEARCH_URL, {"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.content.decode()

    def test_query_is_escaped_in_the_page(self, client):
        """What the reader typed is shown back as text, never as markup."""
        response = client.get(SEARCH_URL, {"q": "<b>bold</b>"})
        html = response.content.decode()
        assert "&lt;b&gt;bold&lt;/b&gt;" in html
        assert "<b>bold</b>" not in html

    def test_snippet_escapes_markup_in_the_story(self, client):
        """Markup-like text in a story body never becomes markup in the snippet."""
        indexed(
            headline="Pool closes for repairs",
            blocks=[("paragraph", "Someone typed <script>alert(1)</script> beside the chlorine.")],
        )
        response = client.get(SEARCH_URL, {"q": "chlorine"})
        [result] = response.context["results"]
        # PostgreSQL's ts_headline drops tag-like text; the fallback shows it escaped.
        assert "alert(1)" in result.snippet_html
        assert "<script" not in result.snippet_html
        assert "<mark>chlorine</mark>" in response.content.decode()

    def test_snippet_shows_the_passage_around_a_late_match(self, client):
        """The snippet is the part of the story that matched, not just its opening."""
        filler = [
            ("paragraph", f"Paragraph {n} says nothing of interest at all.") for n in range(30)
        ]
        indexed(
            headline="A long story",
            blocks=[*filler, ("paragraph", "At the very end the otters came back.")],
        )
        response = client.get(SEARCH_URL, {"q": "otters"})
        [result] = response.context["results"]
        assert "<mark>otters</mark>" in result.snippet_html
        assert "Paragraph 0 " not in result.snippet_html

    def test_retracted_story_is_found_and_labelled(self, client):
        """A retracted story stays readable, so search finds it, marked as retracted."""
        indexed(headline="Otters return to the Mill River", status=Article.Status.RETRACTED)
        html = client.get(SEARCH_URL, {"q": "otters"}).content.decode()
        assert "1 story for “otters”" in html
        assert '<span class="kind kind-retracted">Retracted</span>' in html

    def test_pagination_keeps_the_query(self, client):
        """Results come 20 to a page; the next-page link keeps the query and filters."""
        section = SectionFactory(name="City", slug="city")
        for n in range(25):
            indexed(
                headline=f"Otters seen again {n}", section=section, first_published_at=ago(days=n)
            )
        response = client.get(SEARCH_URL, {"q": "otters", "section": "city"})
        assert len(response.context["results"]) == 20
        assert "25 stories for “otters”" in response.content.decode()
        assert 'href="?q=otters&amp;section=city&amp;page=2"' in response.content.decode()
        response = client.get(SEARCH_URL, {"q": "otters", "section": "city", "page": 2})
        assert len(response.context["results"]) == 5
        assert response.context["results"][-1].headline == "Otters seen again 24"

    def test_results_page_query_count_does_not_grow_with_results(
        self, client, settings, monkeypatch, django_assert_num_queries
    ):
        """The results page costs the same number of queries for 5 matches as for 40, and
        past the cap on ranked matches: nothing counts them all."""
        settings.NEWSROOM_PAGE_CACHE = False
        monkeypatch.setattr(search_module, "NEWEST_MATCHES", 30)
        section = SectionFactory()
        for n in range(5):
            indexed(headline=f"Otters seen again {n}", section=section, bylines=2)
        # Warms the cached section navigation and prepares the teasers (articles.rendering).
        client.get(SEARCH_URL, {"q": "otters"})
        # the ranking (on PostgreSQL after the planner's two estimates, which here size no
        # window: see TestPostgresRecentWindow), the page's stories with their prepared
        # teasers and snippets, the sections for the filter; the navigation is cached
        queries = 5 if connection.vendor == "postgresql" else 3
        with django_assert_num_queries(queries):
            response = client.get(SEARCH_URL, {"q": "otters"})
        assert len(response.context["results"]) == 5
        for n in range(5, 40):
            indexed(headline=f"Otters seen again {n}", section=section, bylines=2)
        for page in (1, 2):
            client.get(SEARCH_URL, {"q": "otters", "page": page})
            with django_assert_num_queries(queries):
                response = client.get(SEARCH_URL, {"q": "otters", "page": page})
            assert response.context["matches"].capped
        assert len(response.context["results"]) == 10

    def test_result_is_the_prepared_teaser_with_the_snippet(self, client):
        """Each result is the teaser lists show, with the matching passage where the teaser
        template puts a snippet."""
        article = indexed(
            headline="Pool closes for repairs",
            blocks=[("paragraph", "Inspectors found too much chlorine in the water.")],
        )
        response = client.get(SEARCH_URL, {"q": "chlorine"})
        [result] = response.context["results"]
        live = render_to_string(
            "articles/includes/_teaser.html",
            {
                "article": Article.objects.with_list_data().get(pk=article.pk),
                "level": 3,
                "snippet": result.snippet_html,
            },
        )
        assert " ".join(result.teaser_html.split()) == " ".join(live.split())
        assert result.teaser_html in response.content.decode()

    @pytest.mark.parametrize("name", ["home", "section", "article", "author", "corrections"])
    def test_every_reader_page_has_the_header_search_box(self, client, name):
        """The site header carries a labelled search box that submits to /search/."""
        article = indexed()
        kwargs = {
            "section": {"slug": article.section.slug},
            "article": {"slug": article.slug},
            "author": {"slug": article.authors.get().slug},
        }.get(name, {})
        html = client.get(reverse(f"articles:{name}", kwargs=kwargs)).content.decode()
        assert f'role="search" aria-label="Site search" method="get" action="{SEARCH_URL}"' in html
        assert '<label for="site-search-q" class="visually-hidden">Search stories</label>' in html
        assert '<input type="search" id="site-search-q" name="q"' in html


class TestVisibility:
    @pytest.mark.parametrize(
        "fields",
        [
            {"status": Article.Status.DRAFT, "first_published_at": None},
            {"status": Article.Status.IN_REVIEW, "first_published_at": None},
            {"status": Article.Status.SCHEDULED, "first_published_at": None},
            {"status": Article.Status.UNPUBLISHED},
            {
                "status": Article.Status.PUBLISHED,
                "first_published_at": timezone.now() + timezone.timedelta(days=1),
            },
        ],
        ids=["draft", "in_review", "scheduled", "unpublished", "published_in_future"],
    )
    def test_unpublished_stories_are_never_found(self, client, fields):
        """A story readers cannot read never turns up in search, whatever words it holds."""
        indexed(headline="Otters secretly return", **fields)
        assert found("otters") == []
        response = client.get(SEARCH_URL, {"q": "otters"})
        assert "No stories match" in response.content.decode()

    def test_unpublishing_removes_a_story_from_results(
        self, editor, django_capture_on_commit_callbacks
    ):
        """Once unpublished, a story drops out of search."""
        article = indexed(headline="Otters return to the Mill River")
        assert found("otters") == [article.slug]
        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=article, actor=editor, comment="Legal hold.")
        assert found("otters") == []


class TestFilters:
    def test_section_filter(self, client):
        """Choosing a section keeps only that section's stories."""
        city = SectionFactory(name="City", slug="city")
        sport = SectionFactory(name="Sport", slug="sport")
        in_city = indexed(headline="Otters in the city", section=city)
        indexed(headline="Otters in the stadium", section=sport)
        assert found("otters", section=city) == [in_city.slug]
        response = client.get(SEARCH_URL, {"q": "otters", "section": "city"})
        assert [a.slug for a in response.context["results"]] == [in_city.slug]

    def test_date_range_filter(self, client):
        """From and until dates keep stories published on those days, inclusive."""
        march = indexed(
            headline="Otters in March",
            first_published_at=timezone.make_aware(datetime(2024, 3, 31, 12)),
        )
        indexed(
            headline="Otters in April",
            first_published_at=timezone.make_aware(datetime(2024, 4, 1, 12)),
        )
        indexed(
            headline="Otters in February",
            first_published_at=timezone.make_aware(datetime(2024, 2, 29, 12)),
        )
        assert found("otters", date_from=date(2024, 3, 1), date_to=date(2024, 3, 31)) == [
            march.slug
        ]
        response = client.get(
            SEARCH_URL, {"q": "otters", "date_from": "2024-03-01", "date_to": "2024-03-31"}
        )
        assert [a.slug for a in response.context["results"]] == [march.slug]

    def test_dates_are_days_in_the_newsroom_time_zone(self, settings):
        """A day runs midnight to midnight where the newsroom is, not in UTC."""
        settings.TIME_ZONE = "America/New_York"
        late_on_the_31st = indexed(
            headline="Otters at night",
            first_published_at=timezone.make_aware(datetime(2024, 3, 31, 23, 30)),
        )
        assert found("otters", date_to=date(2024, 3, 31)) == [late_on_the_31st.slug]
        assert found("otters", date_from=date(2024, 4, 1)) == []

    @pytest.mark.parametrize(
        "params",
        [
            {"date_from": "0001-01-01"},
            {"date_to": "9999-12-31"},
            {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        ],
    )
    def test_dates_at_the_ends_of_the_calendar(self, client, params):
        """The first and last days a date field accepts filter without overflowing."""
        article = indexed(headline="Otters return to the Mill River")
        response = client.get(SEARCH_URL, {"q": "otters", **params})
        assert [a.pk for a in response.context["results"]] == [article.pk]

    @pytest.mark.parametrize(
        "params",
        [
            {"section": "no-such-section"},
            {"date_from": "yesterday"},
            {"date_from": "2024-04-01", "date_to": "2024-03-01"},
        ],
    )
    def test_bad_filters_show_an_error_not_results(self, client, params):
        """A filter that makes no sense is pointed out on the form; nothing is searched."""
        indexed(headline="Otters return to the Mill River")
        response = client.get(SEARCH_URL, {"q": "otters", **params})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'aria-invalid="true"' in html
        assert "Check the search form above" in html
        assert response.context["results"] == []


class TestNewestMatches:
    """A query ranks only its ``NEWEST_MATCHES`` newest matches, and the page says so."""

    @pytest.fixture(autouse=True)
    def cap(self, monkeypatch):
        monkeypatch.setattr(search_module, "NEWEST_MATCHES", 3)

    def test_over_the_cap_the_page_says_more_than_and_ranks_the_newest(self, client):
        """With more matches than the cap, the page claims no total: "more than" the cap,
        the best of the newest that many, and the older matches are not among them."""
        old_headline_match = indexed(headline="Otters everywhere", first_published_at=ago(days=9))
        newest = [
            indexed(
                headline=f"Council meets {n}",
                blocks=[("paragraph", "Someone mentioned otters.")],
                first_published_at=ago(days=n),
            )
            for n in range(1, 5)
        ]
        response = client.get(SEARCH_URL, {"q": "otters"})
        html = response.content.decode()
        assert "More than 3 stories for “otters”" in html
        assert "Showing the best matches among the newest 3." in html
        assert [a.pk for a in response.context["results"]] == [a.pk for a in newest[:3]]
        assert old_headline_match.slug not in html
        matches = response.context["matches"]
        assert matches.capped and len(matches) == 3

    def test_at_the_cap_the_count_is_exact(self, client):
        """As many matches as the cap is an exact count, not "more than"."""
        for n in range(3):
            indexed(headline=f"Otters seen again {n}", first_published_at=ago(days=n))
        html = client.get(SEARCH_URL, {"q": "otters"}).content.decode()
        assert "3 stories for “otters”" in html
        assert "More than" not in html
        assert "newest 3" not in html

    def test_best_match_first_among_the_newest(self):
        """Within the newest matches, a headline match ranks above newer body-only ones."""
        body_only = [
            indexed(
                headline=f"Council meets {n}",
                blocks=[("paragraph", "Someone mentioned otters.")],
                first_published_at=ago(hours=n + 1),
            )
            for n in range(2)
        ]
        headline = indexed(headline="Otters are back", first_published_at=ago(days=2))
        indexed(headline="Otters, older", first_published_at=ago(days=5))
        assert found("otters") == [headline.slug, body_only[0].slug, body_only[1].slug]

    def test_filters_apply_before_the_cap(self, client):
        """A section or date filter picks from every match, not from the newest few: older
        stories stay reachable, and are counted exactly."""
        city = SectionFactory(name="City", slug="city")
        sport = SectionFactory(name="Sport", slug="sport")
        for n in range(4):
            indexed(
                headline=f"Otters at the match {n}", section=sport, first_published_at=ago(days=n)
            )
        in_city = [
            indexed(
                headline=f"Otters in town {n}", section=city, first_published_at=ago(days=10 + n)
            )
            for n in range(2)
        ]
        assert search("otters").capped
        assert set(found("otters", section=city)) == {a.slug for a in in_city}
        day = in_city[0].first_published_at.date()
        assert found("otters", date_from=day, date_to=day) == [in_city[0].slug]
        html = client.get(SEARCH_URL, {"q": "otters", "section": "city"}).content.decode()
        assert "2 stories for “otters”" in html
        assert "More than" not in html

    def test_stories_readers_cannot_see_neither_show_nor_count(self, client):
        """Drafts and unpublished stories, however new, take no place among the newest."""
        for status in (Article.Status.DRAFT, Article.Status.IN_REVIEW):
            for n in range(3):
                indexed(headline=f"Otters, secretly {n}", status=status, first_published_at=None)
        for n in range(3):
            indexed(headline=f"Otters, withdrawn {n}", status=Article.Status.UNPUBLISHED)
        indexed(
            headline="Otters tomorrow",
            first_published_at=timezone.now() + timezone.timedelta(hours=1),
        )
        public = [
            indexed(headline=f"Otters seen {n}", first_published_at=ago(days=n + 1))
            for n in range(2)
        ]
        response = client.get(SEARCH_URL, {"q": "otters"})
        assert [a.pk for a in response.context["results"]] == [a.pk for a in public]
        assert "2 stories for “otters”" in response.content.decode()

    def test_pages_within_the_capped_set(self, client, monkeypatch):
        """Numbered pages go through the ranked matches and stop at the cap."""
        monkeypatch.setattr(search_module, "NEWEST_MATCHES", 25)
        for n in range(30):
            indexed(headline=f"Otters seen again {n}", first_published_at=ago(days=n))
        response = client.get(SEARCH_URL, {"q": "otters", "page": 2})
        assert len(response.context["results"]) == 5
        assert response.context["results"][-1].headline == "Otters seen again 24"
        assert "Page 2 of 2" in response.content.decode()
        response = client.get(SEARCH_URL, {"q": "otters", "page": 3})
        assert response.context["page"].number == 2


class TestMatching:
    def test_headline_match_ranks_above_body_only_match(self):
        """A story with the word in its headline comes before one that only mentions it."""
        body_only = indexed(
            headline="Council budget passes",
            blocks=[("paragraph", "Residents also asked about the otters.")],
            first_published_at=ago(hours=1),
        )
        headline = indexed(
            headline="Otters return to the Mill River", first_published_at=ago(days=3)
        )
        assert found("otters") == [headline.slug, body_only.slug]

    def test_every_word_must_match(self):
        """A story matches only if it holds every word of the query."""
        both = indexed(headline="Otters return to the river")
        indexed(headline="Otters leave town")
        assert found("otters river") == [both.slug]

    def test_possessive_query_finds_the_name(self):
        """A possessive ("Millbrook’s") finds the name, not every story with an "s" in it."""
        millbrook = indexed(
            headline="Millbrook’s budget passes",
            blocks=[("paragraph", "Millbrook’s council passes its budget.")],
        )
        indexed(headline="Otters seen in the shallows")
        assert found("Millbrook’s") == [millbrook.slug]
        [result] = results(search("Millbrook’s").ids, "Millbrook’s", RequestFactory().get("/"))
        assert result.snippet_html.count("<mark>") == 1

    def test_seed_story_is_found_after_load_demo(self, client, django_capture_on_commit_callbacks):
        """After ``load_demo`` the seed story is found by a name and by a word in its body."""
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_demo", stdout=StringIO())
        assert SEED_SLUG in found("Townsend")
        assert SEED_SLUG in found("chlorine")
        html = client.get(SEARCH_URL, {"q": "chlorine"}).content.decode()
        assert "<mark>chlorine</mark>" in html

    def test_snippet_html_escapes_then_marks(self):
        """Snippet text is escaped; only the match markers become <mark> tags."""
        assert snippet_html("a <b>&amp; \x02otters\x03 swim") == (
            "a &lt;b&gt;&amp;amp; <mark>otters</mark> swim"
        )


class TestIndexStaysCurrent:
    def test_index_is_updated_before_the_page_cache_moves_on(self):
        """The index receiver runs before the page cache's, so no stale search is cached."""
        from articles.signals import article_changed

        names = [ref().__module__ for _key, ref, *_ in article_changed.receivers if ref()]
        assert names.index("articles.search") < names.index("articles.caching")

    def test_correction_reindexes(self, editor, django_capture_on_commit_callbacks):
        """After a correction the new words are found and the old ones are not."""
        article = indexed(blocks=[("paragraph", "The council met on Tuesday at the library.")])
        assert found("Tuesday") == [article.slug]
        changes = article_changes(
            article, blocks=[("paragraph", "The council met on Wednesday at the library.")]
        )
        note = NoteData(kind="correction", text="It met on Wednesday.", paragraphs=[1])
        with django_capture_on_commit_callbacks(execute=True):
            services.article_correct(
                article=article,
                actor=editor,
                changes=changes,
                base_revision=0,
                choice=CorrectionChoice(note=note),
            )
        assert found("Wednesday") == [article.slug]
        assert found("Tuesday") == []

    def test_headline_correction_reindexes(self, editor, django_capture_on_commit_callbacks):
        """A corrected headline is searched by its new words."""
        article = indexed(headline="Otters return to the Mill River")
        changes = article_changes(article, headline="Beavers return to the Mill River")
        with django_capture_on_commit_callbacks(execute=True):
            services.article_correct(
                article=article,
                actor=editor,
                changes=changes,
                base_revision=0,
                choice=CorrectionChoice(non_substantive_reason="Wrong animal in the headline."),
            )
        assert found("beavers") == [article.slug]
        assert found("otters") == []

    def test_edit_then_publish_is_searchable_by_the_edited_words(
        self, editor, django_capture_on_commit_callbacks
    ):
        """A draft's edits are not indexed (readers cannot search it, so an edit is not a
        public change); publishing indexes it, by its newest words."""
        with django_capture_on_commit_callbacks(execute=True):
            draft = services.article_create(
                actor=editor,
                section=SectionFactory(),
                headline="Council meets",
                blocks=[BlockData(kind="paragraph", text="The council met on Tuesday.")],
                authors=[AuthorFactory()],
            )
        assert found("Tuesday") == []  # a draft is never searchable
        changes = article_changes(draft, blocks=[("paragraph", "The council met on Friday.")])
        with django_capture_on_commit_callbacks(execute=True):
            services.article_update(article=draft, actor=editor, changes=changes, base_revision=1)
        assert Article.objects.get(pk=draft.pk).body_text == ""
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=draft, actor=editor)
        assert found("Friday") == [draft.slug]
        assert found("Tuesday") == []

    def test_indexing_is_not_an_editorial_change(self):
        """Indexing writes no revision, no audit event and leaves the modified time alone."""
        article = ArticleFactory(
            blocks=[("paragraph", "One."), ("subheading", "Two"), ("blockquote", "Three.")]
        )
        modified_at = Article.objects.get(pk=article.pk).modified_at
        index_article(article.pk)
        article.refresh_from_db()
        assert article.body_text == "One.\n\nThree."
        assert article.modified_at == modified_at
        assert not Revision.objects.exists()
        assert not ArticleEvent.objects.exists()

    def test_reindex_command_makes_existing_rows_searchable(self):
        """``reindex_search`` indexes rows that were written without the services."""
        article = PublishedArticleFactory(blocks=[("paragraph", "The otters came back.")])
        assert found("otters") == []
        out = StringIO()
        call_command("reindex_search", stdout=out)
        assert "Reindexed 1 article." in out.getvalue()
        assert found("otters") == [article.slug]


class TestPostgresFullText:
    pytestmark = postgres_only

    def test_stemming_finds_other_forms_of_a_word(self):
        """'vetoes' finds stories that say 'vetoed' or 'veto'."""
        vetoed = indexed(blocks=[("paragraph", "Russia vetoed the resolution.")])
        veto = indexed(headline="A veto at the Security Council")
        assert set(found("vetoes")) == {vetoed.slug, veto.slug}

    def test_standfirst_ranks_above_body(self):
        """A match in the standfirst ranks above a match only in the body."""
        body_only = indexed(
            dek="What the vote means.",
            blocks=[("paragraph", "Otters were mentioned.")],
            first_published_at=ago(hours=1),
        )
        in_dek = indexed(dek="Otters, and what they mean.", first_published_at=ago(days=2))
        assert found("otters") == [in_dek.slug, body_only.slug]

    def test_web_search_syntax(self):
        """Quoted phrases and -exclusions work as on a web search engine."""
        phrase = indexed(blocks=[("paragraph", "The night bus runs till two.")])
        apart = indexed(blocks=[("paragraph", "The bus runs at night.")])
        assert found('"night bus"') == [phrase.slug]
        assert found("bus -night") == []
        assert set(found("bus")) == {phrase.slug, apart.slug}

    def test_stemmed_match_is_highlighted(self, client):
        """The snippet marks the word as the story spells it, not as the reader typed it."""
        indexed(blocks=[("paragraph", "Russia vetoed the resolution on Tuesday.")])
        html = client.get(SEARCH_URL, {"q": "vetoes"}).content.decode()
        assert "<mark>vetoed</mark>" in html

    def test_snippet_escapes_what_the_headline_function_keeps(self, client):
        """``ts_headline`` keeps ampersands and angle brackets that are not tags: they are
        escaped on the page, and only the matches are marked."""
        indexed(blocks=[("paragraph", "Fees rose 5 < 6 & the chlorine <b>bill</b> fell.")])
        response = client.get(SEARCH_URL, {"q": "chlorine"})
        [result] = response.context["results"]
        assert "&lt; 6 &amp; the <mark>chlorine</mark>" in result.snippet_html
        assert "<b>" not in result.snippet_html

    def test_headlines_are_made_for_the_page_only(self, client, monkeypatch):
        """Ranking never makes snippets; the one query that does covers the page's ids."""
        monkeypatch.setattr(search_module, "NEWEST_MATCHES", 30)
        for n in range(40):
            indexed(headline=f"Otters seen again {n}")
        with CaptureQueriesContext(connection) as queries:
            client.get(SEARCH_URL, {"q": "otters"})
        with_headlines = [q["sql"] for q in queries if "ts_headline" in q["sql"]]
        assert len(with_headlines) == 1
        assert "ts_rank" not in with_headlines[0]
        [ranking] = [q["sql"] for q in queries if "ts_rank" in q["sql"]]
        assert "LIMIT 31" in ranking

    def test_search_vector_has_a_gin_index(self):
        """The stored search vector is backed by a GIN index."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector_gin'"
            )
            [(indexdef,)] = cursor.fetchall()
        assert "USING gin (search_vector)" in indexdef


class TestPostgresRecentWindow:
    """A word in many stories is looked for among the newest stories first; the answer is
    the one searching every story gives."""

    pytestmark = postgres_only

    @pytest.fixture(autouse=True)
    def cap(self, monkeypatch):
        monkeypatch.setattr(search_module, "NEWEST_MATCHES", 3)
        # A window for words in any share of stories, so a few dozen stories show it.
        monkeypatch.setattr(search_module, "WINDOW_MAX_SHARE", 2)

    @staticmethod
    def analyze():
        # The planner's statistics are what size the window; ANALYZE sees this test's rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")

    @staticmethod
    def ranking_queries(queries) -> list[str]:
        return [q["sql"] for q in queries if "ts_rank" in q["sql"]]

    def test_a_common_word_is_ranked_from_the_newest_stories(self):
        """With statistics saying most stories match, one ranking query over a window of
        the newest stories finds the newest matches."""
        stories = [
            indexed(headline=f"Otters seen again {n}", first_published_at=ago(days=n))
            for n in range(40)
        ]
        self.analyze()
        with CaptureQueriesContext(connection) as queries:
            matches = search("otters")
        [ranking] = self.ranking_queries(queries)
        assert '"first_published_at" >=' in ranking
        assert matches.capped
        assert matches.ids == [a.pk for a in stories[:3]]

    def test_a_window_short_of_matches_searches_every_story(self, monkeypatch):
        """When the newest stories hold fewer matches than the estimate promised, the
        search goes on over every story: older matches are found and the cap is honest."""
        old = [
            indexed(headline=f"Otters long ago {n}", first_published_at=ago(days=100 + n))
            for n in range(5)
        ]
        for n in range(40):
            indexed(headline=f"Council meets {n}", first_published_at=ago(days=n))
        self.analyze()
        # Claim that every story matches, so the window is the newest eight.
        monkeypatch.setattr(search_module, "_estimated_rows", lambda articles: 45)
        with CaptureQueriesContext(connection) as queries:
            matches = search("otters")
        assert len(self.ranking_queries(queries)) == 2
        assert matches.capped
        assert matches.ids == [a.pk for a in old[:3]]
