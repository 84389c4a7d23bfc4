"""Measure the quote finder on the attribution corpus: ``manage.py evaluate_attributions``.

For each story of the corpus (``tests/corpus/attribution/README.md`` describes the files)
the text is parsed with ``importing.parse_story``, exactly as an import would read it, with no
database; the finder (``quotes.read``) lists the passages and proposes a source for each, with
an empty registry of known sources. Each suggestion is matched to the gold annotations by
paragraph and span overlap:

- a suggestion is **correct** when it overlaps a gold passage of its paragraph whose
  ``source`` (or one of its ``also`` names) is the suggested name, compared case- and
  space-insensitively and without a leading "the" (as the registry compares names);
- a gold passage is **found** when a correct suggestion overlaps it; an anonymous one when the
  finder flags a passage over it as anonymous and no suggestion over it names a source;
- **precision** is correct suggestions (an anonymous flag counts as one) over suggestions
  made, **recall** found passages over gold passages.

``--registry`` runs every story a second time with a registry seeded, for every person the
story names, with someone of the same surname "from another story": the figures then say
whether the person the story introduced still wins. Notes are checked field by field (kind,
paragraphs, before, after) against importing's note parsing.

The held-out part of the corpus is measured once, at the end, by whoever holds it:
``--corpus`` defaults to the development part.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles import body, importing, quotes

DEFAULT_CORPUS = Path(settings.BASE_DIR) / "tests" / "corpus" / "attribution" / "dev"

ANONYMOUS = "(anonymous)"
UNANNOTATED = "(unannotated)"
NOTE_FIELDS = ("kind", "paragraphs", "before", "after")


# --- Reading the corpus -----------------------------------------------------------------


@dataclass
class Gold:
    """One annotated passage, located in its paragraph."""

    story: str
    paragraph: int
    text: str
    kind: str
    source: str | None
    also: tuple[str, ...]
    source_kind: str
    anonymous: bool
    pattern: str
    start: int = -1
    end: int = -1

    @property
    def names(self) -> set[str]:
        return {fold_name(n) for n in (self.source, *self.also) if n}


@dataclass
class Story:
    name: str
    paragraphs: dict[int, str]
    quoted: set[int]
    gold: list[Gold]
    notes: list[dict[str, Any]]
    parsed_notes: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)


def fold_name(name: str) -> str:
    """A name as the evaluation compares it: case, spacing and a leading "the" ignored."""
    name = " ".join(name.replace("’", "'").lower().split())
    return name[4:] if name.startswith("the ") else name


def _fold_text(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def _locate(paragraph: str, text: str) -> tuple[int, int]:
    """Where the gold text stands in its paragraph (whitespace folded, then case), else a
    best effort on its longest run of words; (-1, -1) when nothing of it is there."""
    wanted = text.strip().strip('“”"').strip()
    if not wanted:
        return -1, -1
    at = paragraph.find(wanted)
    if at >= 0:
        return at, at + len(wanted)
    folded = _fold_text(paragraph).lower()
    target = _fold_text(wanted).lower()
    if len(folded) == len(paragraph):
        at = folded.find(target)
        if at >= 0:
            return at, at + len(target)
    words = wanted.split()
    # The longest prefix or suffix of the gold text that the paragraph holds.
    for size in range(len(words) - 1, max(2, len(words) // 2) - 1, -1):
        for piece in (" ".join(words[:size]), " ".join(words[-size:])):
            at = paragraph.find(piece)
            if at >= 0:
                return at, at + len(piece)
    return -1, -1


def read_story(txt: Path) -> Story:
    """A corpus story: its paragraphs as readers number them (the headline line is not one),
    its gold passages located in them, and its notes as gold and as importing parses them."""
    raw = txt.read_text(encoding="utf-8")
    gold_data = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))
    # The first line is the headline, then a blank line, then the story.
    _headline, _, rest = raw.lstrip("\ufeff").partition("\n")
    if rest.strip() and not rest.startswith(("\n", "\r\n")):
        rest = raw  # no headline line: the story starts at once
    story = importing.parse_story(rest)
    paragraphs = body.paragraph_texts(story.blocks)
    quoted = {
        item.number
        for item in body.number_blocks(story.blocks)
        if item.number is not None and item.block.kind == "blockquote"
    }
    result = Story(
        name=txt.stem,
        paragraphs=paragraphs,
        quoted=quoted,
        gold=[],
        notes=list(gold_data.get("notes", [])),
        parsed_notes=[
            {
                "kind": str(note.kind),
                "paragraphs": list(note.paragraphs),
                "before": note.before,
                "after": note.after,
            }
            for note in story.notes
        ],
    )
    for item in gold_data.get("attributions", []):
        number = int(item["paragraph"])
        anonymous = bool(item.get("anonymous")) or item.get("source") is None
        gold = Gold(
            story=txt.stem,
            paragraph=number,
            text=item["text"],
            kind=item.get("kind", ""),
            source=item.get("source"),
            also=tuple(item.get("also") or ()),
            source_kind=item.get("source_kind", ""),
            anonymous=anonymous,
            pattern=item.get("pattern") or ("anonymous" if anonymous else "?"),
        )
        paragraph = paragraphs.get(number)
        if paragraph is None:
            result.problems.append(f"paragraph {number} does not exist: {item['text'][:60]!r}")
        else:
            gold.start, gold.end = _locate(paragraph, gold.text)
            if gold.start < 0:
                result.problems.append(f"p{number}: text not found: {item['text'][:60]!r}")
        result.gold.append(gold)
    return result


def read_corpus(directory: Path) -> list[Story]:
    return [
        read_story(txt)
        for txt in sorted(directory.glob("*.txt"))
        if txt.with_suffix(".json").exists()
    ]


# --- Scoring ----------------------------------------------------------------------------


@dataclass
class Prediction:
    """What the finder said about one passage: a source name, or that it is anonymous."""

    story: str
    paragraph: int
    start: int
    end: int
    text: str
    name: str  # "" for an anonymous flag
    anonymous: bool = False
    source_id: int | None = None


@dataclass
class Tally:
    gold: int = 0
    found: int = 0
    made: int = 0
    correct: int = 0

    def figures(self) -> dict[str, Any]:
        precision = self.correct / self.made if self.made else None
        recall = self.found / self.gold if self.gold else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else None
        )
        return {
            "gold": self.gold,
            "found": self.found,
            "suggestions": self.made,
            "correct": self.correct,
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def predictions(
    story: Story, finder: ModuleType = quotes, sources: Iterable[Any] = ()
) -> list[Prediction]:
    """The finder's suggestions (and anonymous flags) for one story."""
    if hasattr(finder, "read"):
        reading = finder.read(story.paragraphs, quoted_paragraphs=story.quoted)
        findings = reading.findings
        suggestions = reading.suggest(findings, sources=sources)
    else:  # an older finder: two calls
        findings = finder.find_passages(story.paragraphs, quoted_paragraphs=story.quoted)
        suggestions = finder.suggest(
            story.paragraphs, findings, sources=sources, quoted_paragraphs=story.quoted
        )
    result = []
    suggested = set()
    for s in suggestions:
        f = s.finding
        suggested.add((f.paragraph, f.start, f.end, f.kind))
        result.append(
            Prediction(
                story.name, f.paragraph, f.start, f.end, f.text, s.source_name, False, s.source_id
            )
        )
    for f in findings:
        if (
            getattr(f, "anonymous", False)
            and (f.paragraph, f.start, f.end, f.kind) not in suggested
        ):
            result.append(Prediction(story.name, f.paragraph, f.start, f.end, f.text, "", True))
    return result


