"""Cues: the clauses that tie a passage to whoever said it. Advisory layer.

A ``Cue`` is where a paragraph says who is speaking ("Haley said", "said Tomás Reyes",
"according to figures compiled by AirWatch", "an official who spoke on condition of
anonymity said"); its ``Subject`` is that someone as written, resolved to a source later
(``articles.quotes.attribution.resolve``). ``CueReader`` reads one paragraph and asks each
pattern module in turn; the first pattern to claim words keeps them, so cues never overlap.

Pattern modules, in the order they read:

- ``anonymous``: unnamed sources ("a person familiar with the talks said");
- ``documents``: "according to …", documents and data and who made them;
- ``cue_verbs``: a speech verb and its subject ("Roe said", "Roe called it", "she wrote"),
  which hands over to ``appositives`` ("The airport's manager, Jane Roe, said") and
  ``inverted`` ("…,” said Roe"), and to ``frames`` for what follows the verb ("in a
  statement", "told Reuters");
- ``documents`` again for "figures from the library board" standing on their own.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from articles.quotes.attribution.names import classify_run, has_role_word, run_forward, words_of
from articles.quotes.attribution.text import Para, Tok
from articles.quotes.attribution.vocabulary import (
    DATA_NOUNS,
    DETERMINERS,
    DOCUMENT_PHRASES,
    DOCUMENT_VERBS,
    FUNCTION_WORDS,
    GENERIC_SUBJECTS,
    MADE_BY,
    ORG_WORDS,
    PUBLICATION_NOUNS,
    ROLE_WORDS,
    SPEECH_VERBS,
    TIME_WORDS,
    word_set,
)


@dataclass(frozen=True)
class Subject:
    """Who or what a cue names, as written; resolved to a source later.

    ``form``: "name" (a capitalised run), "pronoun", "title" ("the ambassador", "the
    trust"), "document" ("a UN commissioned report"), "sourced" ("figures from the library
    board": ``owner`` is the library board) or "anonymous" (nobody, on purpose).
    """

    form: str
    words: tuple[str, ...]
    role: str = ""
    owner: Subject | None = None
    data: bool = False
    hint: str = ""  # "organisation" when the story describes the name as a body


@dataclass(frozen=True)
class Cue:
    paragraph: int
    start: int
    end: int
    sentence: int
    subject: Subject
    pattern: str = ""  # the corpus's name for the way it attributes: cue_verb, inverted, ...
    outlet: bool = False
    lead_in: bool = False  # its sentence ends with ":" or ",", introducing what follows
    speech: bool = True  # a person or body speaking (not a document or data)
    weak: bool = False  # a body or "they" with a document's verb: kept only if resolved


class CueReader:
    """Finds the cues of one paragraph (see the module docstring for the patterns)."""

    def __init__(self, para: Para) -> None:
        self.para = para
        self.tokens = para.tokens
        self.cues: list[Cue] = []
        self.taken: list[tuple[int, int]] = []

    def read(self) -> list[Cue]:
        # Imported here: the pattern modules import this one.
        from articles.quotes.attribution import anonymous, cue_verbs, documents

        anonymous.read(self)
        documents.read_according(self)
        cue_verbs.read(self)
        documents.read_sourced(self)
        return sorted(self.cues, key=lambda c: c.start)

    # helpers

    def next_is(self, i: int, word: str) -> bool:
        return i + 1 < len(self.tokens) and self.tokens[i + 1].lower == word

    def next_in(self, i: int, words: Iterable[str]) -> bool:
        return i + 1 < len(self.tokens) and self.tokens[i + 1].lower in words

    def bounds(self, i: int) -> tuple[int, int]:
        return self.para.sentence_bounds(self.para.sentence_of[i])

    def free(self, first: int, last: int) -> bool:
        start, end = self.tokens[first].start, self.tokens[last].end
        at = bisect.bisect_left(self.taken, (start, end))
        return not (
            (at > 0 and self.taken[at - 1][1] > start)
            or (at < len(self.taken) and self.taken[at][0] < end)
        )

    def add(
        self, first: int, last: int, subject: Subject, pattern: str, *, weak: bool = False
    ) -> bool:
        """Record a cue over tokens [first, last] unless another already holds any of them."""
        start, end = self.tokens[first].start, self.tokens[last].end
        # ``taken`` is kept sorted, so only the neighbours of the new span need checking.
        if not self.free(first, last):
            return False
        self.taken.insert(bisect.bisect_left(self.taken, (start, end)), (start, end))
        sentence = self.para.sentence_of[first]
        _, s_last = self.para.sentence_bounds(sentence)
        closing = self.tokens[s_last]
        outlet = subject.form == "name" and classify_run(subject.words).kind == "publication"
        self.cues.append(
            Cue(
                paragraph=self.para.number,
                start=start,
                end=end,
                sentence=sentence,
                subject=subject,
                pattern=pattern,
                outlet=outlet,
                lead_in=closing.kind == "p" and closing.text in ":,",
                speech=subject.form not in ("document", "sourced"),
                weak=weak,
            )
        )
        return True


# --- Phrases ----------------------------------------------------------------------------


def name_subject(tokens: Sequence[Tok], first: int, last: int, *, role: str = "") -> Subject | None:
    """A capitalised run as a speaker, or None when it cannot be one ("Officials")."""
    words = words_of(tokens, first, last)
    if not words or tokens[last].possessive:
        return None
    info = classify_run(words)
    if info.kind == "unknown" and (
        not info.name or (len(info.name) == 1 and info.name[0].lower() in GENERIC_SUBJECTS)
    ):
        return None
    if info.kind == "role":
        return Subject("title", tuple(words), role=info.role)
    if info.kind == "organisation" and len(info.name) == 1:
        word = info.name[0].lower()
        if word in ORG_WORDS or word in GENERIC_SUBJECTS:
            # "Police said", "The Council said": a reference, like "the council".
            return Subject("title", (word,))
    return Subject("name", words, role=role)


def phrase_back(tokens: Sequence[Tok], i: int, first: int) -> tuple[int, str] | None:
    """A lower-case noun phrase ending at ``i``, read back to its determiner.

    Returns (index of its first word, determiner or ""), or None if a function word cuts it
    off before any noun.
    """
    j = i
    while j >= first and i - j < 6:
        tok = tokens[j]
        if not tok.is_word:
            break
        if tok.lower in DETERMINERS and j < i:
            return j + 1, tok.lower
        if tok.lower in FUNCTION_WORDS or tok.lower in SPEECH_VERBS or tok.lower in DOCUMENT_VERBS:
            break
        j -= 1
    return (j + 1, "") if j < i else None


def phrase_forward(tokens: Sequence[Tok], i: int, last: int, limit: int = 8) -> int:
    """The last token index of a noun phrase starting at ``i`` (stops at punctuation,
    function words and verbs)."""
    j = i
    while j + 1 <= last and j + 1 - i < limit:
        nxt = tokens[j + 1]
        if not nxt.is_word or nxt.lower in FUNCTION_WORDS or nxt.lower in DETERMINERS:
            break
        if nxt.lower in TIME_WORDS:
            break
        if (
            nxt.lower in SPEECH_VERBS
            or nxt.lower in DOCUMENT_VERBS
            or nxt.lower in DOCUMENT_PHRASES
            or nxt.lower in MADE_BY
        ):
            break
        j += 1
    return j


def document_subject(tokens: Sequence[Tok], first: int, head: int) -> Subject | None:
    """ "A UN commissioned report" / "the commission’s report" / "court records"."""
    words = tuple(t.text for t in tokens[first : head + 1] if t.is_word)
    noun = tokens[head].bare
    if len(words) == 1 and noun in GENERIC_SUBJECTS:
        return None
    return Subject("document", words, data=noun in DATA_NOUNS)


# People who work somewhere: "researchers at the School of Public Health" are the school's.
_WORKERS = word_set(
    "researchers scientists analysts economists experts staff academics engineers "
    "statisticians epidemiologists investigators auditors"
)


def _works_somewhere(tok: Tok) -> bool:
    word = tok.lower
    return tok.is_word and (word in _WORKERS or (word.endswith("s") and word[:-1] in ROLE_WORDS))


def owner_subject(tokens: Sequence[Tok], i: int, last: int) -> tuple[Subject, int] | None:
    """Who a document or data set comes from: "the library board", "Reuters", "Haley",
    "the passenger group RailWatch", "researchers at the Fenmoor School of Public Health"."""
    j = i
    if j <= last and tokens[j].is_word and tokens[j].lower in DETERMINERS:
        j += 1
    if j > last or not tokens[j].is_word:
        return None
    w = j
    while (
        w <= last
        and w - j < 2
        and tokens[w].is_word
        and not tokens[w].capitalised
        and not _works_somewhere(tokens[w])
    ):
        w += 1  # "marine biologists at …"
    if (
        w + 2 <= last
        and _works_somewhere(tokens[w])
        and tokens[w + 1].lower in ("at", "from", "with")
    ):
        return owner_subject(tokens, w + 2, last)
    if not tokens[j].capitalised:
        # "the engineering firm Caldwell & Prior": a description, then the name.
        n = j
        while n <= last and n - j < 4 and tokens[n].is_word and not tokens[n].capitalised:
            if tokens[n].lower in FUNCTION_WORDS:
                break
            n += 1
        if n <= last and n > j and tokens[n].capitalised and tokens[n - 1].bare in _DESCRIBED_AS:
            run = run_forward(tokens, n, last)
            if run:
                subject = name_subject(tokens, run[0], run[1])
                return (subject, run[1]) if subject else None
    run = run_forward(tokens, j, last)
    if run:
        subject = name_subject(tokens, i if tokens[i].lower == "the" else run[0], run[1])
        return (subject, run[1]) if subject else None
    end = phrase_forward(tokens, j, last, limit=5)
    words = tuple(t.lower for t in tokens[j : end + 1] if t.is_word)
    if not words or (words[-1] in GENERIC_SUBJECTS and len(words) == 1):
        return None
    head = tokens[end].bare
    if head not in ORG_WORDS and head not in ROLE_WORDS and head not in PUBLICATION_NOUNS:
        return None  # "data from last year" names no one
    return Subject("title", words), end


# What a name may be described as just before it: "the consultancy Marlow Planning".
DESCRIBED_AS = _DESCRIBED_AS = word_set(
    "group firm consultancy company nonprofit charity agency organisation organization "
    "institute body campaign coalition network union association startup start-up "
    "website site service platform tracker outlet broadcaster newspaper magazine researcher "
    "analyst pollster provider developer operator insurer lender bank"
)

_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def role_after(para: Para, last: int) -> str:
    """The role set off after a name ending at token ``last``: "Paulo Pinheiro, the UN
    commission chairman … said", "Tomás Reyes, the trust’s survey coordinator." It must
    hold a role word, so "Dr. Lena Hartmann, who runs the programme" has none."""
    tokens = para.tokens
    if last + 2 >= len(tokens) or tokens[last + 1].text != ",":
        return ""
    e = last + 2
    if not tokens[e].is_word or (
        tokens[e].lower in FUNCTION_WORDS and tokens[e].lower not in ("the", "a", "an")
    ):
        return ""
    while e + 1 < len(tokens) and tokens[e + 1].is_word and e - last < 16:
        if tokens[e + 1].text in SPEECH_VERBS:
            break
        e += 1
    segment = tokens[last + 2 : e + 1]
    if not has_role_word(segment):
        return ""
    return _LEADING_ARTICLE.sub("", para.text[segment[0].start : segment[-1].end])


def strip_article(text: str) -> str:
    return _LEADING_ARTICLE.sub("", text)
