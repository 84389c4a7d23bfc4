"""Quote spans: where the quoted words of a body stand. **The rule layer.**

This module and ``articles.quotes.coverage`` are the only parts of the quote finder that an
editorial rule may use: the publish gate (``selectors.unattributed_quotes``) and the
integrity rule of a correction (``corrections.analyse``, through the quote findings of
``find_passages``, which are exactly ``quoted_passages``). They are deterministic and read
only quote marks: no word lists, no guess about who is speaking, so a rule never changes
because the advisory layer (``articles.quotes.attribution``) learned a new pattern.

What a quote is:

- double quotes, curly “…”, straight "…", low „…“ and guillemets «…»; single quotes inside
  them belong to them (a nested ‘quote’ is part of the outer one);
- a curly ‘…’ outside any double quote (British style); an apostrophe (Assad’s, the
  players’ union) never opens or closes one;
- a partial quote is a quote like any other: a scrap of two words in a sentence is a span;
- a quote running over several paragraphs, by newsroom convention: each paragraph opens
  with a quote mark and only the last one closes; an unclosed quote is kept, to the end of
  its paragraph, only when the next paragraph opens with a mark;
- a lone mark that never closes is ignored, and so is a closing mark with no opening, so one
  typo does not swallow the paragraph; a new opening mark while a quote is open makes the
  first one a stray;
- a block quote (``quoted_paragraphs``) is one quote without marks, the whole paragraph.

Everything is one linear pass over each paragraph.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from articles.quotes.values import Finding

QUOTE_CHARS = "“”„«»\"‘’'‚‹›"

_OPEN_DOUBLE = "“„«"
_CLOSES = {"“": '”"', "„": '“”"', "«": "»", '"': '"”', "‘": "’"}
_STRAIGHT_OPEN_AFTER = " \t\n([{—–-/:;"


@dataclass(frozen=True)
class QuoteSpan:
    """Where one quote stands: ``outer`` includes the marks, ``inner`` the quoted words.

    ``runs_on`` marks a quote left open at the end of its paragraph because the next
    paragraph opens with a quote mark: it continues there.
    """

    outer_start: int
    outer_end: int
    inner_start: int
    inner_end: int
    runs_on: bool = False


def _can_open_straight(text: str, i: int) -> bool:
    """A straight ``"`` opens a quote after a space or bracket and before a non-space; after
    a digit it is an inch mark (6")."""
    after = text[i + 1] if i + 1 < len(text) else ""
    if not after or after.isspace():
        return False
    return i == 0 or text[i - 1] in _STRAIGHT_OPEN_AFTER or text[i - 1] in QUOTE_CHARS


def _can_open_single(text: str, i: int) -> bool:
    """A curly ‘ opens a quote at a word's start; "‘90s" and stray marks do not."""
    after = text[i + 1] if i + 1 < len(text) else ""
    return after.isalpha() and (i == 0 or text[i - 1].isspace() or text[i - 1] in '([{—–-"“')


def _can_close_single(text: str, i: int) -> bool:
    """A ’ closes a single quote only at a word's end: the apostrophe in "Assad’s" does not."""
    after = text[i + 1] if i + 1 < len(text) else ""
    return i > 0 and not text[i - 1].isspace() and not after.isalnum()


def _opens(text: str, i: int) -> bool:
    """Whether the mark at ``i`` opens a quote when none is open."""
    ch = text[i]
    return (
        ch in _OPEN_DOUBLE
        or (ch == '"' and _can_open_straight(text, i))
        or (ch == "‘" and _can_open_single(text, i))
    )


def _reopens(text: str, i: int, opener: str) -> bool:
    """Whether the mark at ``i`` opens a new quote while one opened by ``opener`` is open,
    which makes the first mark a stray (German „…“ closes with “, so that one does not)."""
    ch = text[i]
    if ch in _OPEN_DOUBLE:
        return not (opener == "„" and ch == "“")
    return opener == "‘" and ch == '"' and _can_open_straight(text, i)


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the whitespace at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def quote_spans(text: str, *, runs_on: bool = False) -> list[QuoteSpan]:
    """Every quote in one paragraph's plain text, in order (see the module docstring).

    ``runs_on``: the next paragraph opens with a quote mark, so by newsroom convention an
    unclosed quote here continues there; it is kept, running to the paragraph's end.
    """
    spans: list[QuoteSpan] = []
    opened: int | None = None
    opener = ""
    for i, ch in enumerate(text):
        if opened is None:
            if _opens(text, i):
                opened, opener = i, ch
            continue
        if ch in _CLOSES[opener] and (opener != "‘" or _can_close_single(text, i)):
            if opener == '"' and ch == '"' and text[i - 1].isspace():
                # `" word` : a space before it makes this mark an opener, the first a stray.
                if _can_open_straight(text, i):
                    opened = i
                continue
            start, end = trimmed(text, opened + 1, i)
            if any(c.isalnum() for c in text[start:end]):
                spans.append(QuoteSpan(opened, i + 1, start, end))
            opened = None
        elif _reopens(text, i, opener):
            opened, opener = i, ch
    if opened is not None and runs_on and opener != "‘":
        start, end = trimmed(text, opened + 1, len(text))
        if any(c.isalnum() for c in text[start:end]):
            spans.append(QuoteSpan(opened, len(text), start, end, runs_on=True))
    return spans


def opens_with_quote(text: str) -> bool:
    """Whether a paragraph opens with a double quote mark (it may continue a quote)."""
    text = text.lstrip()
    return bool(text) and (text[0] in _OPEN_DOUBLE or text[0] == '"')


def body_spans(
    paragraphs: dict[int, str], quoted_paragraphs: Collection[int] = ()
) -> dict[int, list[QuoteSpan]]:
    """The quote spans of every paragraph, block quotes whole, in paragraph order."""
    spans: dict[int, list[QuoteSpan]] = {}
    for number in sorted(paragraphs):
        text = paragraphs[number] or ""
        if number in quoted_paragraphs and text.strip():
            start, end = trimmed(text, 0, len(text))
            spans[number] = [QuoteSpan(0, len(text), start, end)]
        else:
            runs_on = opens_with_quote(paragraphs.get(number + 1) or "")
            spans[number] = quote_spans(text, runs_on=runs_on)
    return spans


def quoted_passages(
    paragraphs: dict[int, str], *, quoted_paragraphs: Collection[int] = ()
) -> list[Finding]:
    """Every direct quote of the body as a ``"quote"`` finding, in reading order: what the
    rules (the publish gate, a correction's integrity check) count as quoted words."""
    findings = []
    for number, spans in body_spans(paragraphs, quoted_paragraphs).items():
        text = paragraphs[number] or ""
        for span in spans:
            findings.append(
                Finding(
                    "quote",
                    number,
                    text[span.inner_start : span.inner_end],
                    span.inner_start,
                    span.inner_end,
                )
            )
    return findings
