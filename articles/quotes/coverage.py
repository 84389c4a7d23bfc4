"""Whether an attribution covers a finding. **The rule layer**, with ``spans``.

The publish gate asks this of every direct quote; it compares words, never sources, so it
is as deterministic as the quote spans it is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from articles.quotes.spans import QUOTE_CHARS
from articles.quotes.values import Finding

MIN_COVERING_WORDS = 4

_FOLD_QUOTES = str.maketrans(dict.fromkeys(QUOTE_CHARS, " "))
_WORDS = re.compile(r"\w+")


def _fold(text: str) -> str:
    return " ".join(text.translate(_FOLD_QUOTES).lower().split())


def is_covered(finding: Finding, attributions: Iterable[Any]) -> bool:
    """Whether an attribution, ``(paragraph, text)`` or an object with ``.paragraph`` and
    ``.text``, covers the finding.

    It must stand in the same paragraph, and the texts (whitespace and quote marks folded,
    case ignored) must overlap substantially: the attribution holds the finding; or the
    finding holds the attribution and the attribution is a real passage, at least
    ``MIN_COVERING_WORDS`` words or 40% of the finding's (the clause of a claim sentence an
    editor attributed as a paraphrase, but not one stray word); or they share at least three
    quarters of their words (a quote whose spelling was corrected since).
    """
    mine = _fold(finding.text)
    mine_words = set(_WORDS.findall(mine))
    if not mine:
        return False
    for item in attributions:
        paragraph, text = item if isinstance(item, tuple | list) else (item.paragraph, item.text)
        if paragraph != finding.paragraph or not text:
            continue
        theirs = _fold(text)
        if not theirs:
            continue
        if mine in theirs:
            return True
        their_words = set(_WORDS.findall(theirs))
        if theirs in mine and (
            len(their_words) >= MIN_COVERING_WORDS or len(their_words) >= 0.4 * len(mine_words)
        ):
            return True
        if mine_words and len(mine_words & their_words) >= 0.75 * max(
            len(mine_words), len(their_words)
        ):
            return True
    return False


def uncovered(findings: Iterable[Finding], attributions: Iterable[Any]) -> list[Finding]:
    """The findings no attribution covers, in their order."""
    attributions = list(attributions)
    return [f for f in findings if not is_covered(f, attributions)]
