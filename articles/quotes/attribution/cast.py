"""The cast of a story: the people, organisations, outlets and documents it introduces.

Advisory layer. Everything the story names is indexed once, before any cue is resolved
(people by surname, role word and gender; organisations and outlets by each word of their
name and by the acronym the story gives them), so resolving a cue is a few dictionary
look-ups and binary searches, never a scan of the story. Resolution inside the story comes
first: a surname or short name the story introduced is that person or organisation, whatever
the registry of known sources holds.

Who counts as a person: a capitalised run with a first name we know ("Nikki Haley"), or
with a role ("Russian Deputy Ambassador Vladimir Safronkov", "Foreign Minister Aditi Rao"),
or set off by a role ("Jane Smith, the mayor,", "airport manager Elaine May"), or standing
as the speaker of a cue ("Elaine May said").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from articles.quotes.attribution.cues import DESCRIBED_AS, Cue, role_after, strip_article
from articles.quotes.attribution.names import (
    classify_run,
    gender_of,
    is_acronym,
    run_forward,
    words_of,
)
from articles.quotes.attribution.text import Para
from articles.quotes.attribution.vocabulary import (
    CONNECTORS,
    FUNCTION_WORDS,
    GENERIC_BODIES,
    ORG_WORDS,
    PUBLICATION_WORDS,
    ROLE_WORDS,
    TITLES,
)

Position = tuple[int, int]  # (paragraph, character offset)


@dataclass(eq=False)
class Entity:
    name: str
    kind: str  # Source.Kind value
    role: str = ""
    roles: set[str] = field(default_factory=set)  # every role the story gives them
    gender: str = ""
    titles: tuple[str, ...] = ()  # Gen., Dr.: kept so "the general" finds the general
    owner_words: tuple[str, ...] = ()  # for a document: the words naming who wrote it
    introduced: Position = (0, 0)
    aliases: set[str] = field(default_factory=set)  # folded short names the story gives
    owner: Entity | None = None  # for a document: who made it, when the story says

    @property
    def surname(self) -> str:
        return _strip_possessive(self.name.split()[-1]).lower()


class Timeline:
    """Items in story order, to ask for the latest one at or before a position in O(log n)."""

    def __init__(self) -> None:
        self.positions: list[Position] = []
        self.items: list[Entity] = []

    def add(self, position: Position, item: Entity) -> None:
        at = bisect.bisect_right(self.positions, position)
        self.positions.insert(at, position)
        self.items.insert(at, item)

    def before(self, position: Position) -> Entity | None:
        at = bisect.bisect_right(self.positions, position)
        return self.items[at - 1] if at else None

    def after(self, position: Position) -> Entity | None:
        at = bisect.bisect_right(self.positions, position)
        return self.items[at] if at < len(self.items) else None

    def distinct_before(self, position: Position) -> list[Entity]:
        at = bisect.bisect_right(self.positions, position)
        return list(dict.fromkeys(self.items[:at]))

    def __bool__(self) -> bool:
        return bool(self.items)


def _strip_possessive(word: str) -> str:
    for ending in ("’s", "'s", "’", "'"):
        if word.endswith(ending) and len(word) > len(ending):
            return word[: -len(ending)]
    return word


def role_words(person: Entity) -> set[str]:
    words = set(re.findall(r"[a-z-]+", " ".join((person.role, *person.roles)).lower()))
    words |= {t.lower().rstrip(".") for t in person.titles}
    return {w for w in words | {TITLES.get(w, w) for w in words} if w}


class Cast:
    """The story's people, organisations, outlets and documents (see the module docstring)."""

    def __init__(self) -> None:
        self.people: dict[str, Entity] = {}
        self.by_surname: dict[str, Timeline] = {}
        self.by_gender: dict[str, Timeline] = {}
        self.by_role: dict[str, Timeline] = {}
        self.bodies: dict[str, Entity] = {}  # organisations and outlets, by folded name
        self.bodies_by_word: dict[str, Timeline] = {}
        self.bodies_in_order = Timeline()
        self.documents: list[Entity] = []
        self._mentions: list[tuple[Position, Entity]] = []
        # Unknown two- or three-word names, by last word: "Saoirse Lynch" is a person once
        # the story says "Lynch posted".
        self.unknown_names: dict[str, Timeline] = {}
        self._unknown: list[tuple[Position, tuple[str, ...]]] = []
        # Where a person's name opens a sentence (its subject): "Varga declined to …".
        self.subjects = Timeline()
        self.unknown_openers = Timeline()  # "Maren Holt has spent 30 years …"
        self._subjects_for = -1  # how many people ``subjects`` was built for
        self._openers: list[tuple[Position, tuple[str, ...]]] = []

    # building

    def person(
        self,
        name: Sequence[str],
        *,
        role: str = "",
        titles: Sequence[str] = (),
        position: Position = (0, 0),
    ) -> Entity:
        name = [*name[:-1], _strip_possessive(name[-1])]
        key = " ".join(name)
        person = self.people.get(key)
        if person is None:
            # "Stephen Townsend" after "Gen. Stephen Townsend" is the same man.
            person = self._same_person(name)
        if person is None:
            person = Entity(key, "person", role=role, introduced=position)
            self.people[key] = person
            self.by_surname.setdefault(person.surname, Timeline())
        else:
            person.role = person.role or role
        if role:
            person.roles.add(role)
        person.gender = person.gender or gender_of(name, titles, role)
        if not person.role and titles:
            person.role = " ".join(titles)
        person.titles = tuple(dict.fromkeys((*person.titles, *titles)))
        self._mentions.append((position, person))
        return person

    def _same_person(self, name: Sequence[str]) -> Entity | None:
        wanted = " ".join(name)
        surname = _strip_possessive(name[-1]).lower()
        for person in self.people.values():
            if person.surname == surname and (
                person.name.endswith(" " + wanted) or wanted.endswith(" " + person.name)
            ):
                return person
        return None

    def body(self, name: Sequence[str], kind: str, position: Position = (0, 0)) -> Entity:
        """An organisation or outlet, by its name as the story gives it."""
        name = " ".join(name).split()
        name = [*name[:-1], _strip_possessive(name[-1])]
        text = " ".join(name)
        key = text.lower()
        entity = self._fuller_body(name, position) or self.bodies.get(key)
        if entity is None:
            entity = Entity(text, kind, introduced=position)
            self.bodies[key] = entity
        self.bodies_in_order.add(position, entity)
        for word in {w.lower() for w in name if w.lower() not in CONNECTORS}:
            self.bodies_by_word.setdefault(word, Timeline()).add(position, entity)
        return entity

    def _fuller_body(self, name: Sequence[str], position: Position) -> Entity | None:
        """The body already named whose name holds every word of this shorter one ("the
        Ledger" after "The Millbrook Ledger", "WGA" after "… (WGA)"): the only one named
        before here, or, of several, the one named last if that was in this paragraph or
        the one before."""
        words = {w.lower() for w in name if w.lower() not in CONNECTORS}
        if not words:
            return None
        timeline = self.bodies_by_word.get(next(iter(words)))
        if not timeline:
            return None
        fitting = [
            e
            for e in timeline.distinct_before(position)
            if words <= ({w.lower() for w in e.name.split()} | e.aliases)
            and len(e.name.split()) > len(words)
        ]
        if len(fitting) == 1:
            return fitting[0]
        if fitting:
            latest = max(fitting, key=lambda e: self._last_mention(e, position))
            if position[0] - self._last_mention(latest, position)[0] <= 1:
                return latest
        return None

    def _last_mention(self, entity: Entity, position: Position) -> Position:
        timeline = self.bodies_in_order
        at = bisect.bisect_right(timeline.positions, position)
        for index in range(at - 1, -1, -1):
            if timeline.items[index] is entity:
                return timeline.positions[index]
        return (0, 0)

    def alias(self, entity: Entity, short: str, position: Position) -> None:
        """A short name the story gives: "the Writers Guild of Ames (WGA)"."""
        entity.aliases.add(short.lower())
        self.bodies_by_word.setdefault(short.lower(), Timeline()).add(position, entity)

    def document(
        self, words: Sequence[str], owner_words: Sequence[str], owner: Entity | None = None
    ) -> Entity:
        entity = Entity(" ".join(words), "document", owner_words=tuple(owner_words), owner=owner)
        self.documents.append(entity)
        return entity

    def introduce(self, paras: Iterable[Para]) -> None:
        """Index every person and body the story names, wherever they stand."""
        for para in paras:
            for match in _GIVEN_NAME.finditer(para.text):
                # "a woman who gave her name only as Mira": a person, named so.
                person = self.person((match["name"],), position=(para.number, match.start("name")))
                person.gender = person.gender or _PRONOUN_GENDER[match["pronoun"].lower()]
            tokens = para.tokens
            i = 0
            while i < len(tokens):
                run = run_forward(tokens, i, len(tokens) - 1)
                if run is None:
                    i += 1
                    continue
                self._introduce_run(para, run)
                i = run[1] + 1

    def _introduce_run(self, para: Para, run: tuple[int, int]) -> None:
        tokens = para.tokens
        words = words_of(tokens, *run)
        info = classify_run(words)
        position = (para.number, tokens[run[0]].start)
        if info.name and _opens_sentence(para, run[0]):
            self._openers.append((position, info.name))
        possessive = tokens[run[1]].possessive
        appositive = "" if possessive else role_after(para, run[1])
        described = (
            run[0] > 0
            and tokens[run[0] - 1].is_word
            and not tokens[run[0] - 1].capitalised
            and tokens[run[0] - 1].bare in ROLE_WORDS
        ) or (
            # "Pike's neighbour, Alys Brennan, wrote": set off after who she is.
            run[0] > 1
            and tokens[run[0] - 1].text == ","
            and tokens[run[0] - 2].is_word
            and not tokens[run[0] - 2].capitalised
            and tokens[run[0] - 2].bare in ROLE_WORDS
            and run[1] + 1 < len(tokens)
            and tokens[run[1] + 1].text == ","
        )
        plain_name = [w for w in info.name if w.lower() not in CONNECTORS]
        # "Jane Smith, the mayor," and "airport manager Elaine May" are people even when
        # the first name is not on our list: the role says so.
        if (
            info.kind == "person" or (info.kind == "unknown" and (appositive or described))
        ) and 2 <= len(plain_name) <= 4:
            role = info.role or appositive
            if described and not role:
                role = _description_before(para, run[0])
            self.person(info.name, role=role, titles=info.titles, position=position)
        elif (
            info.kind in ("organisation", "publication")
            and info.name
            and not (len(info.name) == 1 and info.name[0].lower() in ORG_WORDS)
        ):
            # ("Police", "Council" alone are references, not names: see ``titles``.)
            entity = self.body(info.name, info.kind, position)
            acronym = _acronym_after(tokens, run[1])
            if acronym:
                self.alias(entity, acronym, position)
            for noun in _described_as(tokens, run[0]):
                self.alias(entity, noun, position)
        elif (
            info.kind == "unknown"
            and info.name
            and not possessive
            and _described_as(tokens, run[0])
        ):
            # "the parent group Save Linden": a body, known also as "the group".
            entity = self.body(info.name, "organisation", position)
            for noun in _described_as(tokens, run[0]):
                self.alias(entity, noun, position)
        elif info.kind == "unknown" and 2 <= len(plain_name) <= 3 and not possessive:
            noun = tokens[run[1] + 1] if run[1] + 1 < len(tokens) else None
            if (
                noun is not None
                and noun.is_word
                and not noun.capitalised
                and noun.bare in ORG_WORDS
            ):
                # "the Hollin Quiet Skies group": a body, known also by the noun after it.
                entity = self.body(info.name, "organisation", position)
                self.alias(entity, noun.bare, position)
            elif not any(
                w.lower() in ORG_WORDS or w.lower() in PUBLICATION_WORDS for w in plain_name
            ):
                self._unknown.append((position, info.name))

    def introduce_speakers(self, cues: Iterable[Cue], paras: dict[int, Para]) -> None:
        """Unknown names that stand as a cue's speaker are people: "Elaine May said"; and
        the role a cue gives a speaker is theirs ("The county’s health officer, Dr. Yusuf
        Adeyemi, urged")."""
        for cue in cues:
            subject = cue.subject
            if subject.form != "name":
                continue
            info = classify_run(subject.words)
            plain = [w for w in info.name if w.lower() not in CONNECTORS]
            if info.kind == "person" and 2 <= len(plain) <= 4 and subject.role:
                self.person(
                    info.name,
                    role=subject.role,
                    titles=info.titles,
                    position=(cue.paragraph, cue.start),
                )
                continue
            if info.kind == "unknown" and subject.hint == "organisation" and plain:
                self.body(info.name, "organisation", (cue.paragraph, cue.start))
                continue
            if info.kind != "unknown" or not 2 <= len(plain) <= 3:
                continue
            if any(w.lower() in ORG_WORDS or w.lower() in PUBLICATION_WORDS for w in plain):
                continue
            if any(is_acronym(w) for w in plain):
                continue
            self.person(
                info.name,
                role=subject.role,
                titles=info.titles,
                position=(cue.paragraph, cue.start),
            )

    def index(self) -> None:
        """Index the people once every role and gender the story gives is known."""
        for position, person in self._mentions:
            self.by_surname[person.surname].add(position, person)
            if person.gender:
                self.by_gender.setdefault(person.gender, Timeline()).add(position, person)
            for word in role_words(person):
                self.by_role.setdefault(word, Timeline()).add(position, person)
        self._mentions = []
        for position, name in self._unknown:
            if " ".join(name) not in self.people:
                self.unknown_names.setdefault(name[-1].lower(), Timeline()).add(
                    position, Entity(" ".join(name), "person", introduced=position)
                )
        self._unknown = []
        # Rebuilt when someone new is known: a person named later ("Holt" once "says Holt"
        # made her one) opens the sentences she opened.
        if len(self.people) == self._subjects_for:
            return
        self._subjects_for = len(self.people)
        self.subjects = Timeline()
        self.unknown_openers = Timeline()
        for position, name in self._openers:
            person = self.people.get(" ".join(name))
            if person is None and len(name) == 1:
                timeline = self.by_surname.get(_strip_possessive(name[0]).lower())
                person = timeline.before(position) if timeline else None
            if person is not None:
                self.subjects.add(position, person)
            elif 2 <= len(name) <= 3 and not any(
                w.lower() in ORG_WORDS or w.lower() in PUBLICATION_WORDS for w in name
            ):
                self.unknown_openers.add(
                    position, Entity(" ".join(name), "person", introduced=position)
                )


