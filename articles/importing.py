"""Plain-text story -> blocks and correction notes, and the one import path that saves them.

The format is what a reporter pastes or a wire desk sends: paragraphs separated by one or more
blank lines (line breaks inside a paragraph are folded to spaces), short title-case lines as
subheadings (or any line marked ``## ``, as the desk's text box writes them), lines starting
with ``>`` as a block quote, and notes such as
``(Editor's note: ... in paragraph eleven.)`` or ``Correction: ...`` as their own paragraph.
Notes become ``CorrectionNote`` rows, never body text; the paragraph they name is resolved
with ``articles.body``'s numbering, so subheadings are not counted.

``parse_story`` is pure (no database), so it can be tested on its own and reports bad input
before anything is written. ``import_story`` writes everything through ``articles.services``
inside one transaction; the ``import_article`` command and the desk upload both call it.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import body, quotes, services
from articles.models import Article, Author, Block, CorrectionNote, Section, Source

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

HEADLINE_LIMIT = 120

STAFF_AUTHOR_SLUG = "staff"
STAFF_AUTHOR_NAME = "Newsroom Staff"
#: The first revision's message, by which the desk tells an import from other saves.
IMPORT_MESSAGE = "Imported from plain text"
#: A line that marks a subheading explicitly, as the desk's text box writes it.
EXPLICIT_HEADING = "## "


def _words(text: str) -> list[str]:
    return text.split()


class StoryImportError(ValueError):
    """The story cannot be imported as given. The message is one line a person can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


@dataclass
class ParsedStory:
    """What a plain-text story holds, ready for ``services.article_create``."""

    blocks: list[services.BlockData] = field(default_factory=list)
    notes: list[services.NoteData] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)
    # How each note's paragraphs were found (``ANCHOR_*``), in the order of ``notes``.
    anchors: list[str] = field(default_factory=list)

    @property
    def paragraph_count(self) -> int:
        return sum(1 for block in self.blocks if block.kind in body.NUMBERED_KINDS)

    @property
    def suggested_headline(self) -> str:
        for block in self.blocks:
            if block.kind in body.NUMBERED_KINDS:
                return derive_headline(body.plain_text(block.text))
        return ""


# --- Reading the file -------------------------------------------------------------------


def max_bytes() -> int:
    """The largest story, uploaded or pasted, in bytes of UTF-8 (``DJANGO_IMPORT_MAX_BYTES``)."""
    return settings.NEWSROOM_IMPORT_MAX_BYTES


def size_label(n: int) -> str:
    """``n`` bytes as people read it: "512 bytes", "3.1 MB" (binary units, as is the limit)."""
    if n < 1024:
        return f"{n:,} byte{'s' if n != 1 else ''}"
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    raise AssertionError  # pragma: no cover


def size_check(size: int, *, name: str = "The story") -> None:
    """Refuse a story of ``size`` bytes over the limit, saying the limit and how far over.

    The one check for uploads, pastes and files on disk; it runs before anything is parsed.
    """
    limit = max_bytes()
    if size <= limit:
        return
    shown, limit_shown = size_label(size), size_label(limit)
    if shown == limit_shown:
        # Just over: rounded, both would read "1 MB".
        shown, limit_shown = f"{size:,} bytes", f"{limit:,} bytes"
    raise StoryImportError(
        f"{name} is {shown}; the limit is {limit_shown} ({size_label(size - limit)} over). "
        "Split it or trim it."
    )


