"""A database outage (``newsroom.outage``): cached reader pages keep serving, uncached ones
get the site's 503 with Retry-After, and a desk write says nothing was saved, writes nothing
and shows back what was typed.

The outage is simulated with ``connection.execute_wrapper``: every query raises what a
dropped PostgreSQL connection raises, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.urls import reverse

from articles import services
from articles.models import Article, ArticleEvent, Attribution, Block, ReviewComment, Revision
from newsroom import errors
from tests.editors.test_editor_form import form_data, set_block
from tests.factories import ArticleFactory, PublishedArticleFactory, SectionFactory
from tests.helpers import edit_url

pytestmark = pytest.mark.django_db

DROPPED = "server closed the connection unexpectedly\n\tThis probably means the server terminated"
# The test's own transaction (and the services' savepoints in it) must keep working so the
# test can look at the rows afterwards; in a real outage nothing was written either way.
TRANSACTION_CONTROL = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK)\b", re.IGNORECASE)


class Outage:
    """An ``execute_wrapper`` that fails the queries ``fails(sql)`` picks (all by default)."""

    def __init__(self, fails=None, error=OperationalError) -> None:
        self.fails = fails or (lambda sql: True)
        self.error = error
        self.seen: list[str] = []
        self.failed = 0

    def __call__(self, execute, sql, params, many, context):
        if not TRANSACTION_CONTROL.match(sql):
            self.seen.append(sql)
            if self.fails(sql):
                self.failed += 1
                raise self.error(DROPPED)
        return execute(sql, params, many, context)


@contextmanager
def database_down(fails=None, error=OperationalError):
    outage = Outage(fails, error)
    with connection.execute_wrapper(outage):
        yield outage
    assert not connection.needs_rollback, "the test's transaction was spoiled"


@pytest.fixture(autouse=True)
def _new_outage():
    """Each test starts outside an outage, as far as the once-per-outage warning knows."""
    for log_filter in logging.getLogger("newsroom.database").filters:
        log_filter._last_failure = float("-inf")


def _page(response) -> str:
    return response.content.decode()


class TestReaderPages:
    def test_an_uncached_page_answers_503_with_retry_after(self, client):
        """A reader page not in the cache: the site's 503, Retry-After, never stored."""
        article = PublishedArticleFactory()
        with database_down() as outage:
            response = client.get(article.get_absolute_url())
        assert outage.failed
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        html = _page(response)
        assert '<header class="site-header">' in html
        assert "We&#x27;ll be back in a minute</h1>" in html
        assert "Try again in a minute." in html
        assert DROPPED.split("\n")[0] not in html

    def test_retry_after_comes_from_settings(self, client, settings):
        """DJANGO_DB_RETRY_AFTER sets how long clients are asked to wait."""
        settings.NEWSROOM_DB_RETRY_AFTER = 120
        with database_down():
            response = client.get(reverse("articles:home"))
        assert (response.status_code, response["Retry-After"]) == (503, "120")

    def test_a_closed_connection_is_an_outage_too(self, client):
        """InterfaceError (the connection is already closed) answers 503 as well."""
        with database_down(error=InterfaceError):
            assert client.get(reverse("articles:home")).status_code == 503

    @pytest.mark.parametrize("page", ["home", "article", "section", "corrections"])
    def test_a_cached_page_keeps_serving(self, client, page):
        """A page in the page cache is served during the outage without asking the database."""
        article = PublishedArticleFactory()
        url = {
            "home": reverse("articles:home"),
            "article": article.get_absolute_url(),
            "section": article.section.get_absolute_url(),
            "corrections": reverse("articles:corrections"),
        }[page]
        warm = client.get(url)
        assert warm.status_code == 200
        with database_down() as outage:
            response = client.get(url)
            head = client.head(url)
        assert outage.seen == []
        assert (response.status_code, head.status_code) == (200, 200)
        assert response.content == warm.content

    def test_the_outage_page_is_not_kept_once_the_database_is_back(self, client):
        """The 503 is not stored: the first request after the outage gets the page."""
        article = PublishedArticleFactory(headline="Bridge reopens")
        with database_down():
            assert client.get(article.get_absolute_url()).status_code == 503
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Bridge reopens" in _page(response)

    def test_the_outage_is_logged_once_as_a_warning(self, client, caplog):
        """Many failing requests: one warning line with the error's first line, no traceback,
        and no "Service Unavailable" error from Django per request."""
        with caplog.at_level(logging.DEBUG), database_down():
            for _ in range(3):
                assert client.get(reverse("articles:home")).status_code == 503
        warnings = [r for r in caplog.records if r.name == "newsroom.database"]
        assert len(warnings) == 1
        assert warnings[0].levelno == logging.WARNING
        assert "server closed the connection unexpectedly" in warnings[0].getMessage()
        assert warnings[0].exc_info is None
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    def test_an_error_outside_a_view_gets_the_503_too(self, rf):
        """The 500 handler answers 503 when the database is what failed (a session save in a
        middleware, which the outage middleware does not see)."""
        request = rf.get("/")
        try:
            raise OperationalError(DROPPED)
        except OperationalError:
            response = errors.server_error(request)
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert response._has_been_logged


@pytest.fixture
def draft(reporter):
    article = ArticleFactory(created_by=reporter, headline="Harbour wall to be rebuilt")
    services.revision_create(article=article, actor=None)
    return article


def _rows(article: Article) -> dict:
    """Everything a desk write could add or change, for before-and-after comparisons."""
    article.refresh_from_db()
    return {
        "headline": article.headline,
        "status": article.status,
        "blocks": list(article.blocks.order_by("position").values_list("kind", "text")),
        "revisions": Revision.objects.filter(article=article).count(),
        "events": ArticleEvent.objects.filter(article=article).count(),
        "comments": ReviewComment.objects.filter(article=article).count(),
        "attributions": Attribution.objects.filter(article=article).count(),
        "articles": Article.objects.count(),
        "all blocks": Block.objects.count(),
    }


