"""``manage.py generate_corpus --articles N [--seed S] [--batch 5000]``: a large test corpus.

TEST DATA ONLY, for benchmarks and for trying the site at a newspaper's size. Rows are
written in bulk, straight into the tables: no service runs, so no audit events, no
``article_changed`` signal, no page-cache bump and no per-row validation. What the services
would have kept is written here directly, the way they keep it:

- every story is published, with 1–3 bylines, tags, 6–30 numbered paragraphs (paragraphs
  and the occasional block quote) and now and then a subheading, ``first_published_at``
  spread over the last ten years;
- 1–5 attributions per story, each pointing at words that stand in its paragraph (direct
  quotes with "said", paraphrases, reports by outlets, documents, data), so every quoted
  passage has its source and ``Attribution.clean()`` passes;
- a published correction note (paragraph, words before and after) on about 3% of stories;
- ``body_text`` as ``articles.search.body_text`` makes it and, on PostgreSQL, the
  ``search_vector`` that ``articles.search.index_article`` computes (one UPDATE per batch);
- one ``Revision`` per story, the snapshot ``articles.fields.snapshot`` takes, so the desk
  can open and correct any of them.

Sections are reused when there are any (else eight are created); the ~200 authors, ~2,000
sources and the tags are the same cast on every run (get-or-create by slug), so a second
run adds stories about the same people. ``--seed`` only changes the stories.

On PostgreSQL the big tables are loaded with ``COPY`` (psycopg2's ``copy_expert``), one
transaction per batch; elsewhere (SQLite) with ``bulk_create``. Run ``ANALYZE`` (the bench
does) before measuring anything on the result.
"""

from __future__ import annotations

import io
import json
import queue
import random
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    Attribution,
    Author,
    Block,
    Byline,
    CorrectionNote,
    Revision,
    Section,
    Source,
)
from articles.search import CONFIG


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- Vocabulary ---------------------------------------------------------------------------
# Everything is assembled from these lists. Narrative sentences never use a speech, report or
# document verb ("said", "according to", "found"), so the quote finder sees exactly the
# passages that are attributed, and nothing else, as needing a source.

PLACES = _words(
    "Millbrook Eastfield Ashford Northgate Kingsbridge Westmoor Lakeview Stonehaven Harrowgate "
    "Oakley Brookside Fairhaven Elmstead Redcliffe Whitmore Thornbury Pinecrest Greyfield "
    "Southwold Bramley Cresswell Dunmore Larkhill Marston Penrith Rosedale Sandown Tilbury "
    "Wexcombe Yardley"
)

SECTIONS = (
    ("world", "World", "International news and diplomacy."),
    ("politics", "Politics", "Councils, budgets and the people who vote on them."),
    ("local", "Local", "News from around town."),
    ("science", "Science", "Science, health and the environment."),
    ("business", "Business", "Work, money and the local economy."),
    ("health", "Health", "Hospitals, clinics and public health."),
    ("sport", "Sport", "Clubs, grounds and results."),
    ("culture", "Culture", "Theatre, music, books and galleries."),
)

TOPICS = {
    "world": (
        "the ceasefire talks",
        "the trade agreement",
        "the border crossing",
        "the sanctions package",
        "the aid convoy",
        "the peace plan",
        "the refugee camp",
        "the fishing treaty",
    ),
    "politics": (
        "the budget",
        "the council election",
        "the planning reform",
        "the council tax rise",
        "the transport levy",
        "the mayoral race",
        "the spending review",
        "the boundary review",
    ),
    "local": (
        "the night bus",
        "the library",
        "the high street",
        "the bypass",
        "the flood defences",
        "the swimming pool",
        "parking charges",
        "the market hall",
    ),
    "science": (
        "air quality",
        "the otter survey",
        "water quality in the river",
        "the new telescope",
        "the vaccine trial",
        "soil erosion",
        "the bird count",
        "the heat map",
    ),
    "business": (
        "the factory",
        "the port",
        "shop rents",
        "the jobs fair",
        "the retail park",
        "energy prices",
        "the brewery",
        "the business park",
    ),
    "health": (
        "waiting lists",
        "the hospital",
        "the maternity unit",
        "doctor appointments",
        "the ambulance service",
        "mental health services",
        "the walk-in clinic",
        "the dental practice",
    ),
    "sport": (
        "the football club",
        "the new stadium",
        "the marathon",
        "the cricket ground",
        "the youth league",
        "the rowing regatta",
        "the cycle track",
        "the leisure centre",
    ),
    "culture": (
        "the theatre",
        "the arts festival",
        "the museum",
        "the orchestra",
        "the film festival",
        "the gallery",
        "the book fair",
        "the concert hall",
    ),
}
ALL_TOPICS = tuple(t for group in TOPICS.values() for t in group)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MONTHS = _words(
    "January February March April May June July August September October November December"
)
NUMBERS = tuple(str(n) for n in (3, 4, 6, 8, 12, 15, 18, 20, 24, 30, 40, 45, 60, 75, 120, 300))

