"""Word-level diffs of article bodies (``articles.diffing``), as properties and one example."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles import body
from articles.diffing import (
    BlockDiff,
    balanced,
    changed_only,
    changed_words,
    diff_blocks,
    diff_words,
    map_span,
    tokens,
)
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


# --- Tokens: words apart from punctuation and quote marks -------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We will rebuild.”", ["“", "We", " ", "will", " ", "rebuild", ".", "”"]),
        ('"rebuild,"', ['"', "rebuild", ",", '"']),
        ("don’t O'Brien anti-Syrian", ["don’t", " ", "O'Brien", " ", "anti-Syrian"]),
        ("9,5 and 1.2m", ["9,5", " ", "and", " ", "1.2m"]),
        ("’90s (sic)", ["’", "90s", " ", "(", "sic", ")"]),
    ],
)
def test_tokens_are_words_spaces_and_single_marks(text, expected):
    """Quote marks and punctuation stand alone; apostrophes, hyphens and decimal separators
    stay inside their word."""
    assert tokens(text) == expected


@given(text=st.text())
def test_every_token_is_a_space_run_a_word_or_one_mark(text):
    """Tokens spell the text, and none mixes a mark into a word from outside it."""
    found = tokens(text)
    assert "".join(found) == text
    for token in found:
        assert token.isspace() or re.fullmatch(r"\w+(?:\W\w+)*", token) or len(token) == 1


def _change(old: str, new: str) -> BlockDiff:
    return BlockDiff("changed", "paragraph", 1, 1, diff_words(old, new))


def test_a_word_changed_inside_quote_marks_is_reported_as_the_word():
    """BUG (issue 10): "rebuild" → "recover" in ``"We will rebuild."`` was reported as
    ``rebuild."``, so the drafted note read “rebuild."”. Now it is the word alone."""
    change = _change('"We will rebuild."', '"We will recover."')
    assert (change.removed_words, change.added_words) == ("rebuild", "recover")
    curly = _change("“We will rebuild.”", "“We will recover.”")
    assert (curly.removed_words, curly.added_words) == ("rebuild", "recover")


def test_separate_changes_in_one_paragraph_are_joined_by_an_ellipsis():
    """Words changed next to each other are one passage; passages apart are joined by " … "."""
    change = _change(
        "The council voted on Monday, Friday.", "A committee decided on Tuesday, Thursday."
    )
    assert change.removed_words == "The council voted … Monday, Friday"
    assert change.added_words == "A committee decided … Tuesday, Thursday"


def test_a_passage_never_keeps_half_a_pair_of_quote_marks():
    """A change that takes in an opening mark but not its partner leaves the mark out."""
    change = _change("He said he would go.", "He said “I will go.”")
    assert change.added_words == "I will"
    assert _change("He said “no”.", "He said no.").removed_words == ""


QUOTE_MARKS = ["“", "”", '"', "‘"]
marked_words = st.lists(st.sampled_from(["we", "will", " ", ".", ",", *QUOTE_MARKS]), max_size=12)


@given(words=marked_words)
def test_balanced_leaves_no_unpaired_mark_at_either_end(words):
    """``balanced`` never returns a passage opening or closing with a mark it lacks the
    partner of."""
    text = balanced("".join(words))
    if text:
        assert not (text[0] in "“‘" and not any(c in "”’" for c in text[1:]))
        assert not (text[0] == '"' and '"' not in text[1:])
        assert not (text[-1] == "”" and "“" not in text[:-1] and "„" not in text[:-1])
        assert not (text[-1] == '"' and '"' not in text[:-1])


VOCABULARY = ["We", "will", "rebuild", "the", "town", "said", "mayor"]
REPLACEMENTS = ["recover", "restore", "Council"]  # never in VOCABULARY, so alignment is certain
PUNCTUATION = ["“", "”", '"', ",", ".", "(sic)"]


@st.composite
def sentence_and_word(draw):
    """A sentence of words, spaces, punctuation and quote marks, and one word's index in
    its tokens."""
    parts = draw(st.lists(st.sampled_from(VOCABULARY + PUNCTUATION), min_size=1, max_size=15))
    text = " ".join(parts)
    found = tokens(text)
    words = [i for i, t in enumerate(found) if t in VOCABULARY]
    if not words:
        text, found, words = text + " town", [*found, " ", "town"], [len(found) + 1]
    return found, draw(st.sampled_from(words)), draw(st.sampled_from(REPLACEMENTS))


@given(case=sentence_and_word())
def test_a_replaced_word_is_reported_whole_and_without_marks(case):
    """Replacing one word anywhere, quote marks and punctuation around it or not, reports
    exactly that word removed and its replacement added."""
    found, index, replacement = case
    old = "".join(found)
    new = "".join([*found[:index], replacement, *found[index + 1 :]])
    change = _change(old, new)
    assert (change.removed_words, change.added_words) == (found[index], replacement)
    assert changed_words(change.ops, "delete") == found[index]


@given(case=sentence_and_word(), data=st.data())
def test_map_span_carries_a_passage_through_a_replaced_word(case, data):
    """A passage holding the replaced word maps to the same passage with the new word, and
    its ends gain no quote mark the passage did not have."""
    found, index, replacement = case
    old = "".join(found)
    new = "".join([*found[:index], replacement, *found[index + 1 :]])
    first = data.draw(st.integers(0, index))
    last = data.draw(st.integers(index, len(found) - 1))
    start = len("".join(found[:first]))
    end = len("".join(found[: last + 1]))
    passage = old[start:end]
    if not passage.strip():
        return
    span = map_span(old, new, start, end)
    assert span is not None
    carried = new[span[0] : span[1]]
    expected = "".join(found[first:index]) + replacement + "".join(found[index + 1 : last + 1])
    assert carried == expected.strip()
    marks = set(body.QUOTE_MARKS)
    if passage.strip()[0] not in marks:
        assert carried[0] not in marks
    if passage.strip()[-1] not in marks:
        assert carried[-1] not in marks


@given(text=st.text(), data=st.data())
def test_map_span_of_an_unchanged_text_is_the_span_itself(text, data):
    """Nothing changed: the passage maps onto itself (its outer spaces aside)."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    piece = text[start:end]
    span = map_span(text, text, start, end)
    if not piece.strip():
        assert span is None
        return
    assert span is not None
    assert text[span[0] : span[1]] == piece.strip()


def test_an_attribution_of_the_quoted_words_keeps_no_stray_mark():
    """BUG (issue 10): the Sources block showed `“We will recover."”` because the carried
    attribution took in the changed token `recover."`. The span now ends at the word."""
    old, new = (
        'He said, "We will rebuild." Then he left.',
        'He said, "We will recover." Then he left.',
    )
    start = old.index("We will")
    end = old.index('."') + 1
    span = map_span(old, new, start, end)
    assert new[span[0] : span[1]] == "We will recover."
