"""The site's own error pages (``newsroom.errors``): 400, 403, 404, 500 and 503 in the
reader's style and in the desk's, each saying what happened and what to do next, rendered
without a database query (they must render while PostgreSQL is down)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import Http404
from django.test import Client
from django.urls import include, path, reverse

from articles.models import Article
from newsroom import urls as newsroom_urls
from tests.factories import ArticleFactory
from tests.helpers import edit_url, user_with

pytestmark = pytest.mark.django_db


# Views that fail on purpose, mounted under reader and desk paths for the tests marked
# ``@pytest.mark.urls(__name__)``; the handlers are the site's own.
def _bad_request(request):
    raise SuspiciousOperation("Invalid characters in the header")


def _forbidden(request):
    raise PermissionDenied("You may not edit this article now.")


def _not_found(request):
    raise Http404("No Article matches the given query.")


def _broken(request):
    raise RuntimeError("a bug")


def _outage(request):
    raise OperationalError("server closed the connection unexpectedly")


FAILING = {400: _bad_request, 403: _forbidden, 404: _not_found, 500: _broken, 503: _outage}
PREFIXES = {"reader": "", "preview": "preview/", "desk": "desk/", "accounts": "accounts/"}
urlpatterns = [
    *(
        path(f"{prefix}test-fail/{status}/", view)
        for prefix in PREFIXES.values()
        for status, view in FAILING.items()
    ),
    path("", include("newsroom.urls")),
]
handler400 = newsroom_urls.handler400
handler403 = newsroom_urls.handler403
handler404 = newsroom_urls.handler404
handler500 = newsroom_urls.handler500

# What tells the two looks apart, and each page's heading.
STYLE_MARK = {"reader": '<header class="site-header">', "desk": '<body class="desk '}
TITLES = {
    400: "Bad request",
    403: "Access denied",
    404: "Page not found",
    500: "Something went wrong",
    503: "We&#x27;ll be back in a minute",
}
DESK_TITLES = {**TITLES, 403: "You can&#x27;t do that", 503: "The desk is unavailable"}


def _style(area: str) -> str:
    return "desk" if area in {"desk", "accounts"} else "reader"


@pytest.fixture
def anonymous():
    """A client that answers with the error page rather than raising the view's exception."""
    return Client(raise_request_exception=False)


@pytest.mark.urls(__name__)
class TestEveryPageInBothStyles:
    @pytest.mark.parametrize("status", sorted(FAILING))
    @pytest.mark.parametrize("area", sorted(PREFIXES))
    def test_renders_with_its_status_in_the_areas_style_without_queries(
        self, anonymous, area, status, django_assert_num_queries
    ):
        """Each error answers with its status, in the look of the part of the site it is in,
        and costs no database query."""
        with django_assert_num_queries(0):
            response = anonymous.get(f"/{PREFIXES[area]}test-fail/{status}/")
        html = response.content.decode()
        assert response.status_code == status
        assert response["Content-Type"] == "text/html; charset=utf-8"
        style = _style(area)
        assert STYLE_MARK[style] in html
        assert STYLE_MARK["desk" if style == "reader" else "reader"] not in html
        titles = DESK_TITLES if style == "desk" else TITLES
        assert f"{titles[status]}</h1>" in html
        assert f"Error {status}" in html

    @pytest.mark.parametrize("area", sorted(PREFIXES))
    def test_every_page_says_what_to_do_next(self, anonymous, area):
        """Every page links somewhere useful: the front page or the dashboard at least."""
        home = reverse("editors:dashboard") if _style(area) == "desk" else reverse("articles:home")
        for status in FAILING:
            html = anonymous.get(f"/{PREFIXES[area]}test-fail/{status}/").content.decode()
            assert f'href="{home}"' in html, status

    @pytest.mark.parametrize("area", ["reader", "desk"])
    def test_the_server_errors_offer_to_try_again(self, anonymous, area):
        """A 500 or a 503 links back to the page that failed."""
        for status in (500, 503):
            url = f"/{PREFIXES[area]}test-fail/{status}/"
            html = anonymous.get(url).content.decode()
            assert f'href="{url}"' in html
            assert "Try again" in html

    def test_the_desk_403_shows_the_refusal(self, anonymous):
        """The desk says why it refused; the reader site never shows an exception's text."""
        desk = anonymous.get("/desk/test-fail/403/").content.decode()
        reader = anonymous.get("/test-fail/403/").content.decode()
        assert "You may not edit this article now." in desk
        assert "You may not edit this article now." not in reader
        assert f'href="{reverse("login")}"' in desk

    def test_no_exception_text_reaches_readers(self, anonymous):
        """A 400, 404 or 500 never prints what the code raised."""
        for status, text in [
            (400, "Invalid characters"),
            (404, "No Article matches"),
            (500, "a bug"),
            (503, "server closed"),
        ]:
            for area in ("reader", "desk"):
                html = anonymous.get(f"/{PREFIXES[area]}test-fail/{status}/").content.decode()
                assert text not in html, (status, area)

    def test_go_back_comes_only_from_this_site(self, anonymous):
        """The Go back link follows the Referer when it is this site's page, never another's."""
        url = "/desk/test-fail/400/"
        ours = anonymous.get(url, headers={"Referer": "http://testserver/desk/articles/"})
        theirs = anonymous.get(url, headers={"Referer": "https://evil.example/phish"})
        assert 'href="http://testserver/desk/articles/" data-history-back' in ours.text
        assert "evil.example" not in theirs.text
        assert 'href="/desk/" data-history-back' in theirs.text

    def test_server_error_pages_are_never_stored(self, anonymous):
        """Nothing keeps a 500 or a 503 (or any desk error page) around: no-store."""
        for url in ("/test-fail/500/", "/test-fail/503/", "/desk/test-fail/404/"):
            assert "no-store" in anonymous.get(url)["Cache-Control"], url