def read_story_file(path: str | Path) -> str:
    """The file's text, or ``StoryImportError`` if it is missing, too big, binary or not UTF-8.

    A UTF-8 byte-order mark (Windows editors add one) is accepted and dropped.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            # NOTE: read one byte past the limit rather than trusting stat(), so a file that
            # grows while we read it (or a FIFO) still cannot make us hold more than the
            # limit; stat() only says how far over it is.
            data = handle.read(max_bytes() + 1)
            size = max(len(data), os.fstat(handle.fileno()).st_size)
    except FileNotFoundError:
        raise StoryImportError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise StoryImportError(f"{path} is a directory, not a text file.") from None
    except OSError as exc:
        raise StoryImportError(f"Cannot read {path}: {exc.strerror or exc}") from None
    return decode_story(data, name=str(path), size=size)


def decode_story(data: bytes, *, name: str, size: int | None = None) -> str:
    """Bytes of a story file (read from disk or uploaded in the desk) as text, checked.

    ``size`` is the whole file's size when ``data`` was cut at one byte past the limit.
    """
    size_check(max(len(data), size or 0), name=name)
    if b"\x00" in data:
        raise StoryImportError(f"{name} looks like a binary file (it contains a NUL byte).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StoryImportError(
            f"{name} is not UTF-8 text (invalid byte at position {exc.start}); "
            "save it as UTF-8 and try again."
        ) from None


# --- Headings ---------------------------------------------------------------------------

# Words casual title case leaves in lower case: articles, conjunctions, short prepositions
# and forms of "to be" (the seed's "Syrians being Trained by US"). They are ignored, not
# counted against a heading.
HEADING_FUNCTION_WORDS = frozenset(
    _words(
        "a an the and or but nor so yet of by in on at for to from with as into onto over upon "
        "via per vs off out up is are was were be been being"
    )
)
HEADING_MAX_WORDS = 12
HEADING_MAX_CHARS = 100
HEADING_CAPITALISED_SHARE = 0.6
_HEADING_BAD_ENDINGS = ".!?,;:…\"'”’"
_OPENING_QUOTES = "\"'“‘«„"
_WORD_EDGES = string.punctuation + "“”‘’«»„–—…"


def looks_like_heading(block: str) -> bool:
    """Whether a block of plain text reads as a subheading rather than a paragraph.

    A heading is one line of at most 12 words and 100 characters that does not end like a
    sentence or a clause (``. ! ? , ; : …`` or a closing quote), does not open with a quote
    mark, and reads as title case: at least 60% of its words start with a capital letter or
    are all capitals. Words in ``HEADING_FUNCTION_WORDS`` and words without letters (years,
    dashes) are left out of that share, so "Russian Strikes Syrians being Trained by US"
    counts five capitalised words of five, while "He declined to comment" counts one of three.

    This judges the text only. ``parse_story`` adds the position rules: the first block of a
    story is never a heading, nor is a block with no paragraph after it.
    """
    text = block.strip()
    if not text or "\n" in text or len(text) > HEADING_MAX_CHARS:
        return False
    if text[-1] in _HEADING_BAD_ENDINGS or text[0] in _OPENING_QUOTES:
        return False
    words = text.split()
    if len(words) > HEADING_MAX_WORDS:
        return False
    counted = capitalised = 0
    for word in words:
        core = word.strip(_WORD_EDGES)
        if not any(ch.isalpha() for ch in core) or core.lower() in HEADING_FUNCTION_WORDS:
            continue
        counted += 1
        if core[0].isupper() or core.isupper():
            capitalised += 1
    return counted > 0 and capitalised / counted >= HEADING_CAPITALISED_SHARE


# --- Notes ------------------------------------------------------------------------------

_NOTE_LABEL = re.compile(
    r"^(?P<label>editor(?:['’]?s|s['’])?\s+note|corrections?|clarifications?|updated?|retraction)"
    r"\s*:\s*(?P<text>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_NOTE_KINDS = {
    "editor": CorrectionNote.Kind.EDITORS_NOTE,
    "correction": CorrectionNote.Kind.CORRECTION,
    "clarification": CorrectionNote.Kind.CLARIFICATION,
    "update": CorrectionNote.Kind.UPDATE,
    "retraction": CorrectionNote.Kind.RETRACTION,
}


def _split_note(text: str) -> tuple[str, str] | None:
    """(kind, public text) when the block is a note, wrapped in () or [] or led by its label."""
    inner = text.strip()
    for opening, closing in ("()", "[]"):
        if inner.startswith(opening) and inner.rstrip(".").endswith(closing):
            inner = inner.rstrip(".")[1:-1].strip()
            break
    match = _NOTE_LABEL.match(inner)
    if not match:
        return None
    label = match["label"].lower()
    kind = next(kind for prefix, kind in _NOTE_KINDS.items() if label.startswith(prefix))
    return kind, match["text"].strip()


# Paragraph numbers as notes write them: "paragraph eleven", "the second paragraph",
# "paragraph 2", "11th paragraph", "paragraphs 3 and 4", "paragraphs 3-5".
_UNITS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_ORDINAL_UNITS = _words(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
)
_ORDINAL_TENS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50}

CARDINAL_WORDS: dict[str, int] = {word: n for n, word in enumerate(_UNITS) if n}
ORDINAL_WORDS: dict[str, int] = {word: n for n, word in enumerate(_ORDINAL_UNITS) if n}
CARDINAL_WORDS.update(_TENS)
ORDINAL_WORDS.update(_ORDINAL_TENS)
for _tens_word, _tens in _TENS.items():
    for _n in range(1, 10):
        for _joint in ("-", " "):
            CARDINAL_WORDS[f"{_tens_word}{_joint}{_UNITS[_n]}"] = _tens + _n
            ORDINAL_WORDS[f"{_tens_word}{_joint}{_ORDINAL_UNITS[_n]}"] = _tens + _n

_NUMBER_WORDS = sorted([*CARDINAL_WORDS, *ORDINAL_WORDS], key=len, reverse=True)
_NUMBER = r"(?:\d{1,3}(?:st|nd|rd|th)?|" + "|".join(map(re.escape, _NUMBER_WORDS)) + r")\b"
_NUMBER_RE = re.compile(_NUMBER, re.IGNORECASE)
# A range is "3-5", "3–5" or "3 to 5"; a spaced dash ("paragraph 3 — two words") is not one.
_RANGE_SEPARATOR = re.compile(r"^(?:[-–]|\s+(?:to|through|thru)\s+)$", re.IGNORECASE)
_LIST_SEPARATOR = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|[-–]|\s+(?:to|through|thru)\s+)"
_NUMBER_LIST = rf"{_NUMBER}(?:{_LIST_SEPARATOR}{_NUMBER})*"
# Only the plural takes a list: in "paragraph 3 and two others" the "two" is a count.
_PARAGRAPH_AFTER = re.compile(
    rf"\b(?:paragraphs\s+(?P<list>{_NUMBER_LIST})"
    rf"|(?:paragraph|para\.?)\s+(?:no\.?\s*|number\s+|#\s*)?(?P<single>{_NUMBER}))",
    re.IGNORECASE,
)
# "a second paragraph was added" counts paragraphs; "the second paragraph" names one.
_PARAGRAPH_BEFORE = re.compile(
    rf"(?<!\ba )(?<!\ban )\b(?P<list>{_NUMBER_LIST})\s+paragraphs?\b", re.IGNORECASE
)
_PARAGRAPH_LAST = re.compile(r"\b(?:last|final|closing)\s+paragraph\b", re.IGNORECASE)


def _number_value(token: str, *, ordinal_only: bool) -> int | None:
    token = " ".join(token.lower().split())
    if token[0].isdigit():
        digits = token.rstrip("stndrh")
        if ordinal_only and digits == token:
            return None
        return int(digits)
    if token in ORDINAL_WORDS:
        return ORDINAL_WORDS[token]
    return None if ordinal_only else CARDINAL_WORDS.get(token)


def _numbers_in_list(text: str, *, ordinal_only: bool) -> list[int] | None:
    """The numbers a list like "3, 4 and 5" or "third to fifth" names; None if not a list of
    paragraph positions (a count such as "two paragraphs" is not one)."""
    numbers: list[int] = []
    previous_end = 0
    for match in _NUMBER_RE.finditer(text):
        value = _number_value(match.group(), ordinal_only=ordinal_only)
        if value is None:
            return None
        separator = text[previous_end : match.start()]
        if numbers and _RANGE_SEPARATOR.match(separator) and value > numbers[-1]:
            numbers.extend(range(numbers[-1] + 1, value + 1))
        else:
            numbers.append(value)
        previous_end = match.end()
    return numbers


def note_paragraphs(text: str, *, paragraph_count: int) -> list[int]:
    """Every paragraph number a note's text names, in words, ordinals or digits."""
    # Paragraph words inside quotes ("the 'second paragraph' was cut") are not references.
    text, _ = _quotes_as_placeholders(text)
    found: list[int] = []
    for match in _PARAGRAPH_AFTER.finditer(text):
        found.extend(_numbers_in_list(match["list"] or match["single"], ordinal_only=False) or [])
    for match in _PARAGRAPH_BEFORE.finditer(text):
        found.extend(_numbers_in_list(match["list"], ordinal_only=True) or [])
    if _PARAGRAPH_LAST.search(text) and paragraph_count:
        found.append(paragraph_count)
    return sorted(set(found))


