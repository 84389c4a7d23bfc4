"""Capitalised runs, and what they name: a person, an organisation, an outlet or a role.

Advisory layer. "Russian Deputy Ambassador Vladimir Safronkov" is a person with a role,
"the Writers Guild of Ames" an organisation, "The Millbrook Ledger" an outlet, "the Prime
Minister of Canada" a role with nobody's name in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from articles.quotes.attribution.text import Tok
from articles.quotes.attribution.vocabulary import (
    CONNECTORS,
    FEMALE_NAMES,
    FEMALE_ROLES,
    FEMALE_TITLES,
    FIRST_NAMES,
    MALE_NAMES,
    MALE_ROLES,
    MALE_TITLES,
    ORG_CONNECTORS,
    ORG_WORDS,
    OUTLETS,
    PUBLICATION_WORDS,
    ROLE_WORDS,
    STARTERS,
    TITLES,
)


def fold_name(name: str) -> str:
    """A name for comparing: lower case, spaces folded, straight apostrophes, no "the"."""
    name = " ".join(name.replace("’", "'").lower().split())
    return name[4:] if name.startswith("the ") else name


_OUTLET_INDEX = {
    fold_name(alias): canonical
    for canonical, aliases in OUTLETS.items()
    for alias in (canonical, *aliases)
}


def outlet_name(words: Sequence[str]) -> str:
    """The outlet's canonical name if ``words`` name one ("the USA Today" → "USA Today")."""
    return _OUTLET_INDEX.get(fold_name(" ".join(words)), "")


def _bare(word: str) -> str:
    return word.lower().replace("’", "'").split("'")[0].rstrip(".")


