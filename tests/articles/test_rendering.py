"""Prepared reader HTML (``articles.rendering``): the article page and the teaser lists are
served from HTML rendered once per change and stored in ``ArticleRendering``.

What readers must never notice: a change they could see is on the page on the very next
request, whatever path made it (a service, a plain save of a record the page shows), and a
page served from a stored rendering is the page a live render would give, on the host they
asked for. Service writes defer their work to after the commit, so every test that changes
content through a service wraps it in ``django_capture_on_commit_callbacks(execute=True)``:
that is the commit a real request would make.
"""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag

from articles import rendering, services
from articles.models import Article, ArticleRendering, Author, Section, Source
from articles.services import CorrectionChoice, NoteData
from articles.visibility import reader_outcome
from tests.articles import test_admin  # its page_data() fills an admin form
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    AuthorFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SectionFactory,
    SourceFactory,
    article_changes,
    image_upload,
)
from tests.helpers import published_ago

pytestmark = pytest.mark.django_db

CORRECTION = "An earlier version gave the wrong total for the budget."
REASON = "The story relied on documents we can no longer verify."


# --- Helpers -----------------------------------------------------------------------------


@pytest.fixture
def story(db) -> Article:
    """A published story with a byline, a quoted source in its Politics section and a tag."""
    section = SectionFactory(name="Politics", slug="politics")
    author = AuthorFactory(display_name="Ana Reporter", slug="ana-reporter")
    article = PublishedArticleFactory(
        headline="Council passes budget", section=section, bylines=0, **published_ago(hours=2)
    )
    article.bylines.create(author=author, position=0)
    AttributionFactory(article=article, source=SourceFactory(name="Mayor Jo Bloggs"))
    article.tags.add("budget")
    return article


