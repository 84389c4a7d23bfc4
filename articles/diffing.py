"""Word-level differences between two versions of an article body, paragraph by paragraph.

Used by the desk's revision history and, later, by the correction flow. Paragraph numbers
come from ``articles.body``, so "paragraph 11" in a diff is the reader's paragraph 11.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from articles import body

_MARKS = body.QUOTE_MARKS
# A token is a run of whitespace, a word, or one mark of punctuation. Words keep their
# inner apostrophes and hyphens (don’t, O'Brien, anti-Syrian) and numbers their separators
# (9,5 and 1.2); quote marks, commas and full stops stand alone, so a changed word is
# reported, and carried, without the marks around it.
_TOKEN = re.compile(r"\s+|\w+(?:(?:['’‐\-]|(?<=\d)[.,:](?=\d))\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Op:
    kind: str  # "equal", "insert" or "delete"
    text: str


@dataclass(frozen=True)
class BlockDiff:
    """One block's change: ``status`` is "same", "changed", "added" or "removed"."""

    status: str
    kind: str
    old_number: int | None
    new_number: int | None
    ops: tuple[Op, ...]

    @property
    def old_text(self) -> str:
        return "".join(op.text for op in self.ops if op.kind != "insert")

    @property
    def new_text(self) -> str:
        return "".join(op.text for op in self.ops if op.kind != "delete")

    @property
    def removed_words(self) -> str:
        """The words taken out, as the old text spells them; separate passages joined by
        " … " (see ``changed_words``)."""
        return changed_words(self.ops, "delete")

    @property
    def added_words(self) -> str:
        """The words put in, as the new text spells them (see ``changed_words``)."""
        return changed_words(self.ops, "insert")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


_OPENERS = {"“": "”", "„": "“”", "«": "»", '"': '"', "‘": "’"}
_CLOSERS = '”»"'


def balanced(text: str) -> str:
    """``text`` without a quote mark at either end that has no partner inside it.

    A change that stops at a quote mark ("rebuild." → "recover.") must not hand a note
    half a pair: the note puts the words in quote marks of its own. A trailing ’ stays,
    since it may be an apostrophe (the players’).
    """
    text = text.strip()
    while text:
        first, last = text[0], text[-1]
        if first in _OPENERS and not any(c in _OPENERS[first] for c in text[1:]):
            text = text[1:].strip()
        elif last in _CLOSERS and not any(c in _OPENERS and last in _OPENERS[c] for c in text[:-1]):
            text = text[:-1].strip()
        else:
            break
    return text


def changed_words(ops: Sequence[Op], kind: str) -> str:
    """The text of the ``kind`` ops ("delete" or "insert") as whole passages.

    Changed tokens separated only by whitespace or punctuation the two texts share are one
    passage, spelt as that side's text spells it ("the council voted"); passages with
    unchanged words between them are joined by " … ". Unpaired quote marks at a passage's
    ends are dropped (``balanced``).
    """
    side = {kind, "equal"}
    passages: list[str] = []
    current: list[str] = []
    pending: list[str] = []  # equal text since the last changed op, to keep if one follows
    for op in ops:
        if op.kind not in side:
            continue
        if op.kind == kind:
            if current:
                current.extend(pending)
            current.append(op.text)
            pending = []
        elif current and not any(c.isalnum() for c in op.text):
            pending.append(op.text)
        else:
            if current:
                passages.append("".join(current))
            current, pending = [], []
    if current:
        passages.append("".join(current))
    return " … ".join(p for p in (balanced(p) for p in passages) if p)


def diff_words(old: str, new: str) -> tuple[Op, ...]:
    """Ops that turn ``old`` into ``new``: equal+delete texts join to old, equal+insert to new.

    The tokens both texts open and close with are set aside first: a correction changes a
    few words, and ``SequenceMatcher`` alone may pair a repeated word with the wrong copy
    ("We We" → "recover We" read as an insertion and a deletion rather than one change).
    """
    a, b = tokens(old), tokens(new)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    ops: list[Op] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1].kind == kind == "equal":
            ops[-1] = Op("equal", ops[-1].text + text)
        else:
            ops.append(Op(kind, text))

    add("equal", "".join(a[:head]))
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", "".join(middle_a[i1:i2]))
            continue
        add("delete", "".join(middle_a[i1:i2]))
        add("insert", "".join(middle_b[j1:j2]))
    add("equal", "".join(a[len(a) - tail :]))
    return tuple(ops)


def _text(block: Any) -> str:
    return body.plain_text(block["text"] if isinstance(block, dict) else block.text)


def _kind(block: Any) -> str:
    return block["kind"] if isinstance(block, dict) else block.kind