# Quoted words, straight or curly. A single quote opens only after a non-letter, so the
# apostrophe in "mayor's" is never taken for one.
_QUOTED = re.compile(
    r"[“\"„](?P<double>[^“”\"„\n]+?)[”\"]"
    r"|(?<!\w)[‘'](?P<single>(?:[^‘’'\n]|[’'](?=\w))+?)[’'](?!\w)"
)


def _q(name: str) -> str:
    """A quoted passage (see ``_quotes_as_placeholders``), its number captured as ``name``."""
    return f"\ue000(?P<{name}>\\d+)\ue001"


_B, _A = _q("b"), _q("a")  # the words before the change, and after it
_AUX = r"(?:is|are|was|were|has\s+been|have\s+been|had\s+been)"
_CHANGED = r"(?:changed|corrected|amended|updated|altered|fixed|replaced)"
_MIS = (
    r"mis(?:stated|spelled|spelt|identified|named|reported|quoted|described|labell?ed|titled|"
    r"attributed|characteri[sz]ed|transcribed|translated|gave)"
)
_WRONGLY = r"(?:incorrectly|wrongly|mistakenly|erroneously|inaccurately)"
_SAID = (
    r"(?:said|stated|reported|called|described|referred\s+to|gave|identified|spelled|spelt|"
    r"named|quoted|listed|put|wrote|described)"
)
_SHORT_GAP = r"[^\ue000\ue001.;:]{0,80}?"  # a few words inside one clause, no quote
_GAP = r"[^\ue000\ue001;]{0,80}?"  # a few words, abbreviations' full stops allowed
_IS_THEN = r"\s+(?:\w+\s+){0,2}?"  # "is “Smyth”", "is on “Tuesday”"
_IS = r"(?:is|was|are|were|reads?|should\s+(?:have\s+)?(?:said|read|been|be))"
# What a note says the words were and became, in the order tried; the earliest match in the
# note wins. Each names its passages ``b`` (before) and ``a`` or ``a2`` (after); one may be
# missing.
_CHANGE_PATTERNS = [
    # “militaries” (in paragraph eleven) is changed to “forces”
    re.compile(
        rf"{_B}{_GAP}\s*,?\s*\b{_AUX}\s+(?:now\s+)?{_CHANGED}\s+(?:to|with|by)\s+{_A}", re.I
    ),
    re.compile(rf"\b(?:replaced?|replacing)\s+{_B}\s+(?:with|by)\s+{_A}", re.I),
    re.compile(
        rf"\b(?:changed?|changing|corrected|correcting|amended|amending)\s+{_B}\s+to\s+{_A}", re.I
    ),
    re.compile(rf"\bfrom\s+{_B}\s+to\s+{_A}", re.I),
    # misstated “Smyth” as “Smith”: the first is what it should have said
    re.compile(rf"\b{_MIS}\s+{_A}\s+as\s+{_B}", re.I),
    # misstated the mayor's name as “Smith”. It is “Smyth”.
    re.compile(
        rf"\b{_MIS}\b{_SHORT_GAP}\bas\s+{_B}"
        rf"(?:[^\ue000\ue001]{{0,60}}?\b(?:{_IS}|not){_IS_THEN}{_A})?",
        re.I,
    ),
    # incorrectly said “Monday” instead of “Tuesday”; incorrectly said “Monday”. It was “Tuesday”.
    re.compile(
        rf"\b{_WRONGLY}\s+{_SAID}\b{_SHORT_GAP}{_B}"
        rf"(?:\s*,?\s+(?:instead\s+of|rather\s+than)\s+{_A}"
        rf"|[^\ue000\ue001]{{0,60}}?\b{_IS}{_IS_THEN}{_q('a2')})?",
        re.I,
    ),
    # “Smith” should have been “Smyth”; said “Monday”; it should have said “Tuesday”
    re.compile(
        rf"{_B}[^\ue000\ue001]{{0,60}}?\bshould\s+(?:have\s+)?(?:been|be|read|said)\s+{_A}", re.I
    ),
    re.compile(rf"{_B}\s+now\s+reads?\s+{_A}", re.I),
    re.compile(rf"{_B}\s*(?:->|→)\s*{_A}", re.I),
    # “Smyth,” not “Smith.”
    re.compile(rf"{_A}\s*,?\s+not\s+{_B}", re.I),
    # The name is changed to “Smyth”; it should have said “Tuesday”.
    re.compile(rf"\b{_AUX}\s+(?:now\s+)?{_CHANGED}\s+(?:to|with)\s+{_A}", re.I),
    re.compile(rf"\bshould\s+have\s+(?:said|read|been)\s+{_A}", re.I),
]