def _text(client, url: str, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    return response.content.decode()


def _stored(article: Article) -> ArticleRendering | None:
    return ArticleRendering.objects.filter(pk=article.pk).first()


def _is_current(article: Article) -> bool:
    stored = _stored(article)
    return stored is not None and stored.version == rendering.fingerprint()


def _correct(article: Article, actor, *, note: str = CORRECTION) -> Article:
    """A correction issued as the desk's correct form issues it: new words, public note."""
    return services.article_correct(
        article=article,
        actor=actor,
        changes=article_changes(
            article,
            blocks=[
                ("paragraph", "The council met on Tuesday."),
                ("paragraph", "We will balance the books, the mayor said."),
                ("paragraph", "The vote, on a budget of 12 million, is next week."),
            ],
        ),
        base_revision=services.latest_revision_number(article),
        choice=CorrectionChoice(note=NoteData(kind="correction", text=note, paragraphs=[3])),
    )


def _refusing_rendering_writes(execute, sql, params, many, context):
    """A database that refuses to store renderings (a read-only replica, say)."""
    if sql.lstrip().upper().startswith(("UPDATE", "INSERT")) and "articlerendering" in sql:
        raise DatabaseError("cannot execute UPDATE in a read-only transaction")
    return execute(sql, params, many, context)


def _article_element(html: str) -> str:
    """The page's ``<article class="story ...">`` element, as served."""
    match = re.search(r'<article class="story .*?\n</article>', html, re.S)
    assert match, "no story element"
    return match.group(0)


def _teaser(html: str, headline: str) -> str:
    """The one teaser (or the lead) on a list page that links to the story ``headline``."""
    found = [
        t
        for t in re.findall(
            r'<li class="teaser">.*?</li>|<article class="lead-story".*?</article>', html, re.S
        )
        if headline in t
    ]
    assert len(found) == 1, f"one teaser for {headline!r}"
    return found[0]


def _shown(html: str, page: str, headline: str) -> str:
    """What of ``html`` the prepared fragments of the story ``headline`` fill: the story
    element on its page, its teaser on a list (not the navigation or the page header)."""
    return _article_element(html) if page == "article" else _teaser(html, headline)


# --- A change is on the page at once -----------------------------------------------------

# The site navigation is kept in each process's memory per content generation: the first
# page a process renders after a change reads the sections once more.
NAVIGATION = 1


class TestCorrectionsReachReaders:
    @pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
    def test_correction_is_on_the_page_on_the_next_request(
        self, client, settings, story, editor, django_capture_on_commit_callbacks, page_cache
    ):
        """A reader who had the story open reloads it and sees the correction note and the
        corrected words, with or without the reader page cache in front."""
        settings.NEWSROOM_PAGE_CACHE = page_cache
        url = story.get_absolute_url()
        assert CORRECTION not in _text(client, url)
        with django_capture_on_commit_callbacks(execute=True):
            _correct(story, editor)
        html = _text(client, url)
        assert CORRECTION in html
        assert "on a budget of 12 million" in html
        assert "1 correction</a>" in html

    def test_the_correction_is_prepared_when_it_commits(
        self,
        client,
        no_page_cache,
        story,
        editor,
        django_capture_on_commit_callbacks,
        django_assert_num_queries,
    ):
        """Once the correction commits its page is ready: the next reader is served the
        stored rendering in one query, not a render."""
        url = story.get_absolute_url()
        _text(client, url)  # rendered and stored; fills the navigation cache too
        with django_capture_on_commit_callbacks(execute=True):
            _correct(story, editor)
        stored = _stored(story)
        assert stored.version == rendering.fingerprint()
        assert CORRECTION in stored.story_html
        # The story with its section and its rendering, in one query; nothing is rendered.
        # (And the navigation: each process reads it once per change to the site.)
        with django_assert_num_queries(1 + NAVIGATION):
            html = _text(client, url)
        assert CORRECTION in html

    def test_a_note_alone_is_on_the_page_on_the_next_request(
        self, client, story, editor, django_capture_on_commit_callbacks
    ):
        """A clarification issued without touching the words is shown at once too."""
        url = story.get_absolute_url()
        _text(client, url)
        with django_capture_on_commit_callbacks(execute=True):
            services.correction_note_create(
                article=story,
                actor=editor,
                note=NoteData(kind="clarification", text="The mayor spoke for the council."),
            )
        assert "The mayor spoke for the council." in _text(client, url)

    def test_a_withdrawn_note_leaves_the_page_on_the_next_request(
        self, client, story, admin, django_capture_on_commit_callbacks
    ):
        """A note taken down by an administrator is no longer shown to readers."""
        note = CorrectionNoteFactory(article=story, text="A note that was itself wrong.")
        url = story.get_absolute_url()
        assert "A note that was itself wrong." in _text(client, url)
        with django_capture_on_commit_callbacks(execute=True):
            services.correction_note_withdraw(note=note, actor=admin, reason="Issued in error.")
        assert "A note that was itself wrong." not in _text(client, url)


# --- Plain records renamed ---------------------------------------------------------------


def _rename(story: Article, record: str, name: str):
    """The record of ``story`` named by ``record``, renamed as the admin saves it."""
    if record == "source":
        obj = Source.objects.get(attributions__article=story)
        obj.name = name
    elif record == "author":
        obj = Author.objects.get(bylines__article=story)
        obj.display_name = name
    elif record == "section":
        obj = Section.objects.get(pk=story.section_id)
        obj.name = name
    else:
        obj = Tag.objects.get(name="budget")
        obj.name = name
    obj.save()
    return obj


# Where each record's name shows: on the story, and in which teasers.
SHOWN_IN = {
    "source": {"article"},
    "author": {"article", "home", "section"},
    "section": {"article", "home"},
    "tag": {"article"},
}


class TestRenamedRecords:
    @pytest.fixture
    def pages(self, story) -> dict[str, str]:
        # A second, newer story leads the home page, so the story under test is a teaser.
        PublishedArticleFactory(headline="Newer story", **published_ago(minutes=5))
        return {
            "article": story.get_absolute_url(),
            "home": reverse("articles:home"),
            "section": story.section.get_absolute_url(),
        }

    @pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
    @pytest.mark.parametrize("record", list(SHOWN_IN))
    def test_new_name_shows_on_the_next_request(
        self,
        client,
        settings,
        story,
        pages,
        record,
        page_cache,
        django_capture_on_commit_callbacks,
    ):
        """A source, author, section or topic renamed (its record saved, as the admin or a
        shell saves it) shows under its new name on the stories already rendered with the
        old one, and in their teasers."""
        settings.NEWSROOM_PAGE_CACHE = page_cache
        for url in pages.values():
            _text(client, url)
        assert _is_current(story)
        with django_capture_on_commit_callbacks(execute=True):
            _rename(story, record, "Renamed Record")
        for page in SHOWN_IN[record]:
            shown = _shown(_text(client, pages[page]), page, story.headline)
            assert "Renamed Record" in shown, page
        assert _is_current(story), "the re-render was stored"

    @pytest.mark.parametrize("record", list(SHOWN_IN))
    def test_new_name_is_in_the_stored_rendering_after_one_read(
        self, client, no_page_cache, story, record, django_capture_on_commit_callbacks
    ):
        """After the first reader's request, the stored page carries the new name, so later
        readers get it without a render."""
        url = story.get_absolute_url()
        _text(client, url)
        with django_capture_on_commit_callbacks(execute=True):
            _rename(story, record, "Renamed Record")
        assert _stored(story).version == "", "marked stale"
        _text(client, url)
        stored = _stored(story)
        assert stored.version == rendering.fingerprint()
        assert "Renamed Record" in stored.story_html + stored.head_html

    def test_renaming_a_source_affiliation_shows_on_the_story(
        self, client, no_page_cache, story, django_capture_on_commit_callbacks
    ):
        """The organisation a quoted person speaks for is shown with them; renaming it
        shows on their stories."""
        source = Source.objects.get(attributions__article=story)
        source.affiliation = SourceFactory(name="City Council", kind=Source.Kind.ORGANISATION)
        source.save()
        url = story.get_absolute_url()
        assert "City Council" in _text(client, url)
        organisation = source.affiliation
        organisation.name = "Borough Council"
        with django_capture_on_commit_callbacks(execute=True):
            organisation.save()
        assert "Borough Council" in _article_element(_text(client, url))

    @pytest.mark.parametrize("record", list(SHOWN_IN))
    def test_renamed_in_the_admin_with_the_page_cache_on(
        self, client, admin_client, story, pages, record, django_capture_on_commit_callbacks
    ):
        """Through the admin itself, with the reader page cache in front (the default)."""
        for url in pages.values():
            _text(client, url)
        obj = {
            "source": lambda: Source.objects.get(attributions__article=story),
            "author": lambda: Author.objects.get(bylines__article=story),
            "section": lambda: Section.objects.get(pk=story.section_id),
            "tag": lambda: Tag.objects.get(name="budget"),
        }[record]()
        field = "display_name" if record == "author" else "name"
        change = reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
        )
        data = test_admin.page_data(admin_client.get(change)) | {field: "Renamed Record"}
        with django_capture_on_commit_callbacks(execute=True):
            assert admin_client.post(change, data).status_code == 302
        for page in SHOWN_IN[record]:
            shown = _shown(_text(client, pages[page]), page, story.headline)
            assert "Renamed Record" in shown, page

    def test_a_new_tag_on_a_live_story_shows_at_once(
        self, client, no_page_cache, story, django_capture_on_commit_callbacks
    ):
        """A topic added to a published story from anywhere (the tag list itself) is listed
        under the story on the next request."""
        url = story.get_absolute_url()
        _text(client, url)
        with django_capture_on_commit_callbacks(execute=True):
            story.tags.add("elections")
        assert '<span class="tag">elections</span>' in _text(client, url)