ORG_KINDS = (
    "Borough Council",
    "Hospital Trust",
    "Housing Association",
    "Chamber of Commerce",
    "Wildlife Trust",
    "Library Board",
    "Transport Authority",
    "Residents Association",
    "Rowing Club",
    "Arts Council",
)
OUTLETS = (
    "Reuters",
    "Associated Press",
    "AFP",
    "BBC News",
    "CBS News",
    "USA Today",
    "Bloomberg",
    "The Guardian",
    "Financial Times",
    "NPR",
    "Politico",
    "Sky News",
    "Al Jazeera",
    "ProPublica",
    "Axios",
    "Newsweek",
    "Le Monde",
    "Der Spiegel",
    "Deutsche Welle",
    "Kyodo News",
)
DOCUMENT_NOUNS = ("report", "audit", "review", "survey", "study", "assessment")
ROLES = (
    "finance director",
    "chief executive",
    "head librarian",
    "deputy mayor",
    "spokeswoman",
    "spokesman",
    "survey coordinator",
    "chair",
    "operations manager",
    "lead researcher",
    "head teacher",
    "senior councillor",
    "director of public health",
    "project manager",
)
FIRST_NAMES = _words(
    "Kwame Beatrix Anton Selma Priyanka Teodor Aisha Omar Ingrid Lars Sofia Diego "
    "Hannah Felix Yuki Kenji Amina Tunde Claire Pierre Greta Anders Rosa Mateo Leila Ravi "
    "Helen Gordon Naomi Samuel Ruth Jonah Esther Viktor Camila Rafael Mei Arjun Olga Ivan "
    "Beatriz Emeka Grace Walter Julia Oscar Alice Hugo"
)
LAST_NAMES = _words(
    "Whitaker Lindqvist Mensah Haddad Castellano "
    "Novak Brennan Achterberg Delacroix Fairweather Gallagher Halvorsen Ishikawa Jablonski "
    "Kowalczyk Lombardi Marchetti Nakamura Oyelaran Petrovic Quinlan Rasmussen Sandoval "
    "Tanaka Underwood Vasquez Wojcik Yilmaz Zhukova Abernathy Bellweather Carrington Dunleavy "
    "Ellsworth Fitzgerald Granger Holloway Ingersoll Jeffries Kingsley Lockhart Montague "
    "Northcott Ormsby Pemberton Radcliffe Sutherland Thackeray Vance Winslow"
)
BEATS = (
    "City hall reporter",
    "Transport correspondent",
    "Health reporter",
    "Science writer",
    "Business editor",
    "Sports reporter",
    "Arts critic",
    "Foreign correspondent",
    "Data reporter",
    "Courts reporter",
)
SUBHEADINGS = (
    "What happens next",
    "The cost",
    "A long wait",
    "Who is affected",
    "The numbers",
    "How we got here",
    "The other side",
    "What residents want",
)
# Words the corpus holds in about one story in a thousand each (in the lead paragraph), for
# "a rare word" searches.
RARE_WORDS = ("zeppelin", "harpsichord", "marmalade", "periscope", "tarantula")
RARE_SHARE = 0.001
# One story in this many carries a published correction note (3%).
NOTE_EVERY = 33

