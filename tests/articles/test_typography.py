"""Typographic quotes and apostrophes (``body.typographic``), applied on every save
(``services.base.typeset``), and what must not move when they are: quote spans, attributions,
paragraph numbers, the seed story."""

from __future__ import annotations

import io
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from articles import body, importing, quotes, services
from articles.management.commands.load_demo import MANIFEST
from articles.models import Article, Attribution, CorrectionNote
from tests.factories import (
    ArticleFactory,
    PublishedArticleFactory,
    SectionFactory,
    article_changes,
)
from tests.helpers import SEED_FILE, SEED_SLUG


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile("mill.png", buffer.getvalue(), content_type="image/png")


STRAIGHTEN = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


class TestConversion:
    @pytest.mark.parametrize(
        ("typed", "typeset"),
        [
            ('He said "We will rebuild."', "He said “We will rebuild.”"),
            ("'Hello,' she said.", "‘Hello,’ she said."),
            ("\"It's 'fine',\" he said.", "“It’s ‘fine’,” he said."),
            ("don't, can't, O'Brien", "don’t, can’t, O’Brien"),
            ("the '90s and the players' union", "the ’90s and the players’ union"),
            ("rock 'n' roll", "rock ’n’ roll"),
            ('(“Already curly,” and "straight")', "(“Already curly,” and “straight”)"),
            ('She said:"No."', "She said:“No.”"),
            ('He said—"Go"—and left.', "He said—“Go”—and left."),
        ],
    )
    def test_quotes_and_apostrophes_become_typographic(self, typed, typeset):
        """Straight quotes open and close as “…” and ‘…’; apostrophes become ’."""
        assert body.typographic(typed) == typeset

    @pytest.mark.parametrize(
        "text",
        [
            "He is 5'10\" tall.",
            'A 12" pipe burst.',
            "A 6' fence and a 3' gap.",
            'The 2" and 4" bolts.',
        ],
    )
    def test_inch_and_foot_marks_in_measurements_stay(self, text):
        """Feet and inches after a figure are measurements, not quote marks."""
        assert body.typographic(text) == text

    def test_an_inch_mark_inside_a_quote_stays_and_the_quote_still_closes(self):
        """A straight mark after a figure inside a quote is an inch mark when another closes."""
        assert (
            body.typographic('"We need a 12" pipe," he said.') == '“We need a 12" pipe,” he said.'
        )

    def test_a_quoted_figure_closes(self):
        """After a figure, a straight mark closes the quote it ends."""
        assert body.typographic('It was "1990" and "66".') == "It was “1990” and “66”."

    def test_tag_attributes_are_left_as_typed(self):
        """Links keep their attributes byte for byte; only the words a reader sees change."""
        text = (
            '<a href="https://example.org/?q=\'x\'" title="Don\'t">"the report"</a> '
            "<em>isn't</em> out"
        )
        assert body.typographic(text) == (
            '<a href="https://example.org/?q=\'x\'" title="Don\'t">“the report”</a> '
            "<em>isn’t</em> out"
        )

    def test_entities_count_as_the_characters_they_stand_for(self):
        """``&quot;`` and ``&#39;`` are quote marks; ``&amp;`` stays an entity."""
        assert body.typographic("&quot;Fish &amp; chips&quot; isn&#39;t") == (
            "“Fish &amp; chips” isn’t"
        )

    def test_plain_fields_are_not_read_as_markup(self):
        """A headline is plain text: a "<" in it is a character, not a tag."""
        assert body.typographic('Why "a < b" matters', markup=False) == "Why “a < b” matters"

    def test_a_stray_mark_is_left_rather_than_half_a_pair(self):
        """A lone mark that opens nothing and closes nothing stays as typed."""
        assert body.typographic('a " b') == 'a " b'


WORDS = ["We", "will", "rebuild", "the", "mayor's", "don't", "'90s", "5'10\"", "a", '12"']
PIECES = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.lists(st.sampled_from(WORDS[:5]), min_size=1, max_size=4).map(
            lambda w: '"' + " ".join(w) + '"'
        ),
        st.sampled_from([",", ".", " —", "("]),
    ),
    max_size=20,
).map(" ".join)


@given(text=PIECES)
def test_conversion_moves_no_character(text):
    """Each mark is replaced one for one: same length, same text with marks folded."""
    converted = body.typographic(text)
    assert len(converted) == len(text)
    assert body.fold_quotes(converted) == body.fold_quotes(text)


@given(text=PIECES)
def test_conversion_is_idempotent(text):
    """Saving a story twice changes nothing the second time."""
    once = body.typographic(text)
    assert body.typographic(once) == once


@given(text=st.text())
def test_any_plain_text_keeps_its_length_and_folded_form(text):
    """Whatever the plain text, no character but a quote mark changes, and none moves."""
    converted = body.typographic(text, markup=False)
    assert len(converted) == len(text)
    assert body.fold_quotes(converted) == body.fold_quotes(text)