# --- Retracting and unpublishing ---------------------------------------------------------


class TestTakenBack:
    @pytest.fixture
    def pages(self, story) -> dict[str, str]:
        PublishedArticleFactory(headline="Newer story", **published_ago(minutes=5))
        return {"article": story.get_absolute_url(), "home": reverse("articles:home")}

    def test_retracted_story_carries_the_notice_and_its_teaser_the_kicker(
        self, client, story, pages, editor, django_capture_on_commit_callbacks
    ):
        """After a retraction the story's page opens with the notice and the home page marks
        its teaser "Retracted", on the very next request."""
        html = _text(client, pages["article"])
        assert "This story has been retracted" not in html
        assert "kind-retracted" not in _teaser(_text(client, pages["home"]), story.headline)
        with django_capture_on_commit_callbacks(execute=True):
            services.article_retract(article=story, actor=editor, comment=REASON)
        html = _text(client, pages["article"])
        assert html.index("This story has been retracted") < html.index('id="headline"')
        assert REASON in html
        assert '<meta name="robots" content="noindex">' in html
        assert "story-retracted" in html
        teaser = _teaser(_text(client, pages["home"]), story.headline)
        assert '<span class="kind kind-retracted">Retracted</span>' in teaser

    def test_retraction_is_prepared_when_it_commits(
        self, story, editor, django_capture_on_commit_callbacks
    ):
        """The retracted page and teaser are stored ready for the next reader."""
        rendering.prepare(story.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.article_retract(article=story, actor=editor, comment=REASON)
        stored = _stored(story)
        assert (stored.status, stored.version) == ("retracted", rendering.fingerprint())
        assert REASON in stored.story_html
        assert "Retracted" in stored.teaser_html

    def test_unpublished_story_answers_410_and_leaves_the_lists(
        self, client, story, pages, editor, django_capture_on_commit_callbacks
    ):
        """A story taken down answers 410 Gone at once and is gone from the home page."""
        assert story.headline in _text(client, pages["home"])
        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=story, actor=editor, comment="Legal advice.")
        response = client.get(pages["article"])
        assert response.status_code == 410
        assertNotContains(response, "We will balance the books", status_code=410)
        assert story.headline not in _text(client, pages["home"])

    def test_a_rendering_made_for_another_status_is_never_served(
        self, client, no_page_cache, story, pages
    ):
        """A stored rendering made for another status is never served: a rendering of the
        published story is not shown once the story is retracted, even if nothing marked
        it stale."""
        rendering.prepare(story.pk)
        Article.objects.filter(pk=story.pk).update(status=Article.Status.RETRACTED)
        teaser = _teaser(_text(client, pages["home"]), story.headline)
        assert "Retracted" in teaser
        assert "story-retracted" in _text(client, pages["article"])


