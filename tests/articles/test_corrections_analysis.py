"""``corrections.analyse``: what a change to a published story changes, and whether it needs
a public note (a change inside a direct quote or attributed words always does)."""

from __future__ import annotations

from articles import body, corrections


def snapshot(*blocks: str | tuple[str, str], headline: str = "Council votes on budget") -> dict:
    """A snapshot as ``services.article_snapshot`` writes it, for the fields analyse reads.

    Each block is a paragraph's plain text or a ``(kind, plain text)`` pair.
    """
    pairs = [b if isinstance(b, tuple) else ("paragraph", b) for b in blocks]
    return {
        "headline": headline,
        "dek": "",
        "dateline": "",
        "lead_image_caption": "",
        "credit_line": "",
        "blocks": [{"kind": kind, "text": body.from_plain(text)} for kind, text in pairs],
    }


QUOTE_PARAGRAPH = "“We will balance the books this year,” the mayor said on Monday."


class TestWhatChanged:
    def test_paragraphs_before_and_after_across_several_changed_paragraphs(self):
        """Two corrected paragraphs are both listed, with the words removed and added."""
        old = snapshot(
            "The council met on Monday at noon.",
            "Nothing else happened.",
            "The vote is on Friday at six.",
        )
        new = snapshot(
            "The council met on Tuesday at noon.",
            "Nothing else happened.",
            "The vote is on Thursday at six.",
        )

        analysis = corrections.analyse(old, new)

        assert analysis.paragraphs == [1, 3]
        assert analysis.before == "Monday … Friday"
        assert analysis.after == "Tuesday … Thursday"
        assert analysis.changes_wording
        assert analysis.touched_quotes == []
        assert analysis.suggested_text() == (
            "An earlier version of this story said “Monday … Friday” in paragraphs 1 and 3. "
            "It now says “Tuesday … Thursday”."
        )

    def test_paragraph_numbers_are_the_readers_numbers(self):
        """A subheading is not counted: the changed paragraph after it is paragraph 2."""
        old = snapshot("The council met.", ("subheading", "What next"), "The vote is on Friday.")
        new = snapshot("The council met.", ("subheading", "What next"), "The vote is on Monday.")

        analysis = corrections.analyse(old, new)

        assert analysis.paragraphs == [2]
        assert "in paragraph 2" in analysis.suggested_text()

    def test_removed_paragraph_is_listed_with_its_words(self):
        """Removing a paragraph names it and its words as the words removed."""
        old = snapshot("The council met.", "It rained.", "The vote is next week.")
        new = snapshot("The council met.", "The vote is next week.")

        analysis = corrections.analyse(old, new)

        assert analysis.paragraphs == [2]
        assert analysis.before == "It rained."
        assert analysis.after == ""
        assert "has been removed" in analysis.suggested_text()

    def test_headline_change_is_a_wording_change(self):
        """A new headline changes published wording, even with the body untouched."""
        old = snapshot("The council met.")
        new = snapshot("The council met.", headline="Council passes budget")

        analysis = corrections.analyse(old, new)

        assert analysis.changes_wording
        assert analysis.paragraphs == []
        assert [(c.name, c.old, c.new) for c in analysis.fields] == [
            ("headline", "Council votes on budget", "Council passes budget")
        ]

    def test_identical_snapshots_change_no_wording(self):
        """Nothing changed: nothing to explain to readers."""
        old = snapshot("The council met.", QUOTE_PARAGRAPH)

        analysis = corrections.analyse(old, snapshot("The council met.", QUOTE_PARAGRAPH))

        assert not analysis.changes_wording
        assert analysis.paragraphs == []
        assert not analysis.needs_public_note


