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


def contains(paragraph: str, passage: str) -> bool:
    """Whether ``passage`` stands in ``paragraph`` word for word (whitespace folded)."""
    passage = normalize_space(passage)
    return bool(passage) and passage in normalize_space(paragraph)


def word_count(blocks: Sequence[Any]) -> int:
    return sum(len(plain_text(_text(b)).split()) for b in blocks if _kind(b) in NUMBERED_KINDS)
