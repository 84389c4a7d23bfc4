"""Words and sentences of a paragraph, around its quotes. Advisory layer.

The text outside quotes is split into words and punctuation, and each quote is one opaque
token, so a full stop inside a quote never ends the sentence around it, and "Gen." or
"U.S." never end one either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from articles.quotes.attribution.vocabulary import ABBREVIATIONS, SPEECH_VERBS, TITLES
from articles.quotes.spans import QUOTE_CHARS, QuoteSpan

if TYPE_CHECKING:
    from articles.quotes.attribution.cues import Cue


@dataclass(frozen=True)
class Tok:
    kind: str  # "w" word, "p" punctuation, "q" a whole quote
    text: str
    start: int
    end: int
    quote: int = -1

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def bare(self) -> str:
        """Lower case, without a possessive ending or an abbreviation's full stop."""
        word = self.text.lower().rstrip(".")
        for ending in ("’s", "'s", "’", "'"):
            if word.endswith(ending) and len(word) > len(ending):
                return word[: -len(ending)]
        return word

    @property
    def is_word(self) -> bool:
        return self.kind == "w"

    @property
    def capitalised(self) -> bool:
        return self.kind == "w" and self.text[0].isupper()

    @property
    def is_title(self) -> bool:
        return (
            self.kind == "w" and self.text.lower().rstrip(".") in TITLES and self.text[0].isupper()
        )

    @property
    def possessive(self) -> bool:
        return self.kind == "w" and self.text.lower().endswith(("’s", "'s", "s’", "s'"))


# A word may end in the apostrophe of a plural possessive ("the Farmers' Union").
# "1,900" is one word, so its comma never sets off a clause.
_WORD = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|[^\W_](?:[\w’'\-.]*[^\W_])?(?:(?<=s)['’](?!\w))?|[^\w\s]"
)


def tokens_of(text: str, quotes: Sequence[QuoteSpan]) -> list[Tok]:
    """Words and punctuation outside the quotes, with each quote as one ``q`` token."""
    tokens: list[Tok] = []
    position = 0
    for index, span in enumerate([*quotes, None]):
        stop = span.outer_start if span else len(text)
        while (match := _WORD.search(text, position, stop)) is not None:
            word = match.group()
            end = match.end()
            position = end
            if not (word[0].isalnum()):
                tokens.append(Tok("p", word, match.start(), end))
                continue
            # "Gen." and "U.S." keep their full stop, so it ends no sentence.
            if (
                end < stop
                and text[end] == "."
                and (
                    word.lower() in ABBREVIATIONS
                    or "." in word
                    or (len(word) == 1 and word.isupper())
                )
            ):
                word, end = word + ".", end + 1
                position = end
            tokens.append(Tok("w", word, match.start(), end))
        if span:
            tokens.append(
                Tok(
                    "q",
                    text[span.outer_start : span.outer_end],
                    span.outer_start,
                    span.outer_end,
                    quote=index,
                )
            )
            position = span.outer_end
    return tokens


def quote_text(text: str, span: QuoteSpan) -> str:
    return text[span.inner_start : span.inner_end]


def sentences_of(text: str, tokens: Sequence[Tok], quotes: Sequence[QuoteSpan]) -> list[int]:
    """The sentence index of each token.

    A sentence ends at ``. ! ?`` outside quotes when a capitalised word, a digit or a quote
    follows; after a quote ending in a full stop when a quote or a capitalised word follows;
    and after one ending in ``?`` or ``!`` unless a said-clause follows (“Why?” Ana asked.).
    """
    numbers: list[int] = []
    current = 0
    for i, tok in enumerate(tokens):
        numbers.append(current)
        if i + 1 >= len(tokens):
            break
        nxt = tokens[i + 1]
        starts = nxt.kind == "q" or (
            nxt.is_word and (nxt.text[0].isupper() or nxt.text[0].isdigit())
        )
        if tok.kind == "p" and tok.text in ".!?…" and starts:
            current += 1
        elif tok.kind == "q":
            ending = quote_text(text, quotes[tok.quote]).rstrip(QUOTE_CHARS + ")")[-1:]
            # “Is it over?” Haley asked. is one sentence; a said-clause after a full stop
            # would have had a comma, so “…over.” Haley ... starts a new one.
            after_stop = ending == "." and (nxt.kind == "q" or nxt.capitalised)
            after_question = ending in ("!", "?") and (
                nxt.kind == "q" or (nxt.capitalised and not said_follows(tokens, i + 1))
            )
            if after_stop or after_question:
                current += 1
    return numbers


def said_follows(tokens: Sequence[Tok], i: int) -> bool:
    """Whether a speech verb comes within five words of ``i``, before any punctuation."""
    for tok in tokens[i : i + 6]:
        if tok.kind != "w":
            return False
        if tok.text in SPEECH_VERBS:
            return True
    return False


@dataclass
class Para:
    """One paragraph, read: its quotes, tokens, sentences and (once read) cues."""

    number: int
    text: str
    quotes: list[QuoteSpan]
    tokens: list[Tok]
    sentence_of: list[int]
    cues: list[Cue] = field(default_factory=list)
    bounds: dict[int, tuple[int, int]] = field(init=False)
    quote_token: dict[int, int] = field(init=False)
    only_quotes: bool = field(init=False)

    def __post_init__(self) -> None:
        self.bounds = {}
        for index, sentence in enumerate(self.sentence_of):
            first, _ = self.bounds.get(sentence, (index, index))
            self.bounds[sentence] = (first, index)
        self.quote_token = {t.quote: i for i, t in enumerate(self.tokens) if t.kind == "q"}
        self.only_quotes = bool(self.quotes) and not any(t.is_word for t in self.tokens)

    @classmethod
    def read(cls, number: int, text: str, quotes: list[QuoteSpan]) -> Para:
        tokens = tokens_of(text, quotes)
        return cls(number, text, quotes, tokens, sentences_of(text, tokens, quotes))

    def sentence_bounds(self, sentence: int) -> tuple[int, int]:
        """Token indexes [first, last] of a sentence."""
        return self.bounds[sentence]

    def sentence_span(self, sentence: int) -> tuple[int, int]:
        """Character offsets of a sentence, without a trailing comma, colon or semicolon."""
        first, last = self.bounds[sentence]
        start, end = self.tokens[first].start, self.tokens[last].end
        if self.tokens[last].kind == "p" and self.tokens[last].text in ",:;" and last > first:
            end = self.tokens[last - 1].end
        return start, end

    def set_cues(self, cues: list[Cue]) -> None:
        self.cues = cues
        self.cue_starts = [c.start for c in cues]
        self.by_sentence: dict[int, list[Cue]] = {}
        for cue in cues:
            self.by_sentence.setdefault(cue.sentence, []).append(cue)
