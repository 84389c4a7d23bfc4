"""Resolving cues to sources, in story order. Advisory layer.

Each cue's subject is resolved against the story's cast (``cast``): a full name to that
person, organisation or outlet; one word by ``surnames``; a pronoun by ``pronouns``; "the
ambassador", "the guild" by ``titles``; a document to the fuller one named earlier ("the
commission’s report" is the "UN commissioned report" above it); an anonymous subject to
nobody. Who spoke last, by kind, gender and role, is kept as the cues go by, for pronouns and
titles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from articles.quotes.attribution import pronouns, surnames, titles
from articles.quotes.attribution.cast import Cast, Entity, Position, role_words
from articles.quotes.attribution.cues import Cue, Subject
from articles.quotes.attribution.names import classify_run, outlet_name
from articles.quotes.attribution.vocabulary import word_set

if TYPE_CHECKING:
    from articles.quotes.attribution.text import Para

_DOC_STOP = word_set("own the a an its their his her our this that these those")
# Documents one word names well enough to be a source ("The indictment says").
SPECIFIC_DOCUMENTS = word_set(
    "indictment lawsuit complaint ruling judgment judgement verdict filing affidavit "
    "transcript subpoena warrant contract will memo memorandum"
)
# "A UN commissioned report" is the UN commission's report.
_DOC_FORMS = {"commissioned": "commission"}


def document_words(words: Sequence[str]) -> list[str]:
    out = []
    for word in words:
        bare = word.replace("’", "'")
        bare = bare[:-2] if bare.lower().endswith("'s") else bare.rstrip("'")
        if bare.lower() in _DOC_STOP:
            continue
        out.append(_DOC_FORMS.get(bare.lower(), bare))
    return out


class Resolver:
    """Resolves every cue of an analysis, in story order (see the module docstring)."""

    def __init__(self, paras: dict[int, Para]) -> None:
        self.paras = paras
        self.cast = Cast()
        self.cast.introduce(paras.values())
        self.cast.introduce_speakers((cue for para in paras.values() for cue in para.cues), paras)
        self.cast.index()
        self._introduced = {id(e) for e in (*self.cast.people.values(), *self.cast.bodies.values())}
        self.last_speaker: Entity | None = None
        self.last_person: Entity | None = None
        self.last_other: Entity | None = None
        self.last_by_gender: dict[str, Entity] = {}
        self.last_by_role: dict[str, Entity] = {}
        self.spoke_at: dict[int, Position] = {}
        self.speakers: list[tuple[Position, Entity]] = []  # people, in the order they spoke
        self._by_sentence: dict[tuple[int, int], list[Entity]] = {}
        self.anonymous_by_role: dict[str, tuple[Position, Entity]] = {}
        self.resolved: dict[Cue, Entity | None] = {}
        for para in paras.values():
            for cue in para.cues:
                self.resolved[cue] = self._resolve(cue)

    def known(self, entity: Entity) -> bool:
        """Whether the story itself introduced this entity (not made up for one cue)."""
        return id(entity) in self._introduced

    def _resolve(self, cue: Cue) -> Entity | None:
        subject = cue.subject
        position = (cue.paragraph, cue.start)
        if subject.form == "pronoun":
            entity = pronouns.resolve(self, subject.words[0], position, cue)
        else:
            entity = self.subject(subject, position)
        if entity is not None and entity.kind in (
            "person",
            "organisation",
            "publication",
            "anonymous",
        ):
            if entity.kind == "person" and subject.role and not entity.role:
                entity.role = subject.role
            if not cue.weak:
                self._spoke(entity, position)
        if entity is not None:
            self._by_sentence.setdefault((cue.paragraph, cue.sentence), []).append(entity)
        elif cue.speech and not cue.weak and subject.form in ("title", "name"):
            # Someone spoke whom we cannot name ("In Harwick, the mayor said"): a "she said"
            # after it is that someone, not whoever we last could name.
            self.speakers.append((position, Entity("", "nobody", introduced=position)))
            self.last_speaker = None
        if entity is not None and entity.kind == "nobody":
            return None
        return entity

    def sentence_speaker(self, cue: Cue) -> Entity | None:
        """The first person a cue of this sentence already named."""
        for entity in self._by_sentence.get((cue.paragraph, cue.sentence), ()):
            if entity.kind == "person":
                return entity
        return None

    def _spoke(self, entity: Entity, position: Position) -> None:
        self.last_speaker = entity
        self.spoke_at[id(entity)] = position
        if entity.kind == "anonymous":
            self.speakers.append((position, entity))
            return
        if entity.kind != "person":
            self.last_other = entity
            return
        self.speakers.append((position, entity))
        self.last_person = entity
        if entity.gender:
            self.last_by_gender[entity.gender] = entity
        for word in role_words(entity):
            self.last_by_role[word] = entity

    def subject(
        self, subject: Subject, position: Position, *, owner: bool = False
    ) -> Entity | None:
        if subject.form == "anonymous":
            # Nobody we can name, but someone later cues may mean ("the nurse said").
            gender = next((w for w in subject.words if w in ("female", "male")), "")
            nouns = [w for w in subject.words if w not in ("female", "male")]
            entity = Entity("", "anonymous", gender=gender, introduced=position)
            entity.roles.update(nouns)
            for noun in nouns:
                self.anonymous_by_role[noun] = (position, entity)
            return entity
        if subject.form == "pronoun":
            return pronouns.resolve(self, subject.words[0], position)
        if subject.form == "title":
            return titles.resolve(self, subject.words, position)
        if subject.form == "document":
            return self._document(subject.words, position)
        if subject.form == "sourced":
            entity = self.subject(subject.owner, position, owner=True) if subject.owner else None
            if entity is not None:
                # "figures compiled by RailWatch": later "the figures" are RailWatch's.
                self.cast.document(document_words(subject.words), (), owner=entity)
            return entity
        return self._name(subject, position, owner=owner)

    def _name(self, subject: Subject, position: Position, *, owner: bool) -> Entity | None:
        info = classify_run(subject.words)
        cast = self.cast
        if info.kind == "publication":
            outlet = outlet_name(info.name)
            if outlet:
                return cast.body((outlet,), "publication", position)
            return self._body(info.name, "publication", position)
        if info.kind == "organisation":
            return self._body(info.name, "organisation", position)
        if info.kind == "role":
            return titles.resolve(self, subject.words, position)
        name = list(info.name)
        if not name:
            return None
        if subject.hint == "organisation" and info.kind == "unknown":
            return self._body(name, "organisation", position)
        if len(name) == 1:
            found = surnames.person(self, name[0], position, later=False)
            if found is not None:
                found.gender = found.gender or _title_gender(info.titles)
                return found
            if info.titles or info.role:
                found = surnames.person(self, name[0], position)
                if found is not None:
                    return found
                person = cast.person(
                    name, role=info.role or subject.role, titles=info.titles, position=position
                )
                cast.index()
                return person
            return surnames.single(self, name[0], position, owner=owner)
        if info.kind == "unknown" and owner:
            return self._body(name, "organisation", position)
        person = cast.person(
            name, role=info.role or subject.role, titles=info.titles, position=position
        )
        cast.index()
        return person

    def _body(self, name: Sequence[str], kind: str, position: Position) -> Entity:
        """A body named in full, or in short ("the Ledger" → the Millbrook Ledger)."""
        return self.cast.body(name, kind, position)

    def _document(self, words: Sequence[str], position: Position) -> Entity | None:
        """A document named by its words (see the module docstring).

        In order: whose it is, when the story names its maker ("the observatory’s records",
        "the grain council's report", "the company's earnings release"); the fuller one
        named earlier ("the commission’s report" after "a UN commissioned report", "the
        study" after "a study by the Halvorsen Institute", whose maker it then is); a
        specific document named by one word ("the indictment"); or a new one by its words.
        """
        owner = self._possessor(words, position)
        named = document_words(words)
        if owner is not None:
            # Kept, so "the release" later is the company's too.
            self.cast.document(named, (), owner=owner)
            return owner
        if not named:
            return None
        keys = {w.lower() for w in named}
        # The last few documents are enough: a story refers back to what it just named.
        for document in reversed(self.cast.documents[-20:]):
            if keys <= {w.lower() for w in document.name.split()}:
                return document.owner or document
        if len(named) == 1:
            if named[0].lower() in SPECIFIC_DOCUMENTS:
                return self.cast.document(named, ())
            return None
        return self.cast.document(named, named[:-1])

    def _possessor(self, words: Sequence[str], position: Position) -> Entity | None:
        """The known person or body a document's possessive names, if any."""
        at = next((i for i, w in enumerate(words) if w.endswith(("’s", "'s"))), None)
        if at is None:
            return None
        phrase = [w for w in words[: at + 1] if w.lower() not in _DOC_STOP]
        if not phrase:
            return None
        phrase[-1] = phrase[-1][:-2]
        if phrase[0][:1].isupper() and phrase[0].lower() != "the":
            entity = self._name(Subject("name", tuple(phrase)), position, owner=True)
        else:
            entity = titles.resolve(self, tuple(phrase), position)
        return entity if entity is not None and self.known(entity) else None


def _title_gender(titles: Sequence[str]) -> str:
    from articles.quotes.attribution.names import gender_of

    return gender_of((), titles)
