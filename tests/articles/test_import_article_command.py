"""``manage.py import_article``: the command line over ``articles.importing``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import importing, services
from articles.models import (
    Article,
    ArticleEvent,
    Author,
    Block,
    Byline,
    CorrectionNote,
    Revision,
    Source,
)
from tests.factories import AuthorFactory, SectionFactory, SourceFactory
from tests.helpers import SEED_FILE

MAX_BYTES = importing.max_bytes()
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return SectionFactory(name="World", slug="world")


def _run(*args: str, **options) -> str:
    out = StringIO()
    call_command("import_article", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def _assert_nothing_saved() -> None:
    for model in (Article, Block, Author, Byline, CorrectionNote, Revision, ArticleEvent):
        assert model.objects.count() == 0, f"a {model.__name__} was left behind"


class TestImportSeed:
    def test_seed_publishes_with_no_other_flags(self, world):
        """`import_article seed --section world --publish --json` works, under the staff byline."""
        data = json.loads(_run(str(SEED_FILE), "--section", "world", "--publish", "--json"))
        article = Article.objects.get()
        assert data["url"] == article.get_absolute_url()
        assert data["slug"] == article.slug
        assert data["status"] == "published" == article.status
        assert data["paragraphs"] == 12
        assert data["subheadings"] == ["Russian Strikes Syrians being Trained by US"]
        assert data["attributions"] == []
        (note,) = data["corrections"]
        assert note["kind"] == "editors_note"
        assert note["paragraphs"] == [11]
        assert (note["before"], note["after"]) == ("militaries", "forces")
        assert note["anchor"] == "named"
        assert note["text"] == (
            "A misspelled word in a quote, “militaries” is changed to “forces” in paragraph eleven."
        )
        assert [a.slug for a in article.authors.all()] == ["staff"]
        assert CorrectionNote.objects.public().count() == 1

    def test_note_is_stored_as_a_note_not_as_body(self, world):
        """The saved body has 12 paragraphs, paragraph 11 is Townsend, and no note text."""
        _run(str(SEED_FILE), "--section", "world")
        article = Article.objects.get()
        paragraphs = article.paragraph_texts()
        assert len(paragraphs) == 12
        assert paragraphs[11].startswith("Gen. Stephen Townsend")
        assert not Block.objects.filter(text__icontains="Editors note").exists()
        assert not Block.objects.filter(text__icontains="militaries").exists()
        assert article.corrections.get().paragraphs == [11]

    def test_options_set_the_editorial_fields(self, world):
        """Headline, dek, bylines, credit line, dateline, kind and tags come from the options."""
        AuthorFactory(display_name="Ana Ruiz", slug="ana-ruiz")
        _run(
            str(SEED_FILE),
            "--section=world",
            "--headline=Haley confronts Russia at the UN",
            "--dek=A veto and a rebuke.",
            "--byline=Ana Ruiz",
            "--byline=Ben Ode",
            "--credit-line=Staff and wire reports",
            "--dateline=UNITED NATIONS",
            "--kind=analysis",
            "--tag=Syria",
        )
        article = Article.objects.get()
        assert article.headline == "Haley confronts Russia at the UN"
        assert (article.dek, article.credit_line) == (
            "A veto and a rebuke.",
            "Staff and wire reports",
        )
        assert (article.dateline, article.kind) == ("UNITED NATIONS", "analysis")
        assert [a.display_name for a in article.authors.order_by("bylines__position")] == [
            "Ana Ruiz",
            "Ben Ode",
        ]
        assert list(article.tags.names()) == ["Syria"]
        assert article.status == Article.Status.DRAFT

    def test_default_headline_comes_from_the_first_sentence(self, world):
        """Without --headline the headline is the first sentence, cut at a word boundary."""
        data = json.loads(_run(str(SEED_FILE), "--section", "world", "--json"))
        assert data["headline"].startswith("United States UN Ambassador Nikki Haley questioned")
        assert len(data["headline"]) <= 120
        assert data["status"] == "draft"

    def test_plain_output_is_a_short_summary(self, world):
        """Without --json the command says what it did and where."""
        output = _run(str(SEED_FILE), "--section", "world", "--publish")
        assert "published" in output
        assert "12 paragraphs" in output
        assert Article.objects.get().get_absolute_url() in output


def _write(tmp_path: Path, content: bytes) -> str:
    path = tmp_path / "story.txt"
    path.write_bytes(content)
    return str(path)


SEED_BYTES = SEED_FILE.read_bytes()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"  \n\n\t \r\n", "empty", id="whitespace"),
        pytest.param(b"Hello\x00world.", "binary", id="nul-byte"),
        pytest.param("Café au lait.".encode("latin-1"), "not UTF-8", id="latin-1"),
        pytest.param(
            b"word " * (MAX_BYTES // 5 + 1), "the limit is 1,048,576 bytes", id="over-1mb"
        ),
        pytest.param(
            SEED_BYTES.replace(b"paragraph eleven", b"paragraph 40"), "paragraph 40", id="para-40"
        ),
        pytest.param(
            SEED_BYTES.replace(b"paragraph eleven", b"the fortieth paragraph"),
            "paragraph 40",
            id="fortieth",
        ),
    ],
)
def test_bad_file_exits_nonzero_with_one_line_and_saves_nothing(world, tmp_path, content, reason):
    """Bad input stops the import with a one-line reason and leaves nothing saved."""
    with pytest.raises(CommandError, match=reason) as raised:
        _run(_write(tmp_path, content), "--section", "world", "--publish", "--byline", "New Name")
    assert raised.value.returncode != 0
    assert "\n" not in str(raised.value)
    _assert_nothing_saved()


def test_missing_file_is_refused(world, tmp_path):
    """A file that doesn't exist is reported, not a traceback."""
    with pytest.raises(CommandError, match="No such file") as raised:
        _run(str(tmp_path / "nope.txt"), "--section", "world")
    assert "\n" not in str(raised.value)
    _assert_nothing_saved()