# The same forms without quote marks, for notes that give the words bare. A bare passage is
# at most ``_BARE_WORDS`` words and ends at punctuation or a paragraph reference.
_BARE_WORDS = 6
# Figures keep their separators ($80,000 and 2.5); any other comma or full stop ends it.
_BARE = r"(?:[^\ue000\ue001.,;:!?()\[\]]|(?<=\d)[.,](?=\d))+?"
_END = (
    r"(?=\s*(?:[.,](?!\d)|[;:!?()\[\]]|$|\s(?:in|of)\s+(?:the\s+)?(?:\w+\s+)?(?:paragraph|para\b)"
    r"|\s(?:as|than)\s+(?:an?|the)\s+(?:earlier|previous|original)\b))"
)
_CLAUSE = r"(?:[^.;:]|\.(?!\s+(?-i:[A-Z])))"  # within one sentence; "Co." and "U.S." do not end it
_SUBJECT = r"(?:it|he|she|they|the\s+\w+(?:\s+\w+)?)"
# The next sentence saying it right: "It is Tuesday.", "He repaid $60,000.", "It should have
# said the Route 12 bypass."
_RESTATED = (
    rf"[.;]\s+(?:but\s+)?{_SUBJECT}\s+(?:should\s+have\s+(?:said|read|been)|\w+)\s+"
    rf"(?P<a>{_BARE}){_END}"
)
_BARE_PATTERNS = [
    # The mayor's name is Smyth, not Smith.  The fee is $40, not $50, as an earlier ...
    re.compile(
        rf"(?P<lead>[^\ue000\ue001.;:!?]*?)(?P<right>[^\s,][^,.;:!?]*?),\s+not\s+"
        rf"(?P<b>{_BARE}){_END}",
        re.I,
    ),
    # misstated Hale's age as 25. He is 52.
    re.compile(rf"\b{_MIS}\b{_CLAUSE}{{0,80}}?\bas\s+(?P<b>{_BARE}){_END}(?:{_RESTATED})?", re.I),
    # misspelled the surname of the grants officer; it is Lacroix.
    re.compile(rf"\b{_MIS}\b{_CLAUSE}{{0,120}}?{_RESTATED}", re.I),
    # incorrectly said the vote was on Monday. It was on Tuesday.
    re.compile(rf"\b{_WRONGLY}\s+{_SAID}\s+(?P<clause>{_CLAUSE}{{1,160}}?){_RESTATED}", re.I),
    # said the road would run from the Route 21 bypass. It should have said the Route 12 bypass.
    re.compile(
        rf"\bsaid\s+(?P<clause>{_CLAUSE}{{1,160}}?)[.;,]\s+(?:but\s+)?it\s+should\s+have\s+"
        rf"(?:said|read)\s+(?P<a>{_BARE}){_END}",
        re.I,
    ),
    # The word militaries is changed to forces.  The date was changed to Tuesday.
    re.compile(
        rf"(?:\b(?:word|words|phrase|name|term|spelling|figure|number)\s+(?P<b>{_BARE})\s+)?"
        rf"\b{_AUX}\s+(?:now\s+)?(?:(?:changed|corrected|amended|altered|fixed)\s+to"
        rf"|replaced\s+(?:with|by))\s+(?P<a>{_BARE}){_END}",
        re.I,
    ),
    re.compile(rf"\bshould\s+have\s+(?:said|read)\s+(?P<a>{_BARE}){_END}", re.I),
]
# Link words one side of a bare pair may start with and the other not ("on Monday", "Tuesday").
_LEADING_LINKS = frozenset(_words("on in at by for of to from the a an is was are were"))
# Units stay with their figure: "$4.6 million", not "$4.6".
_UNITS = frozenset(_words("million billion trillion thousand percent per cent pounds dollars"))
_COPULA = re.compile(r"\b(?:is|are|was|were|be|been)\s+", re.I)


def _quotes_as_placeholders(text: str) -> tuple[str, list[str]]:
    quoted: list[str] = []

    def stash(match: re.Match) -> str:
        words = (match["double"] or match["single"]).strip()
        # US style puts a sentence's comma or full stop inside the quote; it is not a word.
        quoted.append(words.rstrip(",.;:").strip())
        return f"\ue000{len(quoted) - 1}\ue001"

    return _QUOTED.sub(stash, text), quoted


def _bare(words: str | None) -> str:
    """A bare passage, or "" when it is too long to be the words a note says it changed."""
    words = body.normalize_space(words or "").strip(" ,")
    return words if words and len(words.split()) <= _BARE_WORDS else ""