def _correct_for(prediction: Prediction, gold: Gold) -> bool:
    if gold.anonymous:
        return prediction.anonymous
    return not prediction.anonymous and fold_name(prediction.name) in gold.names


@dataclass
class Result:
    overall: Tally = field(default_factory=Tally)
    by_pattern: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[dict[str, Any]] = field(default_factory=list)
    false: list[dict[str, Any]] = field(default_factory=list)
    decoys: int = 0


def score(
    stories: Iterable[Story],
    finder: ModuleType = quotes,
    *,
    registry: bool = False,
) -> Result:
    result = Result()
    for story in stories:
        sources, decoy_ids = _decoys(story) if registry else ([], set())
        made = predictions(story, finder, sources)
        gold_by_paragraph: dict[int, list[Gold]] = defaultdict(list)
        for gold in story.gold:
            if gold.start >= 0:
                gold_by_paragraph[gold.paragraph].append(gold)
        found: set[int] = set()
        blocked: set[int] = set()  # anonymous gold that a named source overlaps
        for prediction in made:
            if prediction.source_id in decoy_ids:
                result.decoys += 1
            overlapping = [
                g
                for g in gold_by_paragraph.get(prediction.paragraph, ())
                if _overlap(prediction.start, prediction.end, g.start, g.end)
            ]
            right = [g for g in overlapping if _correct_for(prediction, g)]
            for g in overlapping:
                if g.anonymous and not prediction.anonymous:
                    blocked.add(id(g))
            best = max(
                right or overlapping,
                key=lambda g: _overlap(prediction.start, prediction.end, g.start, g.end),
                default=None,
            )
            pattern = best.pattern if best else UNANNOTATED
            tally = result.by_pattern[pattern]
            result.overall.made += 1
            tally.made += 1
            if right:
                result.overall.correct += 1
                tally.correct += 1
                found.update(id(g) for g in right)
            else:
                result.false.append(
                    {
                        "story": story.name,
                        "paragraph": prediction.paragraph,
                        "text": prediction.text,
                        "suggested": prediction.name or ANONYMOUS,
                        "gold": (best.source or ANONYMOUS) if best else None,
                        "pattern": pattern,
                    }
                )
        for gold in story.gold:
            tally = result.by_pattern[gold.pattern]
            result.overall.gold += 1
            tally.gold += 1
            if id(gold) in found and id(gold) not in blocked:
                result.overall.found += 1
                tally.found += 1
            else:
                said = [
                    p.name or ANONYMOUS
                    for p in made
                    if p.paragraph == gold.paragraph
                    and _overlap(p.start, p.end, gold.start, gold.end)
                ]
                result.misses.append(
                    {
                        "story": story.name,
                        "paragraph": gold.paragraph,
                        "text": gold.text,
                        "source": gold.source or ANONYMOUS,
                        "pattern": gold.pattern,
                        "suggested": said,
                    }
                )
    return result


