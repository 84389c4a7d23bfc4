"""Documents and data, and "according to". Advisory layer.

- "according to Reuters", "according to Jane Roe", "according to a council report",
  "according to the environment office" (the corpus's ``according_to``);
- a document or data set and who made it: "figures from the library board", "a study by
  the Mill River Wildlife Trust", "according to flight-tracking figures compiled by
  AirWatch", "a report released by the Institute for Coastal Studies found" (``document``,
  ``data``): the source is whoever made it, named after "by" or "from";
- a document that speaks for itself: "court records show", "the commission’s report made
  clear" (read by ``cue_verbs`` with a document verb).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from articles.quotes.attribution.cues import (
    Subject,
    document_subject,
    name_subject,
    owner_subject,
    phrase_back,
    phrase_forward,
)
from articles.quotes.attribution.names import run_forward
from articles.quotes.attribution.vocabulary import (
    DATA_NOUNS,
    DETERMINERS,
    DOCUMENT_VERBS,
    DOCUMENTISH,
    MADE_BY,
    OBJECT_PRONOUNS,
    ORG_WORDS,
    PUBLICATION_NOUNS,
    ROLE_WORDS,
    SPEECH_VERBS,
    TIME_WORDS,
)

if TYPE_CHECKING:
    from articles.quotes.attribution.cues import CueReader


def read_according(reader: CueReader) -> None:
    tokens = reader.tokens
    for i, tok in enumerate(tokens):
        if tok.is_word and tok.lower == "according" and reader.next_is(i, "to"):
            according(reader, i)


def read_sourced(reader: CueReader) -> None:
    tokens = reader.tokens
    for i, tok in enumerate(tokens):
        if tok.is_word and tok.bare in DOCUMENTISH and _maker_at(reader, i) is not None:
            sourced(reader, i, standalone=True)


def _maker_at(reader: CueReader, d: int) -> int | None:
    """The token index that names who made the document at ``d``: "figures from …", "a
    report by …", "figures compiled by …", "a report released on Tuesday by …", "a
    survey of 12 analysts by …", "a poll of 800 voters, conducted for the Sentinel by …",
    "figures the museum files with …" (the museum)."""
    tokens = reader.tokens
    _, last = reader.bounds(d)
    j = d + 1
    if j > last:
        return None
    if tokens[j].is_word and tokens[j].lower in ("from", "by"):
        return j + 1
    if (tokens[j].is_word and tokens[j].lower in ("of", "on", "into")) or tokens[j].text == ",":
        # "a survey of 12 analysts by …", "a poll …, conducted for the Sentinel by …": a
        # short phrase, or one with a participle of making, before the "by".
        for n in range(j + 1, min(j + 13, last + 1)):
            if tokens[n].kind == "q" or (tokens[n].kind == "p" and tokens[n].text not in ",%$"):
                return None
            if tokens[n].lower == "by":
                made = any(t.lower in MADE_BY for t in tokens[j:n])
                near = tokens[j].text != "," and n - j <= 4
                return n + 1 if made or near else None
        return None
    if tokens[j].is_word and (tokens[j].lower in MADE_BY or tokens[j].lower in TIME_WORDS):
        # "a report released on Tuesday by …", "a study last year by …"
        for n in range(j + 1, min(j + 5, last + 1)):
            if not tokens[n].is_word:
                return None
            if tokens[n].lower == "by":
                return n + 1
        return None
    if tokens[j].is_word and tokens[j].lower in ("the", "that") and tokens[d].bare in DATA_NOUNS:
        # "figures the museum files with the Arts Council"
        k = j + 1 if tokens[j].lower == "that" and tokens[min(j + 1, last)].lower == "the" else j
        if k + 2 <= last and tokens[k + 1].is_word:
            verb = tokens[k + 2]
            if verb.is_word and not verb.capitalised and verb.lower.endswith(("s", "ed")):
                return k
    return None


def _finds(tokens, end: int, last: int) -> int | None:
    """The document verb after its maker ``end``, over a short phrase ("… in January
    found", "…, which found", "…, show")."""
    for n in range(end + 1, min(end + 12, last + 1)):
        tok = tokens[n]
        if tok.kind == "q":
            return None
        if tok.is_word and (tok.text in DOCUMENT_VERBS or tok.text in SPEECH_VERBS):
            return n
        if tok.kind == "p" and tok.text not in ",":
            return None
    return None


def according(reader: CueReader, i: int) -> None:
    """ "according to …" (see the module docstring)."""
    tokens = reader.tokens
    _, last = reader.bounds(i)
    j = i + 2
    if j > last or not tokens[j].is_word:
        return
    if tokens[j].lower in OBJECT_PRONOUNS:
        reader.add(i, j, Subject("pronoun", (OBJECT_PRONOUNS[tokens[j].lower],)), "pronoun")
        return
    k = j + 1 if tokens[j].lower in DETERMINERS else j
    end = phrase_forward(tokens, k, last) if k <= last and tokens[k].is_word else -1
    for d in range(k, end + 1):
        if tokens[d].bare in DOCUMENTISH and not tokens[d].capitalised:
            if _maker_at(reader, d) is not None:
                sourced(reader, d, cue_start=i)
                return
            subject = document_subject(tokens, k, d)
            if subject:
                reader.add(i, d, subject, "according_to")
            return
    run = run_forward(tokens, k, last)
    if run:
        subject = name_subject(tokens, j if tokens[j].lower == "the" else run[0], run[1])
        if subject:
            reader.add(i, run[1], subject, "according_to")
        return
    described = owner_subject(tokens, j, last)
    if described is not None and described[0].form == "name":
        # "according to the parent group Save Linden"
        reader.add(i, described[1], described[0], "according_to")
        return
    if k != j and end >= k:
        words = tuple(t.lower for t in tokens[k : end + 1])
        if words[-1] in ROLE_WORDS or words[-1] in ORG_WORDS or words[-1] in PUBLICATION_NOUNS:
            reader.add(i, end, Subject("title", words), "according_to")


def sourced(
    reader: CueReader, d: int, *, cue_start: int | None = None, standalone: bool = False
) -> None:
    """A document or data set and who made it (see the module docstring).

    ``standalone`` (not after "according to"): the document must be what finds or shows
    ("Figures from the board show …", "A study by the trust found …"), not the object of
    another verb ("The group obtained the figures from the authority").
    """
    tokens = reader.tokens
    first, last = reader.bounds(d)
    at = _maker_at(reader, d)
    if at is None or at > last:
        return
    if tokens[at].lower in ("the", "that") and at == d + 1:
        # "figures the museum files with …": the museum
        noun = at + 2 if tokens[at].lower == "that" else at + 1
        owner = (Subject("title", (tokens[noun].text,)), noun)
    else:
        owner = owner_subject(tokens, at, last)
    if owner is None:
        return
    subject, end = owner
    made = tokens[d + 1].lower in MADE_BY if d + 1 <= last else False
    if standalone and not made and not _finds(tokens, end, last):
        return
    start = cue_start
    if start is None:
        back = phrase_back(tokens, d, first)
        start = back[0] - (1 if back and back[1] else 0) if back else d
    verb = _finds(tokens, end, last)
    if verb is not None and verb - end <= 1:
        end = verb
    data = tokens[d].bare in DATA_NOUNS
    reader.add(
        start,
        end,
        Subject("sourced", (tokens[d].text,), owner=subject, data=data),
        "data" if data else "document",
    )
