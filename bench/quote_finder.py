"""What the quote finder costs per editor page: one analysis and its suggestions.

    .venv/bin/python bench/quote_finder.py [--runs 50] [--sources 500]

Times what ``selectors.open_findings`` asks of ``articles.quotes`` for one page: a single
``quotes.read`` of the body, then ``Reading.suggest`` for every passage against a registry of
``--sources`` known sources (people, bodies and outlets, none of them in the story), and the
anonymous passages. It prints the median and the slowest of ``--runs`` runs, on the seed story
(``articles/demo/seed-article.txt``) and on a generated 30-paragraph wire story that uses
every pattern the finder reads (appositives, frames, outlets and their short forms,
documents and data, pronouns, titles, anonymous sources, quotes over several paragraphs).
No database: the registry is ``KnownSource`` values. The budget is 50 ms for 30 paragraphs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from articles import body, importing, quotes  # noqa: E402
from articles.management.commands.load_demo import DEMO_DIR  # noqa: E402

BUDGET_MS = 50.0

# Six paragraphs in the styles of real copy; a story is five rounds of them with the names
# changed, so the finder cannot lean on having seen a name before.
_ROUND = [
    "The {place} council's chief engineer, {first} {last}, said on {day} that the "
    "{thing} would close for repairs, according to a report released by the {place} "
    "Institute for Public Works.",
    "“We have patched it for fifteen years,” {last} said. “It cannot go on.",
    "“Nobody wants to close it, but nobody wants it to fall down either,” "
    "{first} {last} added in a statement.",
    "The {place} Ledger reported that the repairs would cost ${n} million. The Ledger also "
    "said the council had known of the problem since {year}, citing figures compiled by "
    "the watchdog group {place}Watch.",
    "A council official who spoke on condition of anonymity said the vote was close. "
    "Mayor {mfirst} {mlast} called the decision “painful but right,” and she told "
    "reporters the city would pay.",
    "The guild said its members would protest. “This is not the end,” said the chair of "
    "the Writers Guild of {place}, {gfirst} {glast}.",
]
_NAMES = [
    ("Tom", "Reed", "Ana", "Ruiz", "Ola", "Mensah", "Ames"),
    ("Priya", "Nair", "Jane", "Roe", "Kofi", "Boateng", "Millbrook"),
    ("Ivan", "Petrov", "Lena", "Hart", "Sam", "Okafor", "Dellport"),
    ("Marta", "Kowal", "Rosa", "Quint", "Elif", "Demir", "Harlow"),
    ("Noor", "Haddad", "Greta", "Lind", "Ravi", "Menon", "Kessing"),
]


def generated_story() -> dict[int, str]:
    paragraphs = []
    for round_number, (first, last, mfirst, mlast, gfirst, glast, place) in enumerate(_NAMES):
        for template in _ROUND:
            paragraphs.append(
                template.format(
                    first=first,
                    last=last,
                    mfirst=mfirst,
                    mlast=mlast,
                    gfirst=gfirst,
                    glast=glast,
                    place=place,
                    day="Tuesday",
                    thing="bridge",
                    n=12 + round_number,
                    year=2015 + round_number,
                )
            )
    return dict(enumerate(paragraphs, start=1))


def seed_story() -> dict[int, str]:
    story = importing.parse_story((DEMO_DIR / "seed-article.txt").read_text(encoding="utf-8"))
    return body.paragraph_texts(story.blocks)


def registry(size: int) -> list[quotes.KnownSource]:
    kinds = ("person", "organisation", "publication")
    return [
        quotes.KnownSource(n, f"Known{n} Source{n % 97}", (f"Alias{n}",), kinds[n % 3])
        for n in range(1, size + 1)
    ]


def page(paragraphs: dict[int, str], sources: quotes.SourceIndex) -> int:
    """What one editor page asks: one reading, its suggestions and anonymous passages."""
    reading = quotes.read(paragraphs)
    suggestions = reading.suggest(reading.findings, sources=sources)
    reading.anonymous()
    return len(suggestions)


def measure(paragraphs: dict[int, str], runs: int, sources: quotes.SourceIndex) -> list[float]:
    page(paragraphs, sources)  # warm up imports and regular expressions
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        page(paragraphs, sources)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--sources", type=int, default=500)
    args = parser.parse_args()
    sources = quotes.SourceIndex(registry(args.sources))
    print(f"{args.runs} runs, {args.sources} known sources, budget {BUDGET_MS:.0f} ms")
    for name, paragraphs in (("seed story", seed_story()), ("generated", generated_story())):
        times = measure(paragraphs, args.runs, sources)
        reading = quotes.read(paragraphs)
        print(
            f"{name:12} {len(paragraphs):3} paragraphs, {len(reading.findings):3} passages, "
            f"{len(reading.suggest()):3} suggestions: median {statistics.median(times):6.2f} ms, "
            f"slowest {max(times):6.2f} ms"
        )


if __name__ == "__main__":
    main()