class TestRealRequests:
    def test_an_unknown_reader_address_gets_the_reader_404(self, client):
        """A mistyped reader address: the styled 404 with a search box, no section nav."""
        response = client.get("/no-such-page/")
        html = response.content.decode()
        assert response.status_code == 404
        assert "Page not found</h1>" in html
        assert 'id="error-search-q"' in html
        assert 'class="section-nav"' not in html

    def test_an_unknown_desk_address_gets_the_desk_404(self, client, editor):
        """A story the editor cannot open, or no such page: the desk's 404."""
        client.force_login(editor)
        response = client.get(reverse("editors:article_edit", kwargs={"pk": 999_999}))
        assert response.status_code == 404
        assert STYLE_MARK["desk"] in response.text
        assert "Article list</a>" in response.text

    def test_a_user_without_the_desk_gets_the_desk_403(self, client):
        """Someone with an account but no role is told so in the desk's style."""
        client.force_login(user_with())
        response = client.get(reverse("editors:dashboard"))
        assert response.status_code == 403
        assert STYLE_MARK["desk"] in response.text
        assert "You can&#x27;t do that</h1>" in response.text

    def test_a_refused_step_says_why(self, client, reporter):
        """A reporter trying to publish is told the service's reason."""
        article = ArticleFactory(created_by=reporter)
        client.force_login(reporter)
        url = reverse(
            "editors:article_transition",
            kwargs={"pk": article.pk, "to": Article.Status.PUBLISHED},
        )
        response = client.post(url)
        assert response.status_code == 403
        assert "You may not take this step." in response.text

    def test_an_oversized_form_gets_the_styled_400_without_an_echo(
        self, client, reporter, settings
    ):
        """A form over DATA_UPLOAD_MAX_MEMORY_SIZE: a 400 that says so and points back, and
        shows nothing that was sent."""
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
        article = ArticleFactory(created_by=reporter)
        client.force_login(reporter)
        response = client.post(
            edit_url(article), {"headline": "SECRET-WORDS " * 400, "password": "hunter2"}
        )
        assert response.status_code == 400
        assert STYLE_MARK["desk"] in response.text
        assert "That form was too large</h1>" in response.text
        assert "your browser still has your text" in response.text
        assert "Go back</a>" in response.text
        assert "SECRET-WORDS" not in response.text
        assert "hunter2" not in response.text

    def test_a_stale_form_gets_the_styled_csrf_403(self, reporter):
        """A form posted with a missing or stale CSRF token: the desk's 403 that says the
        form expired and the text is still in the browser."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(reporter)
        response = client.post(reverse("editors:article_create"), {"headline": "Typed"})
        assert response.status_code == 403
        assert "This form has expired</h1>" in response.text
        assert "your browser still has your" in response.text
        assert "Typed" not in response.text

    def test_the_admin_gets_the_desk_look(self, client, superuser):
        """/admin/ pages that do not exist get the desk's 404."""
        client.force_login(superuser)
        response = client.get("/admin/articles/no-such-model/")
        assert response.status_code == 404
        assert STYLE_MARK["desk"] in response.text
