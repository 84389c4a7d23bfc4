"""The article body: which blocks are paragraphs, how they are numbered, what text they hold.

This module is the one place that knows what "paragraph 11" means. Paragraphs and block
quotes are numbered 1..n in body order; subheadings and images are not counted, so a
correction that says "paragraph eleven" points at the eleventh paragraph a reader counts.

Block text is plain text with a small inline set (links and emphasis), sanitised by nh3
whenever it is stored and again when it is rendered.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import nh3

NUMBERED_KINDS = frozenset({"paragraph", "blockquote"})

INLINE_TAGS = {"a", "em", "strong", "i", "b"}
INLINE_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class NumberedBlock:
    block: Any
    number: int | None

    @property
    def anchor(self) -> str:
        return f"p{self.number}" if self.number else ""


def paragraph_numbers(kinds: Iterable[str]) -> list[int | None]:
    """Reader-facing numbers for a sequence of block kinds (None for unnumbered blocks)."""
    numbers: list[int | None] = []
    count = 0
    for kind in kinds:
        if kind in NUMBERED_KINDS:
            count += 1
            numbers.append(count)
        else:
            numbers.append(None)
    return numbers


def _kind(block: Any) -> str:
    return block["kind"] if isinstance(block, dict) else block.kind


def _text(block: Any) -> str:
    return block["text"] if isinstance(block, dict) else block.text


def number_blocks(blocks: Iterable[Any]) -> list[NumberedBlock]:
    """Pair each block (a model instance or a snapshot dict), in order, with its number."""
    blocks = list(blocks)
    return [
        NumberedBlock(block, number)
        for block, number in zip(blocks, paragraph_numbers(map(_kind, blocks)), strict=True)
    ]


def paragraph_texts(blocks: Iterable[Any]) -> dict[int, str]:
    """Paragraph number -> the paragraph's plain text."""
    return {
        item.number: plain_text(_text(item.block))
        for item in number_blocks(blocks)
        if item.number is not None
    }


