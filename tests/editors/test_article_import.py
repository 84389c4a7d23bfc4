"""Starting a draft in the desk from a plain-text story."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Section
from tests.helpers import SEED_FILE

pytestmark = pytest.mark.django_db
URL = "/desk/articles/import/"


@pytest.fixture
def world():
    return Section.objects.create(name="World", slug="world")


def test_a_reporter_imports_the_seed_file_as_their_own_draft(client, reporter, world):
    """The uploaded seed becomes a draft under the reporter's byline, numbered as readers count."""
    client.force_login(reporter)
    upload = SimpleUploadedFile("seed.txt", SEED_FILE.read_bytes(), content_type="text/plain")
    response = client.post(URL, {"file": upload, "section": world.pk, "headline": "UN row"})
    article = Article.objects.get(headline="UN row")
    assert response.status_code == 302
    assert response["Location"] == reverse("editors:article_edit", kwargs={"pk": article.pk})
    assert article.status == Article.Status.DRAFT
    assert [b.author.user for b in article.bylines.all()] == [reporter]
    assert len(article.paragraph_texts()) == 12
    assert article.paragraph_texts()[11].startswith("Gen. Stephen Townsend")


def test_pasted_text_works_too(client, reporter, world):
    """No file needed: pasting the story starts the draft."""
    client.force_login(reporter)
    client.post(URL, {"text": "First paragraph here.\n\nSecond one.", "section": world.pk})
    assert Article.objects.get().paragraph_texts() == {
        1: "First paragraph here.",
        2: "Second one.",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\x00\x01binary", "binary"), ("caf\xe9".encode("latin-1"), "not UTF-8")],
)
def test_bad_files_are_refused_with_a_reason_and_nothing_saved(
    client, reporter, world, content, message
):
    """A binary or non-UTF-8 file gets its reason on the page and creates nothing."""
    client.force_login(reporter)
    upload = SimpleUploadedFile("bad.txt", content)
    response = client.post(URL, {"file": upload, "section": world.pk})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_a_copy_editor_cannot_import(client, copy_editor, world):
    """Importing starts an article: only those who may create one."""
    client.force_login(copy_editor)
    assert client.get(URL).status_code == 403
