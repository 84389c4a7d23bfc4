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
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleEvent, Revision
from articles.search import index_article, search, snippet_html, with_snippets
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
    return list(search(query, **filters).values_list("slug", flat=True))


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
        self, client, settings, django_assert_num_queries
    ):
        """The results page costs the same number of queries for 2 results as for 10."""
        settings.NEWSROOM_PAGE_CACHE = False
        section = SectionFactory()
        for n in range(2):
            indexed(headline=f"Otters seen again {n}", section=section, bylines=2)
        client.get(SEARCH_URL, {"q": "otters"})  # warms the cached section navigation
        # count, results (with sections), bylines with authors, sections for the filter;
        # the navigation comes from the cache
        with django_assert_num_queries(4):
            response = client.get(SEARCH_URL, {"q": "otters"})
        assert len(response.context["results"]) == 2
        for n in range(2, 10):
            indexed(headline=f"Otters seen again {n}", section=section, bylines=2)
        with django_assert_num_queries(4):
            response = client.get(SEARCH_URL, {"q": "otters"})
        assert len(response.context["results"]) == 10

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
        [result] = with_snippets(search("Millbrook’s"), "Millbrook’s")
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

    def test_search_vector_has_a_gin_index(self):
        """The stored search vector is backed by a GIN index."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector_gin'"
            )
            [(indexdef,)] = cursor.fetchall()
        assert "USING gin (search_vector)" in indexdef