# --- Older data never wins ---------------------------------------------------------------


class TestOlderRenderNeverWins:
    def _render(self, article: Article, *, read_at, html: str) -> ArticleRendering:
        return ArticleRendering(
            article_id=article.pk,
            status=article.status,
            version=rendering.fingerprint(),
            read_at=read_at,
            head_html="",
            story_html=html,
            teaser_html=html,
            section_teaser_html=html,
            lead_html=html,
        )

    def test_a_render_of_older_data_is_not_stored(self, story):
        """A slow render that read the rows before the stored one did never replaces it:
        readers would get the older story back."""
        newer = rendering.prepare(story.pk)
        older = self._render(
            story, read_at=newer.read_at - timezone.timedelta(seconds=5), html="<p>older</p>"
        )
        assert rendering._store(older) is False
        stored = _stored(story)
        assert stored.story_html == newer.story_html
        assert stored.read_at == newer.read_at

    def test_a_render_of_newer_data_is_stored(self, story):
        """A render of rows read after the stored one's replaces it."""
        newer_html = "<article>newer</article>"
        stored = rendering.prepare(story.pk)
        newer = self._render(
            story, read_at=stored.read_at + timezone.timedelta(seconds=5), html=newer_html
        )
        assert rendering._store(newer) is True
        assert _stored(story).story_html == newer_html

    def test_the_first_rendering_is_stored(self, story):
        """A story without a rendering (loaded in bulk) gets the first one made."""
        assert _stored(story) is None
        first = self._render(story, read_at=timezone.now(), html="<article>first</article>")
        assert rendering._store(first) is True
        assert _stored(story).story_html == "<article>first</article>"

    def test_a_render_of_data_read_before_a_change_is_not_stored_after_it(
        self, story, django_capture_on_commit_callbacks
    ):
        """A reader's render that read the rows before a source was renamed, and stores
        its result once the rename has committed, must not become the current page: the
        rename marked the rendering stale at a later time than that render read."""
        rendering.prepare(story.pk)
        source = Source.objects.get(attributions__article=story)
        source.name = "Renamed Source"
        with django_capture_on_commit_callbacks(execute=True):
            source.save()
        marked = _stored(story)
        assert marked.version == ""
        late = self._render(
            story,
            read_at=marked.read_at - timezone.timedelta(seconds=1),
            html="<article>Mayor Jo Bloggs (the old name)</article>",
        )
        assert rendering._store(late) is False
        assert _stored(story).version == ""


# --- Another version ---------------------------------------------------------------------


