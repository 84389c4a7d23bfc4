"""Anonymous sources: a passage the story attributes to nobody by name, on purpose.

Advisory layer. "An official, who spoke on condition of anonymity, said …", "said a person
familiar with the talks", "according to two people briefed on the plan", "sources said",
"a diplomat who asked not to be named said". The cue's subject is ``anonymous``: its
passages are flagged (``Finding.anonymous``) and get no suggested source, so the desk can
show them for an editor to weigh, never to attribute by a click.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from articles.quotes.attribution.cues import Subject
from articles.quotes.attribution.vocabulary import SPEECH_VERBS, word_set

if TYPE_CHECKING:
    from articles.quotes.attribution.cues import CueReader

# Said of the source itself: the story says it is unnamed.
_MARKERS = re.compile(
    r"\b(?:on\s+(?:the\s+)?condition\s+(?:of\s+anonymity|(?:that\s+)?(?:he|she|they|it)\s+"
    r"(?:not\s+be|would\s+not\s+be|remain)\s+(?:named|identified|unnamed))"
    r"|(?:who|that)\s+(?:asked|requested|declined|wished|preferred)\s+(?:not\s+)?to\s+"
    r"(?:be\s+|remain\s+)?(?:named|identified|anonymous|unnamed)"
    r"|asked\s+that\s+(?:his|her|their)\s+(?:full\s+)?names?\s+not\s+be\s+(?:used|published|given)"
    r"|(?:his|her|their)\s+names?\s+(?:was|were|is|are|has\s+been|have\s+been)\s+withheld"
    r"|(?:was|were|is|are)\s+not\s+(?:authori[sz]ed|permitted|allowed|cleared)\s+to\s+"
    r"(?:speak|comment|talk|discuss|be\s+quoted)"
    r"|speaking\s+(?:anonymously|privately|on\s+background)"
    r"|anonymously|anonymous\s+(?:source|sources|official|officials|person|people))\b",
    re.IGNORECASE,
)
# An unnamed someone: "a person familiar with", "two officials briefed on", "sources close to".
_UNNAMED = re.compile(
    r"\b(?:(?:a|an|one|two|three|four|five|several|some|many|other|multiple|another)\s+"
    r"(?:(?:of\s+the\s+)|(?:[a-z][a-z.\-]*\s+)){0,3}"
    r"(?:people|person|persons|officials?|sources?|insiders?|aides?|diplomats?|employees?|"
    r"staffers?|executives?|members?|individuals?|residents?|workers?|managers?|officers?|"
    r"investigators?|lawmakers?|advisers?|advisors?)"
    r"\s+(?:familiar|close|briefed|with\s+(?:direct\s+)?knowledge|involved|knowledgeable|"
    r"privy|present|in\s+the\s+room|at\s+the\s+meeting|who\s+(?:spoke|asked|requested|"
    r"declined|was|were|is|are|had|has|have|attended|saw|heard|took\s+part))"
    r"|(?<![\w’'])sources?\s+(?:said|say|says|told|familiar|close|briefed|with\s+knowledge)"
    r"|(?<![\w’'])officials\s+(?:from|in|at|with|of|close\s+to|familiar\s+with)\s)",
    re.IGNORECASE,
)


def read(reader: CueReader) -> None:
    para = reader.para
    text = para.text
    tokens = reader.tokens
    hits = [(m.start(), m.end()) for m in _MARKERS.finditer(text)]
    hits += [(m.start(), m.end()) for m in _UNNAMED.finditer(text)]
    for start, end in sorted(hits):
        inside = [i for i, t in enumerate(tokens) if t.is_word and start <= t.start < end]
        if not inside:
            continue  # inside a quote: the quote says it, the story does not
        first_tok, last_tok = inside[0], inside[-1]
        first, last = reader.bounds(first_tok)
        if any(t.lower in _CITING for t in tokens[max(first, first_tok - 2) : first_tok]):
            # "…, the Tribune reported, citing two people close to …": the outlet is the
            # source; its own sources are its business.
            continue
        verb = _verb_near(reader, first_tok, last_tok, first, last)
        according = _according(reader, first_tok, first) if verb is None else None
        if verb is None and according is None:
            continue
        lo = min(first_tok, verb) if verb is not None else according
        hi = max(last_tok, verb) if verb is not None else last_tok
        if verb is not None and verb < first_tok:
            # "said a person familiar with …": the cue runs from the verb.
            lo = verb
        who = _who(reader, first, hi)
        reader.add(max(lo, first), hi, Subject("anonymous", who), "anonymous")


_FEMALE = word_set("woman mother her she daughter wife sister grandmother girl")
_MALE = word_set("man father his he son husband brother grandfather boy")


def _who(reader: CueReader, first: int, hi: int) -> tuple[str, ...]:
    """The unnamed source's nouns (and "female"/"male" when the sentence says)."""
    from articles.quotes.attribution.vocabulary import PEOPLE_NOUNS, ROLE_WORDS

    nouns: list[str] = []
    gender = ""
    for tok in reader.tokens[first : hi + 1]:
        if not tok.is_word:
            continue
        word = tok.bare
        if (word in ROLE_WORDS or word in PEOPLE_NOUNS) and not tok.capitalised:
            nouns.append(word)
        if not gender and word in _FEMALE:
            gender = "female"
        elif not gender and word in _MALE:
            gender = "male"
    return (*nouns[:3], *((gender,) if gender else ()))


_CITING = word_set("citing quoting cited quoted")


def _verb_near(reader: CueReader, lo: int, hi: int, first: int, last: int) -> int | None:
    """The speech verb whose subject the unnamed source is: after its words ("a person
    familiar with the talks said"), or just before them ("said a diplomat who spoke on
    condition of anonymity")."""
    tokens = reader.tokens
    for i in range(hi + 1, min(hi + 15, last + 1)):
        if tokens[i].is_word and tokens[i].text in SPEECH_VERBS:
            return i
    for i in range(lo - 1, max(first, lo - 7) - 1, -1):
        if tokens[i].is_word and tokens[i].text in SPEECH_VERBS:
            return i
    return None


def _according(reader: CueReader, i: int, first: int) -> int | None:
    """Where "according to" stands just before the unnamed source ("according to two of
    the people, who asked not to be identified"), if it does."""
    tokens = reader.tokens
    for j in range(i - 2, max(first, i - 9) - 1, -1):
        if tokens[j].lower == "according" and tokens[j + 1].lower == "to":
            return j
        if tokens[j].kind == "q" or tokens[j].text in ".;:":
            return None
    return None