def sanitize_inline(text: str) -> str:
    """Keep only links and emphasis; everything else is escaped or dropped."""
    return nh3.clean(
        text or "",
        tags=INLINE_TAGS,
        attributes=INLINE_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


def from_plain(text: str) -> str:
    """Store literal plain text (an import, a form without markup) as block text."""
    return html.escape(normalize_space(text), quote=False)


def for_editing(text: str) -> str:
    """Block text as the desk's text box shows it: entities decoded, except ``&lt;``/``&gt;``
    so that a literal "<" a reporter typed stays text when saved again."""
    kept = (text or "").replace("&lt;", "\x00lt").replace("&gt;", "\x00gt")
    return html.unescape(kept).replace("\x00lt", "&lt;").replace("\x00gt", "&gt;")


def plain_text(text: str) -> str:
    """What a reader reads: tags removed, entities decoded, whitespace folded."""
    return normalize_space(html.unescape(_TAG.sub("", text or "")))


def normalize_space(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


# Quote marks and apostrophes as one comparison sees them: curly, low and guillemet marks
# fold to their straight form, one character for one, so positions survive the folding.
DOUBLE_QUOTES = '"“”„‟«»'
SINGLE_QUOTES = "'‘’‚‛‹›"
QUOTE_MARKS = DOUBLE_QUOTES + SINGLE_QUOTES
_FOLD_QUOTES = str.maketrans(
    {**dict.fromkeys(DOUBLE_QUOTES, '"'), **dict.fromkeys(SINGLE_QUOTES, "'")}
)


def fold_quotes(text: str) -> str:
    """``text`` with every quote mark and apostrophe straight (same length, same positions)."""
    return (text or "").translate(_FOLD_QUOTES)


def find(paragraph: str, passage: str) -> tuple[int, int] | None:
    """Where ``passage`` stands in ``normalize_space(paragraph)``, or None.

    Whitespace is folded and quote marks compare equal whatever their shape, so words an
    editor typed with straight quotes ("don't", "the 'plan'") match the typographic marks
    the body is stored with (``typographic``), and the other way round.
    """
    passage = fold_quotes(normalize_space(passage))
    if not passage:
        return None
    start = fold_quotes(normalize_space(paragraph)).find(passage)
    return None if start < 0 else (start, start + len(passage))


def passage_in(paragraph: str, passage: str) -> str:
    """The words of ``paragraph`` that ``passage`` matches (see ``find``), as the paragraph
    spells them; "" when it does not stand there."""
    span = find(paragraph, passage)
    return normalize_space(paragraph)[span[0] : span[1]] if span else ""


def contains(paragraph: str, passage: str) -> bool:
    """Whether ``passage`` stands in ``paragraph`` word for word (whitespace folded, quote
    marks compared whatever their shape)."""
    return find(paragraph, passage) is not None


# --- Typographic quotes -----------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_OPENS_AFTER = "([{<—–-/“‘\u00a0"
_CLOSES_BEFORE = ".,;:!?)]}>—–-/…”’"
# Words that begin with an elided letter: 'n' (rock 'n' roll), 'em, 'tis, 'twas, 'til.
_ELISION = re.compile(r"(?:n'|n’|n\b|em\b|tis\b|twas\b|til\b|cause\b|bout\b)", re.IGNORECASE)
_DECADE = re.compile(r"\d\d(?!\d)")


def _marks(visible: str) -> dict[int, str]:
    """Which straight marks in ``visible`` become which typographic ones.

    Double marks open after a space, bracket, dash or opening mark and close after a word;
    one that would close with no quote open is left as typed. A double mark after a digit
    with no quote open is an inch mark (12" pipe), and so is one after a digit inside a quote
    that another straight mark still closes ("a 12" pipe," he said). A single mark inside a
    word, or closing one, is an apostrophe or a closing quote, both ’ (don't, O'Brien, the
    players' union); one opening a decade or an elided word is an apostrophe too ('90s,
    rock 'n' roll); otherwise it opens a quote. Between or after digits it is a foot mark
    (5'10", a 6' fence) and stays.
    """
    out: dict[int, str] = {}
    double_open = False
    singles_open = 0
    for i, ch in enumerate(visible):
        if ch == "“":
            double_open = True
        elif ch == "”":
            double_open = False
        elif ch == "‘":
            singles_open += 1
        elif ch == "’" and singles_open and not visible[i + 1 : i + 2].isalnum():
            singles_open -= 1
        if ch not in "\"'":
            continue
        before = out.get(i - 1, visible[i - 1]) if i else ""
        after = visible[i + 1] if i + 1 < len(visible) else ""
        opening = (not before or before.isspace() or before in _OPENS_AFTER) and not (
            not after or after.isspace()
        )
        closing = (
            bool(before)
            and not before.isspace()
            and (not after or after.isspace() or after in _CLOSES_BEFORE or after in "\"'")
        )
        if ch == '"':
            if before.isdigit() and (not double_open or visible.count('"', i + 1) % 2 == 1):
                continue
            if double_open and closing:
                out[i], double_open = "”", False
            elif opening or (not double_open and before in ",:;" and after.isalnum()):
                out[i], double_open = "“", True
            # Anything else is a stray mark: left as typed rather than half a pair.
            continue
        if before.isdigit() and (after.isdigit() or not singles_open):
            continue
        if before.isalnum() and after.isalnum():
            out[i] = "’"
        elif opening:
            rest = visible[i + 1 :]
            if _DECADE.match(rest) or _ELISION.match(rest):
                out[i] = "’"
            else:
                out[i] = "‘"
                singles_open += 1
        elif closing:
            out[i] = "’"
            singles_open = max(0, singles_open - 1)
    return out


def typographic(text: str, *, markup: bool = True) -> str:
    """``text`` with straight quotes and apostrophes made typographic: "…" → “…”, '…' → ‘…’,
    don't → don’t. Inch and foot marks in measurements (5'10", 12" pipe) stay straight.

    With ``markup`` (block text), tags and their attributes are left exactly as they are
    (``<a href="...">``) and entities count as the character they stand for; each mark is
    replaced one for one, so a passage's place in the paragraph's plain text never moves.
    """
    text = text or ""
    if '"' not in text and "'" not in text and "&" not in text:
        return text
    # (start, end) in ``text`` of each character a reader sees, and the character.
    places: list[tuple[int, int]] = []
    visible: list[str] = []
    i = 0
    while i < len(text):
        if markup and text[i] == "<":
            tag = _TAG.match(text, i)
            if tag:
                i = tag.end()
                continue
        if markup and text[i] == "&":
            entity = _ENTITY.match(text, i)
            if entity:
                decoded = html.unescape(entity.group())
                if len(decoded) == 1:
                    places.append((i, entity.end()))
                    visible.append(decoded)
                    i = entity.end()
                    continue
        places.append((i, i + 1))
        visible.append(text[i])
        i += 1
    marks = _marks("".join(visible))
    if not marks:
        return text
    pieces: list[str] = []
    last = 0
    for index in sorted(marks):
        start, end = places[index]
        pieces.append(text[last:start])
        pieces.append(marks[index])
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def word_count(blocks: Sequence[Any]) -> int:
    return sum(len(plain_text(_text(b)).split()) for b in blocks if _kind(b) in NUMBERED_KINDS)