def _decoys(story: Story) -> tuple[list[quotes.KnownSource], set[int]]:
    """For every person the story names, someone else of that surname, already on file."""
    decoys = []
    people = sorted({g.source for g in story.gold if g.source and g.source_kind == "person"})
    for number, name in enumerate(people, start=1):
        words = name.split()
        if len(words) < 2:
            continue
        first = "Avery" if words[0].lower() != "avery" else "Morgan"
        decoys.append(quotes.KnownSource(100_000 + number, f"{first} {words[-1]}", kind="person"))
    return decoys, {d.id for d in decoys}


def score_notes(stories: Iterable[Story]) -> dict[str, Any]:
    """How many notes importing reads right, field by field and whole."""
    right: Counter[str] = Counter()
    total = whole = 0
    wrong: list[dict[str, Any]] = []
    for story in stories:
        parsed = story.parsed_notes
        for index, gold in enumerate(story.notes):
            total += 1
            got = parsed[index] if index < len(parsed) else None
            ok = True
            for name in NOTE_FIELDS:
                want = gold.get(name, [] if name == "paragraphs" else "")
                have = got.get(name) if got else None
                if name == "paragraphs":
                    want, have = sorted(want or []), sorted(have or []) if got else None
                if want == have:
                    right[name] += 1
                else:
                    ok = False
            whole += ok
            if not ok:
                wrong.append({"story": story.name, "gold": gold, "parsed": got})
        for extra in parsed[len(story.notes) :]:
            wrong.append({"story": story.name, "gold": None, "parsed": extra})
    return {
        "notes": total,
        "right": whole,
        "accuracy": whole / total if total else None,
        "fields": {name: (right[name] / total if total else None) for name in NOTE_FIELDS},
        "wrong": wrong,
    }


