"""The reader site's list pages: what each shows, what it hides, and what it costs."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import services
from articles.models import Article
from newsroom import errors
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    AuthorFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def _published_ago(hours: int) -> dict:
    at = timezone.now() - timezone.timedelta(hours=hours)
    return {"first_published_at": at, "updated_at": at}


class TestStatus:
    def test_every_reader_url_answers_200_for_published_content(self, client):
        """Home, section, article, author, source and corrections pages all open."""
        attribution = AttributionFactory()
        article = attribution.article
        author = article.bylines.get().author
        urls = [
            reverse("articles:home"),
            article.section.get_absolute_url(),
            article.get_absolute_url(),
            author.get_absolute_url(),
            attribution.source.get_absolute_url(),
            reverse("articles:corrections"),
        ]
        for url in urls:
            assert client.get(url).status_code == 200, url

    @pytest.mark.parametrize(
        "url",
        [
            "/articles/no-such-story/",
            "/section/no-such-section/",
            "/authors/no-such-author/",
            "/sources/no-such-source/",
        ],
    )
    def test_unknown_slugs_answer_404(self, client, url):
        """A mistyped address gets the not-found page, not an error."""
        response = client.get(url)
        assert response.status_code == 404
        assertContains(response, "Page not found", status_code=404)

    @pytest.mark.parametrize(
        "fields",
        [
            {"status": Article.Status.DRAFT},
            {"status": Article.Status.IN_REVIEW},
            {"status": Article.Status.UNPUBLISHED},
            {
                "status": Article.Status.PUBLISHED,
                "first_published_at": timezone.now() + timezone.timedelta(days=1),
            },
        ],
        ids=["draft", "in-review", "unpublished", "published-in-the-future"],
    )
    def test_unpublished_article_page_answers_404(self, client, fields):
        """Nothing a reader may not see yet is reachable by guessing its URL."""
        article = ArticleFactory(**fields)
        assert client.get(article.get_absolute_url()).status_code == 404

    def test_server_error_page_renders_without_the_database(self, rf, django_assert_num_queries):
        """The 500 page needs no database (tests/test_error_pages.py covers every error page)."""
        with django_assert_num_queries(0):
            html = errors.server_error(rf.get("/")).content.decode()
        assert "Something went wrong" in html
        assert '<html lang="en">' in html


class TestChrome:
    def test_page_has_landmarks_skip_link_and_nav(self, client):
        """Every page has the skip link, labelled nav, main and a footer to the log."""
        SectionFactory(name="World")
        response = client.get(reverse("articles:home"))
        assertContains(response, '<html lang="en">')
        assertContains(response, '<a class="skip-link" href="#main">')
        assertContains(response, '<main id="main"')
        assertContains(response, '<nav class="section-nav" aria-label="Sections">')
        assertContains(response, '<a href="/section/world/">World</a>', html=True)
        assertContains(response, '<meta name="description"')
        footer = response.content.decode().split('<footer class="site-footer">')[1]
        assert 'href="/corrections/"' in footer

    def test_stylesheet_is_local(self, client):
        """No external fonts, scripts or stylesheets: everything comes from our own host."""
        PublishedArticleFactory()
        html = client.get(reverse("articles:home")).content.decode()
        assert '<link rel="stylesheet" href="/static/css/site.css">' in html
        assert "<script src" not in html
        assert "fonts.googleapis" not in html


class TestHome:
    def test_lead_story_then_latest(self, client):
        """The newest story leads; the others follow in the latest list, newest first."""
        PublishedArticleFactory(headline="Older story", **_published_ago(5))
        PublishedArticleFactory(headline="Newest story", **_published_ago(1))
        PublishedArticleFactory(headline="Middle story", **_published_ago(3))
        response = client.get(reverse("articles:home"))
        html = response.content.decode()
        assert html.index('id="lead-headline"') < html.index("Newest story")
        assert html.index("Newest story") < html.index('id="latest-heading"')
        assert html.index("Newest story") < html.index("Middle story") < html.index("Older story")
        assertContains(response, 'id="lead-headline"')

    def test_drafts_are_not_listed(self, client):
        """A draft never reaches the front page."""
        PublishedArticleFactory(headline="Visible story")
        ArticleFactory(headline="Secret draft")
        response = client.get(reverse("articles:home"))
        assertContains(response, "Visible story")
        assertNotContains(response, "Secret draft")

    def test_empty_state(self, client):
        """With nothing published the front page says so."""
        assertContains(client.get(reverse("articles:home")), "No stories yet.")

    def test_pagination(self, client):
        """Past twenty stories the list pages by key: "Older stories" (rel next), then
        "Newer stories" (rel prev) back, never "Page X of Y" (tests/articles/
        test_list_pagination.py walks every list)."""
        section = SectionFactory()
        for hours in range(1, 23):
            PublishedArticleFactory(section=section, **_published_ago(hours))
        first = client.get(reverse("articles:home"))
        older = first.context["page"].older_url
        assert older.startswith("?before=")
        assertContains(first, f'rel="next" href="{older}"')
        assertNotContains(first, 'rel="prev"')
        assertNotContains(first, "Page 1")
        second = client.get(reverse("articles:home") + older)
        assertContains(second, 'rel="prev" href="?after=')
        assertNotContains(second, 'rel="next"')
        assert not second.context["lead"]
        assert len(second.context["latest"]) == 2

    def test_query_count_is_constant(self, client, settings, django_assert_num_queries):
        """Once its stories are prepared, the front page is one query (a page of stories
        joined to their prepared teasers) however many stories and bylines there are."""
        settings.NEWSROOM_PAGE_CACHE = False  # count the view's queries, not a cache hit
        section = SectionFactory()
        for _ in range(3):
            PublishedArticleFactory(section=section, bylines=2)
        url = reverse("articles:home")
        # The first request also fills the cached section navigation and prepares the
        # teasers the factories did not (the services prepare them when they publish).
        client.get(url)
        with django_assert_num_queries(1):
            client.get(url)
        for _ in range(30):
            PublishedArticleFactory(section=section, bylines=3)
        client.get(url)
        with django_assert_num_queries(1):
            response = client.get(url)
        assert response.content.decode().count('class="teaser"') == 19


class TestSection:
    def test_lists_only_its_published_stories(self, client, settings, django_assert_num_queries):
        """A section page lists its own published stories in a fixed number of queries."""
        settings.NEWSROOM_PAGE_CACHE = False  # count the view's queries, not a cache hit
        section = SectionFactory(name="Politics", description="Votes and voters.")
        PublishedArticleFactory(section=section, headline="Vote counted")
        ArticleFactory(section=section, headline="Draft in section")
        PublishedArticleFactory(headline="Elsewhere story")
        client.get(section.get_absolute_url())  # warm the navigation cache
        # The section, then its stories with their prepared teasers.
        with django_assert_num_queries(2):
            response = client.get(section.get_absolute_url())
        assertContains(response, "<h1>Politics</h1>", html=True)
        assertContains(response, "Votes and voters.")
        assertContains(response, "Vote counted")
        assertNotContains(response, "Draft in section")
        assertNotContains(response, "Elsewhere story")
        assertContains(response, 'aria-current="page"')

    def test_empty_state(self, client):
        """A section with nothing published says so."""
        section = SectionFactory()
        assertContains(client.get(section.get_absolute_url()), "No stories yet.")


class TestAuthor:
    def test_shows_profile_and_published_stories(self, client, settings, django_assert_num_queries):
        """An author page shows name, title, bio and only their published stories."""
        settings.NEWSROOM_PAGE_CACHE = False  # count the view's queries, not a cache hit
        author = AuthorFactory(display_name="Ada Reporter", title="Courts", bio="Covers courts.")
        mine = PublishedArticleFactory(headline="Court rules", bylines=0)
        mine.bylines.create(author=author)
        draft = ArticleFactory(headline="Unfinished court piece", bylines=0)
        draft.bylines.create(author=author)
        PublishedArticleFactory(headline="Someone else's story")
        client.get(author.get_absolute_url())  # warm the navigation cache
        # The author, then their stories with their prepared teasers (no count).
        with django_assert_num_queries(2):
            response = client.get(author.get_absolute_url())
        assertContains(response, "<h1>Ada Reporter</h1>", html=True)
        assertContains(response, "Courts")
        assertContains(response, "Covers courts.")
        assertContains(response, "Court rules")
        assertNotContains(response, "Unfinished court piece")
        assertNotContains(response, "Someone else")

    def test_empty_state(self, client):
        """An author with nothing published yet gets the empty state."""
        author = AuthorFactory()
        assertContains(client.get(author.get_absolute_url()), "No stories yet.")


class TestSource:
    def test_lists_published_attributions_linked_to_paragraphs(self, client):
        """A source page shows the source and each published quote, linked to its paragraph."""
        council = SourceFactory(name="City Council", slug="city-council", kind="organisation")
        mayor = SourceFactory(
            name="Jo Mayor", role="Mayor", affiliation=council, url="https://example.org/jo"
        )
        attribution = AttributionFactory(source=mayor, article__headline="Budget passes")
        response = client.get(mayor.get_absolute_url())
        assertContains(response, "<h1>Jo Mayor</h1>", html=True)
        assertContains(response, "Person")
        assertContains(response, '<a href="/sources/city-council/">City Council</a>', html=True)
        assertContains(response, 'href="https://example.org/jo"')
        assertContains(response, "We will balance the books,")
        assertContains(response, "Direct quote")
        assertContains(
            response,
            f'<a href="{attribution.article.get_absolute_url()}#p2">Budget passes</a>',
            html=True,
        )

    def test_draft_attributions_do_not_appear(self, client):
        """Quotes in an unpublished story stay off the source page."""
        source = SourceFactory()
        AttributionFactory(source=source, article=PublishedArticleFactory(headline="Out story"))
        AttributionFactory(source=source, article=ArticleFactory(headline="Draft budget story"))
        response = client.get(source.get_absolute_url())
        assertContains(response, "Out story")
        assertNotContains(response, "Draft budget story")

    def test_a_source_quoted_only_in_drafts_is_unknown_to_readers(self, client):
        """Readers cannot discover who a draft quotes: the source page answers 404."""
        source = SourceFactory(name="Confidential Whistleblower")
        AttributionFactory(source=source, article=ArticleFactory(headline="Draft budget story"))
        assert client.get(source.get_absolute_url()).status_code == 404

    def test_an_organisation_of_someone_on_the_record_has_a_page(self, client):
        """An affiliation readers see linked from a quoted person's page answers 200."""
        organisation = SourceFactory(name="City Council", kind="organisation")
        member = SourceFactory(affiliation=organisation)
        AttributionFactory(source=member)
        response = client.get(organisation.get_absolute_url())
        assertContains(response, "City Council")

    def test_query_count_is_constant(self, client, settings, django_assert_num_queries):
        """The source page costs two queries however many attributions it lists."""
        settings.NEWSROOM_PAGE_CACHE = False  # count the view's queries, not a cache hit
        source = SourceFactory()
        section = SectionFactory()
        AttributionFactory(source=source, article__section=section)
        client.get(source.get_absolute_url())  # warm the navigation cache
        # Source with affiliation, attributions with their articles (no count).
        with django_assert_num_queries(2):
            client.get(source.get_absolute_url())
        for _ in range(10):
            AttributionFactory(source=source, article__section=section)
        with django_assert_num_queries(2):
            response = client.get(source.get_absolute_url())
        assert len(response.context["page"].object_list) == 11