@given(text=st.text())
def test_markup_outside_the_marks_is_untouched(text):
    """With markup, only quote marks change: the text with marks folded is the same."""
    converted = body.typographic(text)
    assert body.fold_quotes(body.plain_text(converted)) == body.fold_quotes(body.plain_text(text))


SENTENCE_WORDS = st.lists(
    st.sampled_from(["the", "council", "will", "vote", "mayor's", "isn't", "Tuesday"]),
    min_size=1,
    max_size=5,
).map(" ".join)


@st.composite
def quoted_paragraph(draw) -> str:
    """A paragraph of sentences, some quoted with straight double marks and a said-clause."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        words = draw(SENTENCE_WORDS)
        if draw(st.booleans()):
            parts.append(f'"{words.capitalize()}," the mayor said.')
        else:
            parts.append(f"{words.capitalize()}.")
    return " ".join(parts)


@given(paragraph=quoted_paragraph())
def test_quote_spans_are_the_same_after_conversion(paragraph):
    """The quote finder finds the same quotes, at the same places, in the typeset text."""

    def spans(text: str) -> list[tuple[int, int, int, int]]:
        return [
            (s.outer_start, s.outer_end, s.inner_start, s.inner_end)
            for s in quotes.quote_spans(text)
        ]

    assert spans(body.typographic(paragraph, markup=False)) == spans(paragraph)


def _straight_seed() -> str:
    return SEED_FILE.read_text(encoding="utf-8").translate(STRAIGHTEN)


def test_the_straightened_seed_typesets_back_to_the_seed():
    """The seed with every curly mark made straight typesets back to the seed, paragraph for
    paragraph, and the quote finder reads both the same way."""
    seed = body.paragraph_texts(importing.parse_story(SEED_FILE.read_text("utf-8")).blocks)
    straight = body.paragraph_texts(importing.parse_story(_straight_seed()).blocks)

    typeset = {n: body.typographic(text, markup=False) for n, text in straight.items()}

    assert typeset == seed

    def found(paragraphs: dict[int, str]) -> list[tuple[int, int, int, str]]:
        return [(f.paragraph, f.start, f.end, f.kind) for f in quotes.find_passages(paragraphs)]

    assert found(straight) == found(seed)


@pytest.mark.django_db
class TestOnSave:
    def test_create_typesets_body_headline_standfirst_and_captions(self):
        """Every field readers read as prose is stored with typographic quotes."""
        article = services.article_create(
            actor=None,
            section=SectionFactory(),
            headline='Mayor: "We\'ll rebuild"',
            dek="The town's plan",
            lead_image_caption="The mayor's office",
            blocks=[
                services.BlockData(kind="paragraph", text=body.from_plain('"We will," he said.')),
                services.BlockData(
                    kind="image", image=_png(), image_caption="The '90s mill", image_alt="It's"
                ),
            ],
        )

        assert article.headline == "Mayor: “We’ll rebuild”"
        assert article.dek == "The town’s plan"
        assert article.lead_image_caption == "The mayor’s office"
        paragraph, image = article.blocks.all()
        assert paragraph.text == "“We will,” he said."
        assert image.image_caption == "The ’90s mill"
        assert image.image_alt == "It's"  # alt text is read aloud, not typeset

    def test_desk_edits_are_typeset(self):
        """``article_update``, the desk's save, typesets what the editor typed."""
        article = ArticleFactory()
        changes = article_changes(
            article,
            headline='Council says "no"',
            blocks=[("paragraph", "It's done."), ("paragraph", '"Yes," she said.')],
        )

        article = services.article_update(
            article=article, actor=None, changes=changes, base_revision=0
        )

        assert article.headline == "Council says “no”"
        assert article.paragraph_texts() == {1: "It’s done.", 2: "“Yes,” she said."}

    def test_links_in_block_text_keep_their_attributes(self):
        """A link's href and title are stored exactly as given."""
        html = '<a href="https://example.org/a?b=\'c\'" title="it\'s">"Read"</a> it\'s here'
        article = services.article_create(
            actor=None,
            section=SectionFactory(),
            headline="Links",
            blocks=[services.BlockData(kind="paragraph", text=html)],
        )

        stored = article.blocks.get().text
        assert "href=\"https://example.org/a?b='c'\"" in stored
        assert 'title="it\'s"' in stored
        assert "“Read”</a> it’s here" in stored

    @override_settings(NEWSROOM_TYPOGRAPHIC_QUOTES=False)
    def test_the_setting_off_keeps_what_was_typed(self):
        """``DJANGO_TYPOGRAPHIC_QUOTES=0``: words are stored as typed."""
        article = services.article_create(
            actor=None,
            section=SectionFactory(),
            headline='Mayor: "We\'ll rebuild"',
            blocks=[services.BlockData(kind="paragraph", text='"We will," he said.')],
        )

        assert article.headline == 'Mayor: "We\'ll rebuild"'
        assert article.blocks.get().text == '"We will," he said.'

    def test_a_restored_revision_is_typeset(self):
        """A revision saved before typographic quotes comes back with them."""
        article = ArticleFactory(blocks=[("paragraph", '"Old," he said.')])
        old = services.revision_create(article=article, actor=None)
        article = services.article_update(
            article=article,
            actor=None,
            changes=article_changes(article, blocks=[("paragraph", "New.")]),
            base_revision=old.number,
        )

        article = services.revision_restore(article=article, revision=old, actor=None)

        assert article.paragraph_texts() == {1: "“Old,” he said."}