def is_acronym(word: str) -> bool:
    """ "NASA", "FAA", "U.N.": capitals only, two letters or more."""
    letters = word.replace(".", "").replace("-", "").replace("&", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


@dataclass(frozen=True)
class RunInfo:
    kind: str  # person, organisation, publication, role, unknown
    name: tuple[str, ...]
    role: str = ""
    titles: tuple[str, ...] = ()


def _org_head(lowered: Sequence[str]) -> bool:
    """Whether an organisation word heads the run: its last word, or the word before an
    "of"/"for" ("Writers Guild of Ames", "Institute for Coastal Studies")."""
    if lowered[-1] in ORG_WORDS:
        return True
    return any(
        word in ORG_WORDS and lowered[i + 1] in ("of", "for") for i, word in enumerate(lowered[:-1])
    )


_NAME_STOPS = frozenset(("of", "for", "the", "and", "&", "at"))


def _name_part(words: list[str]) -> list[str]:
    """A person's name ends where an affiliation starts: "Anton Reyes of the Court"."""
    for i, word in enumerate(words):
        if i and word.lower() in _NAME_STOPS:
            return words[:i]
    return words


def _person_of_body(
    plain: list[str], lowered: list[str], titles: tuple[str, ...]
) -> RunInfo | None:
    """ "Jane Roe of the Ames Trust", "Judge Mira Oduya of the Pellham District Court": a
    person named before "of", with an organisation after it."""
    if "of" not in lowered:
        return None
    at = lowered.index("of")
    before = plain[:at]
    names = [w for w, low in zip(before, lowered[:at], strict=True) if low not in ROLE_WORDS]
    if len(names) < 2 or any(_bare(w) in ORG_WORDS or _bare(w) in PUBLICATION_WORDS for w in names):
        return None
    if not _org_head(lowered[at + 1 :] or [""]) and not _org_head(lowered):
        return None
    role_words = [w for w, low in zip(before, lowered[:at], strict=True) if low in ROLE_WORDS]
    first = next((i for i, w in enumerate(names) if w.lower() in FIRST_NAMES), None)
    name = names[first:] if first is not None else names[-2:]
    role = " ".join([*role_words, *plain[at:]])
    return RunInfo("person", tuple(name[:3]), role, titles)


def _role_and_name(plain: list[str], lowered: list[str], titles: tuple[str, ...]) -> RunInfo:
    """ "Foreign Minister Aditi Rao", "Prime Minister of Canada Mark Roe", "Prime Minister
    of Canada": the name is what follows the role (and its "of" place), if anything."""
    last_role = max(i for i, w in enumerate(lowered) if w in ROLE_WORDS)
    rest = plain[last_role + 1 :]
    if rest and rest[0].lower() not in CONNECTORS:
        rest = _name_part(rest)
    role_words = plain[: last_role + 1]
    if rest and rest[0].lower() in CONNECTORS:
        # "of Canada Mark Roe": the place is one or two words, the name the last two.
        if len(rest) <= 3:
            return RunInfo("role", (), " ".join(plain), titles)
        role_words, rest = plain[: len(plain) - 2], plain[-2:]
    if not rest:
        return RunInfo("role", (), " ".join(role_words), titles)
    return RunInfo("person", tuple(rest[-3:]), " ".join(role_words), titles)


def classify_run(words: Sequence[str]) -> RunInfo:
    """Read a capitalised run ("Russian Deputy Ambassador Vladimir Safronkov").

    Order matters: an outlet we know ("CBS News"); a name ending in an outlet's word ("The
    Millbrook Ledger"); an organisation by its head word ("Mill River Wildlife Trust",
    "Writers Guild of Ames") unless the run opens with a role ("Commander of Coalition
    Forces" is a role); then a known first name, where the name starts (the words before it
    are the role); then a run that opens with a role word ("Prime Minister of Canada",
    "Foreign Minister Aditi Rao"); then the words after the last role word ("President Bashar
    Assad"). Title abbreviations (Gen., Dr., Ms.) are taken off the name and kept.
    """
    words = list(words)
    while words and _bare(words[0]) in STARTERS and words[0].lower() != "the":
        words.pop(0)
    had_the = bool(words) and words[0].lower() == "the"
    if had_the:
        words.pop(0)
    if not words:
        return RunInfo("unknown", ())
    outlet = outlet_name(words)
    if outlet:
        return RunInfo("publication", (outlet,))
    titles = tuple(w for w in words if _bare(w) in TITLES)
    plain = [w for w in words if _bare(w) not in TITLES]
    if not plain:
        return RunInfo("role", (), " ".join(words), titles)
    lowered = [_bare(w) for w in plain]
    role_led = lowered[0] in ROLE_WORDS and not titles
    if not role_led or any(w in FIRST_NAMES for w in lowered):
        found = _person_of_body(plain, lowered, titles)
        if found is not None:
            return found
    if (
        not titles
        and lowered[-1] in PUBLICATION_WORDS
        and (had_the or len(plain) > 1)
        and not (role_led and len(plain) == 1)
    ):
        return RunInfo("publication", tuple(plain))
    if not titles and _org_head(lowered) and not role_led:
        return RunInfo("organisation", tuple(plain))
    for index, word in enumerate(lowered):
        if word in FIRST_NAMES and index < len(plain) - 1 and not had_the:
            if lowered[index + 1] in CONNECTORS and index + 2 >= len(plain):
                continue
            name = _name_part(plain[index : index + 4])
            while len([w for w in name if w.lower() not in CONNECTORS]) > 3:
                name.pop()
            return RunInfo("person", tuple(name), " ".join(plain[:index]), titles)
    if any(w in ROLE_WORDS for w in lowered):
        return _role_and_name(plain, lowered, titles)
    if _org_head(lowered):
        return RunInfo("organisation", tuple(plain))
    if titles:
        name = _name_part(plain)
        return RunInfo("person", tuple(name[-3:]), " ".join(plain[len(name) :]), titles)
    if len(plain) == 1 and is_acronym(plain[0]):
        return RunInfo("organisation", tuple(plain))
    if "&" in plain:
        return RunInfo("organisation", tuple(plain))  # "Caldwell & Prior", "Hearth & Crumb"
    if had_the:
        return RunInfo("organisation", tuple(plain))
    name = _name_part(plain)
    if (
        len(name) == 2
        and len(plain) == 4
        and plain[2].lower() == "of"
        and not name[-1].lower().endswith("s")
    ):
        # "Anita Shah of Ohio": a name, then where she is from (not "Transit Workers of
        # Veloria").
        return RunInfo("unknown", tuple(name), " ".join(plain[len(name) :]))
    return RunInfo("unknown", tuple(plain))


def gender_of(words: Sequence[str], titles: Sequence[str] = (), role: str = "") -> str:
    """ "female"/"male" from a courtesy title, a gendered role or a first name we know."""
    for title in titles:
        bare = title.lower().rstrip(".")
        if bare in FEMALE_TITLES:
            return "female"
        if bare in MALE_TITLES:
            return "male"
    for word in role.lower().split():
        if word in FEMALE_ROLES:
            return "female"
        if word in MALE_ROLES:
            return "male"
    if words:
        first = words[0].lower()
        if first in FEMALE_NAMES:
            return "female"
        if first in MALE_NAMES:
            return "male"
    return ""


# --- Runs of tokens ---------------------------------------------------------------------


def in_run(tok: Tok, beyond: Tok | None) -> bool:
    """Whether ``tok`` continues a capitalised run: a capitalised word or title, or a
    particle ("of", "von", "for", "and") with a capitalised word ``beyond`` it."""
    if not tok.is_word:
        return tok.text == "&" and beyond is not None and beyond.capitalised
    if tok.capitalised or tok.is_title:
        return True
    return (
        (tok.lower in CONNECTORS or tok.lower in ORG_CONNECTORS)
        and beyond is not None
        and (beyond.capitalised or (tok.lower == "of" and beyond.lower == "the"))
    )


def _joins_org(tokens: Sequence[Tok], first: int, last: int) -> bool:
    words = [t.text for t in tokens[first : last + 1] if t.is_word or t.text == "&"]
    return bool(words) and classify_run(words).kind in ("organisation", "publication")


def _cut_points(tokens: Sequence[Tok], first: int, last: int) -> list[int]:
    """Where a run joined by "and", "for", "on", "&" or an inner "the" may be cut."""
    return [
        j
        for j in range(first + 1, last)
        if (
            tokens[j].is_word
            and tokens[j].lower in ORG_CONNECTORS
            and tokens[j].lower not in CONNECTORS
            and not (tokens[j].lower == "the" and tokens[j - 1].lower == "of")
        )
    ]


def run_back(tokens: Sequence[Tok], i: int, first: int) -> tuple[int, int] | None:
    """The capitalised run ending at token ``i`` (inclusive), not before ``first``.

    A run joined by "and" or "for" is kept whole only when it names an organisation
    ("Department of Health and Human Services"); else it is cut to the part ending at ``i``,
    and two names joined by "and" ("Roe and Lee said") are no single speaker: None.
    """
    if i < first or not tokens[i].is_word or not (tokens[i].capitalised or tokens[i].is_title):
        return None
    j = i
    while j - 1 >= first:
        prev = tokens[j - 1]
        before = tokens[j - 2] if j - 2 >= first else None
        # Read backwards, a particle needs a capitalised word before it ("Speaker of the
        # Assembly": "the" needs its "of").
        if prev.lower == "the" and prev.is_word:
            if before is None or before.lower != "of":
                break
        elif not in_run(prev, before):
            break
        j -= 1
    j = _skip_openers(tokens, j, i)
    if j is None:
        return None
    cuts = _cut_points(tokens, j, i)
    if cuts and not _joins_org(tokens, j, i):
        cut = cuts[-1]
        if tokens[cut].lower == "and":
            return None
        j = _skip_openers(tokens, cut + 1, i)
        if j is None:
            return None
    return j, i


def _skip_openers(tokens: Sequence[Tok], j: int, i: int) -> int | None:
    # "In Geneva", "However Haley": a sentence's opening word is not part of the name.
    while j < i and (
        tokens[j].lower in CONNECTORS
        or (tokens[j].lower in ORG_CONNECTORS and tokens[j].lower != "the")
        or (_bare(tokens[j].text) in STARTERS and tokens[j].lower != "the")
    ):
        j += 1
    if _bare(tokens[j].text) in STARTERS and tokens[j].lower != "the":
        return None
    return j


def run_forward(tokens: Sequence[Tok], i: int, last: int) -> tuple[int, int] | None:
    """The capitalised run starting at token ``i``, not after ``last`` (cut before an
    "and" or "for" unless the whole run names an organisation)."""
    if i > last or not tokens[i].is_word or not (tokens[i].capitalised or tokens[i].is_title):
        return None
    j = i
    while j + 1 <= last:
        nxt = tokens[j + 1]
        if not in_run(nxt, tokens[j + 2] if j + 2 <= last else None):
            break
        j += 1
    cuts = _cut_points(tokens, i, j)
    if cuts and not _joins_org(tokens, i, j):
        j = cuts[0] - 1
    while j > i and not (tokens[j].capitalised or tokens[j].is_title):
        j -= 1
    return i, j


def words_of(tokens: Sequence[Tok], first: int, last: int) -> tuple[str, ...]:
    return tuple(t.text for t in tokens[first : last + 1] if t.is_word or t.text == "&")


def has_role_word(tokens: Sequence[Tok]) -> bool:
    return any(t.is_word and (t.bare in ROLE_WORDS or t.is_title) for t in tokens)
