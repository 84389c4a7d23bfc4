"""Inverted attribution: the verb before its speaker. Advisory layer.

"“…,” said Tomás Reyes, the trust’s survey coordinator", "…, said the ambassador",
"said the Prime Minister of Canada, Mark Roe" (the corpus's ``title_name``: the name after
the role is the speaker).

The verb must follow a quote or a pause (a comma, colon or dash) and the speaker must close
the clause: in "Jo Lee, who runs it, said the office would close" the office is what she
spoke about, not a speaker, so a noun phrase after the verb that goes on into a verb ("would
close") is not read as one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from articles.quotes.attribution import frames
from articles.quotes.attribution.cues import (
    Subject,
    name_subject,
    phrase_forward,
    role_after,
    strip_article,
)
from articles.quotes.attribution.names import (
    classify_run,
    has_role_word,
    run_forward,
    words_of,
)
from articles.quotes.attribution.vocabulary import (
    GENERIC_BODIES,
    ORG_WORDS,
    PEOPLE_NOUNS,
    PRONOUNS,
    PUBLICATION_NOUNS,
    ROLE_WORDS,
    word_set,
)

if TYPE_CHECKING:
    from articles.quotes.attribution.cues import CueReader

# Words that may follow the speaker of an inverted attribution: the clause is over.
_AFTER_SPEAKER = word_set(
    "in at on during after before when while as to of for from with last this earlier later "
    "on and but who whose adding noting saying according"
)


def _closes(reader: CueReader, end: int, last: int) -> bool:
    """Whether the speaker ending at token ``end`` closes the clause."""
    if end + 1 > last:
        return True
    nxt = reader.tokens[end + 1]
    return not nxt.is_word or nxt.lower in _AFTER_SPEAKER


_DESCRIBERS = word_set("the a an its his her their our")


def _described_name(reader: CueReader, j: int, last: int) -> tuple[tuple[int, int], str] | None:
    """After the verb: who they are, a comma, then a name ("the chair of the commission,
    Beatriz Ocampo"; "its foreign ministry spokesman, Arvid Kalnins"; "RailWatch's founder,
    Ada Lindqvist"). Returns the name's run and the description as a role."""
    tokens = reader.tokens
    opener = tokens[j]
    if not (
        opener.lower in _DESCRIBERS
        or opener.possessive
        or (opener.capitalised and _possessive_run(tokens, j, last))
    ):
        return None
    e = j
    while e + 1 <= last and e - j < 14 and (tokens[e + 1].is_word or tokens[e + 1].text == "&"):
        e += 1
    if e + 2 > last or tokens[e + 1].text != ",":
        return None
    description = tokens[j : e + 1]
    if not has_role_word(description):
        return None
    named = run_forward(tokens, e + 2, last)
    if named is None:
        return None
    info = classify_run(words_of(tokens, *named))
    if info.kind not in ("person", "unknown") or not info.name:
        return None
    role = strip_article(reader.para.text[description[0].start : description[-1].end])
    return named, role


def _possessive_run(tokens, j: int, last: int) -> bool:
    """A capitalised run ending in a possessive: "RailWatch's", "Hearth & Crumb's"."""
    for k in range(j, min(j + 5, last + 1)):
        if tokens[k].possessive:
            return True
        if not (tokens[k].capitalised or tokens[k].text == "&"):
            return False
    return False


def read(reader: CueReader, v: int, k: int, first: int, last: int) -> None:
    tokens = reader.tokens
    if k >= first and not (tokens[k].kind == "q" or tokens[k].text in ",:—–"):
        return
    j = v + 1
    if j > last or not tokens[j].is_word:
        return
    if tokens[j].lower in PRONOUNS:
        if _closes(reader, j, last) and reader.add(
            v, j, Subject("pronoun", (tokens[j].lower,)), "pronoun"
        ):
            frames.reserve(reader, j)
        return
    named = _described_name(reader, j, last)
    if named is not None:
        # "said the mayor, Ana Ruiz", "said RailWatch's founder, Ada Lindqvist": the name
        # after who they are is the speaker.
        (n_first, n_last), role = named
        subject = name_subject(tokens, n_first, n_last, role=role)
        if subject and reader.add(v, n_last, subject, "inverted"):
            frames.reserve(reader, n_last)
        return
    if (
        tokens[j].lower == "one"
        and j + 2 <= last
        and tokens[j + 1].lower == "of"
        and tokens[j + 2].lower == "the"
    ):
        j += 2  # "said one of the aides"
    if tokens[j].lower in ("the", "a", "an") and j + 1 <= last and not tokens[j + 1].capitalised:
        end = phrase_forward(tokens, j + 1, last)
        words = tuple(t.lower for t in tokens[j + 1 : end + 1])
        if (
            words
            and tokens[j].lower == "the"
            and (
                words[-1] in ROLE_WORDS
                or words[-1] in ORG_WORDS
                or words[-1] in PUBLICATION_NOUNS
                or words[-1] in GENERIC_BODIES
                or words[-1] in PEOPLE_NOUNS
            )
            and _closes(reader, end, last)
            and reader.add(v, end, Subject("title", words), "title")
        ):
            frames.reserve(reader, end)
        return
    start = j + 1 if tokens[j].lower == "the" else j
    run = run_forward(tokens, start, last)
    if run is None:
        return
    info = classify_run(words_of(tokens, j, run[1]))
    end = run[1]
    if info.kind == "role" and end + 2 <= last and tokens[end + 1].text == ",":
        # "said the Prime Minister of Canada, Mark Roe": the name is the speaker.
        named = run_forward(tokens, end + 2, last)
        if named is not None:
            person = classify_run(words_of(tokens, *named))
            if person.kind in ("person", "unknown") and person.name:
                subject = name_subject(tokens, *named, role=" ".join(info.role.split()))
                if subject and reader.add(v, named[1], subject, "title_name"):
                    frames.reserve(reader, named[1])
                return
    if not _closes(reader, end, last):
        return
    role = role_after(reader.para, end)
    subject = name_subject(tokens, j, end, role=role)
    if subject and reader.add(v, end, subject, "inverted"):
        frames.reserve(reader, end)
