"""Cue verbs: "Roe said", "Roe told reporters", "she wrote", "the council warned", "Roe
called it …". Advisory layer.

A speech verb from a closed list (``vocabulary.SPEECH_VERBS``), with its subject read back
from the verb: a pronoun, a capitalised run (a name, an organisation, an outlet, a role), or
a noun phrase with its determiner ("the ambassador", "the commission’s report"). Adverbs
and auxiliaries may stand between ("Haley also said", "Roe has repeatedly argued").

A verb with other senses ("added two buses", "wrote a book", "posted a loss") attributes
only when what follows it is speech: a clause, a quote, a pause, or the medium ("wrote in a
letter", "posted on social media"). When the subject is set off by commas the verb hands
over to ``appositives``; when nothing stands before the verb, to ``inverted``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from articles.quotes.attribution import appositives, frames, inverted
from articles.quotes.attribution.cues import (
    Subject,
    document_subject,
    name_subject,
    phrase_back,
)
from articles.quotes.attribution.names import classify_run, run_back
from articles.quotes.attribution.vocabulary import (
    BETWEEN,
    DOCUMENT_PHRASES,
    DOCUMENT_VERBS,
    DOCUMENTISH,
    GENERIC_BODIES,
    INVERTIBLE_VERBS,
    MADE_BY,
    ORG_WORDS,
    PEOPLE_NOUNS,
    PREPOSITIONS,
    PRONOUNS,
    PUBLICATION_NOUNS,
    ROLE_WORDS,
    SPEECH_VERBS,
    TIME_WORDS,
    word_set,
)

if TYPE_CHECKING:
    from articles.quotes.attribution.cues import CueReader

# What may follow a verb with other senses for it to attribute (besides punctuation, a quote
# or the end of the sentence).
_CLAUSE = frozenset({"that", "how", "why", "whether", "what", "when", "if"})
_MEDIUM = frozenset({"in", "on", "via", "through", "to", "during", "at", "online", "late"})
_TIME = word_set(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight "
    "earlier later last this afterward afterwards"
)
AMBIGUOUS = {
    "added": _CLAUSE | _MEDIUM | _TIME,
    "adds": _CLAUSE | _MEDIUM | _TIME,
    "wrote": _CLAUSE | _MEDIUM | _TIME,
    "writes": _CLAUSE | _MEDIUM | _TIME,
    "posted": _CLAUSE | _MEDIUM | _TIME,
    "posts": _CLAUSE | _MEDIUM | _TIME,
    "shared": _CLAUSE,
    "commented": _CLAUSE | _MEDIUM | _TIME,
    "continued": frozenset(),
    "continues": frozenset(),
    "maintained": _CLAUSE,
    "maintains": _CLAUSE,
    "observed": _CLAUSE,
    "observes": _CLAUSE,
    "answered": _CLAUSE,
    "answers": _CLAUSE,
    "agreed": _CLAUSE,
    "agrees": _CLAUSE,
    "announced": _CLAUSE | _MEDIUM | _TIME | word_set("a an the plans its their"),
}
# "Roe called it a disgrace", "described the plan as", "dubbed it": a naming verb
# attributes when it names something in the speaker's words.
NAMING_VERBS = word_set(
    "called calls described describes dubbed dubs branded brands labelled labeled termed"
)
_NAMING_OBJECTS = word_set("it them this that him her the his its their for on")


def read(reader: CueReader) -> None:
    tokens = reader.tokens
    for i, tok in enumerate(tokens):
        if not tok.is_word:
            continue
        if tok.text in SPEECH_VERBS or tok.text in DOCUMENT_VERBS:
            verb(reader, i, i)
        elif tok.text in DOCUMENT_PHRASES and reader.next_is(i, DOCUMENT_PHRASES[tok.text]):
            verb(reader, i, i + 1)
        elif (tok.text in NAMING_VERBS and _names_something(reader, i)) or (
            tok.text in ("put", "puts") and _puts_a_figure(reader, i)
        ):
            verb(reader, i, i)


def _puts_a_figure(reader: CueReader, v: int) -> bool:
    """ "The fiscal office put the cost at $180": an estimate, read as a document's verb."""
    tokens = reader.tokens
    _, last = reader.bounds(v)
    return (
        v + 2 <= last
        and tokens[v + 1].lower == "the"
        and any(t.lower == "at" for t in tokens[v + 2 : min(v + 6, last + 1)])
    )