QUOTES = (
    "We have waited long enough for a decision on {t}, and people in {p} deserve an answer",
    "Nobody in this town wants to lose {t}",
    "The numbers do not add up, and everyone on the committee knows it",
    "This is about the people who rely on {t} every single day",
    "We will keep talking to residents until we get {t} right",
    "It is the most important decision the council will make this year",
    "I have lived in {p} for {n} years and I have never seen anything like it",
    "Cutting {t} now would be a mistake we would regret for a decade",
    "We expect the work on {t} to be finished by {m}",
    "There is no easy answer, but doing nothing is not an option",
    "People kept asking when they could come back, and today we could finally say yes",
    "Ten years ago we were pleased to get this far",
)
CLAIMS = (
    "the council is considering a {n} per cent rise in fees for {t}",
    "two members of the finance committee plan to vote against the plan for {t}",
    "the contract for {t} was awarded without a tender",
    "the cost of {t} has risen by {n} per cent since {m}",
    "{t} will need another {n} million over the next five years",
    "fewer than {n} people use {t} on a typical weekday",
    "the plan for {t} in {p} was drawn up before the last election",
)
NARRATIVE = (
    "The decision on {t} was put off until {m} after {n} residents wrote to the council.",
    "Councillors in {p} voted on {d} to keep {t} for another year.",
    "{T} has cost the town {n} million over the past decade.",
    "The council has set aside {n} million for {t} in next year’s budget.",
    "A public meeting about {t} is planned for {d} evening at the {p} community centre.",
    "About {n} people signed a petition about {t} in {m}.",
    "The plan for {t} would cut costs by {n} per cent in its first year.",
    "Work on {t} began in {m} and is due to finish within {n} months.",
    "Opponents of the plan for {t} have held {n} protests outside the town hall since {m}.",
    "{p} has {n} staff working on {t}, down from twice that five years ago.",
    "The first phase of {t} opened to the public on {d}.",
    "Questions about {t} took up most of the {d} meeting of the council’s finance committee.",
    "Residents in {p} have waited {n} months for a decision on {t}.",
    "The budget for {t} rose by {n} per cent this year, the largest increase in a decade.",
    "Traffic near {t} has doubled since {m}, and parking is scarce on weekdays.",
    "The next vote on {t} is expected on {d}.",
    "Shops near {t} close at six, and the last bus leaves {n} minutes later.",
    "The council’s papers on {t} run to {n} pages.",
    "Volunteers in {p} spent {n} weekends clearing the ground around {t}.",
    "The scheme for {t} is one of {n} the council is weighing before the budget vote.",
)
HEADLINES = (
    "{P} council delays decision on {t}",
    "Cost of {t} in {p} rises to {n} million",
    "Residents rally to save {t}",
    "What the vote on {t} means for {p}",
    "{P} to decide on {t} by {m}",
    "Inside the fight over {t}",
    "{T}: {n} questions the council must answer",
    "New plan for {t} divides {p}",
)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- The cast: sections, authors, sources, tags ---------------------------------------------


@dataclass
class Person:
    source_id: int
    name: str
    role: str
    org: str


@dataclass
class Cast:
    sections: list[Section]
    authors: list[Author]
    people: list[Person]
    orgs: list[tuple[int, str]]
    outlets: list[tuple[int, str]]
    documents: list[tuple[int, str, str]]  # id, name, what the text calls it
    tags: dict[str, tuple[int, str]] = field(default_factory=dict)


def _sections() -> list[Section]:
    existing = list(Section.objects.order_by("position", "pk"))
    if existing:
        return existing
    return Section.objects.bulk_create(
        Section(slug=slug, name=name, description=description, position=i + 1)
        for i, (slug, name, description) in enumerate(SECTIONS)
    )


def _get_or_create_by_slug(model: type[models.Model], rows: list[dict]) -> dict[str, models.Model]:
    """The rows keyed by slug: existing ones as they are, missing ones bulk-created."""
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=[r["slug"] for r in rows])}
    missing = [model(**r) for r in rows if r["slug"] not in found]
    for obj in model.objects.bulk_create(missing):
        found[obj.slug] = obj
    if any(obj.pk is None for obj in found.values()):  # a backend that returns no ids
        found = {obj.slug: obj for obj in model.objects.filter(slug__in=list(found))}
    return found