def test_unknown_section_is_refused_and_lists_known_ones(world):
    """An unknown section slug is refused with the slugs that do exist."""
    with pytest.raises(CommandError, match="Unknown section") as raised:
        _run(str(SEED_FILE), "--section", "sport", "--publish")
    assert "world" in str(raised.value)
    assert "\n" not in str(raised.value)
    _assert_nothing_saved()


def test_failure_after_creating_an_author_rolls_it_back(world):
    """A rejected field (a 250-character headline) undoes the byline author created first."""
    with pytest.raises(CommandError) as raised:
        _run(str(SEED_FILE), "--section", "world", "--byline", "Brand New", "--headline", "x" * 250)
    assert "\n" not in str(raised.value)
    _assert_nothing_saved()


def test_unknown_kind_is_refused(world):
    """--kind only accepts the article kinds the site knows."""
    with pytest.raises(CommandError, match="kind"):
        _run(str(SEED_FILE), "--section", "world", "--kind", "gossip")
    _assert_nothing_saved()


SEED_SUGGESTIONS = [
    (3, "Nikki Haley", "person", "quote"),
    (3, "Nikki Haley", "person", "quote"),
    (4, "Vladimir Safronkov", "person", "quote"),
    (4, "Vladimir Safronkov", "person", "quote"),
    (5, "UN commission report", "document", "document"),
    (6, "Paulo Pinheiro", "person", "quote"),
    (7, "UN commission report", "document", "document"),
    (7, "CBS News", "publication", "report"),
    (9, "CBS News", "publication", "report"),
    (11, "USA Today", "publication", "report"),
    (11, "Stephen Townsend", "person", "quote"),
]


class TestImportSuggestions:
    """``--json`` carries the quote finder's suggested sources for the imported story."""

    def test_seed_json_suggests_a_source_for_every_quote_and_claim(self, world):
        """Each quote and claim of the seed comes with its source, kind and paragraph."""
        data = json.loads(_run(str(SEED_FILE), "--section", "world", "--json"))
        suggestions = data["suggestions"]
        assert [
            (s["paragraph"], s["source"], s["source_kind"], s["kind"]) for s in suggestions
        ] == SEED_SUGGESTIONS
        assert not any(s["existing_source"] for s in suggestions)
        assert suggestions[0]["text"] == (
            "Russia and China made an outrageous and indefensible choice today,"
        )
        assert suggestions[3]["text"] == "absolutely unacceptable."
        article = Article.objects.get()
        paragraphs = article.paragraph_texts()
        assert all(s["text"] in paragraphs[s["paragraph"]] for s in suggestions)

    def test_sources_on_file_are_suggested_by_their_own_names(self, world):
        """Known sources are matched by name or alias and flagged as existing."""
        SourceFactory(name="Nikki Haley", aliases=["Ambassador Haley"])
        SourceFactory(name="CBS News", slug="cbs-news", kind=Source.Kind.PUBLICATION, role="")
        SourceFactory(
            name="UN Commission report on Aleppo",
            slug="un-report",
            kind=Source.Kind.DOCUMENT,
            role="",
        )
        data = json.loads(_run(str(SEED_FILE), "--section", "world", "--json"))
        existing = {
            (s["paragraph"], s["source"]) for s in data["suggestions"] if s["existing_source"]
        }
        assert existing == {
            (3, "Nikki Haley"),
            (5, "UN Commission report on Aleppo"),
            (7, "UN Commission report on Aleppo"),
            (7, "CBS News"),
            (9, "CBS News"),
        }

    def test_attributed_passages_are_no_longer_suggested(self, world, django_assert_num_queries):
        """Once a quote is attributed, the summary stops suggesting a source for it."""
        _run(str(SEED_FILE), "--section", "world")
        article = Article.objects.get()
        haley = SourceFactory(name="Nikki Haley")
        services.attribution_create(
            article=article,
            actor=None,
            source=haley,
            kind="quote",
            text="Russia and China made an outrageous and indefensible choice today,",
            paragraph=3,
        )
        article = Article.objects.select_related("section").get()
        # blocks, attributions with sources, known sources, bylines, corrections
        with django_assert_num_queries(5):
            summary = importing.story_summary(article)
        assert [s["paragraph"] for s in summary["suggestions"]] == [3, 4, 4, 5, 6, 7, 7, 9, 11, 11]
        assert summary["suggestions"][0]["text"].startswith("They turned their backs")
