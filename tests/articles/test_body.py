"""articles.body: what "paragraph n" means, and what block text may hold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from articles import body

KINDS = ["paragraph", "subheading", "blockquote", "image"]


class TestParagraphNumbering:
    def test_paragraphs_and_blockquotes_are_numbered_subheadings_and_images_are_not(self):
        """Readers count paragraphs and block quotes; subheadings and images are skipped."""
        kinds = ["paragraph", "subheading", "paragraph", "image", "blockquote", "paragraph"]

        assert body.paragraph_numbers(kinds) == [1, None, 2, None, 3, 4]

    @given(st.lists(st.sampled_from(KINDS), max_size=40))
    def test_numbers_run_one_to_n_over_numbered_kinds_in_order(self, kinds):
        """For any body, numbered blocks read 1..n in order and every other block has none."""
        numbers = body.paragraph_numbers(kinds)

        assert len(numbers) == len(kinds)
        numbered = [
            n for kind, n in zip(kinds, numbers, strict=True) if kind in {"paragraph", "blockquote"}
        ]
        assert numbered == list(range(1, len(numbered) + 1))
        assert all(
            n is None
            for kind, n in zip(kinds, numbers, strict=True)
            if kind in {"subheading", "image"}
        )

    def test_number_blocks_pairs_snapshot_dicts_with_numbers_and_anchors(self):
        """Revision snapshots (plain dicts) are numbered the same way as stored blocks."""
        blocks = [
            {"kind": "subheading", "text": "Background"},
            {"kind": "paragraph", "text": "First."},
            {"kind": "blockquote", "text": "Quoted."},
        ]

        numbered = body.number_blocks(blocks)

        assert [(item.number, item.anchor) for item in numbered] == [
            (None, ""),
            (1, "p1"),
            (2, "p2"),
        ]

    def test_paragraph_texts_maps_numbers_to_what_readers_read(self):
        """paragraph_texts gives each numbered paragraph's plain text under its number."""
        blocks = [
            {"kind": "paragraph", "text": "The <em>mayor</em> spoke."},
            {"kind": "subheading", "text": "Reaction"},
            {"kind": "paragraph", "text": "Rates &amp; fees rise."},
        ]

        assert body.paragraph_texts(blocks) == {1: "The mayor spoke.", 2: "Rates & fees rise."}


class TestSanitizeInline:
    def test_keeps_links_and_emphasis(self):
        """Links, emphasis and strong text survive sanitising."""
        cleaned = body.sanitize_inline(
            '<a href="https://example.org/report">the report</a> <em>was</em> <strong>late</strong>'
        )

        assert '<a href="https://example.org/report"' in cleaned
        assert "<em>was</em>" in cleaned
        assert "<strong>late</strong>" in cleaned

    def test_removes_script_and_style_with_their_content(self):
        """Script and style elements never reach a reader, nor does their content."""
        cleaned = body.sanitize_inline(
            "Hello<script>alert('x')</script><style>p{display:none}</style> world"
        )

        assert "<script" not in cleaned and "alert" not in cleaned
        assert "<style" not in cleaned and "display" not in cleaned
        assert body.plain_text(cleaned) == "Hello world"

    def test_removes_event_handlers_and_javascript_links(self):
        """onclick attributes and javascript: hrefs are stripped from links."""
        cleaned = body.sanitize_inline(
            '<a href="javascript:alert(1)" onclick="steal()">click</a> <em onclick="x()">me</em>'
        )

        assert "javascript:" not in cleaned
        assert "onclick" not in cleaned
        assert "click" in cleaned and "<em>me</em>" in cleaned

    def test_removes_iframes_and_block_tags(self):
        """Iframes and other non-inline tags are dropped, their text kept where harmless."""
        cleaned = body.sanitize_inline(
            '<iframe src="https://evil.example/"></iframe><div><p>Plain</p></div>'
        )

        assert "<iframe" not in cleaned
        assert "<div" not in cleaned and "<p>" not in cleaned
        assert "Plain" in cleaned

    def test_links_get_noopener(self):
        """Links open without giving the target page a handle on ours."""
        cleaned = body.sanitize_inline('<a href="https://example.org/">x</a>')

        assert 'rel="noopener noreferrer"' in cleaned


class TestPlainText:
    def test_decodes_entities_and_strips_tags(self):
        """What a reader reads: no tags, entities as characters."""
        assert body.plain_text("Tom &amp; <em>Jerry</em> &lt;3 &#8220;hi&#8221;") == (
            "Tom & Jerry <3 “hi”"
        )

    def test_folds_whitespace(self):
        """Runs of spaces, tabs and newlines read as one space, with no ends."""
        assert body.plain_text("  The\tcouncil \n\n met.  ") == "The council met."

    def test_from_plain_round_trips_literal_text(self):
        """Plain text with markup characters is stored escaped and read back unchanged."""
        stored = body.from_plain("Profits < costs & <b>bold</b> claims")

        assert "<b>" not in stored
        assert body.plain_text(stored) == "Profits < costs & <b>bold</b> claims"


class TestContains:
    def test_passage_in_paragraph(self):
        """Words quoted from a paragraph are found in it, whitespace folded."""
        assert body.contains(
            "The mayor said: we will  balance\nthe books.", "we will balance the books"
        )

    def test_passage_not_in_paragraph(self):
        """Words the paragraph does not hold are not found, even if close."""
        assert not body.contains("We will balance the books.", "we will balance the books")
        assert not body.contains("The council met.", "The council met on Tuesday.")

    def test_empty_passage_never_matches(self):
        """An empty or blank passage is never 'contained'; an attribution needs words."""
        assert not body.contains("Anything at all.", "")
        assert not body.contains("Anything at all.", "   ")
