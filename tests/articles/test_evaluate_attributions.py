"""``manage.py evaluate_attributions``: the quote finder measured on the attribution corpus.

No test here touches the database: the command parses stories with ``importing.parse_story``
and runs the finder with an empty registry. Floors on the development part, never exact
figures (the corpus grows); the held-out part is measured once, by hand, at the end.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from articles.management.commands import evaluate_attributions as command

DEV = command.DEFAULT_CORPUS

STORY = """Runway plan stalls

The airport's manager, Jane Roe, said the runway would close in May.

"It is overdue," said Tom Reed, the council engineer.

An official who spoke on condition of anonymity said the vote was close.

"We tried," Reed said.

Correction: An earlier version of this story misspelled Roe's name in paragraph 1.
"""

GOLD = {
    "beat": "local",
    "style": "wire",
    "attributions": [
        {
            "paragraph": 1,
            "text": "The airport's manager, Jane Roe, said the runway would close in May.",
            "kind": "paraphrase",
            "source": "Jane Roe",
            "source_kind": "person",
            "also": ["Roe"],
            "pattern": "appositive",
        },
        {
            "paragraph": 2,
            "text": "It is overdue,",
            "kind": "quote",
            "source": "THE  tom reed",
            "source_kind": "person",
            "pattern": "inverted",
        },
        {
            "paragraph": 3,
            "text": "An official who spoke on condition of anonymity said the vote was close.",
            "kind": "paraphrase",
            "source": None,
            "source_kind": "person",
            "anonymous": True,
            "pattern": "anonymous",
        },
        {
            "paragraph": 4,
            "text": "We tried",
            "kind": "quote",
            "source": "Someone Else",
            "source_kind": "person",
            "pattern": "surname",
        },
    ],
    "notes": [{"kind": "correction", "paragraphs": [1], "before": "", "after": ""}],
}


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "x-runway.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "x-runway.json").write_text(json.dumps(GOLD), encoding="utf-8")
    return tmp_path


def _run(*args: str) -> str:
    out = StringIO()
    call_command("evaluate_attributions", *args, stdout=out)
    return out.getvalue()


class TestScoring:
    def test_suggestions_are_matched_to_gold_by_paragraph_span_and_name(self, corpus):
        """Right name (case, spaces and "the" folded): correct; anonymous: flagged, no name."""
        report = json.loads(_run("--corpus", str(corpus), "--json", "--verbose"))
        overall = report["sources"]["overall"]
        # Roe, Reed and the anonymous official are found; "We tried" is Reed's, not gold's.
        assert (overall["gold"], overall["found"]) == (4, 3)
        assert (overall["suggestions"], overall["correct"]) == (4, 3)
        assert overall["precision"] == pytest.approx(0.75)
        assert overall["recall"] == pytest.approx(0.75)
        assert report["sources"]["by_pattern"]["anonymous"]["found"] == 1
        (miss,) = report["misses"]
        assert (miss["paragraph"], miss["source"], miss["suggested"]) == (
            4,
            "Someone Else",
            ["Tom Reed"],
        )
        (false,) = report["false_suggestions"]
        assert (false["suggested"], false["gold"]) == ("Tom Reed", "Someone Else")

    def test_the_note_is_read_by_importing_s_note_parsing(self, corpus):
        """Kind, paragraphs, before and after, field by field."""
        notes = json.loads(_run("--corpus", str(corpus), "--json"))["notes"]
        assert (notes["notes"], notes["right"]) == (1, 1)
        assert notes["fields"] == {"kind": 1.0, "paragraphs": 1.0, "before": 1.0, "after": 1.0}

    def test_the_text_report_lists_misses_and_false_suggestions_when_verbose(self, corpus):
        """--verbose names each miss and false suggestion with its story and paragraph."""
        plain = _run("--corpus", str(corpus))
        verbose = _run("--corpus", str(corpus), "--verbose", "--registry")
        assert "overall" in plain and "misses:" not in plain
        assert "x-runway p4 [surname] Someone Else" in verbose
        assert "same-surname people on file" in verbose

    def test_a_missing_corpus_is_a_command_error(self, tmp_path):
        """A directory that is not there is said so, in one line."""
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="No such corpus directory"):
            _run("--corpus", str(tmp_path / "nope"))


@pytest.fixture(scope="module")
def report():
    if not any(DEV.glob("*.json")):
        pytest.skip("the development corpus is empty")
    return json.loads(_run("--json", "--registry"))


class TestDevCorpus:
    """Floors on the development part, as it stands."""

    def test_the_default_corpus_is_the_development_part(self):
        """The held-out part is never read unless someone names it."""
        assert DEV.name == "dev" and DEV.parent.name == "attribution"

    def test_the_corpus_is_well_formed(self, report):
        """Every gold passage stands in its paragraph, as the corpus README requires."""
        assert report["corpus_problems"] == []

    def test_sources_meet_the_floors(self, report):
        """Precision at least 95%, recall at least 90%, overall."""
        overall = report["sources"]["overall"]
        assert overall["precision"] >= 0.95
        assert overall["recall"] >= 0.90

    def test_every_pattern_meets_a_floor(self, report):
        """No pattern is left behind: each finds at least 75% of its passages."""
        for pattern, figures in report["sources"]["by_pattern"].items():
            if figures["gold"] >= 5:
                assert figures["recall"] >= 0.75, pattern

    def test_another_story_s_namesake_on_file_never_wins(self, report):
        """With same-surname people in the registry, the story's own person is suggested."""
        assert report["registry"]["decoys_suggested"] == 0
        assert report["registry"]["overall"]["precision"] >= 0.95

    def test_notes_are_read_right(self, report):
        """Importing's note parsing gets at least 90% of the notes right in every field."""
        assert report["notes"]["accuracy"] >= 0.9
