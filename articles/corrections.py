"""What a change to a published story changes, and what the public note should say.

Pure functions over snapshots (``services.article_snapshot``), so the desk can show the
analysis before anything is saved and ``services.article_correct`` can enforce it after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from articles import body, diffing, fields, quotes

# Everything readers see besides the body; any change to a live story needs a note or a reason.
READER_FIELDS = fields.READER_FIELDS


@dataclass(frozen=True)
class ChangeAnalysis:
    """The difference between the live story and the proposed one."""

    blocks: list[diffing.BlockDiff]
    fields: list[fields.FieldChange]
    touched_quotes: list[str]  # why option (b) is refused, in words an editor can act on

    @property
    def changed_blocks(self) -> list[diffing.BlockDiff]:
        """Blocks whose words changed. A paragraph whose only change is its quote marks
        (typographic quotes applied to a story saved before they were) is not one."""
        return [d for d in diffing.changed_only(self.blocks) if not _marks_only(d)]

    @property
    def changes_wording(self) -> bool:
        return bool(self.changed_blocks or self.fields)

    @property
    def needs_public_note(self) -> bool:
        return bool(self.touched_quotes)

    @property
    def paragraphs(self) -> list[int]:
        """Reader paragraph numbers the change concerns, numbered as the corrected story."""
        numbers = set()
        for diff in self.changed_blocks:
            number = diff.new_number or diff.old_number
            if number:
                numbers.add(number)
        return sorted(numbers)

    @property
    def before(self) -> str:
        return " … ".join(w for w in (_words(d, "delete") for d in self.changed_blocks) if w)

    @property
    def after(self) -> str:
        return " … ".join(w for w in (_words(d, "insert") for d in self.changed_blocks) if w)

    def suggested_text(self) -> str:
        """A first draft of the public note, for the editor to rewrite."""
        where = _paragraph_words(self.paragraphs)
        if self.before and self.after:
            return (
                f"An earlier version of this story said “{self.before}” {where}. "
                f"It now says “{self.after}”."
            )
        if self.before:
            return (
                f"An earlier version of this story included “{self.before}” {where}; "
                "it has been removed."
            )
        if self.after:
            return f"This story was updated to add “{self.after}” {where}."
        return "An earlier version of this story was changed."


def _marks_only(diff: diffing.BlockDiff) -> bool:
    return diff.status == "changed" and body.fold_quotes(diff.old_text) == body.fold_quotes(
        diff.new_text
    )


def _words(diff: diffing.BlockDiff, kind: str) -> str:
    """The words a block lost or gained, leaving out words that only changed quote marks
    (don't → don’t): the note is about the wording."""
    ops = list(diff.ops)
    kept: list[diffing.Op] = []
    index = 0
    while index < len(ops):
        if _same_but_marks(ops, index):
            kept.append(diffing.Op("equal", ops[index + 1].text))
            index += 2
            continue
        kept.append(ops[index])
        index += 1
    return diffing.changed_words(kept, kind)


def _paragraph_words(numbers: Sequence[int]) -> str:
    if not numbers:
        return "in the story"
    if len(numbers) == 1:
        return f"in paragraph {numbers[0]}"
    return "in paragraphs " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def analyse(
    old: dict, new: dict, attributions: Iterable[tuple[int | None, str]] = ()
) -> ChangeAnalysis:
    """Compare two snapshots; ``attributions`` are the live story's (paragraph, text) pairs."""
    diffs = diffing.diff_blocks(old["blocks"], new["blocks"])
    changed_fields = fields.changes(old, new, READER_FIELDS)
    old_paragraphs = body.paragraph_texts(old["blocks"])
    block_quotes = {
        n.number for n in body.number_blocks(old["blocks"]) if n.block["kind"] == "blockquote"
    }
    protected = _protected_spans(old_paragraphs, attributions, block_quotes)
    touched = []
    for diff in diffing.changed_only(diffs):
        if diff.old_number is None:
            continue
        for start, end, what in protected.get(diff.old_number, []):
            if _deletes_within(diff, start, end) and not _kept_in_split(
                old,
                new,
                diff.old_number,
                body.normalize_space(old_paragraphs[diff.old_number])[start:end],
            ):
                touched.append(f"paragraph {diff.old_number}: {what}")
                break
    return ChangeAnalysis(blocks=diffs, fields=changed_fields, touched_quotes=touched)


def _kept_in_split(old: dict, new: dict, number: int, words: str) -> bool:
    """Whether protected ``words`` of old paragraph ``number`` stand, word for word and as
    often, in what that paragraph became: the block with its identity (``uid``) and the new
    blocks right before or after it, as when an editor splits the paragraph (Enter in the
    middle). Moving words to a paragraph of their own changes no wording; attributions
    follow them (``services.carry_attributions``). Without identities (old snapshots) this
    never holds, and the alignment's verdict stands."""
    paragraph = next(
        (item.block for item in body.number_blocks(old["blocks"]) if item.number == number),
        None,
    )
    uid = paragraph.get("uid", "") if paragraph else ""
    if not uid or not words:
        return False
    blocks = new["blocks"]
    at = next((i for i, b in enumerate(blocks) if b.get("uid") == uid), None)
    if at is None:
        return False
    known = {b.get("uid") for b in old["blocks"]} - {""}
    pieces = [at]
    for step in (-1, 1):
        i = at + step
        while 0 <= i < len(blocks) and blocks[i].get("uid") not in known:
            pieces.append(i)
            i += step
    texts = [body.normalize_space(body.plain_text(blocks[i].get("text", ""))) for i in pieces]
    return sum(t.count(words) for t in texts) >= body.normalize_space(
        body.plain_text(paragraph.get("text", ""))
    ).count(words)


def _protected_spans(
    paragraphs: dict[int, str],
    attributions: Iterable[tuple[int | None, str]],
    block_quotes: set[int],
) -> dict[int, list[tuple[int, int, str]]]:
    """Spans of each paragraph that only a public note may change: quotes and attributed text."""
    spans: dict[int, list[tuple[int, int, str]]] = {}
    # The rule layer only (quote marks and block quotes), never the advisory attribution layer.
    for finding in quotes.quoted_passages(paragraphs, quoted_paragraphs=block_quotes):
        spans.setdefault(finding.paragraph, []).append(
            (finding.start, finding.end, f"the quote “{_short(finding.text)}”")
        )
    for paragraph, text in attributions:
        if paragraph in paragraphs:
            span = body.find(paragraphs[paragraph], text)
            if span is not None:
                spans.setdefault(paragraph, []).append(
                    (*span, f"the attributed words “{_short(text)}”")
                )
    return spans


def _short(text: str, limit: int = 60) -> str:
    text = body.normalize_space(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _deletes_within(diff: diffing.BlockDiff, start: int, end: int) -> bool:
    """Whether the diff removes or replaces any character of ``old[start:end]``.

    An insertion strictly inside the span counts too: it changes the quoted words. Words
    replaced by the same words with other quote marks (don't → don’t, typographic quotes
    applied to a story saved before they were) change nothing a reader would call wording.
    """
    position = 0
    ops = diff.ops
    for index, op in enumerate(ops):
        if op.kind == "insert":
            if start < position < end and not _same_but_marks(ops, index - 1):
                return True
            continue
        size = len(op.text)
        if (
            op.kind == "delete"
            and position < end
            and position + size > start
            and not _same_but_marks(ops, index)
        ):
            return True
        position += size
    return False


def _same_but_marks(ops: Sequence[diffing.Op], index: int) -> bool:
    """Whether ``ops[index]`` deletes what the insert after it puts back with other marks."""
    if not 0 <= index < len(ops) - 1:
        return False
    deleted, inserted = ops[index], ops[index + 1]
    return (
        deleted.kind == "delete"
        and inserted.kind == "insert"
        and body.fold_quotes(deleted.text) == body.fold_quotes(inserted.text)
    )
