"""The article body as one text box: the plain-text grammar of the desk (and the importer).

- Blocks are separated by one blank line; line breaks inside a block fold to spaces.
- ``## Some words`` is a subheading.
- ``> Some words`` is a block quote (its lines start with ``> ``).
- ``![alt text](body/2026/12/photo.jpg)`` on a block's first line is an image the story
  already has, with optional ``Caption: …`` and ``Credit: …`` lines after it.
- Anything else is a paragraph. A paragraph whose own text starts with ``## ``, ``> ``, ``![``
  or ``\\`` is written with a backslash before it (``\\## not a heading``), removed on read.
- Inline markup (a, em, strong) is written as HTML, as ``body.for_editing`` shows it, and
  sanitised on read (``body.sanitize_inline``).

``to_text`` and ``parse`` are pure and exact inverses: ``parse(to_text(blocks)) == blocks``
for sanitised blocks, and ``to_text(parse(text))`` is ``text`` in its canonical spelling
(tests/articles/test_plaintext.py proves both with hypothesis).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

from articles import body
from articles.services.base import BlockData

HEADING = "## "
QUOTE = "> "
CAPTION = "Caption: "
CREDIT = "Credit: "
ESCAPE = "\\"
#: What a paragraph's own text may not start with unescaped: it would read as markup.
_NEEDS_ESCAPE = (HEADING, QUOTE, "![", ESCAPE)
# The image line: alt text (which may hold brackets) and a stored file name, which never
# holds spaces or parentheses (Django's storage names are letters, digits, ``-_./``).
_IMAGE = re.compile(r"!\[(?P<alt>.*)\]\((?P<name>[^()\s]*)\)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Only spaces and tabs are blank: a no-break space a reporter typed is a character.
_BLANK = " \t"


class BodyTextError(ValueError):
    """The text box holds something that is not a body; ``messages`` say what and where."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


def _get(block: Any, name: str) -> Any:
    return block.get(name, "") if isinstance(block, dict) else getattr(block, name, "")


def _one_line(text: str) -> str:
    """Text on one line: a line break in stored text would end the block."""
    return _LINE_BREAK.sub(" ", text or "").strip(_BLANK)


def image_name(block: Any) -> str:
    image = _get(block, "image")
    return (getattr(image, "name", image) or "") if image else ""


def block_to_text(block: Any) -> str:
    kind = _get(block, "kind")
    if kind == "image":
        lines = [f"![{_one_line(_get(block, 'image_alt'))}]({image_name(block)})"]
        if caption := _one_line(_get(block, "image_caption")):
            lines.append(CAPTION + caption)
        if credit := _one_line(_get(block, "image_credit")):
            lines.append(CREDIT + credit)
        return "\n".join(lines)
    text = _one_line(body.for_editing(_get(block, "text")))
    if kind == "subheading":
        return HEADING + text
    if kind == "blockquote":
        return QUOTE + text
    return ESCAPE + text if text.startswith(_NEEDS_ESCAPE) else text


def to_text(blocks: Iterable[Any]) -> str:
    """The body (model blocks, ``BlockData`` or snapshot dicts) in the plain-text grammar."""
    return "\n\n".join(block_to_text(block) for block in blocks)


def _chunks(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of each block: runs of lines between blank lines."""
    chunks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(_LINE_BREAK.split(text or ""), start=1):
        line = line.strip(_BLANK)
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            chunks.append((start, current))
            current = []
    if current:
        chunks.append((start, current))
    return chunks


def _inline(lines: Iterable[str]) -> str:
    return body.sanitize_inline(" ".join(lines))


def _image(
    lines: list[str], where: str, images: Collection[str] | None, errors: list[str]
) -> BlockData | None:
    match = _IMAGE.fullmatch(lines[0])
    alt, name = match["alt"].strip(_BLANK), match["name"]
    caption = credit = ""
    for line in lines[1:]:
        if line.startswith(CAPTION.strip()):
            caption = " ".join(filter(None, [caption, line[len(CAPTION) - 1 :].strip(_BLANK)]))
        elif line.startswith(CREDIT.strip()):
            credit = " ".join(filter(None, [credit, line[len(CREDIT) - 1 :].strip(_BLANK)]))
        else:
            errors.append(
                f"The image {where} has a line that is neither “Caption: …” nor “Credit: …” "
                f"(“{line[:40]}”); leave a blank line before the next paragraph."
            )
            return None
    if not name:
        errors.append(f"The image {where} names no file: ![alt text](the image's file name).")
        return None
    if images is not None and name not in images:
        errors.append(
            f"The image {where} names “{name}”, which is not one of this story's images. "
            "Add new images with “Add an image” below the text; keep the line of an image "
            "already in the story as it is."
        )
        return None
    if not alt:
        errors.append(
            f"The image {where} has no alt text: write what it shows between the brackets, "
            f"![like this]({name})."
        )
        return None
    return BlockData(
        kind="image", image=name, image_alt=alt, image_caption=caption, image_credit=credit
    )


def parse(text: str, *, images: Collection[str] | None = None) -> list[BlockData]:
    """The blocks the text box holds, in order.

    ``images`` are the stored image names an image line may name (the story's own images);
    ``None`` accepts any name. Raises ``BodyTextError`` naming each block that cannot be
    read (an image that is not the story's, one without alt text), never dropping words.
    """
    blocks: list[BlockData] = []
    errors: list[str] = []
    for line_number, lines in _chunks(text):
        first = lines[0]
        where = f"on line {line_number}"
        if _IMAGE.fullmatch(first):
            block = _image(lines, where, images, errors)
            if block is not None:
                blocks.append(block)
            continue
        if first.startswith(HEADING):
            kind, words = "subheading", [first[len(HEADING) :], *lines[1:]]
        elif first.startswith(QUOTE):
            kind = "blockquote"
            words = [line[len(QUOTE) :] if line.startswith(QUOTE) else line for line in lines]
        else:
            kind = "paragraph"
            words = [first[len(ESCAPE) :] if first.startswith(ESCAPE) else first, *lines[1:]]
        inline = _inline(words)
        if not body.plain_text(inline):
            # "##" or ">" with nothing after it, or markup with no words: nothing to keep.
            continue
        blocks.append(BlockData(kind=kind, text=inline))
    if errors:
        raise BodyTextError(errors)
    return blocks
