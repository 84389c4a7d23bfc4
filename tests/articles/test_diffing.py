"""Word-level diffs of article bodies (``articles.diffing``), as properties and one example."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from articles import body
from articles.diffing import changed_only, diff_blocks, diff_words
from articles.models import Block

WORDS = ["the", "council", "voted", "militaries", "forces", "“budget”", "a&b", "<em>", "9,5"]
SPACES = [" ", "  ", "\n", "\t", " \n "]

words_and_spaces = st.lists(st.sampled_from(WORDS + SPACES), max_size=30).map("".join)

# Block texts from a small vocabulary, so that old and new bodies share blocks and words.
BLOCK_TEXTS = [
    "The council met.",
    "The council met on Tuesday.",
    "The <em>mayor</em> said no.",
    "Both militaries moved.",
    "Both forces moved.",
    "Fish &amp; chips.",
    "What happens next",
]
KINDS = ["paragraph", "subheading", "blockquote", "image"]


@st.composite
def a_block(draw, kinds=KINDS):
    kind = draw(st.sampled_from(kinds))
    text = "" if kind == "image" else draw(st.sampled_from(BLOCK_TEXTS))
    return {"kind": kind, "text": text}


bodies = st.lists(a_block(), max_size=12)


def _join(ops, kinds) -> str:
    return "".join(op.text for op in ops if op.kind in kinds)


@given(old=st.text(), new=st.text())
def test_word_ops_rebuild_both_texts_from_any_text(old, new):
    """For any two texts, equal+delete ops spell the old text and equal+insert the new one."""
    ops = diff_words(old, new)
    assert _join(ops, {"equal", "delete"}) == old
    assert _join(ops, {"equal", "insert"}) == new


@given(old=words_and_spaces, new=words_and_spaces)
def test_word_ops_rebuild_both_texts_from_words_and_whitespace(old, new):
    """With shared words (so that equal runs happen) the ops still rebuild both texts."""
    ops = diff_words(old, new)
    assert _join(ops, {"equal", "delete"}) == old
    assert _join(ops, {"equal", "insert"}) == new
    assert all(op.text for op in ops)


def _check_alignment(old: list[dict], new: list[dict]) -> None:
    diffs = diff_blocks(old, new)
    kept_new = [d for d in diffs if d.status != "removed"]
    kept_old = [d for d in diffs if d.status != "added"]
    assert [d.new_number for d in kept_new] == [nb.number for nb in body.number_blocks(new)]
    assert [d.old_number for d in kept_old] == [nb.number for nb in body.number_blocks(old)]
    assert [d.new_text for d in kept_new] == [body.plain_text(b["text"]) for b in new]
    assert [d.old_text for d in kept_old] == [body.plain_text(b["text"]) for b in old]
    assert [d.kind for d in kept_new] == [b["kind"] for b in new]
    assert all(d.status in {"same", "changed", "added", "removed"} for d in diffs)


@given(old=bodies, new=bodies)
def test_block_diff_numbers_paragraphs_as_readers_count_them(old, new):
    """For any two bodies, the diff's paragraph numbers are the reader's numbers on each side,
    and each entry's new text is that block's plain text."""
    _check_alignment(old, new)


@st.composite
def body_and_edit(draw):
    """A body, and the same body with subheadings and paragraphs inserted and removed."""
    old = draw(bodies)
    new = list(old)
    for _ in range(draw(st.integers(0, 4))):
        if new and draw(st.booleans()):
            del new[draw(st.integers(0, len(new) - 1))]
        else:
            block = draw(a_block(kinds=["paragraph", "subheading"]))
            new.insert(draw(st.integers(0, len(new))), block)
    return old, new


@given(body_and_edit())
def test_block_diff_survives_inserted_and_removed_blocks(pair):
    """Inserting or removing subheadings and paragraphs renumbers the new side correctly and
    leaves untouched blocks marked as the same."""
    old, new = pair
    _check_alignment(old, new)
    if new == old:
        assert changed_only(diff_blocks(old, new)) == []


def _long_body(eleventh: str) -> list[dict]:
    blocks = [{"kind": "paragraph", "text": f"Paragraph {n} of the story."} for n in range(1, 7)]
    blocks.append({"kind": "subheading", "text": "At the border"})
    blocks.append({"kind": "image", "text": ""})
    blocks += [{"kind": "paragraph", "text": f"Paragraph {n} of the story."} for n in range(7, 11)]
    blocks.append({"kind": "paragraph", "text": eleventh})
    blocks.append({"kind": "paragraph", "text": "The talks resume on Monday."})
    return blocks


def test_a_one_word_change_is_reported_in_the_readers_paragraph():
    """Changing "militaries" to "forces" in the 11th paragraph, after a subheading and an
    image, is reported as paragraph 11 with exactly those words removed and added."""
    old = _long_body("Both militaries pulled back from the line.")
    new = _long_body("Both forces pulled back from the line.")
    [change] = changed_only(diff_blocks(old, new))
    assert change.status == "changed"
    assert (change.old_number, change.new_number) == (11, 11)
    assert change.removed_words == "militaries"
    assert change.added_words == "forces"
    assert change.new_text == "Both forces pulled back from the line."


def test_model_blocks_diff_like_snapshot_blocks():
    """Blocks from the database and blocks from a revision snapshot diff the same way."""
    old = _long_body("Both militaries pulled back from the line.")
    new = [Block(kind=b["kind"], text=b["text"]) for b in old]
    new[-2].text = "Both forces pulled back from the line."
    [change] = changed_only(diff_blocks(old, new))
    assert change.new_number == 11
    assert (change.removed_words, change.added_words) == ("militaries", "forces")


def test_a_new_paragraph_before_renumbers_the_ones_after():
    """A paragraph added at the top shifts every later number by one."""
    old = _long_body("Both militaries pulled back from the line.")
    new = [{"kind": "paragraph", "text": "A new first paragraph."}, *old]
    diffs = diff_blocks(old, new)
    assert [d.status for d in changed_only(diffs)] == ["added"]
    moved = next(d for d in diffs if d.new_text.startswith("Both militaries"))
    assert (moved.status, moved.old_number, moved.new_number) == ("same", 11, 12)