class TestCorrectionsLog:
    def test_lists_public_notes_newest_first_linked_to_paragraphs(self, client):
        """The log lists each note with date, kind, story and a link to its paragraph."""
        section = SectionFactory()
        old = CorrectionNoteFactory(
            article__headline="Old story",
            article__section=section,
            issued_at=timezone.now() - timezone.timedelta(days=2),
            text="The old mistake.",
        )
        new = CorrectionNoteFactory(
            article__headline="New story",
            article__section=section,
            kind="clarification",
            paragraphs=[3, 2],
            text="The new clarification.",
        )
        whole = CorrectionNoteFactory(
            article__headline="Whole story", article__section=section, paragraphs=[]
        )
        response = client.get(reverse("articles:corrections"))
        html = response.content.decode()
        assert html.index("The new clarification.") < html.index("The old mistake.")
        assertContains(response, "Clarification")
        assertContains(response, f'<time datetime="{new.published_at:%Y-%m-%dT%H:%M:%S%z}"')
        assertContains(
            response,
            f'<a href="{new.article.get_absolute_url()}#p2">New story</a>',
            html=True,
        )
        assertContains(
            response, f'<a href="{new.article.get_absolute_url()}#p3">paragraph 3</a>', html=True
        )
        assertContains(
            response, f'<a href="{old.article.get_absolute_url()}#p1">Old story</a>', html=True
        )
        assertContains(
            response, f'<a href="{whole.article.get_absolute_url()}">Whole story</a>', html=True
        )

    def test_draft_and_unpublished_notes_do_not_appear(self, client):
        """A note on a draft, or one not yet published, is not in the log."""
        CorrectionNoteFactory(article=ArticleFactory(), text="Note on a draft story.")
        CorrectionNoteFactory(published_at=None, text="Note still pending.")
        response = client.get(reverse("articles:corrections"))
        assertNotContains(response, "Note on a draft story.")
        assertNotContains(response, "Note still pending.")
        assertContains(response, "No corrections yet.")

    def test_withdrawn_note_does_not_appear(self, client, superuser):
        """A note an administrator withdrew disappears from the log."""
        note = CorrectionNoteFactory(text="Issued by mistake.")
        services.correction_note_withdraw(note=note, actor=superuser, reason="Wrong story.")
        assertNotContains(client.get(reverse("articles:corrections")), "Issued by mistake.")

    def test_query_count_is_constant(self, client, settings, django_assert_num_queries):
        """The log costs one query however many notes it lists."""
        settings.NEWSROOM_PAGE_CACHE = False  # count the view's queries, not a cache hit
        section = SectionFactory()
        CorrectionNoteFactory(article__section=section)
        url = reverse("articles:corrections")
        client.get(url)  # warm the navigation cache
        # The notes with their articles (no count).
        with django_assert_num_queries(1):
            client.get(url)
        for _ in range(10):
            CorrectionNoteFactory(article__section=section)
        with django_assert_num_queries(1):
            response = client.get(url)
        assert len(response.context["page"].object_list) == 11