def diff_blocks(old: Sequence[Any], new: Sequence[Any]) -> list[BlockDiff]:
    """Align two bodies (model blocks or snapshot dicts) and diff each aligned pair."""
    old_numbered, new_numbered = body.number_blocks(old), body.number_blocks(new)
    old_keys = [(_kind(b), _text(b)) for b in old]
    new_keys = [(_kind(b), _text(b)) for b in new]
    result: list[BlockDiff] = []

    def removed(i: int) -> BlockDiff:
        text = old_keys[i][1]
        ops = (Op("delete", text),) if text else ()
        return BlockDiff("removed", old_keys[i][0], old_numbered[i].number, None, ops)

    def added(j: int) -> BlockDiff:
        text = new_keys[j][1]
        ops = (Op("insert", text),) if text else ()
        return BlockDiff("added", new_keys[j][0], None, new_numbered[j].number, ops)

    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                text = new_keys[j][1]
                result.append(
                    BlockDiff(
                        "same",
                        new_keys[j][0],
                        old_numbered[i].number,
                        new_numbered[j].number,
                        (Op("equal", text),) if text else (),
                    )
                )
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            i, j = i1 + k, j1 + k
            if not _pairable(old_keys[i][0], new_keys[j][0]):
                result.extend([removed(i), added(j)])
                continue
            result.append(
                BlockDiff(
                    "changed",
                    new_keys[j][0],
                    old_numbered[i].number,
                    new_numbered[j].number,
                    diff_words(old_keys[i][1], new_keys[j][1]),
                )
            )
        result.extend(removed(i) for i in range(i1 + pairs, i2))
        result.extend(added(j) for j in range(j1 + pairs, j2))
    return result


def _pairable(old_kind: str, new_kind: str) -> bool:
    """Whether two aligned blocks are one block changed: the same kind, or a paragraph set
    as a block quote (or back), which is the same text reformatted."""
    return old_kind == new_kind or {old_kind, new_kind} <= body.NUMBERED_KINDS


def aligned_pairs(old: Sequence[Any], new: Sequence[Any]) -> list[tuple[int, int]]:
    """(old index, new index) of the blocks ``diff_blocks`` aligns as the same block, same or
    changed; the blocks it reports removed or added are in no pair."""
    old_keys = [(_kind(b), _text(b)) for b in old]
    new_keys = [(_kind(b), _text(b)) for b in new]
    result = []
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag == "replace":
            for k in range(min(i2 - i1, j2 - j1)):
                if _pairable(old_keys[i1 + k][0], new_keys[j1 + k][0]):
                    result.append((i1 + k, j1 + k))
    return result


def changed_only(diffs: Sequence[BlockDiff]) -> list[BlockDiff]:
    return [d for d in diffs if d.status != "same"]


def map_span(old: str, new: str, start: int, end: int) -> tuple[int, int] | None:
    """Where ``old[start:end]`` went in ``new``: the span covering what replaced it.

    Used to carry an attribution's words through a correction ("militaries (sic)" becomes
    "forces (sic)"). Returns None when the passage was removed entirely.
    """
    old_pos = new_pos = 0
    new_start = new_end = None
    replaced = False  # the previous op deleted words inside the span
    for op in diff_words(old, new):
        size = len(op.text)
        if op.kind == "insert":
            if new_start is not None and (old_pos < end or replaced):
                new_end = new_pos + size
            new_pos += size
            replaced = False
            continue
        seg_start, seg_end = old_pos, old_pos + size
        overlaps = seg_start < end and seg_end > start
        replaced = op.kind == "delete" and overlaps
        if op.kind == "equal" and overlaps:
            lo = new_pos + max(start, seg_start) - seg_start
            hi = new_pos + min(end, seg_end) - seg_start
            new_start = lo if new_start is None else new_start
            new_end = hi
        elif op.kind == "delete" and overlaps and new_start is None:
            new_start = new_pos
        old_pos = seg_end
        if op.kind == "equal":
            new_pos += size
    if new_start is None or new_end is None:
        return None
    # Marks the change brought to the span's edges are not the attribution's words: an
    # attribution of `We will rebuild.` becomes `We will recover.`, never `We will recover."`.
    piece = old[start:end].strip()
    while new_start < new_end and (
        new[new_start].isspace() or (new[new_start] in _MARKS and piece[:1] not in _MARKS)
    ):
        new_start += 1
    while new_end > new_start and (
        new[new_end - 1].isspace() or (new[new_end - 1] in _MARKS and piece[-1:] not in _MARKS)
    ):
        new_end -= 1
    if new_end <= new_start:
        return None
    return new_start, new_end
