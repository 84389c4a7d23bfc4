"""Appositives: a speaker set off by commas before the verb. Advisory layer.

Two orders:

- the name, then who they are: "Paulo Pinheiro, the UN commission chairman … said",
  "Jo Lee, who runs the office, said", "Jane Roe, 45, said", "Gen. Stephen Townsend,
  Commander of Coalition Forces said";
- who they are, then the name (the corpus's ``appositive`` and ``possessive_frame``):
  "The airport's manager, Jane Roe, said the runway …", "The council engineer, Tom Reed,
  said, “It is overdue.”", "The mayor's chief of staff, Jo Lee, said the office …". The
  speaker is the name, never the common noun after the verb.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from articles.quotes.attribution import frames
from articles.quotes.attribution.cues import DESCRIBED_AS, name_subject, strip_article
from articles.quotes.attribution.names import (
    classify_run,
    has_role_word,
    run_back,
    run_forward,
    words_of,
)
from articles.quotes.attribution.vocabulary import (
    DETERMINERS,
    GENERIC_BODIES,
    ORG_WORDS,
    PREPOSITIONS,
    ROLE_WORDS,
    word_set,
)

if TYPE_CHECKING:
    from articles.quotes.attribution.cues import CueReader

# How a segment set off after a name may open, when it holds no role word: a relative
# clause, an age, a description ("a 30-year veteran of the force").
_DESCRIPTION_OPENERS = word_set("who whose which a an the his her their its one")


def _describes(segment) -> bool:
    if has_role_word(segment):
        return True
    head = segment[0]
    return head.is_word and (
        head.lower in _DESCRIPTION_OPENERS
        or head.text.isdigit()
        # "Lang, speaking to reporters after a service, said"
        or (not head.capitalised and head.lower.endswith(("ing", "ed")) and len(head.text) > 4)
    )


def name_then_role(
    reader: CueReader, v: int, k: int, first: int, v_last: int, *, weak: bool = False
) -> bool:
    """ "Name, description, said" (see the module docstring). ``weak``: the verb is a
    document's ("The Ardmore Fiscal Office, the assembly’s watchdog, put the cost at"),
    so only a body can be its subject, and only if the story knows it."""
    tokens = reader.tokens
    j = k - 1 if tokens[k].kind == "p" and tokens[k].text == "," else k
    i = j
    while i >= first and j - i <= 28:
        tok = tokens[i]
        if tok.kind == "q":
            return False
        if tok.kind == "p" and tok.text not in ("$", "%", "&", "-"):
            break
        i -= 1
    if i < first or tokens[i].text != "," or i == j:
        return _opening_name(reader, k, first, v_last)
    segment = tokens[i + 1 : j + 1]
    if not _describes(segment):
        return _opening_name(reader, k, first, v_last)
    run = run_back(tokens, i - 1, first)
    if run is None:
        return False if weak else _opening_name(reader, k, first, v_last)
    words = words_of(tokens, *run)
    info = classify_run(words)
    if info.kind not in ("person", "unknown", "organisation") or not info.name:
        return False
    if weak and info.kind != "organisation":
        return False
    if run[0] - 1 >= first and tokens[run[0] - 1].lower in PREPOSITIONS:
        return False
    # "In Geneva, the ambassador said": one unknown word is a place, not a speaker,
    # unless it opens the sentence as a surname would ("Haley, the ambassador, said").
    if info.kind == "unknown" and len(info.name) == 1 and not info.titles and run[0] != first:
        return False
    role = strip_article(reader.para.text[segment[0].start : segment[-1].end])
    if not has_role_word(segment):
        role = ""
    subject = name_subject(tokens, *run, role=role)
    if subject is None:
        return False
    start = run[0] - 1 if run[0] - 1 >= first and tokens[run[0] - 1].lower == "the" else run[0]
    if reader.add(start, v_last, subject, "appositive", weak=weak):
        frames.reserve(reader, v_last)
    return True


def _opening_name(reader: CueReader, k: int, first: int, v_last: int) -> bool:
    """ "Price, whose mother, June Price, still works …, said": the name that opens the
    sentence, set off by a clause that holds commas of its own, is the speaker."""
    tokens = reader.tokens
    if tokens[k].text != "," or k - first > 40:
        return False
    start = first + 1 if tokens[first].lower == "the" else first
    run = run_forward(tokens, start, k)
    if run is None or run[1] + 2 >= k or tokens[run[1] + 1].text != ",":
        return False
    opener = tokens[run[1] + 2]
    if not (opener.lower in ("who", "whose", "which") or opener.text.isdigit()):
        return False  # "Dev Mallick, 46, who was stopped …, said"
    if any(t.kind == "q" for t in tokens[run[1] : k]):
        return False
    info = classify_run(words_of(tokens, first, run[1]))
    if info.kind not in ("person", "unknown", "organisation") or not info.name:
        return False
    subject = name_subject(tokens, first, run[1])
    if subject is None:
        return False
    if reader.add(first, v_last, subject, "appositive"):
        frames.reserve(reader, v_last)
    return True


def role_then_name(reader: CueReader, v: int, k: int, first: int, v_last: int) -> bool:
    """ "Description, Name, said" (see the module docstring)."""
    tokens = reader.tokens
    if tokens[k].text != ",":
        return False
    run = run_back(tokens, k - 1, first)
    if run is None:
        return False
    name_start = run[0]
    if name_start - 1 >= first and tokens[name_start - 1].lower == "the":
        name_start -= 1  # "The operators’ group, the Saldana Terminals Association, said"
    role_start = name_start
    while (
        role_start - 1 >= first
        and name_start - role_start < 2
        and tokens[role_start - 1].is_word
        and not tokens[role_start - 1].capitalised
        and tokens[role_start - 1].bare in ROLE_WORDS
    ):
        role_start -= 1  # "The study's author, economist Paul Fenn, wrote"
    name_start = role_start if role_start < name_start else name_start
    if name_start - 1 < first or tokens[name_start - 1].text != ",":
        return False
    info = classify_run(words_of(tokens, run[0] if role_start < run[0] else name_start, run[1]))
    body = info.kind in ("organisation", "publication")
    if (info.kind not in ("person", "unknown") and not body) or not info.name:
        return False
    comma = name_start - 1
    d = comma - 1
    while d >= first and comma - d <= 14 and (tokens[d].is_word or tokens[d].text == "&"):
        d -= 1
    if d >= first and not (
        tokens[d].kind == "q" or (tokens[d].kind == "p" and tokens[d].text in ",;:—–(")
    ):
        return False
    descriptor = tokens[d + 1 : comma]
    if not descriptor:
        return False
    possessive = any(t.possessive for t in descriptor)
    if body:
        if not any(t.bare in ORG_WORDS or t.bare in GENERIC_BODIES for t in descriptor):
            return False
    elif not (has_role_word(descriptor) or possessive or descriptor[0].lower in DETERMINERS):
        return False
    if descriptor[0].lower in PREPOSITIONS:
        return False  # "In Millbrook, Jane Roe, …" is a place, not who she is
    role = strip_article(reader.para.text[descriptor[0].start : descriptor[-1].end])
    subject = name_subject(
        tokens, run[0] if role_start < run[0] else name_start, run[1], role="" if body else role
    )
    if subject is None:
        return False
    if (
        info.kind == "unknown"
        and not has_role_word(descriptor)
        and descriptor[-1].bare in (ORG_WORDS | GENERIC_BODIES | DESCRIBED_AS)
    ):
        # "The utility, Northgate Power, said": described as a body, so a body.
        subject = replace(subject, role="", hint="organisation")
    pattern = "possessive_frame" if possessive else "appositive"
    if reader.add(d + 1, v_last, subject, pattern):
        frames.reserve(reader, v_last)
    return True
