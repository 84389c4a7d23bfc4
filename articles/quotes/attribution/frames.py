"""Frames: what follows a speech verb and says how it was said. Advisory layer.

"Roe said in a statement that …", "said in an interview with the Ledger", "wrote in a
letter released by her office", "Ruiz told Reuters that …" (the corpus's
``speaker_and_outlet``: the source is Ruiz; Reuters is where she said it), "told
reporters". A frame names no second source: its words are reserved for the cue before it,
so "a statement released by her office" is not read as a document of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from articles.quotes.attribution.names import run_forward
from articles.quotes.attribution.vocabulary import DETERMINERS, DOCUMENTISH, MADE_BY, word_set

if TYPE_CHECKING:
    from articles.quotes.attribution.cues import CueReader

# The media a statement is made in.
FRAME_NOUNS = word_set(
    "statement statements interview interviews post posts letter letters email emails "
    "message messages video speech remarks conference briefing hearing testimony filing "
    "op-ed column tweet broadcast podcast appearance address release note memo session "
    "meeting call phone text essay blog newsletter announcement submission"
)
_MEDIUM_WORDS = frozenset({"in", "on", "via", "through", "during", "at", "with", "to"})


def reserve(reader: CueReader, v_last: int) -> None:
    """Claim the frame after the verb at ``v_last`` so no other cue is read in it."""
    tokens = reader.tokens
    _, last = reader.bounds(v_last)
    j = v_last + 1
    # An object: "told reporters", "told Reuters", "told the Ledger", "told him".
    if j <= last and tokens[j].is_word:
        if tokens[j].lower == "the":
            j += 1
        run = run_forward(tokens, j, last) if j <= last else None
        if run is not None:
            j = run[1] + 1
        elif (
            j <= last
            and tokens[j].is_word
            and tokens[j].lower in ("reporters", "him", "her", "them", "journalists")
        ):
            j += 1
    start = j
    while j <= last and tokens[j].is_word and tokens[j].lower in _MEDIUM_WORDS:
        k = j + 1
        if k <= last and tokens[k].is_word and tokens[k].lower in DETERMINERS:
            k += 1
        # up to three words before the frame noun: "a written statement", "a news conference"
        end = None
        for n in range(k, min(k + 4, last + 1)):
            if not tokens[n].is_word:
                break
            if tokens[n].bare in FRAME_NOUNS or tokens[n].bare in DOCUMENTISH:
                end = n
        if end is None:
            break
        # "… released by her office", "… with the Ledger"
        nxt = end + 1
        if nxt <= last and tokens[nxt].is_word and tokens[nxt].lower in MADE_BY:
            nxt += 1
        if nxt <= last and tokens[nxt].is_word and tokens[nxt].lower in ("by", "from", "with"):
            m = nxt + 1
            if m <= last and tokens[m].is_word and tokens[m].lower in DETERMINERS:
                m += 1
            run = run_forward(tokens, m, last) if m <= last else None
            end = run[1] if run else min(m + 2, last)
        j = end + 1
    if j > start:
        _take(reader, start, j - 1)


def _take(reader: CueReader, first: int, last: int) -> None:
    import bisect

    tokens = reader.tokens
    if not reader.free(first, last):
        return
    span = (tokens[first].start, tokens[last].end)
    reader.taken.insert(bisect.bisect_left(reader.taken, span), span)
