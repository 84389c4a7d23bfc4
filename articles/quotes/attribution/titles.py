"""Titles and common-noun references: "the ambassador said", "the guild said", "the paper
reported", "Prime Minister Roe said". Advisory layer.

A role word is the last person the story gave that role (speaking, else named: "the
general" finds Gen. Stephen Townsend through his title); an organisation's head word is the
latest organisation whose name holds it ("the trust" → the Mill River Wildlife Trust, "the
guild" → the Writers Guild of Ames); a word for an outlet ("the paper", "the station") is
the last outlet named. A bare reference the story never introduced ("the council said" with
no council named) is nobody we can name; a longer one ("the library board") is named as
written.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING

from articles.quotes.attribution.cast import role_words
from articles.quotes.attribution.vocabulary import (
    FEMALE_ROLES,
    GENERIC_BODIES,
    MALE_ROLES,
    ORG_WORDS,
    PEOPLE_NOUNS,
    PUBLICATION_NOUNS,
    ROLE_WORDS,
    word_set,
)

if TYPE_CHECKING:
    from articles.quotes.attribution.cast import Entity, Position
    from articles.quotes.attribution.resolve import Resolver

# Nouns for a business, which a public body (a council, a court, a commission) is not.
BUSINESS_NOUNS = word_set(
    "company firm airline carrier business developer lender insurer retailer chain operator utility"
)
PUBLIC_BODY_WORDS = word_set(
    "council commission authority department ministry agency court police office board "
    "government assembly parliament senate congress party university school hospital "
    "committee tribunal bureau service administration institute college library"
)
_SKIP = word_set("the a an its his her their our this that")


def _plain(word: str) -> str:
    return word.lower().replace("’", "'").split("'")[0]


def resolve(resolver: Resolver, words: Sequence[str], position: Position) -> Entity | None:
    bare = [_plain(w) for w in words if w.lower() not in _SKIP]
    if not bare:
        return None
    head = bare[-1]
    if head not in ROLE_WORDS and head.endswith("s") and head[:-1] in ROLE_WORDS | PEOPLE_NOUNS:
        head = bare[-1] = head[:-1]  # "one of the aides"
    roles = [w for w in bare if w in ROLE_WORDS]
    unnamed = resolver.anonymous_by_role.get(head) or resolver.anonymous_by_role.get(head + "s")
    if head in PEOPLE_NOUNS and head not in ROLE_WORDS:
        return unnamed[1] if unnamed else None
    if head in ROLE_WORDS or (roles and head not in ORG_WORDS):
        wanted = head if head in ROLE_WORDS else roles[-1]
        found = _person(resolver, wanted, bare, position)
        unnamed = resolver.anonymous_by_role.get(wanted) or unnamed
        if unnamed is not None and (found is None or found.introduced < unnamed[0]):
            return unnamed[1]  # "the nurse said", after "a nurse who asked not to be named"
        if found is None and words[-1][:1].isupper():
            # "the Examiner": a role's word, but here a word of an outlet's name.
            found = _body(resolver, head, [], position)
        if found is not None or head not in GENERIC_BODIES:
            return found
    if head in PUBLICATION_NOUNS and head not in ORG_WORDS:
        return _latest(resolver, position, kind="publication")
    if len(words) <= 2 and words[-1][:1].isupper():
        # "the Examiner", "the Standard": a word of a body's name, even a role's word.
        found = _body(resolver, head, [], position)
        if found is not None:
            return found
    if head in ORG_WORDS or head in GENERIC_BODIES:
        found = _body(resolver, head, bare[:-1], position)
        if found is not None:
            return found
        if head in BUSINESS_NOUNS:
            found = _main_body(resolver, position, business=True)
            if found is not None:
                return found
        if len(bare) >= 2:
            name = [_strip(w) for w in words if w.lower() not in _SKIP]
            return resolver.cast.body(tuple(name), "organisation", position)
    return None


def _strip(word: str) -> str:
    for ending in ("’s", "'s"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word


def _person(resolver: Resolver, wanted: str, bare: list[str], position: Position) -> Entity | None:
    """The person with that role: the last who spoke with it, else the latest named with
    it; the other words of the phrase ("health officer", "lead author") must be theirs too
    when anyone's role has them."""
    cast = resolver.cast
    modifiers = {w for w in bare if w != wanted and w not in ROLE_WORDS}
    named = cast.by_role.get(wanted)
    if named is None and (wanted in FEMALE_ROLES or wanted in MALE_ROLES):
        named = cast.by_role.get("chair")  # "the chairwoman" is whoever chairs
    if named is None:
        return None
    people = named.distinct_before(position) or (
        [named.after(position)] if named.after(position) else []
    )
    if modifiers:
        fitting = [p for p in people if modifiers <= role_words(p)]
        if fitting:
            people = fitting
        elif len(people) > 1:
            return None
    spoke = resolver.last_by_role.get(wanted)
    if spoke is not None and spoke in people:
        return spoke
    return people[-1] if people else None


def _body(resolver: Resolver, head: str, modifiers: list[str], position: Position) -> Entity | None:
    """The latest organisation whose name holds the head word (and the other words)."""
    timeline = resolver.cast.bodies_by_word.get(head)
    if not timeline:
        return None
    bodies = timeline.distinct_before(position) or [timeline.after(position)]
    wanted = {m for m in modifiers if m not in ROLE_WORDS}
    if wanted:
        bodies = [b for b in bodies if b and wanted <= _words(b)]
    bodies = [b for b in bodies if b is not None]
    if not bodies:
        return None
    if len(bodies) > 1:
        # "the museum": the one that spoke last, else the one named last.
        spoke = [b for b in bodies if id(b) in resolver.spoke_at]
        if spoke:
            return max(spoke, key=lambda b: resolver.spoke_at[id(b)])
    latest = timeline.before(position)
    return latest if latest in bodies else bodies[-1]


def _words(entity: Entity) -> set[str]:
    return {_plain(w) for w in entity.name.split()} | entity.aliases


def _latest(resolver: Resolver, position: Position, *, kind: str) -> Entity | None:
    for entity in reversed(resolver.cast.bodies_in_order.distinct_before(position)):
        if entity.kind == kind:
            return entity
    return None


def _main_body(resolver: Resolver, position: Position, *, business: bool) -> Entity | None:
    """ "The company said": the organisation the story has named most so far, if one has
    been named more than any other (or is the only one); for a business noun, only among
    bodies that are not public ones."""
    timeline = resolver.cast.bodies_in_order
    at = bisect.bisect_right(timeline.positions, position)
    counts: dict[int, int] = {}
    bodies: dict[int, Entity] = {}
    for entity in timeline.items[:at]:
        if entity.kind != "organisation":
            continue
        if business and _plain(entity.name.split()[-1]) in PUBLIC_BODY_WORDS:
            continue
        counts[id(entity)] = counts.get(id(entity), 0) + 1
        bodies[id(entity)] = entity
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
        return bodies[ranked[0][0]]
    return None