def _names_something(reader: CueReader, v: int) -> bool:
    tokens = reader.tokens
    _, last = reader.bounds(v)
    if v + 1 > last:
        return False
    nxt = tokens[v + 1]
    if nxt.kind == "q":
        return True  # "a fee Thorne called “a tax on being sick.”"
    if not nxt.is_word:
        return False
    if nxt.capitalised and nxt.lower not in _NAMING_OBJECTS:
        # "called Aldana “exactly the jolt we need”"
        return v + 2 <= last and any(t.kind == "q" for t in tokens[v + 2 : min(v + 5, last + 1)])
    if nxt.lower not in _NAMING_OBJECTS:
        return False
    return any(t.kind == "q" for t in tokens[v + 1 : last + 1]) or tokens[v + 1].lower in (
        "it",
        "them",
        "for",
        "on",
    )


def speech_follows(reader: CueReader, v_last: int) -> bool:
    """Whether what follows an ambiguous verb makes it speech (see the module docstring)."""
    tokens = reader.tokens
    word = tokens[v_last].text
    allowed = AMBIGUOUS.get(word)
    if allowed is None:
        return True
    _, last = reader.bounds(v_last)
    if v_last + 1 > last:
        return True
    nxt = tokens[v_last + 1]
    if not nxt.is_word:
        return True
    return nxt.lower in allowed


def verb(reader: CueReader, v: int, v_last: int) -> None:
    tokens = reader.tokens
    first, last = reader.bounds(v)
    word = tokens[v].text
    document_only = (
        (word in DOCUMENT_VERBS and word not in SPEECH_VERBS)
        or word in DOCUMENT_PHRASES
        or word in ("put", "puts")
    )
    before = tokens[v - 1] if v - 1 >= first else None
    inverted_order = before is None or before.kind == "q" or before.text in ",:—–"
    # A verb with other senses attributes before a clause ("wrote that"), or when its
    # speaker follows it ("…,” wrote the mayor), never before a plain object.
    speech = document_only or speech_follows(reader, v_last)
    if not speech and not inverted_order:
        return
    k = v - 1
    skipped = 0
    while (
        k >= first
        and skipped < 3
        and tokens[k].is_word
        and (
            tokens[k].lower in BETWEEN
            or (
                tokens[k].lower.endswith("ly")
                and not tokens[k].capitalised
                and len(tokens[k].text) > 4
            )
        )
    ):
        k -= 1
        skipped += 1
    k = _before_time(tokens, k, first)
    if k < first or not tokens[k].is_word:
        if document_only:
            if k >= first and tokens[k].text == ",":
                _set_off_document(reader, v, k, first, v_last)
                if appositives.name_then_role(reader, v, k, first, v_last, weak=True):
                    return
            return
        if k >= first and tokens[k].text == "," and speech:
            if appositives.name_then_role(reader, v, k, first, v_last):
                return
            if appositives.role_then_name(reader, v, k, first, v_last):
                return
        if word in INVERTIBLE_VERBS:
            inverted.read(reader, v, k, first, last)
        return
    if not speech:
        return
    if not document_only and appositives.name_then_role(reader, v, k, first, v_last):
        return
    tok = tokens[k]
    if tok.lower in ("which", "who") and k - 2 >= first and tokens[k - 1].text == ",":
        # "… by the Financial Ledger, which said": whoever the clause hangs on.
        run = run_back(tokens, k - 2, first)
        if run is not None and not document_only:
            start = (
                run[0] - 1 if run[0] - 1 >= first and tokens[run[0] - 1].lower == "the" else run[0]
            )
            subject = name_subject(tokens, start, run[1])
            if (
                subject is not None
                and subject.form == "name"
                and reader.add(k, v_last, subject, "cue_verb")
            ):
                frames.reserve(reader, v_last)
        return
    if _subordinate(tokens, k, first, last, v_last):
        return  # "… while she testified.": an event, not what anyone said
    if tok.lower in PRONOUNS:
        if document_only and tok.lower not in ("they", "it"):
            return
        # "They found that …" (the researchers): a document's verb, kept if it resolves.
        if reader.add(k, v_last, Subject("pronoun", (tok.lower,)), "pronoun", weak=document_only):
            frames.reserve(reader, v_last)
        return
    if tok.capitalised or tok.is_title:
        run = run_back(tokens, k, first)
        if run is None:
            return
        start = run[0]
        if start - 1 >= first and tokens[start - 1].lower == "the":
            start -= 1
        spoke_for = _spokesperson_for(tokens, start, first)
        if spoke_for is not None and not document_only:
            # "A spokesman for the Treasury said": the body speaks.
            subject = name_subject(tokens, start, run[1])
            body = subject is not None and classify_run(subject.words).kind in (
                "organisation",
                "publication",
            )
            if body and reader.add(spoke_for, v_last, subject, "cue_verb"):
                frames.reserve(reader, v_last)
            return
        if _after_preposition(tokens, start, first):
            # "A former manager at the Greyhaven Fund testified", "Data from the Office
            # show", "Data compiled by the watchdog group Civic Ledger shows": the name is
            # not the subject.
            return
        subject = name_subject(tokens, start, run[1])
        if subject is None:
            return
        if document_only:
            # "The Institute found": a body with a document's verb, kept if it resolves.
            kind = classify_run(subject.words).kind
            if subject.form != "title" and kind not in ("organisation", "publication"):
                return
        if reader.add(start, v_last, subject, "cue_verb", weak=document_only):
            frames.reserve(reader, v_last)
        return
    back = phrase_back(tokens, k, first)
    if back is None:
        return
    start, determiner = back
    head = tok.bare
    cue_start = start - 1 if determiner else start
    if document_only and _after_preposition(tokens, cue_start, first):
        return  # "Figures published by the environment agency show": documents reads it
    if head in DOCUMENTISH:
        subject = document_subject(tokens, start, k)
        if subject:
            reader.add(cue_start, v_last, subject, "document")
    elif determiner not in ("", "a", "an") and (
        head in ORG_WORDS
        or head in GENERIC_BODIES
        or (
            not document_only
            and (head in ROLE_WORDS or head in PUBLICATION_NOUNS or head in PEOPLE_NOUNS)
        )
    ):
        words = tuple(t.text for t in tokens[start : k + 1])
        if reader.add(cue_start, v_last, Subject("title", words), "title", weak=document_only):
            frames.reserve(reader, v_last)