def _bare_change(text: str) -> tuple[int, str, str] | None:
    """(where, before, after) from the first bare form in ``text`` (no placeholders in it)."""
    best: tuple[int, str, str] | None = None
    for pattern in _BARE_PATTERNS:
        match = pattern.search(text)
        if not match or (best is not None and match.start() >= best[0]):
            continue
        groups = match.groupdict()
        after = _bare(groups.get("a"))
        if groups.get("clause"):
            # The wrong clause ends with the wrong words, as many as the right ones.
            clause = body.normalize_space(groups["clause"]).split()
            size = len(after.split())
            before = " ".join(clause[-size:]) if after and size <= len(clause) else ""
        elif groups.get("right"):
            before, after = _not_pair(groups["lead"] + groups["right"], groups["b"])
        else:
            before = _bare(groups.get("b"))
        if before and after:
            before, after = _minimal(before, after)
        if before or after:
            best = (match.start(), before, after)
    return best


def _shape(word: str) -> str:
    if word[:1].isdigit() or (word[:1] in "$€£" and word[1:2].isdigit()):
        return "figure"
    return "name" if word[:1].isupper() else "word"


def _not_pair(left: str, right: str) -> tuple[str, str]:
    """(before, after) from a bare "X, not Y": Y is the words after "not"; X the end of the
    clause before the comma, cut to Y's shape: from its last figure when Y is a figure, its
    last run of capitalised words when Y is a name, else what follows its "is"/"was".

    Nothing when the clause has no such verb and the two do not share a shape: "not all of
    it, not now" is no correction.
    """
    before = _bare(right)
    if not before:
        return "", ""
    left = body.normalize_space(left)
    words = left.split()
    size, shape = len(before.split()), _shape(before)
    copulas = list(_COPULA.finditer(left))
    complement = left[copulas[-1].end() :].split() if copulas else []
    if shape == "figure":
        figures = [i for i, w in enumerate(words) if _shape(w) == "figure"]
        after = words[figures[-1] : figures[-1] + size] if figures else []
    elif shape == "name" and words and _shape(words[-1]) == "name":
        start = len(words) - 1
        while start > 0 and _shape(words[start - 1]) == "name":
            start -= 1
        after = words[start:]
    else:
        after = complement
    after_words = _bare(" ".join(after))
    if not after_words or not (copulas or _shape(after[0]) == shape != "word"):
        return "", ""
    return before, after_words


def _minimal(before: str, after: str) -> tuple[str, str]:
    """The two passages without the words they share at their ends ("founded in 2001" and
    "founded in 2011" are "2001" and "2011"), and without a leading link word only one has.
    Shared names ("Route 21", "Route 12") and units ("$4.2 million") are kept."""
    b, a = before.split(), after.split()

    def shared(x: str, y: str) -> bool:
        return x.casefold() == y.casefold() and _shape(x) == "word"

    while len(b) > 1 and len(a) > 1 and shared(b[0], a[0]):
        b, a = b[1:], a[1:]
    while len(b) > 1 and len(a) > 1 and shared(b[-1], a[-1]) and b[-1].casefold() not in _UNITS:
        b, a = b[:-1], a[:-1]
    while b and a and b[0].casefold() != a[0].casefold():
        if a[0].casefold() in _LEADING_LINKS and len(a) > 1:
            a = a[1:]
        elif b[0].casefold() in _LEADING_LINKS and len(b) > 1:
            b = b[1:]
        else:
            break
    return " ".join(b), " ".join(a)


def note_change(text: str) -> tuple[str, str]:
    """(before, after): the words a note says the story had and has now, "" where it does
    not say. Quoted words are read first ("“Smyth,” not “Smith”", "misstated “Smyth” as
    “Smith”", "incorrectly said “Monday”", "“militaries” is changed to “forces”", "should
    have said “Tuesday”"); without quotes, the same forms with the bare words ("is Smyth,
    not Smith", "misstated the date as Monday. It is Tuesday.").
    """
    marked, quoted = _quotes_as_placeholders(text)
    best: tuple[int, str, str] | None = None
    for pattern in _CHANGE_PATTERNS:
        match = pattern.search(marked)
        if match and (best is None or match.start() < best[0]):
            groups = match.groupdict()
            b, a = groups.get("b"), groups.get("a") or groups.get("a2")
            before = quoted[int(b)] if b else ""
            after = quoted[int(a)] if a else ""
            best = (match.start(), before, after)
    if best is None and not quoted:
        best = _bare_change(text)
    return (best[1], best[2]) if best else ("", "")


# --- Anchors: the paragraph a note concerns ----------------------------------------------

ANCHOR_NAMED = "named"  # the note names its paragraphs ("in paragraph eleven")
ANCHOR_WORDS = "words"  # the paragraph that holds its corrected words, or the note's words
ANCHOR_NONE = "none"  # neither: the note concerns the story as a whole
ANCHOR_EDITOR = "editor"  # set in the desk, not read from the note

# Words every note uses, which say nothing about where it belongs.
_NOTE_WORDS = frozenset(
    _words(
        "earlier version versions story article report this that these those the a an and or "
        "but of in on at to for from with by as is are was were be been has have had it its "
        "said says say stated incorrectly wrongly mistakenly erroneously misstated misspelled "
        "misidentified correction corrected corrects clarification clarified update updated "
        "editor editors note paragraph paragraphs changed change now should not also which who "
        "name named word words quote quoted story's has been reads read more than after before "
        "we our us"
    )
)
_NOTE_WORD = re.compile(r"\w+(?:['’]\w+)*")
# A paragraph the note's words point to must share this many of them (a name counts twice).
MIN_SHARED_NOTE_WORDS = 2
# Corrected words standing in more paragraphs than this do not say which one changed.
MAX_WORD_ANCHORS = 3


def _folded(text: str) -> str:
    return body.fold_quotes(body.normalize_space(text)).casefold()