def evaluate(
    directory: Path, finder: ModuleType = quotes, *, registry: bool = False
) -> dict[str, Any]:
    """Every figure the command prints, as plain data."""
    stories = read_corpus(directory)
    result = score(stories, finder)
    report: dict[str, Any] = {
        "corpus": str(directory),
        "stories": len(stories),
        "sources": {
            "overall": result.overall.figures(),
            "by_pattern": {p: t.figures() for p, t in sorted(result.by_pattern.items())},
        },
        "notes": score_notes(stories),
        "misses": result.misses,
        "false_suggestions": result.false,
        "corpus_problems": [f"{s.name}: {p}" for s in stories for p in s.problems],
    }
    if registry:
        seeded = score(stories, finder, registry=True)
        report["registry"] = {
            "overall": seeded.overall.figures(),
            "decoys_suggested": seeded.decoys,
            "false_suggestions": seeded.false,
        }
    return report


# --- The command ------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "   –  " if value is None else f"{100 * value:5.1f}%"


class Command(BaseCommand):
    help = (
        "Precision, recall and F1 of the quote finder's source suggestions on the attribution "
        "corpus, overall and per pattern, and the accuracy of correction-note parsing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--corpus",
            type=Path,
            default=DEFAULT_CORPUS,
            help=f"Directory of NAME.txt + NAME.json stories (default: {DEFAULT_CORPUS}).",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument(
            "--verbose", action="store_true", help="List every miss and false suggestion."
        )
        parser.add_argument(
            "--registry",
            action="store_true",
            help="Also run with a registry holding same-surname people from another story.",
        )

    def handle(self, *args, **options) -> None:
        directory: Path = options["corpus"]
        if not directory.is_dir():
            raise CommandError(f"No such corpus directory: {directory}")
        report = evaluate(directory, registry=options["registry"])
        if options["json"]:
            if not options["verbose"]:
                report = {
                    k: v for k, v in report.items() if k not in ("misses", "false_suggestions")
                }
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False, default=_plain))
            return
        self._print(report, verbose=options["verbose"])

    def _print(self, report: dict[str, Any], *, verbose: bool) -> None:
        out = self.stdout.write
        out(f"{report['stories']} stories in {report['corpus']}")
        out("")
        out(
            f"{'sources':24} {'gold':>5} {'found':>5} {'sugg':>5} {'right':>5}  "
            f"{'prec':>6} {'recall':>6} {'F1':>6}"
        )
        rows = [("overall", report["sources"]["overall"])]
        rows += list(report["sources"]["by_pattern"].items())
        for name, f in rows:
            out(
                f"{name:24} {f['gold']:5} {f['found']:5} {f['suggestions']:5} "
                f"{f['correct']:5}  {_pct(f['precision'])} {_pct(f['recall'])} {_pct(f['f1'])}"
            )
        if "registry" in report:
            r = report["registry"]
            f = r["overall"]
            out("")
            out(
                f"with same-surname people on file: precision {_pct(f['precision'])}, "
                f"recall {_pct(f['recall'])}; {r['decoys_suggested']} suggestion(s) named "
                "the other person"
            )
        notes = report["notes"]
        out("")
        out(
            f"notes: {notes['right']}/{notes['notes']} right ({_pct(notes['accuracy'])}); "
            + ", ".join(f"{k} {_pct(v)}" for k, v in notes["fields"].items())
        )
        for problem in report["corpus_problems"]:
            out(f"corpus: {problem}")
        if not verbose:
            return
        out("")
        out("misses:")
        for m in report["misses"]:
            out(
                f"  {m['story']} p{m['paragraph']} [{m['pattern']}] {m['source']!s}: "
                f"{_short(m['text'])}  (suggested: {', '.join(m['suggested']) or 'nothing'})"
            )
        out("")
        out("false suggestions:")
        for m in report["false_suggestions"]:
            out(
                f"  {m['story']} p{m['paragraph']} [{m['pattern']}] {m['suggested']} "
                f"(gold: {m['gold']}): {_short(m['text'])}"
            )
        if "registry" in report:
            out("")
            out("false suggestions with same-surname people on file:")
            for m in report["registry"]["false_suggestions"]:
                out(
                    f"  {m['story']} p{m['paragraph']} {m['suggested']} (gold: {m['gold']}): "
                    f"{_short(m['text'])}"
                )
        out("")
        out("notes read wrong:")
        for w in notes["wrong"]:
            out(f"  {w['story']}: gold {w['gold']} parsed {w['parsed']}")


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    raise TypeError(repr(value))


__all__ = ["DEFAULT_CORPUS", "evaluate", "fold_name", "read_corpus", "score", "score_notes"]