class TestOtherVersions:
    def test_a_rendering_from_another_deploy_is_rendered_again(self, client, no_page_cache, story):
        """After a deploy that changed a template, a story's old rendering is not served:
        the page is rendered now and stored under the new version."""
        rendering.prepare(story.pk)
        ArticleRendering.objects.filter(pk=story.pk).update(
            version="an-earlier-deploy",
            story_html="<article>Made by the old template</article>",
            read_at=timezone.now() - timezone.timedelta(days=1),
        )
        html = _text(client, story.get_absolute_url())
        assert "Made by the old template" not in html
        assert "Council passes budget" in html
        stored = _stored(story)
        assert stored.version == rendering.fingerprint()
        assert "Made by the old template" not in stored.story_html

    def test_the_next_deploy_renders_again_and_stores_its_version(
        self, client, no_page_cache, story, monkeypatch
    ):
        """Readers of a process with a new fingerprint get its render, and it is stored."""
        rendering.prepare(story.pk)
        ArticleRendering.objects.filter(pk=story.pk).update(
            story_html="<article>Made by this deploy</article>",
            read_at=timezone.now() - timezone.timedelta(days=1),
        )
        monkeypatch.setattr(rendering, "fingerprint", lambda: "the-next-deploy")
        html = _text(client, story.get_absolute_url())
        assert "Made by this deploy" not in html
        assert "Council passes budget" in html
        assert _stored(story).version == "the-next-deploy"

    def test_a_list_renders_teasers_of_another_version(self, client, no_page_cache, story):
        """The home page shows the current teaser, not one an older deploy stored."""
        PublishedArticleFactory(headline="Newer story", **published_ago(minutes=5))
        rendering.prepare(story.pk)
        ArticleRendering.objects.filter(pk=story.pk).update(
            version="an-earlier-deploy",
            teaser_html="<li>Made by the old template</li>",
            read_at=timezone.now() - timezone.timedelta(days=1),
        )
        html = _text(client, reverse("articles:home"))
        assert "Made by the old template" not in html
        assert "Council passes budget" in html
        assert _stored(story).version == rendering.fingerprint()

    def test_a_deploy_that_changes_what_pages_show_is_a_new_version(self, settings):
        """Renaming the site (a setting every page's share tags read) makes every stored
        rendering one of another version, so readers get the new name."""
        before = rendering.fingerprint()
        rendering.fingerprint.cache_clear()
        try:
            settings.SITE_NAME = "Another Newsroom"
            assert rendering.fingerprint() != before
        finally:
            rendering.fingerprint.cache_clear()


# --- A database that refuses the write ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
class TestStoringFails:
    """With real commits, as in production (autocommit outside the services' transactions):
    a failed write inside the test's own transaction would poison it, which no reader's
    request has."""

    def test_the_page_is_served_when_its_rendering_cannot_be_stored(
        self, client, no_page_cache, story
    ):
        """A read-only database costs a render, not the page."""
        with connection.execute_wrapper(_refusing_rendering_writes):
            response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        assertContains(response, '<h1 id="headline" class="story-headline">Council passes budget')
        assertContains(response, "Mayor Jo Bloggs")
        assert _stored(story) is None

    def test_a_stale_page_is_served_fresh_when_it_cannot_be_stored(
        self, client, no_page_cache, story
    ):
        """The stale stored page is not served just because the new one cannot be stored."""
        rendering.prepare(story.pk)
        author = Author.objects.get(bylines__article=story)
        author.display_name = "Renamed Reporter"
        author.save()
        with connection.execute_wrapper(_refusing_rendering_writes):
            html = _text(client, story.get_absolute_url())
        assert "Renamed Reporter" in html
        assert "Ana Reporter" not in html
        assert _stored(story).version == ""

    def test_lists_are_served_when_teasers_cannot_be_stored(self, client, no_page_cache):
        """The home page lists every story even when none of their teasers can be stored."""
        for n in range(3):
            PublishedArticleFactory(headline=f"Story number {n}", **published_ago(hours=n + 1))
        with connection.execute_wrapper(_refusing_rendering_writes):
            html = _text(client, reverse("articles:home"))
        for n in range(3):
            assert f"Story number {n}" in html
        assert not ArticleRendering.objects.exists()

    def test_store_failure_is_reported_as_not_stored(self, story, monkeypatch):
        """``_store`` answers False (and raises nothing) when its update fails."""
        rendering.prepare(story.pk)

        def refuse(self, **fields):
            raise DatabaseError("read-only")

        monkeypatch.setattr("django.db.models.query.QuerySet.update", refuse)
        made = ArticleRendering(
            article_id=story.pk,
            status=story.status,
            version=rendering.fingerprint(),
            read_at=timezone.now() + timezone.timedelta(minutes=1),
        )
        assert rendering._store(made) is False

    def test_a_correction_reaches_readers_when_its_page_cannot_be_prepared(
        self, client, story, editor
    ):
        """A correction that committed is done, even if the database refuses the renderings'
        writes right after the commit (a lock timeout, a dropped connection): the editor is
        not told it failed, and the next reader gets it, through the page cache too."""
        url = story.get_absolute_url()
        assert CORRECTION not in _text(client, url)

        def after_the_commit(execute, sql, params, many, context):
            if connection.in_atomic_block:
                return execute(sql, params, many, context)
            return _refusing_rendering_writes(execute, sql, params, many, context)

        with connection.execute_wrapper(after_the_commit):
            _correct(story, editor)
        assert CORRECTION in _text(client, url)