def _holding(words: str, paragraphs: dict[int, str]) -> list[int]:
    """The paragraphs ``words`` stand in (spacing, case and quote marks folded)."""
    wanted = _folded(words)
    if not any(ch.isalnum() for ch in wanted):
        return []
    return [n for n, text in paragraphs.items() if wanted in _folded(text)]


def _note_words(text: str) -> set[str]:
    return {
        w
        for w in (m.group().casefold().replace("’", "'") for m in _NOTE_WORD.finditer(text))
        if w not in _NOTE_WORDS and (len(w) > 2 or w.isdigit()) and w not in CARDINAL_WORDS
    }


def _note_names(text: str) -> set[str]:
    """The note's words written with a capital inside a sentence: names (Railnet, Haddad)."""
    return {
        m.group().casefold().replace("’", "'")
        for m in _NOTE_WORD.finditer(text)
        if m.group()[:1].isupper()
        and m.start() > 0
        and not re.search(r"(?:^|[.!?:]\s*|[(\[“\"‘']\s*)$", text[: m.start()].rstrip() + " ")
    } - _NOTE_WORDS


def _by_note_words(text: str, paragraphs: dict[int, str]) -> int | None:
    """The one paragraph the note's own words point to.

    Its quoted words, if they stand in one paragraph; else the paragraph sharing the most of
    its distinctive words, a name counting twice (at least ``MIN_SHARED_NOTE_WORDS``). A tie
    goes to the first of the tied paragraphs when a name is among the words, since a note
    about someone ("a response from Railnet") concerns where the story first has them;
    otherwise a tie anchors nothing.
    """
    _, quoted = _quotes_as_placeholders(text)
    holders = {n for words in quoted for n in _holding(words, paragraphs)}
    if len(holders) == 1:
        return holders.pop()
    mine, names = _note_words(text), _note_names(text)
    scores: list[tuple[int, int, bool]] = []
    for number, paragraph in paragraphs.items():
        shared = mine & _note_words(paragraph)
        score = len(shared) + len(shared & names)
        scores.append((score, number, bool(shared & names)))
    best = max((score for score, _, _ in scores), default=0)
    if best < MIN_SHARED_NOTE_WORDS:
        return None
    tied = [(number, named) for score, number, named in scores if score == best]
    if len(tied) == 1 or all(named for _, named in tied):
        return min(number for number, _ in tied)
    return None


def _distinctive(words: str) -> bool:
    """Words that stand for themselves: a figure, a name, or more than one word."""
    split = words.split()
    return len(split) > 1 or any(_shape(w) != "word" for w in split)


def note_anchor(
    text: str, *, after: str = "", paragraphs: dict[int, str], kind: str = ""
) -> tuple[list[int], str]:
    """The paragraphs a note concerns and how they were found (``ANCHOR_*``).

    Paragraphs the note names win (``note_paragraphs``). A note that names none is anchored
    to the paragraph that holds its corrected words (``after``: every one of up to
    ``MAX_WORD_ANCHORS`` paragraphs when they are a figure, a name or several words, else
    one chosen by the note's other words); else to the paragraph the note's own words point
    to (``_by_note_words``). A retraction concerns the whole story and is never anchored by
    words.
    """
    named = note_paragraphs(text, paragraph_count=len(paragraphs))
    if named:
        return named, ANCHOR_NAMED
    if kind == CorrectionNote.Kind.RETRACTION:
        return [], ANCHOR_NONE
    holders = _holding(after, paragraphs) if after else []
    if len(holders) == 1 or (1 < len(holders) <= MAX_WORD_ANCHORS and _distinctive(after)):
        # A corrected figure or name that stands in two paragraphs was corrected in both.
        return holders, ANCHOR_WORDS
    among = {n: paragraphs[n] for n in holders} if holders else paragraphs
    found = _by_note_words(text, among)
    if found is not None:
        return [found], ANCHOR_WORDS
    return [], ANCHOR_NONE


# --- Headlines --------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    _words(
        "mr mrs ms dr prof gen sen rep gov lt col capt cmdr sgt adm maj st jr sr rev hon inc co "
        "corp ltd bros no vs jan feb mar apr jun jul aug sep sept oct nov dec mt ft"
    )
)
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)*[A-Za-z]$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_DANGLING_WORDS = HEADING_FUNCTION_WORDS | {"that", "which", "who", "while", "its", "their"}
_TRAILING_PUNCTUATION = ".,;:!?…-–— "


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph, not fooled by "Gen." or "U.S." mid-sentence."""
    text = body.normalize_space(text)
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith("."):
            before = text[: match.start()].rsplit(" ", 1)[-1].lstrip('(“"‘')
            if before.lower() in _ABBREVIATIONS or _INITIALS.match(before):
                continue
        return text[: match.end()]
    return text


def derive_headline(paragraph: str, *, limit: int = HEADLINE_LIMIT) -> str:
    """A working headline: the first sentence, cut at a word boundary to ``limit`` characters,
    with no trailing punctuation or dangling "and"/"the"."""
    sentence = first_sentence(paragraph)
    if len(sentence) > limit:
        cut = sentence[: limit + 1]
        sentence = cut.rsplit(" ", 1)[0] if " " in cut else sentence[:limit]
    words = sentence.split()
    while True:
        while words and words[-1].strip(_TRAILING_PUNCTUATION) == "":
            words.pop()
        if not words:
            return ""
        words[-1] = re.sub(r"[.,;:!?…]+(?=[\"”’]$)", "", words[-1]).rstrip(_TRAILING_PUNCTUATION)
        if len(words) > 1 and words[-1].lower() in _DANGLING_WORDS:
            words.pop()
            continue
        return " ".join(words)


# --- Parsing ----------------------------------------------------------------------------


def _chunks(text: str) -> list[list[str]]:
    """The text's blocks: runs of non-blank lines, each line stripped."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def _check_part(text: str, *, place: int, parts: int, total: int) -> None:
    """Stop at the first part past the service's limits, before parsing the rest.

    ``place`` is the part's place among the ``total`` runs of text between blank lines;
    ``parts`` counts the blocks and notes so far (each note is a row of its own too).
    """
    max_blocks, max_chars = settings.NEWSROOM_MAX_BLOCKS, settings.NEWSROOM_MAX_BLOCK_CHARS
    if parts > max_blocks:
        raise StoryImportError(
            f"The story has {total:,} parts separated by blank lines; an article holds at "
            f"most {max_blocks:,} (paragraphs, subheadings, quotes and notes). "
            "Split it into several stories."
        )
    if len(text) > max_chars:
        opening = text[:40].rsplit(" ", 1)[0] or text[:40]
        raise StoryImportError(
            f"Part {place} of the story (“{opening}…”) has {len(text):,} characters; the "
            f"limit is {max_chars:,} characters per paragraph ({len(text) - max_chars:,} over). "
            "Separate its paragraphs with blank lines."
        )


