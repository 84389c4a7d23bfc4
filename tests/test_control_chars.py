"""Control characters in parameters (``newsroom.control_chars``): a plain 400 at the door, for
reader and desk pages alike; and behind it the search views stay up on their own."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article
from tests.factories import SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

SEARCH_PAGES = ["/search/", "/desk/sources/", "/desk/articles/"]


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


@pytest.mark.parametrize("url", SEARCH_PAGES)
def test_a_nul_in_a_search_box_is_a_400_in_plain_words(desk, url):
    """`?q=%00` used to be a 500 on the desk's source search; every search box answers the
    site's 400 page, saying which parameter holds which character."""
    response = desk.get(f"{url}?q=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert (
        "The query parameter “q” has a control character (U+0000) in its value. "
        "Text sent to this site may hold tabs and line breaks but no other control "
        "characters: remove it and try again."
    ) in response.content.decode()


@pytest.mark.parametrize("char", ["%01", "%08", "%0B", "%0C", "%1B", "%1F"])
def test_every_c0_control_but_tab_and_line_breaks_is_refused(client, char):
    """Not only NUL: the other C0 controls (escape, backspace, form feed...) too."""
    assert client.get(f"/search/?q=a{char}b").status_code == 400


def test_tab_and_line_breaks_are_text(client):
    """Tab, line feed and carriage return are what people type: they pass."""
    assert client.get("/search/?q=a%09b%0Ac%0Dd").status_code == 200


def test_a_control_character_in_a_parameter_name_is_refused_and_shown_escaped(client):
    """The name is printed with the character escaped, never raw."""
    response = client.get("/?pa%00ge=1")
    assert response.status_code == 400
    assert "The query parameter “pa\\x00ge” has a control character (U+0000) in its name." in (
        response.content.decode()
    )


def test_a_nul_in_a_desk_form_field_is_refused_before_the_view(desk):
    """A posted form field with a NUL is refused; nothing is created."""
    section = SectionFactory()
    response = desk.post(
        "/desk/articles/import/", {"text": "First.\x00\n\nSecond.", "section": section.pk}
    )
    assert response.status_code == 400
    assert "The form field “text” has a control character (U+0000)" in response.content.decode()
    assert not Article.objects.exists()


def test_an_upload_named_with_a_nul_is_not_refused_for_its_name(desk):
    """Django already drops unprintable characters from upload names: the import goes on."""
    upload = SimpleUploadedFile("st\x00ory.txt", b"First paragraph.\n\nSecond one.")
    response = desk.post("/desk/articles/import/", {"file": upload, "section": SectionFactory().pk})
    assert response.status_code == 302


@pytest.fixture
def unguarded(settings):
    """The site without the middleware: each view must still not fall over on its own."""
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "newsroom.control_chars.ControlCharacterMiddleware"
    ]


@pytest.mark.parametrize("url", SEARCH_PAGES)
def test_behind_the_door_a_nul_query_lists_rather_than_fails(desk, unguarded, url):
    """Without the middleware a NUL query is an invalid form (Django's CharField refuses NUL):
    the page answers 200, and never sends the NUL to the database (PostgreSQL refuses it)."""
    SourceFactory(name="Mayor Jane Doe")
    # A list that pages by key sends ``?page=`` on to the list without it (301).
    response = desk.get(f"{url}?q=%00&page=%00", follow=True)
    # The desk's article list answers a filter it cannot use with 400 and the form's error.
    assert response.status_code == (400 if url == "/desk/articles/" else 200)
