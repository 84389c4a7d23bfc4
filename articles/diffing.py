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

_TOKEN = re.compile(r"\s+|[^\s]+")


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
        return " ".join(op.text.strip() for op in self.ops if op.kind == "delete").strip()

    @property
    def added_words(self) -> str:
        return " ".join(op.text.strip() for op in self.ops if op.kind == "insert").strip()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def diff_words(old: str, new: str) -> tuple[Op, ...]:
    """Ops that turn ``old`` into ``new``: equal+delete texts join to old, equal+insert to new."""
    a, b = tokens(old), tokens(new)
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(Op("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(Op("delete", "".join(a[i1:i2])))
        if j2 > j1:
            ops.append(Op("insert", "".join(b[j1:j2])))
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
            # A paragraph set as a block quote (or back) is the same text, reformatted.
            same_family = {old_keys[i][0], new_keys[j][0]} <= body.NUMBERED_KINDS
            if old_keys[i][0] != new_keys[j][0] and not same_family:
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
    if new_start is None or new_end is None or new_end <= new_start:
        return None
    return new_start, new_end
