"""The quote finder: every quoted passage and reported claim in a body, and who said it.

The desk runs this on every save and before any publish to list the passages that still need
an ``Attribution``, and to propose the source of each one. It is pure: it reads paragraph
texts (``articles.body.paragraph_texts``), never the database, so the importer, the desk and
the tests all get the same answer from the same words. Known sources are passed in by the
caller (``Source`` rows, ``KnownSource`` values or ``(id, name, aliases)`` tuples).

Two layers, and only the first may feed a rule:

- **Rule layer** (``spans``, ``coverage``): where the quotes are (``quote_spans``,
  ``quoted_passages``) and whether an attribution covers a passage (``is_covered``).
  Deterministic, reading quote marks only. The publish gate (``selectors.unattributed_quotes``
  → ``services.workflow._quote_gate``) and a correction's integrity check
  (``corrections.analyse``, through the ``"quote"`` findings of ``find_passages``, which are
  exactly ``quoted_passages``) use nothing else.
- **Advisory layer** (``attribution``): the reported claims, each passage's cue, whether its
  source is anonymous, and the suggested sources. Proposals for an editor; measured on the
  attribution corpus by ``manage.py evaluate_attributions``.

``read`` analyses a body once; ``find_passages``, ``suggest`` and ``unattributed`` are the
one-question forms of it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from articles.quotes.attribution.analysis import Reading
from articles.quotes.attribution.registry import SourceIndex, match_source
from articles.quotes.coverage import MIN_COVERING_WORDS, is_covered, uncovered
from articles.quotes.spans import QuoteSpan, quote_spans, quoted_passages
from articles.quotes.values import Finding, KnownSource, Suggestion, as_known_source

__all__ = [
    "MIN_COVERING_WORDS",
    "Finding",
    "KnownSource",
    "QuoteSpan",
    "Reading",
    "SourceIndex",
    "Suggestion",
    "anonymous",
    "as_known_source",
    "find_passages",
    "is_covered",
    "match_source",
    "quote_spans",
    "quoted_passages",
    "read",
    "suggest",
    "unattributed",
    "uncovered",
]


def read(paragraphs: dict[int, str], *, quoted_paragraphs: Collection[int] = ()) -> Reading:
    """One analysis of the body: ``.findings``, ``.suggest(findings, sources=…)`` and
    ``.anonymous(findings)`` all answer from it (the desk asks all three per page)."""
    return Reading(paragraphs, quoted_paragraphs)


def find_passages(
    paragraphs: dict[int, str], *, quoted_paragraphs: Collection[int] = ()
) -> list[Finding]:
    """Every quoted passage and every reported claim in the body, in reading order.

    ``paragraphs`` maps reader paragraph numbers to plain text (``body.paragraph_texts``).
    ``quoted_paragraphs`` are block quotes: quotes without marks, each one whole. The
    ``"quote"`` findings stand exactly where ``quoted_passages`` puts them.
    """
    return read(paragraphs, quoted_paragraphs=quoted_paragraphs).findings


def suggest(
    paragraphs: dict[int, str],
    findings: Sequence[Finding] | None = None,
    *,
    sources: Iterable[Any] = (),
    quoted_paragraphs: Collection[int] = (),
) -> list[Suggestion]:
    """A proposed source for each finding that has a cue the story lets us resolve.

    ``findings`` defaults to ``find_passages(paragraphs)``; findings made elsewhere (the
    desk's own selection) are attributed by the same nearest-cue rule. ``sources`` are the
    known sources (``Source`` rows, ``KnownSource`` or tuples); a match gives the
    suggestion that source's id and name. Findings with no cue, a cue that names no one
    ("officials said") or an anonymous source get no suggestion.
    """
    return read(paragraphs, quoted_paragraphs=quoted_paragraphs).suggest(findings, sources=sources)


def anonymous(
    paragraphs: dict[int, str], *, quoted_paragraphs: Collection[int] = ()
) -> list[Finding]:
    """The passages the story attributes to an anonymous source ("an official who spoke on
    condition of anonymity"), flagged ``Finding.anonymous``. Advisory."""
    return read(paragraphs, quoted_paragraphs=quoted_paragraphs).anonymous()


def unattributed(
    paragraphs: dict[int, str],
    attributions: Iterable[Any],
    *,
    quoted_paragraphs: Collection[int] = (),
) -> list[Finding]:
    """The findings no attribution covers: what the desk lists before a publish."""
    return uncovered(find_passages(paragraphs, quoted_paragraphs=quoted_paragraphs), attributions)