_GIVEN_NAME = re.compile(
    r"\b(?:gave|giving|gives|give)\s+(?P<pronoun>his|her|their)\s+(?:first\s+)?name\s+"
    r"(?:only\s+)?as\s+(?P<name>[A-Z][\w’'-]+)"
)
_PRONOUN_GENDER = {"his": "male", "her": "female", "their": ""}


def _description_before(para: Para, first: int) -> str:
    """Who someone is, just before their name: "airport manager" in "airport manager Elaine
    May", "airport's manager" in "The airport's manager, Jane Roe,"."""
    tokens = para.tokens
    last = first - 2 if tokens[first - 1].text == "," else first - 1
    j = last
    while j - 1 >= 0 and last - j < 5 and tokens[j - 1].is_word and not tokens[j - 1].capitalised:
        j -= 1
    if tokens[first - 1].text != "," and j < last:
        j = last  # "airport manager Elaine May": the role word itself
    return strip_article(para.text[tokens[j].start : tokens[last].end])


def _opens_sentence(para: Para, first: int) -> bool:
    """Whether the run at ``first`` is its sentence's subject: it opens the sentence, after
    at most a few words of who they are ("Local councillor Farid Yusuf has written")."""
    tokens = para.tokens
    start, _ = para.sentence_bounds(para.sentence_of[first])
    if first - start > 3:
        return False
    return all(
        t.is_word and (t.lower not in FUNCTION_WORDS or t.lower in ("the", "a", "an"))
        for t in tokens[start:first]
    )


def _described_as(tokens, first: int) -> list[str]:
    """The nouns a body is described as just before its name: "the watchdog group Civic
    Ledger" → group, watchdog."""
    nouns: list[str] = []
    j = first - 1
    while j >= 0 and first - j <= 3 and tokens[j].is_word and not tokens[j].capitalised:
        if tokens[j].lower in ("the", "a", "an"):
            return nouns
        word = tokens[j].bare
        if word in DESCRIBED_AS or word in ORG_WORDS or word in GENERIC_BODIES:
            nouns.append(word)
        elif j != first - 1 and not nouns:
            return []
        j -= 1
    return []


def _acronym_after(tokens, last: int) -> str:
    """ "(WGA)" right after a name."""
    if (
        last + 3 < len(tokens)
        and tokens[last + 1].text == "("
        and tokens[last + 2].is_word
        and is_acronym(tokens[last + 2].text)
        and tokens[last + 3].text == ")"
    ):
        return tokens[last + 2].text
    return ""