class TestTouchedQuotes:
    def test_change_inside_a_quote_needs_a_public_note(self):
        """Changing a word between the quote marks is named, with its paragraph."""
        old = snapshot("The council met.", QUOTE_PARAGRAPH)
        new = snapshot(
            "The council met.", QUOTE_PARAGRAPH.replace("balance the books", "balance the budget")
        )

        analysis = corrections.analyse(old, new)

        assert analysis.needs_public_note
        assert len(analysis.touched_quotes) == 1
        assert analysis.touched_quotes[0].startswith("paragraph 2: the quote “We will balance")

    def test_change_outside_the_quote_does_not(self):
        """Fixing the day after the quote is a wording change that touches no quote."""
        old = snapshot("The council met.", QUOTE_PARAGRAPH)
        new = snapshot("The council met.", QUOTE_PARAGRAPH.replace("Monday", "Tuesday"))

        analysis = corrections.analyse(old, new)

        assert analysis.changes_wording
        assert analysis.touched_quotes == []
        assert not analysis.needs_public_note

    def test_insertion_strictly_inside_a_quote_counts(self):
        """Adding a word in the middle of a quote changes what the speaker is quoted saying."""
        old = snapshot(QUOTE_PARAGRAPH)
        new = snapshot(QUOTE_PARAGRAPH.replace("the books", "the town's books"))

        analysis = corrections.analyse(old, new)

        assert analysis.needs_public_note
        assert analysis.touched_quotes[0].startswith("paragraph 1: the quote")

    def test_insertion_after_the_quote_does_not_count(self):
        """Adding words after the closing quote mark leaves the quote as it was."""
        old = snapshot(QUOTE_PARAGRAPH)
        new = snapshot(QUOTE_PARAGRAPH.replace("the mayor said", "the new mayor said"))

        analysis = corrections.analyse(old, new)

        assert analysis.changes_wording
        assert analysis.touched_quotes == []

    def test_change_inside_attributed_words_needs_a_public_note(self):
        """Words tied to a source by an attribution are protected like a quote."""
        paragraph = "The library will close on Sundays, according to the library board."
        attributions = [(1, "The library will close on Sundays")]
        old = snapshot(paragraph)
        new = snapshot(paragraph.replace("Sundays", "Mondays"))

        analysis = corrections.analyse(old, new, attributions)

        assert analysis.needs_public_note
        assert analysis.touched_quotes == [
            "paragraph 1: the attributed words “The library will close on Sundays”"
        ]

    def test_change_outside_attributed_words_does_not(self):
        """The words beyond an attribution's text stay free to fix without a public note."""
        paragraph = "The library will close on Sundays, according to the library board."
        attributions = [(1, "The library will close on Sundays")]
        old = snapshot(paragraph)
        new = snapshot(paragraph.replace("library board", "library's board"))

        analysis = corrections.analyse(old, new, attributions)

        assert analysis.changes_wording
        assert analysis.touched_quotes == []

    def test_attribution_in_another_paragraph_protects_only_its_own(self):
        """An attribution protects its words in its own paragraph, not the same words elsewhere."""
        old = snapshot("The library will close on Sundays.", "The pool will close on Sundays.")
        new = snapshot("The library will close on Sundays.", "The pool will close on Mondays.")

        analysis = corrections.analyse(old, new, [(1, "will close on Sundays")])

        assert analysis.touched_quotes == []

    def test_removing_a_paragraph_with_a_quote_needs_a_public_note(self):
        """Deleting a quoted paragraph outright removes the quote: that is never silent."""
        old = snapshot("The council met.", QUOTE_PARAGRAPH)
        new = snapshot("The council met.")

        analysis = corrections.analyse(old, new)

        assert analysis.needs_public_note
        assert analysis.touched_quotes[0].startswith("paragraph 2:")