# --- The reader's host -------------------------------------------------------------------


class TestOrigin:
    HOSTS = ("news.example.org", "mirror.example.net")

    @pytest.fixture(autouse=True)
    def _hosts(self, settings):
        settings.ALLOWED_HOSTS = [*self.HOSTS, "testserver"]

    def _pages(self, story: Article) -> list[str]:
        return [
            story.get_absolute_url(),
            reverse("articles:home"),
            story.section.get_absolute_url(),
            story.bylines.get().author.get_absolute_url(),
            reverse("articles:tag", args=["budget"]),
        ]

    @pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
    def test_links_use_the_host_the_reader_asked_for(self, client, settings, story, page_cache):
        """The canonical link, og:url and the structured data name the host of the request,
        for each host in turn (a stored page is never served under another host's name)."""
        settings.NEWSROOM_PAGE_CACHE = page_cache
        path = story.get_absolute_url()
        for host in self.HOSTS:
            html = _text(client, path, HTTP_HOST=host)
            assert f'<link rel="canonical" href="http://{host}{path}">' in html
            assert f'<meta property="og:url" content="http://{host}{path}">' in html
            assert f'"url": "http://{host}{path}"' in html
            others = [h for h in self.HOSTS if h != host]
            assert not any(other in html for other in others)
            assert rendering.ORIGIN not in html

    def test_https_readers_get_https_links(self, client, story):
        """A reader on HTTPS is given HTTPS links to share."""
        path = story.get_absolute_url()
        html = _text(client, path, HTTP_HOST=self.HOSTS[0], secure=True)
        assert f'<link rel="canonical" href="https://{self.HOSTS[0]}{path}">' in html

    def test_no_reader_page_ever_shows_the_placeholder_origin(self, client, story):
        """Whatever the page and however it was made (rendered now, stored, stale), readers
        never see the placeholder the stored HTML is written under."""
        ArticleRendering.objects.all().delete()
        for _ in range(2):  # rendered now, then from what was stored
            for url in self._pages(story):
                for host in self.HOSTS:
                    html = _text(client, url, HTTP_HOST=host)
                    assert rendering.ORIGIN not in html, url
                    assert "newsroom-origin" not in html, url
            rendering.mark_stale()

    def test_stored_html_is_written_under_the_placeholder(self, client, story):
        """The stored rendering does not carry the host of whoever read first."""
        _text(client, story.get_absolute_url(), HTTP_HOST=self.HOSTS[0])
        stored = _stored(story)
        assert self.HOSTS[0] not in stored.head_html + stored.story_html
        assert f"{rendering.ORIGIN}{story.get_absolute_url()}" in stored.head_html


# --- The prepared HTML is the live HTML --------------------------------------------------


