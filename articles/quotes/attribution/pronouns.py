"""Coreference through pronouns: "she said", "he added", "they said", "it said".

Advisory layer. She/he is, of the people who fit (that gender, or a gender the story has not
told us), whoever was in view last: the last to speak, the last to open a sentence as its
subject ("Varga declined to confirm that account. “…,” she said."), or the last of that
gender the story introduced; inside one sentence, the speaker its own cue names first
("Dana Pell told jurors that she warned him"). A person of unknown gender it picks is then
taken to be of that gender. They is the last speaker; it the last organisation or outlet
that spoke, else the last one named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from articles.quotes.attribution.vocabulary import PRONOUNS

if TYPE_CHECKING:
    from articles.quotes.attribution.cast import Entity, Position
    from articles.quotes.attribution.cues import Cue
    from articles.quotes.attribution.resolve import Resolver


def _fits(entity: Entity, gender: str) -> bool:
    return entity.kind in ("person", "anonymous", "nobody") and entity.gender in ("", gender)


def resolve(
    resolver: Resolver, pronoun: str, position: Position, cue: Cue | None = None
) -> Entity | None:
    cast = resolver.cast
    gender = PRONOUNS.get(pronoun, "")
    if gender:
        if cue is not None:
            same = resolver.sentence_speaker(cue)
            if same is not None and _fits(same, gender):
                return _taken(same, gender)
        best: tuple[Position, Entity] | None = None
        for spoke_at, speaker in reversed(resolver.speakers):
            if _fits(speaker, gender):
                best = (spoke_at, speaker)
                break
        subjects = cast.subjects
        at = len(subjects.positions)
        while at > 0:
            at -= 1
            if subjects.positions[at] <= position and _fits(subjects.items[at], gender):
                if best is None or subjects.positions[at] > best[0]:
                    best = (subjects.positions[at], subjects.items[at])
                break
        named = cast.by_gender.get(gender)
        latest = named.before(position) if named else None
        if latest is not None and (best is None or latest.introduced > best[0]):
            best = (latest.introduced, latest)
        opener = cast.unknown_openers.before(position)
        if (
            opener is not None
            and (best is None or opener.introduced > best[0])
            and position[0] - opener.introduced[0] <= 1
        ):
            # "Maren Holt has spent 30 years … This summer, she says, …": the name that
            # just opened a sentence is a person.
            person = cast.person(opener.name.split(), position=opener.introduced)
            cast.index()
            best = (opener.introduced, person)
        return _taken(best[1], gender) if best else None
    if pronoun == "it":
        if resolver.last_other is not None:
            return resolver.last_other
        return cast.bodies_in_order.before(position)
    return resolver.last_speaker


def _taken(entity: Entity, gender: str) -> Entity:
    if not entity.gender and entity.kind != "nobody":
        entity.gender = gender
    return entity