def _names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def build_cast(*, authors: int = 200, people: int = 1500) -> Cast:
    """The same ~200 authors and ~2,000 sources on every run (a fixed seed), got or created."""
    rng = random.Random("newsroom-corpus-cast")  # noqa: S311 - test data, not secrets
    sections = _sections()
    taken: set[str] = set()

    author_rows = [
        {
            "slug": "corpus-" + slugify(name),
            "display_name": name,
            "title": rng.choice(BEATS),
            "bio": f"{name} has covered {rng.choice(PLACES)} for {rng.randint(2, 25)} years.",
        }
        for name in _names(rng, authors, taken)
    ]
    author_map = _get_or_create_by_slug(Author, author_rows)

    org_names = [f"{place} {kind}" for place in PLACES for kind in ORG_KINDS]
    org_rows = [
        {"slug": slugify(n), "name": n, "kind": Source.Kind.ORGANISATION} for n in org_names
    ]
    org_map = _get_or_create_by_slug(Source, org_rows)
    outlet_rows = [
        {"slug": slugify(n), "name": n, "kind": Source.Kind.PUBLICATION} for n in OUTLETS
    ]
    outlet_map = _get_or_create_by_slug(Source, outlet_rows)

    doc_specs = []
    for org in rng.sample(org_names, 120):
        noun = rng.choice(DOCUMENT_NOUNS)
        doc_specs.append(
            (f"{org} {noun}", f"{'An' if noun[0] in 'aeiou' else 'A'} {noun} by the {org}")
        )
    doc_rows = [
        {"slug": slugify(name), "name": name, "kind": Source.Kind.DOCUMENT} for name, _ in doc_specs
    ]
    doc_map = _get_or_create_by_slug(Source, doc_rows)

    person_specs = []
    for name in _names(rng, people, taken):
        org = rng.choice(org_names)
        person_specs.append((name, rng.choice(ROLES), org))
    person_rows = [
        {
            "slug": slugify(name),
            "name": name,
            "kind": Source.Kind.PERSON,
            "role": role,
            "affiliation_id": org_map[slugify(org)].pk,
            "aliases": [name.split()[-1]],
        }
        for name, role, org in person_specs
    ]
    person_map = _get_or_create_by_slug(Source, person_rows)

    return Cast(
        sections=sections,
        authors=[author_map[r["slug"]] for r in author_rows],
        people=[
            Person(person_map[slugify(name)].pk, name, role, org)
            for name, role, org in person_specs
        ],
        orgs=[(org_map[slugify(n)].pk, n) for n in org_names],
        outlets=[(outlet_map[slugify(n)].pk, n) for n in OUTLETS],
        documents=[(doc_map[slugify(name)].pk, name, called) for name, called in doc_specs],
    )