def _shown(html: str) -> list[str]:
    """The read-only boxes of what was sent, in page order."""
    return [t.strip() for t in re.findall(r"<textarea[^>]*readonly>(.*?)</textarea>", html, re.S)]


class TestDeskWrites:
    def test_a_desk_page_during_the_outage(self, client, editor):
        """Opening the desk while the database is down: the desk's 503."""
        client.force_login(editor)
        with database_down():
            response = client.get(reverse("editors:dashboard"))
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert '<body class="desk ' in _page(response)
        assert "The desk is unavailable</h1>" in _page(response)

    def test_a_save_answers_503_shows_the_typed_text_and_writes_nothing(
        self, client, reporter, draft
    ):
        """The editor's save during the outage: nothing saved, said so, and every word typed
        shown back (escaped, read-only, in order) with Copy and Go back; no token."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        data["headline"] = ["Harbour wall <b>rebuilt</b> at last"]
        set_block(data, 0, "The council met on Tuesday night, in the outage.")
        data["csrfmiddlewaretoken"] = ["a-token-never-shown"]
        data["password"] = ["never-shown-either"]
        before = _rows(draft)

        with database_down() as outage:
            response = client.post(
                edit_url(draft), data, headers={"Referer": f"http://testserver{edit_url(draft)}"}
            )

        assert outage.failed
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert response["Cache-Control"] == "private, no-store"
        html = _page(response)
        assert '<body class="desk ' in html
        assert "Nothing was saved</h1>" in html
        shown = _shown(html)
        assert shown[:2] == [
            "Harbour wall &lt;b&gt;rebuilt&lt;/b&gt; at last",
            "What the vote means for residents.",
        ]
        # The body comes back as the text box held it: every paragraph, in order.
        assert shown[2] == data["body"][0]
        assert shown[2].startswith(
            "The council met on Tuesday night, in the outage.\n\nWe will balance the books"
        )
        assert "<b>rebuilt</b>" not in html
        assert "a-token-never-shown" not in html
        assert "never-shown-either" not in html
        assert 'data-copy="#posted-1"' in html
        assert f'href="http://testserver{edit_url(draft)}" data-history-back>Go back</a>' in html
        assert _rows(draft) == before

    def test_a_failure_half_way_through_a_save_leaves_nothing_written(
        self, client, reporter, draft
    ):
        """The connection drops after the story and its blocks were written but before the
        revision: the whole save is undone, and the page says nothing was saved."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        data["headline"] = ["Harbour wall rebuilt"]
        set_block(data, 0, "A new first paragraph.")
        before = _rows(draft)

        with database_down(fails=lambda sql: sql.startswith('INSERT INTO "articles_revision"')) as (
            outage
        ):
            response = client.post(edit_url(draft), data)

        assert outage.failed == 1
        written = [sql.split(" (")[0] for sql in outage.seen]
        assert any(sql.startswith('UPDATE "articles_article"') for sql in written)
        assert any(sql.startswith('INSERT INTO "articles_block"') for sql in written)
        assert response.status_code == 503
        assert "Nothing was saved</h1>" in _page(response)
        assert data["body"][0] in _shown(_page(response))
        assert data["body"][0].startswith("A new first paragraph.\n\n")
        assert _rows(draft) == before

    @pytest.mark.parametrize(
        ("name", "url", "data", "typed"),
        [
            ("comment", "editors:comment_create", {"text": "Check the figures."}, None),
            (
                "attribution",
                "editors:attribution_pick",
                {"new_name": "Dana Mill", "kind": "quote", "text": "We rebuild.", "paragraph": 1},
                None,
            ),
            (
                "transition",
                "editors:article_transition",
                {"comment": "Ready for the desk."},
                Article.Status.IN_REVIEW,
            ),
        ],
    )
    def test_other_desk_writes_say_nothing_was_saved(
        self, client, reporter, draft, name, url, data, typed
    ):
        """A comment, an attribution or a move during the outage: 503, the text shown back,
        nothing written."""
        client.force_login(reporter)
        kwargs = {"pk": draft.pk, **({"to": typed} if typed else {})}
        before = _rows(draft)
        with database_down():
            response = client.post(reverse(url, kwargs=kwargs), data)
        assert response.status_code == 503, name
        assert "Nothing was saved</h1>" in _page(response)
        for value in data.values():
            if isinstance(value, str) and value not in {"quote"}:
                assert value in _shown(_page(response)), value
        assert _rows(draft) == before

    def test_an_import_says_nothing_was_saved(self, client, reporter, draft):
        """A pasted story during the outage: 503 and the pasted text back; no draft made."""
        client.force_login(reporter)
        section = SectionFactory()
        story = "Harbour wall rebuilt\n\nThe council met on Tuesday.\n\nIt voted yes."
        before = _rows(draft)
        with database_down():
            response = client.post(
                reverse("editors:article_import"), {"text": story, "section": section.pk}
            )
        assert response.status_code == 503
        assert story in _page(response).replace("\r\n", "\n")
        assert _rows(draft) == before

    def test_signing_in_during_the_outage_never_shows_the_password(self, client, reporter):
        """The login form during the outage: the desk's 503, and the password is not echoed."""
        with database_down():
            response = client.post(
                reverse("login"), {"username": "rita", "password": "correct-horse-battery"}
            )
        assert response.status_code == 503
        assert '<body class="desk ' in _page(response)
        assert "correct-horse-battery" not in _page(response)
