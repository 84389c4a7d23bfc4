"""The body's plain-text grammar (``articles.plaintext``): the desk's text box without
JavaScript, which must give back exactly the body it showed."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from articles import body, importing, plaintext
from articles.plaintext import BodyTextError
from articles.services import BlockData

IMAGES = ["body/2026/12/photo.jpg", "body/2026/12/chart-2.png"]

# Realistic text: words, quotes of every shape, markup, the grammar's own markers at the
# start of a block, backslashes, entities, non-ASCII letters and no-break spaces.
_PIECES = st.sampled_from(
    [
        "The",
        "council",
        "voted",
        "“We will,”",
        "'don't'",
        '"said"',
        "<em>now</em>",
        "<strong>vote</strong>",
        '<a href="https://example.com/a?b=1&amp;c=2">link</a>',
        "##",
        "## ",
        ">",
        "> ",
        "![",
        "![x](body/a.jpg)",
        "\\",
        "\\##",
        "Caption:",
        "&",
        "&lt;b&gt;",
        "<",
        "a<b",
        "Zürich",
        "naïve",
        "東京",
        "\u00a0",
        "—",
        "…",
        "5'10\"",
        "  ",
        "\n",
    ]
)
_RAW = st.lists(_PIECES, min_size=1, max_size=12).map(" ".join)


def _clean(raw: str) -> str:
    return body.sanitize_inline(body.normalize_space(raw))


_TEXT = _RAW.map(_clean).filter(lambda t: body.plain_text(t))
_SHORT = st.sampled_from(["", "A chart", "Photo: “Ana”", "[1] a](b)", "Zürich\u00a0at night"])


@st.composite
def blocks(draw) -> list[BlockData]:
    result = []
    for kind in draw(
        st.lists(st.sampled_from(["paragraph", "subheading", "blockquote", "image"]), max_size=8)
    ):
        if kind == "image":
            result.append(
                BlockData(
                    kind="image",
                    image=draw(st.sampled_from(IMAGES)),
                    image_alt=body.normalize_space(draw(_SHORT)) or "The council chamber",
                    image_caption=body.normalize_space(draw(_SHORT)),
                    image_credit=body.normalize_space(draw(_SHORT)),
                )
            )
        else:
            result.append(BlockData(kind=kind, text=draw(_TEXT)))
    return result


class TestRoundTrip:
    @given(blocks())
    @example([BlockData(kind="paragraph", text="## not a heading")])
    @example([BlockData(kind="paragraph", text="\\ a backslash")])
    @example([BlockData(kind="paragraph", text="&lt;em&gt; is literal")])
    def test_blocks_survive_the_text_box(self, original):
        assert plaintext.parse(plaintext.to_text(original), images=IMAGES) == original

    @given(st.lists(_RAW, max_size=6).map("\n\n".join))
    def test_text_is_canonical_after_one_read(self, text):
        """Whatever is typed, reading it and writing it again is a fixed point."""
        try:
            parsed = plaintext.parse(text, images=IMAGES)
        except BodyTextError:
            return
        canonical = plaintext.to_text(parsed)
        assert plaintext.to_text(plaintext.parse(canonical, images=IMAGES)) == canonical


class TestRules:
    def test_blank_lines_separate_blocks_and_line_breaks_fold(self):
        parsed = plaintext.parse("First line\nsame paragraph.\n\n\n\nSecond.")
        assert [(b.kind, b.text) for b in parsed] == [
            ("paragraph", "First line same paragraph."),
            ("paragraph", "Second."),
        ]

    def test_heading_quote_and_escaped_paragraph(self):
        parsed = plaintext.parse("## Reaction\n\n> We will\n> not go.\n\n\\## not a heading")
        assert [(b.kind, b.text) for b in parsed] == [
            ("subheading", "Reaction"),
            ("blockquote", "We will not go."),
            ("paragraph", "## not a heading"),
        ]

    def test_image_with_caption_and_credit(self):
        (image,) = plaintext.parse(
            "![The council chamber](body/2026/12/photo.jpg)\nCaption: Tuesday's vote\n"
            "Credit: Ana Ruiz",
            images=IMAGES,
        )
        assert image == BlockData(
            kind="image",
            image="body/2026/12/photo.jpg",
            image_alt="The council chamber",
            image_caption="Tuesday's vote",
            image_credit="Ana Ruiz",
        )

    def test_inline_markup_is_kept_and_anything_else_sanitised(self):
        (paragraph,) = plaintext.parse(
            'A <em>big</em> <script>alert(1)</script> <b onclick="x">day</b>'
        )
        assert paragraph.text == "A <em>big</em>  <b>day</b>"

    def test_writes_each_kind_as_the_grammar_says(self):
        text = plaintext.to_text(
            [
                {"kind": "subheading", "text": "Reaction"},
                {"kind": "paragraph", "text": "Tom &amp; Jerry said &lt;no&gt;."},
                {"kind": "blockquote", "text": "We will."},
                {"kind": "paragraph", "text": "> not a quote"},
                {"kind": "image", "image": IMAGES[0], "image_alt": "Alt", "image_credit": "AP"},
            ]
        )
        assert text == (
            "## Reaction\n\nTom & Jerry said &lt;no&gt;.\n\n> We will.\n\n\\> not a quote\n\n"
            f"![Alt]({IMAGES[0]})\nCredit: AP"
        )

    def test_line_breaks_in_stored_text_do_not_split_the_block(self):
        assert plaintext.to_text([{"kind": "paragraph", "text": "One\n\ntwo"}]) == "One  two"


class TestErrors:
    def test_an_image_the_story_does_not_have_is_an_error_not_a_loss(self):
        with pytest.raises(BodyTextError) as exc:
            plaintext.parse("Intro.\n\n![A dog](body/elsewhere/dog.jpg)", images=IMAGES)
        assert exc.value.messages == [
            "The image on line 3 names “body/elsewhere/dog.jpg”, which is not one of this "
            "story's images. Add new images with “Add an image” below the text; keep the line "
            "of an image already in the story as it is."
        ]

    def test_an_image_without_alt_text_is_an_error(self):
        with pytest.raises(BodyTextError, match="has no alt text"):
            plaintext.parse(f"![]({IMAGES[0]})", images=IMAGES)

    def test_a_stray_line_in_an_image_block_is_an_error(self):
        with pytest.raises(BodyTextError, match="neither “Caption: …” nor “Credit: …”"):
            plaintext.parse(f"![Alt]({IMAGES[0]})\nThe next paragraph.", images=IMAGES)

    def test_every_bad_block_is_named(self):
        with pytest.raises(BodyTextError) as exc:
            plaintext.parse(f"![]({IMAGES[0]})\n\n![Dog](dog.jpg)", images=IMAGES)
        assert len(exc.value.messages) == 2


class TestImporterReadsTheSameGrammar:
    def test_marked_heading_lines_are_subheadings(self):
        story = importing.parse_story(
            "The council met.\n\n## what happened next, in lower case.\n\nIt voted."
        )
        assert [(b.kind, b.text) for b in story.blocks] == [
            ("paragraph", "The council met."),
            ("subheading", "what happened next, in lower case."),
            ("paragraph", "It voted."),
        ]

    def test_desk_text_imports_as_the_same_blocks(self):
        text = "The council met.\n\n## Reaction\n\n> We will not go.\n\nIt voted."
        story = importing.parse_story(text)
        assert [(b.kind, b.text) for b in story.blocks] == [
            (b.kind, b.text) for b in plaintext.parse(text)
        ]