def build_tags(names: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Our tag name -> (id, the name as stored), keyed by slug: an existing "Night Bus" is
    the tag "night bus" (tags are case-insensitive here)."""
    slugs = {slugify(n): n for n in names}
    existing = {t.slug: t for t in Tag.objects.filter(slug__in=list(slugs))}
    Tag.objects.bulk_create(Tag(name=n, slug=s) for s, n in slugs.items() if s not in existing)
    stored = {t.slug: t for t in Tag.objects.filter(slug__in=list(slugs))}
    return {name: (stored[slug].pk, stored[slug].name) for slug, name in slugs.items()}


# --- Stories ------------------------------------------------------------------------------


@dataclass
class Story:
    """One generated story, as rows for every table it touches."""

    article: tuple
    blocks: list[tuple] = field(default_factory=list)
    bylines: list[tuple] = field(default_factory=list)
    attributions: list[tuple] = field(default_factory=list)
    notes: list[tuple] = field(default_factory=list)
    tags: list[int] = field(default_factory=list)
    revision: tuple | None = None


ARTICLE_COLUMNS = (
    "id",
    "headline",
    "slug",
    "dek",
    "dateline",
    "kind",
    "credit_line",
    "lead_image",
    "lead_image_caption",
    "lead_image_alt",
    "lead_image_credit",
    "status",
    "first_published_at",
    "updated_at",
    "created_at",
    "modified_at",
    "created_by_id",
    "section_id",
    "scheduled_at",
    "body_text",
    "note_anchors",
    "held_reason",
)
BLOCK_COLUMNS = (
    "article_id",
    "uid",
    "position",
    "kind",
    "text",
    "image",
    "image_alt",
    "image_caption",
    "image_credit",
)
BYLINE_COLUMNS = ("article_id", "author_id", "position")
ATTRIBUTION_COLUMNS = ("article_id", "source_id", "kind", "text", "paragraph", "url", "created_at")
NOTE_COLUMNS = (
    "article_id",
    "kind",
    "text",
    "paragraphs",
    "before",
    "after",
    "issued_at",
    "published_at",
    "prominent",
    "withdrawal_reason",
)
REVISION_COLUMNS = ("article_id", "number", "created_at", "message", "snapshot")
TAGGED_COLUMNS = ("content_type_id", "object_id", "tag_id")

KINDS = (Article.Kind.NEWS,) * 16 + (
    Article.Kind.ANALYSIS,
    Article.Kind.ANALYSIS,
    Article.Kind.OPINION,
    Article.Kind.EXPLAINER,
)


class StoryMaker:
    """Assembles stories from the vocabulary. Deterministic for a seed and a cast."""

    def __init__(self, cast: Cast, *, seed: int, now: datetime, years: float = 10.0) -> None:
        self.cast = cast
        self.rng = random.Random(seed)  # noqa: S311 - test data, not secrets
        self.now = now
        self.span_s = years * 365.25 * 86400
        self.made = 0
        self.note_owed = False
        rng = self.rng
        self.section_topics = {s.pk: TOPICS.get(s.slug, ALL_TOPICS) for s in cast.sections}
        # Pools of sentences per topic, made once: a story is cheap to assemble from them.
        self.narrative: dict[str, list[tuple[str, str | None]]] = {}
        for topic in ALL_TOPICS:
            pool = []
            for _ in range(300):
                pool.append(self._fill(rng.choice(NARRATIVE), topic))
            self.narrative[topic] = pool
        tag_names = {t.removeprefix("the ") for t in ALL_TOPICS} | {p.lower() for p in PLACES}
        cast.tags = build_tags(tag_names)

    def _fill(self, template: str, topic: str) -> tuple[str, str | None]:
        """A sentence, and the word in it a correction could have changed (a day or number)."""
        rng = self.rng
        place, number, day = rng.choice(PLACES), rng.choice(NUMBERS), rng.choice(DAYS)
        text = template.format(
            t=topic, T=_cap(topic), p=place, P=place, n=number, d=day, m=rng.choice(MONTHS)
        )
        token = day if "{d}" in template else number if "{n}" in template else None
        return text, token

    def story(self, article_id: int) -> Story:
        rng = self.rng
        cast = self.cast
        section = rng.choice(cast.sections)
        topic = rng.choice(self.section_topics[section.pk])
        pool = self.narrative[topic]
        place = rng.choice(PLACES)

        headline = _cap(
            rng.choice(HEADLINES).format(
                t=topic,
                T=_cap(topic),
                p=place,
                P=place,
                n=rng.choice(NUMBERS),
                m=rng.choice(MONTHS),
            )
        )
        slug = f"{slugify(headline)[:180]}-{article_id}"
        dek = rng.choice(pool)[0]
        published = self.now - timedelta(seconds=rng.random() * self.span_s)

        # The numbered paragraphs (paragraph or block quote), then subheadings between them.
        count = rng.randint(6, 30)
        attributed = sorted(rng.sample(range(2, count + 1), rng.randint(1, min(5, count - 1))))
        blocks: list[tuple[str, str]] = []  # (kind, text) of numbered blocks
        tokens: dict[int, str] = {}  # paragraph -> a correctable word in it
        attributions = []
        rare_at = 1 if rng.random() < RARE_SHARE * len(RARE_WORDS) else 0
        for number in range(1, count + 1):
            if number in attributed:
                kind, text, source_id, akind, passage = self._attributed(topic, place)
                blocks.append((kind, text))
                attributions.append((source_id, akind, passage, number))
                continue
            sentences = [rng.choice(pool) for _ in range(rng.randint(1, 3))]
            if number == rare_at:
                rare = rng.choice(RARE_WORDS)
                sentences.append((f"Among the items listed in the inventory was a {rare}.", None))
            blocks.append(("paragraph", " ".join(s for s, _ in sentences)))
            token = next((t for _, t in sentences if t), None)
            if token:
                tokens[number] = token

        body = []
        subheads = rng.randint(1, 2) if count >= 10 and rng.random() < 0.3 else 0
        before = set(rng.sample(range(3, count + 1), subheads)) if subheads else set()
        for number, (kind, text) in enumerate(blocks, start=1):
            if number in before:
                body.append(("subheading", rng.choice(SUBHEADINGS)))
            body.append((kind, text))
        body_text = "\n\n".join(text for _, text in blocks)

        authors = rng.sample(cast.authors, rng.choice((1, 1, 1, 2, 2, 3)))
        tags = [cast.tags[t] for t in sorted({topic.removeprefix("the "), place.lower()})]

        notes, updated = [], published
        # One story in NOTE_EVERY (the first one included) carries a note.
        self.note_owed |= self.made % NOTE_EVERY == 0
        self.made += 1
        if tokens and self.note_owed:
            self.note_owed = False
            number = rng.choice(sorted(tokens))
            after = tokens[number]
            wrong = [x for x in (DAYS if after in DAYS else NUMBERS) if x != after]
            before_word = rng.choice(wrong)
            issued = published + timedelta(hours=1 + rng.random() * 240)
            what = "day" if after in DAYS else "figure"
            if rng.random() < 0.85:
                note_kind = CorrectionNote.Kind.CORRECTION
                text = (
                    f"An earlier version of this story gave the wrong {what} in paragraph "
                    f"{number}. “{before_word}” was corrected to “{after}”."
                )
            else:
                note_kind = CorrectionNote.Kind.CLARIFICATION
                text = f"This story was updated to make the {what} in paragraph {number} clear."
            notes.append(
                (
                    article_id,
                    note_kind,
                    text,
                    [number],
                    before_word,
                    after,
                    issued,
                    issued,
                    rng.random() < 0.05,
                    "",
                )
            )
            updated = issued

        kind = rng.choice(KINDS)
        dateline = place.upper() if kind == Article.Kind.NEWS and rng.random() < 0.5 else ""
        credit = "Staff and wire reports" if rng.random() < 0.05 else ""
        created = published - timedelta(hours=1 + rng.random() * 48)
        article = (
            article_id,
            headline,
            slug,
            dek,
            dateline,
            kind,
            credit,
            "",
            "",
            "",
            "",
            Article.Status.PUBLISHED,
            published,
            updated,
            created,
            updated,
            None,
            section.pk,
            None,
            body_text,
            {},
            "",
        )
        snapshot = {
            "headline": headline,
            "slug": slug,
            "dek": dek,
            "dateline": dateline,
            "kind": kind,
            "section": {"id": section.pk, "slug": section.slug},
            "authors": [{"id": a.pk, "name": a.display_name} for a in authors],
            "credit_line": credit,
            "tags": sorted(name for _, name in tags),
            "lead_image": "",
            "lead_image_caption": "",
            "lead_image_alt": "",
            "lead_image_credit": "",
            "blocks": [
                {
                    "uid": _block_uid(position),
                    "kind": k,
                    "text": t,
                    "image": "",
                    "image_alt": "",
                    "image_caption": "",
                    "image_credit": "",
                }
                for position, (k, t) in enumerate(body)
            ],
        }
        return Story(
            article=article,
            blocks=[
                (article_id, _block_uid(position), position, k, t, "", "", "", "")
                for position, (k, t) in enumerate(body)
            ],
            bylines=[(article_id, a.pk, i) for i, a in enumerate(authors)],
            attributions=[
                (article_id, source_id, akind, passage, number, "", published)
                for source_id, akind, passage, number in attributions
            ],
            notes=notes,
            tags=[tag_id for tag_id, _ in tags],
            revision=(article_id, 1, published, "Generated corpus (test data)", snapshot),
        )

    def _attributed(self, topic: str, place: str) -> tuple[str, str, int, str, str]:
        """A paragraph with one sourced passage: (block kind, text, source, kind, passage)."""
        rng = self.rng
        cast = self.cast
        fill = {"t": topic, "p": place, "n": rng.choice(NUMBERS), "m": rng.choice(MONTHS)}
        roll = rng.random()
        tail = ""
        if rng.random() < 0.4:
            tail = " " + rng.choice(self.narrative[topic])[0]
        if roll < 0.5:
            person = rng.choice(cast.people)
            quote = rng.choice(QUOTES).format(**fill)
            passage = quote + ","
            if rng.random() < 0.5:
                text = f"“{passage}” said {person.name}, the {person.role} of the {person.org}."
            else:
                text = f"“{passage}” {person.name} said."
            return (
                "paragraph",
                text + tail,
                person.source_id,
                Attribution.Kind.DIRECT_QUOTE,
                passage,
            )
        claim = rng.choice(CLAIMS).format(**fill)
        if roll < 0.6:
            person = rng.choice(cast.people)
            passage = f"{person.name}, the {person.role} of the {person.org}, said {claim}."
            return (
                "paragraph",
                passage + tail,
                person.source_id,
                Attribution.Kind.PARAPHRASE,
                passage,
            )
        if roll < 0.75:
            source_id, outlet = rng.choice(cast.outlets)
            if rng.random() < 0.5:
                passage = f"{_cap(claim)}, {outlet} reported."
            else:
                passage = f"{_cap(claim)}, according to {outlet}."
            return "paragraph", passage + tail, source_id, Attribution.Kind.REPORT, passage
        if roll < 0.85:
            source_id, org = rng.choice(cast.orgs)
            passage = f"Figures from the {org} show that {claim}."
            return "paragraph", passage + tail, source_id, Attribution.Kind.DATA, passage
        source_id, _name, called = rng.choice(cast.documents)
        if roll < 0.93:
            passage = f"{called} found that {claim}."
            return "paragraph", passage + tail, source_id, Attribution.Kind.DOCUMENT, passage
        passage = f"{_cap(claim)}. {_cap(rng.choice(CLAIMS).format(**fill))}."
        return "blockquote", passage, source_id, Attribution.Kind.DOCUMENT, passage


# --- Writing ------------------------------------------------------------------------------


def _copy_value(value) -> str:
    """One value in ``COPY``'s text format."""
    if value.__class__ is str:
        if "\\" in value:
            value = value.replace("\\", "\\\\")
        if "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return _copy_value(json.dumps(value, ensure_ascii=False))
    return str(value)


def _block_uid(position: int) -> str:
    """A generated block's identity (``Block.uid``): unique in its story, and the same on
    every run."""
    return f"gen{position:05d}"


class Writer:
    """Rows into a table: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere."""

    def __init__(self) -> None:
        self.copy = connection.vendor == "postgresql"

    def write(self, model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if not self.copy:
            model.objects.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500
            )
            return
        buffer = io.StringIO()
        buffer.writelines("\t".join(map(_copy_value, row)) + "\n" for row in rows)
        buffer.seek(0)
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model`` (from its sequence on PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
    start = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    return list(range(start, start + count))


def index_batch(ids: list[int]) -> None:
    """Fill ``search_vector`` for a batch in one UPDATE, the vector ``index_article``
    computes (its body value is ``body_text``, already written)."""
    if connection.vendor != "postgresql":
        return
    Article.objects.filter(pk__in=ids).update(
        search_vector=SearchVector("headline", weight="A", config=CONFIG)
        + SearchVector("dek", weight="B", config=CONFIG)
        + SearchVector("body_text", weight="C", config=CONFIG)
    )


def write_batch(maker: StoryMaker, writer: Writer, count: int, content_type_id: int) -> list[int]:
    """Write ``count`` stories with all their rows (not their search vectors); their ids."""
    ids = reserve_ids(Article, count)
    stories = [maker.story(article_id) for article_id in ids]
    writer.write(Article, ARTICLE_COLUMNS, [s.article for s in stories])
    writer.write(Block, BLOCK_COLUMNS, [row for s in stories for row in s.blocks])
    writer.write(Byline, BYLINE_COLUMNS, [row for s in stories for row in s.bylines])
    writer.write(Attribution, ATTRIBUTION_COLUMNS, [row for s in stories for row in s.attributions])
    writer.write(CorrectionNote, NOTE_COLUMNS, [row for s in stories for row in s.notes])
    writer.write(Revision, REVISION_COLUMNS, [s.revision for s in stories])
    writer.write(
        TaggedItem,
        TAGGED_COLUMNS,
        [(content_type_id, s.article[0], tag) for s in stories for tag in s.tags],
    )
    return ids


class Indexer:
    """Fills the search vectors of written batches on a second connection, in a thread,
    while the main connection writes the next batch: ``to_tsvector`` is the largest single
    cost of a batch, and this way it runs on the other core.

    Each batch's vectors are one UPDATE in their own transaction, right after the batch
    commits; ``finish`` waits for all of them. A run killed in between leaves at most the
    last batches unsearchable (``manage.py reindex_search`` fills them in).
    """

    def __init__(self) -> None:
        self.queue: queue.Queue[list[int] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="corpus-indexer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (ids := self.queue.get()) is not None:
                if self.error is None:
                    with transaction.atomic():
                        index_batch(ids)
        except BaseException as exc:
            self.error = exc
            while self.queue.get() is not None:  # let the main thread go on to stop
                pass
        finally:
            connection.close()

    def put(self, ids: list[int]) -> None:
        if self.error is not None:
            raise CommandError(f"Indexing failed: {self.error}") from self.error
        self.queue.put(ids)

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise CommandError(f"Indexing failed: {self.error}") from self.error


class Command(BaseCommand):
    help = (
        "Write N published stories of TEST DATA in bulk (no services, no audit events, no "
        "cache bump), for benchmarks: bylines, paragraphs, attributions, correction notes, "
        "tags, search index, one revision each. Never run it on a real newsroom's database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--articles", type=int, required=True, help="How many stories.")
        parser.add_argument("--seed", type=int, default=1, help="Seed for the stories.")
        parser.add_argument("--batch", type=int, default=5000, help="Stories per transaction.")

    def handle(self, *args, articles: int, seed: int, batch: int, **options) -> None:
        if articles < 0 or batch < 1:
            raise CommandError("--articles must be 0 or more and --batch at least 1.")
        started = time.monotonic()
        with transaction.atomic():
            cast = build_cast()
            maker = StoryMaker(cast, seed=seed, now=timezone.now())
        content_type_id = ContentType.objects.get_for_model(Article).pk
        writer = Writer()
        # Inside a caller's transaction (the tests) another connection would not see the
        # rows: everything then runs on this one.
        nested = connection.in_atomic_block
        indexer = Indexer() if writer.copy and not nested else None
        done = 0
        try:
            while done < articles:
                size = min(batch, articles - done)
                with transaction.atomic():
                    if writer.copy:
                        with connection.cursor() as cursor:
                            cursor.execute("SET LOCAL synchronous_commit = off")
                    ids = write_batch(maker, writer, size, content_type_id)
                    if indexer is None:
                        index_batch(ids)
                if indexer is not None:
                    indexer.put(ids)
                done += size
                self._progress(options, done, articles, started)
        finally:
            if indexer is not None:
                indexer.finish()
        written = time.monotonic() - started
        if writer.copy and not nested:
            # The UPDATE left a dead row behind every article; a fresh table also lacks
            # statistics and a visibility map. What a routinely vacuumed site would have.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"VACUUM (ANALYZE) {connection.ops.quote_name(Article._meta.db_table)}"
                )
                for model in (Block, Byline, Attribution, CorrectionNote, Revision, TaggedItem):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {articles:,} stories of test data in {elapsed:.1f} s "
                f"({articles / max(written, 1e-9):,.0f} stories/s written; "
                f"{elapsed - written:.1f} s of VACUUM and ANALYZE)."
            )
        )

    def _progress(self, options: dict, done: int, total: int, started: float) -> None:
        if options["verbosity"] < 1:
            return
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{done:,}/{total:,} stories  {elapsed:7.1f} s  {done / elapsed:,.0f} stories/s"
        )