def parse_story(text: str) -> ParsedStory:
    """Split a plain-text story into body blocks and correction notes.

    Blocks are separated by blank lines. A block that is a note (``(Editor's note: ...)``,
    ``[Correction: ...]``, ``Update: ...`` and so on) becomes a ``NoteData`` wherever it
    stands; a block whose lines all start with ``>`` is a block quote; a block that
    ``looks_like_heading`` is a subheading unless it is the first block of the story or no
    paragraph follows it; everything else is a paragraph.

    Raises ``StoryImportError`` if the story is empty, has no paragraphs, or a note names a
    paragraph the story does not have; and, as soon as it gets there, if the story has more
    parts (blocks and notes) than ``NEWSROOM_MAX_BLOCKS`` or a part longer than
    ``NEWSROOM_MAX_BLOCK_CHARS`` (the limits ``services`` enforces on every write).
    """
    chunks = _chunks(text)
    if not chunks:
        raise StoryImportError("The story is empty.")

    kinds: list[str] = []
    texts: list[str] = []
    raw_notes: list[tuple[str, str]] = []
    for place, lines in enumerate(chunks, start=1):
        folded = body.normalize_space(" ".join(lines))
        note = _split_note(folded)
        if note:
            raw_notes.append(note)
            part = note[1]
        elif all(line.startswith(">") for line in lines):
            part = body.normalize_space(" ".join(line[1:] for line in lines))
            if part:
                kinds.append(Block.Kind.BLOCKQUOTE)
                texts.append(part)
        elif lines[0].startswith(EXPLICIT_HEADING):
            # The desk's own grammar (``articles.plaintext``): "## Reaction" is a subheading
            # whatever it looks like.
            part = body.normalize_space(folded[len(EXPLICIT_HEADING) :])
            if part:
                kinds.append(Block.Kind.SUBHEADING)
                texts.append(part)
        elif kinds and len(lines) == 1 and looks_like_heading(folded):
            part = folded
            kinds.append(Block.Kind.SUBHEADING)
            texts.append(folded)
        else:
            part = folded
            kinds.append(Block.Kind.PARAGRAPH)
            texts.append(folded)
        _check_part(part, place=place, parts=len(kinds) + len(raw_notes), total=len(chunks))

    # A "heading" with no paragraph after it is a sign-off ("Reporting by Jane Doe"), not a
    # heading: keep it as a paragraph.
    for index in range(len(kinds) - 1, -1, -1):
        if kinds[index] in body.NUMBERED_KINDS:
            break
        kinds[index] = Block.Kind.PARAGRAPH

    blocks = [
        services.BlockData(kind=kind, text=body.from_plain(text))
        for kind, text in zip(kinds, texts, strict=True)
    ]
    story = ParsedStory(
        blocks=blocks,
        subheadings=[body.plain_text(b.text) for b in blocks if b.kind == Block.Kind.SUBHEADING],
    )
    count = story.paragraph_count
    if not count:
        raise StoryImportError("The story has no paragraphs, only notes or headings.")
    numbered = body.paragraph_texts([{"kind": b.kind, "text": b.text} for b in blocks])
    for kind, note_text in raw_notes:
        named = note_paragraphs(note_text, paragraph_count=count)
        missing = [n for n in named if not 1 <= n <= count]
        if missing:
            raise StoryImportError(
                f"A note names paragraph {', '.join(map(str, missing))}, but the story has "
                f"{count} paragraph{'s' if count != 1 else ''}: “{note_text[:80]}”"
            )
        before, after = note_change(note_text)
        paragraphs, how = note_anchor(note_text, after=after, paragraphs=numbered, kind=kind)
        story.notes.append(
            services.NoteData(
                kind=kind, text=note_text, paragraphs=tuple(paragraphs), before=before, after=after
            )
        )
        story.anchors.append(how)
    return story


# --- Saving -----------------------------------------------------------------------------


def _resolve_author(byline: Author | str) -> Author:
    if isinstance(byline, Author):
        return byline
    name = " ".join(str(byline).split())
    if not name:
        raise StoryImportError("A byline cannot be blank.")
    author = Author.objects.filter(display_name__iexact=name).order_by("pk").first()
    if author:
        return author
    author = Author(display_name=name, slug=services.unique_slug(Author, name, max_length=120))
    author.full_clean()
    author.save()
    return author


