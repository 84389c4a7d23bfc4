"""The desk import within the limits: a story over the byte limit is refused at once with what
it weighs, the limit and how far over, and the form keeps what was pasted; the block limits
stop it before any article exists. And the request limits leave room for both."""

from __future__ import annotations

import html
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article, Section
from editors.forms import BodyForm

pytestmark = pytest.mark.django_db
URL = "/desk/articles/import/"
PARAGRAPH = "The council met on Tuesday and voted, said the mayor of the town.\n\n"


@pytest.fixture
def world():
    return Section.objects.create(name="World", slug="world")


@pytest.fixture
def desk(client, reporter):
    client.force_login(reporter)
    return client


def test_a_3_mb_paste_is_refused_quickly_with_the_numbers_and_the_text_kept(desk, world):
    """What took 37 s and made a 39,321-block article is now a 400 that says how far over the
    limit the story is, re-shows the form with every word pasted, and creates nothing."""
    text = (PARAGRAPH * (3 * 1024 * 1024 // len(PARAGRAPH))).strip()
    started = time.perf_counter()
    response = desk.post(URL, {"text": text, "section": world.pk})
    elapsed = time.perf_counter() - started
    page = response.content.decode()
    assert response.status_code == 400
    assert "The story is 3 MB; the limit is 1 MB (2 MB over). Split it or trim it." in page
    textarea = page.split('name="text"', 1)[1].split("</textarea>", 1)[0]
    assert textarea.rstrip().endswith(html.escape(text, quote=False))
    assert not Article.objects.exists()
    # Generous: the point is "refused before parsing", not a benchmark (it takes ~0.3 s).
    assert elapsed < 10


def test_a_paste_just_over_the_limit_gets_the_message_not_a_bare_400(desk, world):
    """6 MB used to hit DATA_UPLOAD_MAX_MEMORY_SIZE and lose the text; now it is the form's
    message like any other oversized paste."""
    text = "x" * (6 * 1024 * 1024)
    response = desk.post(URL, {"text": text, "section": world.pk})
    assert response.status_code == 400
    assert "The story is 6 MB; the limit is 1 MB (5 MB over)." in response.content.decode()


def test_the_limit_is_counted_in_utf8_bytes_with_exact_numbers_near_it(desk, world, settings):
    """Accented letters weigh two bytes; just over, the sizes are exact rather than rounded."""
    settings.NEWSROOM_IMPORT_MAX_BYTES = 1024
    response = desk.post(URL, {"text": "é" * 513, "section": world.pk})
    assert response.status_code == 400
    assert (
        "The story is 1,026 bytes; the limit is 1,024 bytes (2 bytes over)."
        in response.content.decode()
    )


def test_an_upload_over_the_limit_is_refused_by_name_and_size(desk, world):
    """An upload is held to the same limit, named by its file name."""
    upload = SimpleUploadedFile("wire.txt", PARAGRAPH.encode() * 40_000)
    response = desk.post(URL, {"file": upload, "section": world.pk})
    assert response.status_code == 400
    assert "wire.txt is 2.6 MB; the limit is 1 MB (1.6 MB over)." in response.content.decode()
    assert not Article.objects.exists()


def test_the_form_says_the_limit_before_anyone_tries(desk, world):
    """The file field's help text names the limit."""
    assert "At most 1 MB, as is a pasted story." in desk.get(URL).content.decode()


def test_too_many_blocks_are_refused_and_no_article_is_created(desk, world, settings):
    """A story with more parts than an article may hold is refused with the numbers."""
    settings.NEWSROOM_MAX_BLOCKS = 10
    text = PARAGRAPH * 11
    response = desk.post(URL, {"text": text, "section": world.pk})
    assert response.status_code == 400
    assert (
        "The story has 11 parts separated by blank lines; an article holds at most 10"
        in response.content.decode()
    )
    assert not Article.objects.exists()


def test_a_paragraph_over_the_character_limit_is_refused(desk, world, settings):
    """One paragraph of a pasted story longer than a block may be: nothing is created."""
    settings.NEWSROOM_MAX_BLOCK_CHARS = 100
    text = "A first paragraph.\n\n" + "word " * 30
    response = desk.post(URL, {"text": text, "section": world.pk})
    assert response.status_code == 400
    assert "Part 2 of the story" in response.content.decode()
    assert "has 149 characters; the limit is 100" in response.content.decode()
    assert not Article.objects.exists()


def test_an_upload_whose_name_holds_a_nul_is_not_a_server_error(desk, world):
    """Django drops unprintable characters from upload names; the import goes ahead."""
    upload = SimpleUploadedFile("wi\x00re.txt", b"First paragraph.\n\nSecond one.")
    response = desk.post(URL, {"file": upload, "section": world.pk})
    assert response.status_code == 302
    assert Article.objects.count() == 1


class TestRequestLimits:
    """Django's own request limits sit above ours, so our messages are what people see."""

    def test_request_data_limit_leaves_room_over_the_import_limit(self):
        """A paste up to twice the import limit reaches the form (which explains it)."""
        assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 2 * settings.NEWSROOM_IMPORT_MAX_BYTES

    def test_an_article_at_the_block_limit_can_be_posted_from_the_editor(self):
        """The body is one text box and one JSON field, but the editor adds a file input for
        each new image (``upload-<uid>``, at most one a block): Django's field and file
        counts must allow a story of nothing but new images."""
        fields_needed = len(BodyForm.base_fields) + 200  # the article's own fields and the rest
        files_needed = settings.NEWSROOM_MAX_BLOCKS + 2  # and "Add an image", the lead image
        assert fields_needed <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        assert files_needed <= settings.DATA_UPLOAD_MAX_NUMBER_FILES


def test_a_request_limit_below_twice_the_import_limit_stops_startup():
    """A deployment that sets them incoherently learns at startup, not from a bare 400."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **env,
            "DJANGO_IMPORT_MAX_BYTES": str(4 * 1024 * 1024),
            "DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE": str(5 * 1024 * 1024),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "at least twice DJANGO_IMPORT_MAX_BYTES" in result.stderr