class TestSameAsLive:
    @pytest.fixture
    def full_story(self, db, editor) -> Article:
        """A story with everything the page shows: two bylines, a subheading, attributions
        from two sources, a correction note and tags."""
        article = PublishedArticleFactory(
            headline="Council passes “balanced” budget",
            dek="Spending rises by 3 per cent & taxes stay flat.",
            dateline="SPRINGFIELD",
            credit_line="Additional reporting by wire services",
            bylines=2,
            blocks=[
                ("paragraph", "The council met on Tuesday."),
                ("paragraph", "We will balance the books, the mayor said."),
                ("subheading", "What happens next"),
                ("paragraph", "The vote is next week."),
                ("blockquote", "Nobody likes a deficit."),
            ],
        )
        AttributionFactory(article=article, source=SourceFactory(name="Mayor Jo Bloggs"))
        AttributionFactory(
            article=article,
            source=SourceFactory(name="City Treasurer"),
            kind="paraphrase",
            text="The vote is next week.",
            paragraph=3,
        )
        CorrectionNoteFactory(article=article, paragraphs=[1], prominent=True)
        article.tags.add("budget", "council")
        return article

    def _live(self, rf, article: Article, field: str) -> str:
        """What the fragment's template gives when rendered live for a reader's request."""
        template, extra = rendering.FRAGMENTS[field]
        loaded = Article.objects.with_page_data().get(pk=article.pk)
        context = {
            "article": loaded,
            "outcome": reader_outcome(loaded),
            "request": rf.get(article.get_absolute_url()),
            "site_name": django_settings.SITE_NAME,
            **extra,
        }
        return render_to_string(template, context)

    def _served(self, stored: str) -> str:
        return stored.replace(rendering.ORIGIN, "http://testserver")

    def test_served_story_element_equals_a_live_render(self, client, rf, full_story):
        """The ``<article>`` readers get is exactly what rendering ``_story.html`` live
        gives: nothing lost or changed by preparing it."""
        html = _text(client, full_story.get_absolute_url())
        live = self._live(rf, full_story, "story_html")
        # The fixture really has everything in it.
        assert "What happens next" in live
        assert "City Treasurer" in live and "Mayor Jo Bloggs" in live
        assert "misstated the day of the meeting" in live
        assert '<span class="tag">council</span>' in live
        assert live.count('rel="author"') == 2
        assert self._served(_stored(full_story).story_html) == live
        assert live in html
        assert _article_element(html) == _article_element(live)

    @pytest.mark.parametrize("field", list(rendering.FRAGMENTS))
    def test_every_stored_fragment_equals_a_live_render(self, rf, full_story, field):
        """Head, story and the three teasers: each as its template renders live."""
        rendering.prepare(full_story.pk)
        stored = getattr(_stored(full_story), field)
        assert stored.strip()
        assert self._served(stored) == self._live(rf, full_story, field)

    def test_prepared_after_a_correction_equals_a_live_render(
        self, rf, full_story, editor, django_capture_on_commit_callbacks
    ):
        """What the post-commit preparation stores is the live page of the corrected story."""
        with django_capture_on_commit_callbacks(execute=True):
            _correct(full_story, editor)
        stored = _stored(full_story)
        assert stored.version == rendering.fingerprint()
        assert self._served(stored.story_html) == self._live(rf, full_story, "story_html")


# --- Images ----------------------------------------------------------------------------


class TestImages:
    def test_renditions_made_later_reach_the_stored_page(self, client, no_page_cache):
        """A story read before its image renditions existed (their processing failed, or the
        story was imported) gets the resized images once ``make_renditions`` has made them,
        as the page did before it was prepared."""
        article = PublishedArticleFactory(
            lead_image=image_upload("lead.jpg", size=(1200, 800)), lead_image_alt="The bridge"
        )
        url = article.get_absolute_url()
        assert "<picture>" not in _article_element(_text(client, url))  # the plain original
        call_command("make_renditions", stdout=io.StringIO())
        assert "<picture>" in _article_element(_text(client, url))


# --- Lists -------------------------------------------------------------------------------