def _staff_author() -> Author:
    author, _ = Author.objects.get_or_create(
        slug=STAFF_AUTHOR_SLUG,
        defaults={"display_name": STAFF_AUTHOR_NAME, "title": "Staff reports"},
    )
    return author


def _default_author(actor: AbstractBaseUser | None) -> Author:
    """A story imported without bylines: under the importing person's own byline (a reporter
    may byline only themselves), else under the shared staff author."""
    own = Author.objects.filter(user_id=actor.pk).first() if actor is not None else None
    return own or _staff_author()


def _one_line(exc: ValidationError) -> str:
    return " ".join(" ".join(exc.messages).split())


def import_story(
    *,
    text: str,
    section: Section,
    actor: AbstractBaseUser | None = None,
    headline: str | None = None,
    dek: str = "",
    bylines: Sequence[Author | str] = (),
    credit_line: str = "",
    kind: str = Article.Kind.NEWS,
    dateline: str = "",
    tags: Sequence[str] = (),
    slug: str = "",
    publish: bool = False,
    published_at: datetime | None = None,
) -> Article:
    """Parse ``text`` and save it as an article with its notes; publish it if asked.

    Bylines are ``Author`` rows or display names (found case-insensitively, or created with a
    unique slug); with none, the story goes out under the importing actor's own author
    profile, or else the shared "Newsroom Staff" author, so an import can always be
    published. Notes are issued at the publication time and written before
    ``article_publish``, which publishes pending notes with the story, so a published import
    shows its notes at once.

    Everything happens in one transaction: on any error nothing is saved, not even a new
    author. Raises ``StoryImportError`` for bad input (a story over the byte limit, or past
    the block limits, included, and whatever else the services' own validation rejects);
    permission errors from the services pass through unchanged.
    """
    size_check(len(text.encode("utf-8", errors="surrogatepass")))
    story = parse_story(text)
    when = published_at or timezone.now()
    try:
        with transaction.atomic():
            authors = [_resolve_author(b) for b in bylines] or [_default_author(actor)]
            article = services.article_create(
                actor=actor,
                section=section,
                headline=(headline or "").strip() or story.suggested_headline,
                blocks=story.blocks,
                authors=list(dict.fromkeys(authors)),
                slug=slug,
                dek=dek,
                dateline=dateline,
                kind=kind,
                credit_line=credit_line,
                tags=tags,
                message=IMPORT_MESSAGE,
            )
            for note in story.notes:
                services.correction_note_create(
                    article=article, actor=actor, note=note, issued_at=when
                )
            if publish:
                # NOTE: no message: from a desk user it would become a review comment.
                article = services.article_publish(article=article, actor=actor, at=when)
    except ValidationError as exc:
        raise StoryImportError(_one_line(exc)) from exc
    return article


def _anchor_found(note: CorrectionNote, paragraphs: dict[int, str]) -> str:
    """How the note's paragraphs were found: read again from the note, as the import read
    it, or ``ANCHOR_EDITOR`` when someone has set other paragraphs since."""
    found, how = note_anchor(note.text, after=note.after, paragraphs=paragraphs, kind=note.kind)
    if sorted(found) == sorted(note.paragraphs):
        return how
    return ANCHOR_EDITOR if note.paragraphs else ANCHOR_NONE


def story_summary(article: Article) -> dict[str, Any]:
    """What an import created, as plain JSON (the command's ``--json`` output).

    Each correction says how its paragraphs were found (``"anchor"``: ``"named"`` by the
    note, ``"words"`` it holds, ``"none"``, or ``"editor"`` when set in the desk since).
    ``suggestions`` are the quote finder's proposed sources (``articles.quotes``) for every
    quoted passage and reported claim that no attribution of the article covers yet, matched
    against the sources already on file, so the desk's one-click suggestions can be checked
    from the command line.
    """
    blocks = list(article.blocks.all())
    attributions = list(article.attributions.select_related("source"))
    paragraphs = body.paragraph_texts(blocks)
    quoted = {
        item.number
        for item in body.number_blocks(blocks)
        if item.number is not None and item.block.kind == Block.Kind.BLOCKQUOTE
    }
    reading = quotes.read(paragraphs, quoted_paragraphs=quoted)  # one analysis for both
    open_findings = quotes.uncovered(reading.findings, attributions)
    suggestions = reading.suggest(
        open_findings, sources=Source.objects.only("pk", "name", "aliases", "kind")
    )
    return {
        "url": article.get_absolute_url(),
        "slug": article.slug,
        "status": article.status,
        "headline": article.headline,
        "section": article.section.slug,
        "bylines": [b.author.display_name for b in article.bylines.select_related("author")],
        "paragraphs": len(paragraphs),
        "subheadings": [body.plain_text(b.text) for b in blocks if b.kind == Block.Kind.SUBHEADING],
        "corrections": [
            {
                "kind": note.kind,
                "paragraphs": note.paragraphs,
                "anchor": _anchor_found(note, paragraphs),
                "before": note.before,
                "after": note.after,
                "text": note.text,
                "published": note.is_published,
            }
            for note in article.corrections.all()
        ],
        "attributions": [
            {
                "source": a.source.name,
                "kind": a.kind,
                "paragraph": a.paragraph,
                "text": a.text,
            }
            for a in attributions
        ],
        "suggestions": [
            {
                "source": suggestion.source_name,
                "source_kind": suggestion.source_kind,
                "kind": suggestion.attribution_kind,
                "text": suggestion.finding.text,
                "paragraph": suggestion.finding.paragraph,
                "existing_source": suggestion.source_id is not None,
            }
            for suggestion in suggestions
        ],
    }