@pytest.mark.django_db
class TestAttributionsMatchTypesetText:
    def test_words_typed_with_straight_quotes_are_stored_as_the_body_spells_them(self, editor):
        """An editor types ``don't``; the body says ``don’t``: the attribution validates and
        keeps the body's spelling, so the Sources block and the quote finder agree."""
        article = services.article_create(
            actor=None,
            section=SectionFactory(),
            headline="Quote",
            blocks=[
                services.BlockData(kind="paragraph", text="Intro."),
                services.BlockData(kind="paragraph", text='"We don\'t know," she said.'),
            ],
        )

        attribution = services.attribution_create(
            article=article,
            actor=editor,
            source=services.source_create(actor=None, name="Ana Ruiz"),
            kind="quote",
            text="We don't know,",
            paragraph=2,
        )

        assert attribution.text == "We don’t know,"
        attribution.full_clean()
        assert quotes.unattributed(article.paragraph_texts(), [attribution]) == []

    def test_contains_compares_quote_marks_whatever_their_shape(self):
        """``body.contains`` (what ``Attribution.clean`` asks) folds quote marks both ways."""
        assert body.contains("“We don’t know,” she said.", '"We don\'t know,"')
        assert body.contains('"We don\'t know," she said.', "We don’t know")
        assert not body.contains("“We do know,” she said.", "We don't know")

    def test_an_old_straight_attribution_is_still_carried_through_a_correction(self, editor):
        """An attribution stored with straight marks before typesetting follows the words
        when a correction typesets and changes the paragraph."""
        article = PublishedArticleFactory(blocks=[("paragraph", "“We don’t rebuild,” she said.")])
        legacy = Attribution.objects.create(
            article=article,
            source=services.source_create(actor=None, name="Ana Ruiz"),
            kind="quote",
            text="We don't rebuild,",
            paragraph=1,
        )

        services.article_correct(
            article=article,
            actor=editor,
            changes=article_changes(
                article, blocks=[("paragraph", '"We don\'t recover," she said.')]
            ),
            base_revision=services.latest_revision_number(article),
            choice=services.CorrectionChoice(
                note=services.NoteData(kind="correction", text="A word was wrong.")
            ),
        )

        legacy.refresh_from_db()
        assert (legacy.paragraph, legacy.text) == (1, "We don’t recover,")


@pytest.mark.django_db
class TestSeedStory:
    def test_load_demo_keeps_the_seed_and_its_attributions(self):
        """The seed's 11 attributions stand as ``demo.json`` gives them and its note is on
        paragraph 11, "militaries" → "forces"."""
        call_command("load_demo", stdout=StringIO())
        article = Article.objects.get(slug=SEED_SLUG)
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        wanted = next(s for s in manifest["stories"] if s["slug"] == SEED_SLUG)["attributions"]

        stored = sorted(article.attributions.values_list("paragraph", "text"))

        assert len(stored) == 11
        assert stored == sorted((a["paragraph"], a["text"]) for a in wanted)
        for attribution in article.attributions.all():
            attribution.full_clean()
        note = article.corrections.get()
        assert (note.paragraphs, note.before, note.after) == ([11], "militaries", "forces")
        parsed = importing.parse_story(SEED_FILE.read_text(encoding="utf-8"))
        assert [b.text for b in article.blocks.all()] == [b.text for b in parsed.blocks]

    def test_the_straightened_seed_imports_as_the_seed(self):
        """Imported with straight marks, the seed is stored as the seed: same paragraphs,
        Townsend at 11, the note on 11, and every demo attribution validates."""
        article = importing.import_story(text=_straight_seed(), section=SectionFactory())
        seed = importing.parse_story(SEED_FILE.read_text(encoding="utf-8"))

        assert article.paragraph_texts() == body.paragraph_texts(seed.blocks)
        assert article.paragraph_texts()[11].startswith("Gen. Stephen Townsend")
        note = article.corrections.get()
        assert note.kind == CorrectionNote.Kind.EDITORS_NOTE
        assert (note.paragraphs, note.before, note.after) == ([11], "militaries", "forces")
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        wanted = next(s for s in manifest["stories"] if s["slug"] == SEED_SLUG)["attributions"]
        source = services.source_create(actor=None, name="Someone")
        for item in wanted:
            typed = item["text"].translate(STRAIGHTEN)
            attribution = services.attribution_create(
                article=article,
                actor=None,
                source=source,
                kind=item["kind"],
                text=typed,
                paragraph=item["paragraph"],
            )
            assert attribution.text == item["text"]
        assert quotes.unattributed(article.paragraph_texts(), article.attributions.all()) == []