class TestLists:
    def _stories(self, count: int, section: Section) -> list[Article]:
        return [
            PublishedArticleFactory(
                headline=f"Story number {n}",
                section=section,
                bylines=2,
                **published_ago(hours=n + 1),
            )
            for n in range(count)
        ]

    def test_home_renders_and_stores_missing_teasers(self, client, no_page_cache):
        """Stories loaded without renderings (a bulk import) are all on the home page, and
        their teasers are stored for the next reader."""
        stories = self._stories(3, SectionFactory(name="Politics"))
        ArticleRendering.objects.all().delete()
        html = _text(client, reverse("articles:home"))
        for article in stories:
            assert article.headline in html
        assert html.count('<li class="teaser">') == 2  # the newest one leads
        assert 'id="lead-headline"' in html
        for article in stories:
            assert _is_current(article)

    def test_section_renders_and_stores_missing_teasers(self, client, no_page_cache):
        """The same on a section page, whose teasers leave out the section."""
        section = SectionFactory(name="Politics")
        stories = self._stories(3, section)
        ArticleRendering.objects.all().delete()
        html = _text(client, section.get_absolute_url())
        assert html.count('<li class="teaser">') == 3
        for article in stories:
            assert article.headline in html
            assert _is_current(article)

    @pytest.mark.parametrize("count", [3, 15])
    def test_home_costs_one_query_once_teasers_are_stored(
        self, client, no_page_cache, django_assert_num_queries, count
    ):
        """However many stories, the home page reads one page of stories with their stored
        teasers: one query."""
        self._stories(count, SectionFactory(name="Politics"))
        ArticleRendering.objects.all().delete()
        _text(client, reverse("articles:home"))  # stores the teasers, fills the navigation
        # 1. The first page of published stories, newest first, joined to their renderings
        #    (only the teaser and lead fragments, with the version and status to check them).
        with django_assert_num_queries(1):
            html = _text(client, reverse("articles:home"))
        assert html.count('<li class="teaser">') == count - 1

    @pytest.mark.parametrize("count", [3, 15])
    def test_section_costs_two_queries_once_teasers_are_stored(
        self, client, no_page_cache, django_assert_num_queries, count
    ):
        """A section page: its section, then one page of its stories with their teasers."""
        section = SectionFactory(name="Politics")
        self._stories(count, section)
        ArticleRendering.objects.all().delete()
        _text(client, section.get_absolute_url())
        # 1. The section, by its slug.
        # 2. Its first page of published stories joined to their section teasers.
        with django_assert_num_queries(2):
            html = _text(client, section.get_absolute_url())
        assert html.count('<li class="teaser">') == count

    def test_a_stale_teaser_is_rendered_again_on_the_list(
        self, client, no_page_cache, story, django_capture_on_commit_callbacks
    ):
        """A story whose author was renamed shows the new name in the section list."""
        url = story.section.get_absolute_url()
        _text(client, url)
        author = Author.objects.get(bylines__article=story)
        author.display_name = "Renamed Reporter"
        with django_capture_on_commit_callbacks(execute=True):
            author.save()
        assert "Renamed Reporter" in _teaser(_text(client, url), story.headline)


# --- Drafts ------------------------------------------------------------------------------


class TestDrafts:
    def test_editing_a_draft_prepares_nothing_and_its_page_stays_404(
        self, client, editor, django_capture_on_commit_callbacks
    ):
        """Desk edits to a story readers cannot see leave nothing for readers: no prepared
        page, and its URL answers 404 before and after."""
        draft = ArticleFactory(headline="Secret draft", created_by=editor)
        url = draft.get_absolute_url()
        assert client.get(url).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            services.article_update(
                article=draft,
                actor=editor,
                changes=article_changes(draft, headline="Secret draft, edited"),
                base_revision=services.latest_revision_number(draft),
            )
            services.comment_create(article=draft, actor=editor, text="Check the figures.")
            services.attribution_create(
                article=draft,
                actor=editor,
                source=SourceFactory(),
                kind="quote",
                text="We will balance the books,",
                paragraph=2,
            )
        assert _stored(draft) is None
        response = client.get(url)
        assert response.status_code == 404
        assertNotContains(response, "Secret draft", status_code=404)
        assert _stored(draft) is None

    def test_a_draft_is_on_no_list_and_gets_no_rendering(self, client, no_page_cache, story):
        """Reading the lists of its section renders nothing for a draft in it."""
        draft = ArticleFactory(headline="Secret draft", section=story.section)
        for url in (reverse("articles:home"), story.section.get_absolute_url()):
            assert "Secret draft" not in _text(client, url)
        assert _stored(draft) is None

    def test_publishing_prepares_the_page_for_its_first_reader(
        self,
        client,
        no_page_cache,
        editor,
        django_capture_on_commit_callbacks,
        django_assert_num_queries,
    ):
        """The moment a story is published its page is ready: the first reader is served
        the stored rendering in one query."""
        draft = ArticleFactory(headline="Fresh scoop", status=Article.Status.APPROVED)
        _text(client, reverse("articles:home"))  # fills the navigation cache
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=draft, actor=editor, override_reason="Test.")
        assert _is_current(draft)
        # The story with its section and its rendering (and the navigation, read once per
        # process after each change to the site).
        with django_assert_num_queries(1 + NAVIGATION):
            html = _text(client, draft.get_absolute_url())
        assert "Fresh scoop" in html
