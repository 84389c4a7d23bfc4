"""Surnames and short names: "Lopez said", "the Ledger reported", "WGA said". Advisory layer.

One capitalised word is, in order: the surname of a person the story introduced (the latest
one named before it, else the first one after, since a story may quote someone before
naming them in full); a word of an organisation's or outlet's name the story gave ("the
Ledger" after "The Millbrook Ledger", "Guild" after "the Writers Guild of Ames", or the
acronym it gave in brackets); else an organisation of that name if it reads like one
("AirWatch", "NASA"). A month or a first name on its own ("May said") is nobody we can
name: no suggestion.

Resolution inside the story beats the registry: only a word the story never resolves is
looked up among known sources, and then only by a name it unambiguously extends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from articles.quotes.attribution.names import is_acronym
from articles.quotes.attribution.vocabulary import (
    FIRST_NAMES,
    ORG_WORDS,
    PUBLICATION_WORDS,
    word_set,
)

if TYPE_CHECKING:
    from articles.quotes.attribution.cast import Entity, Position
    from articles.quotes.attribution.resolve import Resolver

_NOT_A_NAME = word_set("may june april august march")


def person(
    resolver: Resolver, word: str, position: Position, *, later: bool = True
) -> Entity | None:
    """The person introduced with this surname: the latest named before here, else
    (``later``) the first named after."""
    timeline = resolver.cast.by_surname.get(word.lower())
    if not timeline:
        return None
    return timeline.before(position) or (timeline.after(position) if later else None)


def body(resolver: Resolver, words: tuple[str, ...], position: Position) -> Entity | None:
    """The organisation or outlet whose name holds every one of these words, the latest
    named before here (else the first after); None when two different bodies fit."""
    cast = resolver.cast
    lowered = [w.lower() for w in words]
    timelines = [cast.bodies_by_word.get(w) for w in lowered]
    if not all(timelines):
        return None
    wanted = set(lowered)
    fitting = [e for e in timelines[0].distinct_before(position) if wanted <= _name_words(e)]
    if not fitting:
        later = timelines[0].after(position)
        return later if later is not None and wanted <= _name_words(later) else None
    fuller = [e for e in fitting if _name_words(e) != wanted]
    fitting = fuller or fitting
    if len({e.name.lower() for e in fitting}) > 1:
        return None  # two bodies share the word ("Ames Ledger", "Ledger Group"): unsure
    return fitting[0]


def _name_words(entity: Entity) -> set[str]:
    return {w.lower() for w in entity.name.split()} | entity.aliases


def single(
    resolver: Resolver, word: str, position: Position, *, owner: bool = False
) -> Entity | None:
    """One capitalised word as a speaker (see the module docstring). ``owner``: it stands
    after "by"/"from" as who made a document or data set, where a body is the likely one."""
    # Whoever the story named before here comes first, person or name given once; only then
    # someone it names later ("Brennan said …" before "Her sister, Cait Brennan, said").
    for found in (
        person(resolver, word, position, later=False),
        _named_once(resolver, word, position, later=False),
        body(resolver, (word,), position),
        person(resolver, word, position),
        _named_once(resolver, word, position),
    ):
        if found is not None:
            return found
    lowered = word.lower()
    if lowered in _NOT_A_NAME or lowered in FIRST_NAMES:
        return None
    if is_acronym(word) or _camel(word) or owner:
        return resolver.cast.body((word,), "organisation", position)
    if lowered in ORG_WORDS or lowered in PUBLICATION_WORDS:
        return None
    # A name the story never introduced: most often a body ("Amtrak said"), sometimes the
    # surname of someone introduced only in a headline. Named as written either way.
    return resolver.cast.body((word,), "organisation", position)


def _named_once(
    resolver: Resolver, word: str, position: Position, *, later: bool = True
) -> Entity | None:
    """ "Lynch posted" after "… by Saoirse Lynch": a name the story gave once, in full,
    without a first name we know, is that person."""
    cast = resolver.cast
    timeline = cast.unknown_names.get(word.lower())
    if not timeline:
        return None
    placeholder = timeline.before(position) or (timeline.after(position) if later else None)
    if placeholder is None:
        return None
    person = cast.person(placeholder.name.split(), position=placeholder.introduced)
    cast.index()
    return person


def _camel(word: str) -> bool:
    return any(c.isupper() for c in word[1:]) and not word.isupper()