_SPOKES = word_set("spokesman spokeswoman spokesperson representative statement")


def _spokesperson_for(tokens, start: int, first: int) -> int | None:
    """Where "a spokeswoman for" begins, before the body's name at ``start``."""
    j = start - 1
    if j < first or tokens[j].lower not in ("for", "at", "of"):
        return None
    j -= 1
    if j < first or tokens[j].bare not in _SPOKES:
        return None
    if j - 1 >= first and tokens[j - 1].lower in ("a", "an", "the"):
        return j - 1
    return None


def _after_preposition(tokens, start: int, first: int) -> bool:
    """Whether a preposition governs the name at ``start`` (over up to four lower-case
    words of description: "by the watchdog group Civic Ledger")."""
    j = start - 1
    while j >= first and start - j <= 5:
        tok = tokens[j]
        if not tok.is_word:
            return False
        if tok.lower in PREPOSITIONS:
            return True
        if tok.capitalised or tok.lower in SPEECH_VERBS or tok.lower in MADE_BY:
            return tok.lower in MADE_BY
        j -= 1
    return False


_TIME_HEADS = word_set("on last this next early late")


def _before_time(tokens, k: int, first: int) -> int:
    """Step back over a time phrase between the subject and its verb: "Northwind Air
    Holdings on Thursday reported", "the council last week said"."""
    if (
        k - 1 >= first
        and tokens[k].is_word
        and tokens[k].lower in TIME_WORDS
        and tokens[k - 1].is_word
        and tokens[k - 1].lower in _TIME_HEADS
    ):
        return k - 2
    return k


def _set_off_document(reader: CueReader, v: int, k: int, first: int, v_last: int) -> None:
    """ "The figures, drawn from the company's own data, show that …": the document before
    the set-off phrase is the subject."""
    tokens = reader.tokens
    i = k - 1
    while i >= first and k - i <= 16 and tokens[i].text != ",":
        if tokens[i].kind == "q":
            return
        i -= 1
    if i - 1 < first or tokens[i].text != ",":
        return
    head = i - 1
    if not tokens[head].is_word or tokens[head].bare not in DOCUMENTISH:
        return
    if any(t.lower == "by" for t in tokens[i:k]) and any(t.lower in MADE_BY for t in tokens[i:k]):
        return  # "The study, prepared … by the consultancy X, found": X made it (documents)
    back = phrase_back(tokens, head, first)
    if back is None:
        return
    start, determiner = back
    subject = document_subject(tokens, start, head)
    if subject is not None:
        reader.add(start - 1 if determiner else start, v_last, subject, "document")


_SUBORDINATORS = word_set("while when as after before since until because once")


def _subordinate(tokens, k: int, first: int, last: int, v_last: int) -> bool:
    """A speech verb in a clause of time or cause, with nothing said after it: "did not
    look at his sister while she testified." """
    if k - 1 < first or tokens[k - 1].lower not in _SUBORDINATORS:
        return False
    after = tokens[v_last + 1] if v_last + 1 <= last else None
    return after is None or (after.kind == "p" and after.text in ".;")