class TestWholeWordsAndBalancedQuotes:
    def test_drafted_note_holds_the_changed_word_without_its_quote_marks(self):
        """BUG (issue 10): correcting "rebuild" to "recover" inside a quote drafted
        ``said “rebuild."”``. The note now names the words, in balanced quotes."""
        old = snapshot("The council met.", '"We will rebuild." the mayor said.')
        new = snapshot("The council met.", '"We will recover." the mayor said.')

        analysis = corrections.analyse(old, new)

        assert (analysis.before, analysis.after) == ("rebuild", "recover")
        assert analysis.suggested_text() == (
            "An earlier version of this story said “rebuild” in paragraph 2. It now says “recover”."
        )
        assert analysis.needs_public_note

    def test_typographic_quotes_alone_are_no_change_of_wording(self):
        """A story saved before typographic quotes gets them on its next save; that changes
        no words, touches no quote and names no paragraph."""
        old = snapshot("The council met.", '"We don\'t know," the mayor said.')
        new = snapshot("The council met.", "“We don’t know,” the mayor said.")

        analysis = corrections.analyse(old, new, [(2, "We don't know,")])

        assert analysis.paragraphs == []
        assert not analysis.changes_wording
        assert analysis.touched_quotes == []

    def test_a_real_change_in_a_retypeset_paragraph_names_only_the_words(self):
        """Quote marks made typographic in the same save as a correction are left out of the
        note: it names the word that changed."""
        old = snapshot('"We don\'t rebuild," she said.', "It's late.")
        new = snapshot("“We don’t recover,” she said.", "It’s late.")

        analysis = corrections.analyse(old, new)

        assert analysis.paragraphs == [1]
        assert (analysis.before, analysis.after) == ("rebuild", "recover")
        assert analysis.needs_public_note

    def test_attributed_words_typed_with_straight_quotes_are_still_protected(self):
        """An attribution typed ``don't`` protects the body's ``don’t`` words."""
        paragraph = "We don’t close on Sundays, the library board said."
        old = snapshot(paragraph)
        new = snapshot(paragraph.replace("Sundays", "Mondays"))

        analysis = corrections.analyse(old, new, [(1, "We don't close on Sundays")])

        assert analysis.touched_quotes == [
            "paragraph 1: the attributed words “We don't close on Sundays”"
        ]


def with_uids(snap: dict, *uids: str) -> dict:
    """The snapshot with each block's identity (``Block.uid``), as stories saved since
    blocks had one carry."""
    for block, uid in zip(snap["blocks"], uids, strict=True):
        block["uid"] = uid
    return snap


SPLIT_BEFORE = "The council met on Monday. “We will balance the books,” the mayor said."


class TestSplitParagraphs:
    """Enter in the middle of a paragraph: the words stand as they were, in two paragraphs.
    A quote or attributed words that moved into the new half whole are not a change of
    wording; the attribution follows them (``services.carry_attributions``)."""

    def old(self) -> dict:
        return with_uids(snapshot("Intro.", SPLIT_BEFORE, "The vote is next week."), "a", "b", "c")

    def test_a_split_before_the_quote_needs_no_public_note(self):
        new = with_uids(
            snapshot(
                "Intro.",
                "The council met on Monday.",
                "“We will balance the books,” the mayor said.",
                "The vote is next week.",
            ),
            "a",
            "b",
            "n",
            "c",
        )

        analysis = corrections.analyse(
            self.old(), new, attributions=[(2, "We will balance the books")]
        )

        assert analysis.touched_quotes == []
        assert analysis.paragraphs == [2, 3]  # still a change readers see: two paragraphs now

    def test_a_split_inside_the_quote_still_needs_one(self):
        new = with_uids(
            snapshot(
                "Intro.",
                "The council met on Monday. “We will balance",
                "the books,” the mayor said.",
                "The vote is next week.",
            ),
            "a",
            "b",
            "n",
            "c",
        )

        analysis = corrections.analyse(self.old(), new)

        assert analysis.touched_quotes == ["paragraph 2: the quote “We will balance the books,”"]

    def test_a_split_that_also_rewords_the_quote_needs_one(self):
        new = with_uids(
            snapshot(
                "Intro.",
                "The council met on Monday.",
                "“We will balance the budget,” the mayor said.",
                "The vote is next week.",
            ),
            "a",
            "b",
            "n",
            "c",
        )

        assert corrections.analyse(self.old(), new).touched_quotes

    def test_the_quote_retyped_in_a_distant_paragraph_is_not_a_split(self):
        """Deleting the quote here and typing it again after another paragraph is not a
        split: only new blocks right beside the paragraph count as its pieces."""
        new = with_uids(
            snapshot(
                "Intro.",
                "The council met on Monday.",
                "The vote is next week.",
                "“We will balance the books,” the mayor said.",
            ),
            "a",
            "b",
            "c",
            "n",
        )

        assert corrections.analyse(self.old(), new).touched_quotes

    def test_without_identities_the_alignment_decides(self):
        """Snapshots from before blocks had uids: a split is read as the words removed."""
        old = snapshot("Intro.", SPLIT_BEFORE)
        new = snapshot(
            "Intro.", "The council met on Monday.", "“We will balance the books,” the mayor said."
        )

        assert corrections.analyse(old, new).touched_quotes
