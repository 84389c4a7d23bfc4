"""``services.article_correct``: a published story changes only with a public note or, for a
change that touches no quote and no attributed words, a reason editors can read.

Most tests correct the seed story (``load_demo``): paragraph 11 quotes Gen. Townsend with
"forces (sic)", attributed both to Townsend (his quote) and to USA Today (the whole sentence).
"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import body, quotes, services
from articles.exceptions import CorrectionChoiceRequired, EditConflict, InvalidTransition
from articles.models import Article, ArticleEvent, Attribution, CorrectionNote
from articles.services import BlockData, CorrectionChoice, NoteData
from articles.signals import article_changed
from tests.factories import (
    ArticleFactory,
    PublishedArticleFactory,
    SourceFactory,
    article_changes,
)
from tests.helpers import seed_article

NOTE_TEXT = (
    "An earlier version of this story changed a word in Gen. Stephen Townsend’s quote in "
    "paragraph 11. He said “militaries”, not “forces”."
)


@pytest.fixture
def seed(db) -> Article:
    """The published seed story, with its attributions, as ``load_demo`` leaves it."""
    return seed_article()


def edit(article: Article, number: int, old: str, new: str) -> services.ArticleChanges:
    """The article as it stands, with ``old`` replaced by ``new`` in paragraph ``number``."""
    changes = article_changes(article)
    numbers = body.paragraph_numbers(b.kind for b in changes.blocks)
    index = numbers.index(number)
    block = changes.blocks[index]
    assert old in block.text, f"{old!r} is not in paragraph {number}"
    changes.blocks[index] = dataclasses.replace(block, text=block.text.replace(old, new, 1))
    return changes


def militaries(article: Article) -> services.ArticleChanges:
    """Put back the word Townsend actually said: "forces (sic)" -> "militaries (sic)"."""
    return edit(article, 11, "forces (sic)", "militaries (sic)")


def correction_note() -> NoteData:
    return NoteData(
        kind="correction",
        text=NOTE_TEXT,
        paragraphs=[11],
        before="forces",
        after="militaries",
    )


def state(article: Article) -> dict:
    """Everything a correction could change, to show that a refused one changed none of it."""
    article = Article.objects.get(pk=article.pk)
    return {
        "blocks": list(article.blocks.values_list("kind", "text")),
        "revisions": article.revisions.count(),
        "notes": list(article.corrections.values_list("pk", flat=True)),
        "updated_at": article.updated_at,
        "events": article.events.count(),
        "attributions": list(article.attributions.values_list("paragraph", "text")),
    }


def correct(article: Article, actor, changes, choice: CorrectionChoice, **kwargs) -> Article:
    return services.article_correct(
        article=article,
        actor=actor,
        changes=changes,
        base_revision=services.latest_revision_number(article),
        choice=choice,
        **kwargs,
    )


def townsend(article: Article) -> Attribution:
    return article.attributions.get(source__name="Stephen Townsend")


def usa_today(article: Article) -> Attribution:
    return article.attributions.get(source__name="USA Today")


@pytest.fixture
def corrected(seed, editor) -> tuple[Article, CorrectionNote]:
    """The seed story after an editor put "militaries" back with a public note."""
    article = correct(seed, editor, militaries(seed), CorrectionChoice(note=correction_note()))
    return article, article.corrections.latest("issued_at", "pk")


@pytest.mark.django_db
class TestQuoteNeedsPublicNote:
    def test_non_substantive_change_inside_a_quote_is_refused_and_nothing_changes(
        self, seed, editor
    ):
        """Calling a change to Townsend's quoted words a "typo" is refused, naming the quote."""
        before = state(seed)

        with pytest.raises(InvalidTransition) as refused:
            correct(seed, editor, militaries(seed), CorrectionChoice(non_substantive_reason="typo"))

        message = " ".join(refused.value.messages)
        assert "quote" in message
        assert "paragraph 11" in message
        assert state(seed) == before

    def test_public_note_publishes_the_corrected_words(self, seed, editor, corrected):
        """With a note, paragraph 11 reads "militaries" and the note is public at once."""
        article, note = corrected

        assert "militaries (sic)" in article.paragraph_texts()[11]
        assert "forces (sic)" not in article.paragraph_texts()[11]
        assert note.kind == CorrectionNote.Kind.CORRECTION
        assert note.text == NOTE_TEXT
        assert note.paragraphs == [11]
        assert (note.before, note.after) == ("forces", "militaries")
        assert note.issued_by == editor
        assert note.is_published
        assert note in CorrectionNote.objects.public()

    def test_note_is_linked_to_the_new_revision(self, seed, corrected):
        """The note points at the revision holding the corrected text."""
        article, note = corrected

        revision = article.revisions.latest("number")
        assert note.revision == revision
        previous = article.revisions.get(number=revision.number - 1)
        assert "militaries (sic)" in json.dumps(revision.snapshot, ensure_ascii=False)
        assert "militaries (sic)" not in json.dumps(previous.snapshot, ensure_ascii=False)

    def test_updated_time_moves_to_the_note_time(self, seed, corrected):
        """Readers see the story as updated when the note was published."""
        first_published = seed.first_published_at
        article, note = corrected

        assert article.updated_at == note.published_at == note.issued_at
        assert article.updated_at > first_published
        assert article.was_updated

    def test_correct_event_records_the_note(self, seed, editor, corrected):
        """The audit log has an ``article.correct`` row by the editor, pointing at the note."""
        article, note = corrected

        event = ArticleEvent.objects.get(article=article, action="article.correct")
        assert event.actor == editor
        assert event.data["note"] == note.pk
        assert event.data["substantive"] is True
        assert event.data["paragraphs"] == [11]
        assert event.data["revision"] == note.revision.number

    def test_attributions_follow_the_corrected_words(self, seed, corrected):
        """Townsend's quote and USA Today's report now hold "militaries (sic)" and validate."""
        article, _note = corrected

        for attribution in (townsend(article), usa_today(article)):
            assert attribution.paragraph == 11
            assert "militaries (sic)" in attribution.text
            assert "forces (sic)" not in attribution.text
            assert body.contains(article.paragraph_texts()[11], attribution.text)
            attribution.full_clean()
        assert townsend(article).text.startswith("To avoid mishaps in the air")
        assert usa_today(article).text.startswith("Gen. Stephen Townsend")

    def test_corrected_quote_is_still_attributed(self, seed, corrected):
        """After the correction the quote finder finds nothing left unattributed in paragraph 11."""
        article, _note = corrected
        attributions = list(article.attributions.all())

        missing = quotes.unattributed(article.paragraph_texts(), attributions)

        assert [f for f in missing if f.paragraph == 11] == []

    def test_other_attributions_are_untouched(self, seed, corrected):
        """Only paragraph 11's attributions change; the rest keep their words and paragraphs."""
        elsewhere = list(
            seed.attributions.exclude(paragraph=11).values_list("pk", "paragraph", "text")
        )
        article, _note = corrected

        assert (
            list(article.attributions.exclude(paragraph=11).values_list("pk", "paragraph", "text"))
            == elsewhere
        )

    def test_missing_choice_raises_with_the_analysis(self, seed, editor):
        """Without a choice nothing is saved; the error carries what changed and a draft note."""
        before = state(seed)

        with pytest.raises(CorrectionChoiceRequired) as required:
            correct(seed, editor, militaries(seed), CorrectionChoice())

        analysis = required.value.analysis
        assert analysis.paragraphs == [11]
        assert analysis.before == "forces"
        assert analysis.after == "militaries"
        assert analysis.needs_public_note
        assert "paragraph 11" in analysis.suggested_text()
        assert "militaries" in analysis.suggested_text()
        assert state(seed) == before

    def test_block_quote_is_a_quote_too(self, editor):
        """BUG: a block quote is a direct quote without marks (``body``, ``quotes``), but
        ``corrections.analyse`` calls ``quotes.find_passages`` without ``quoted_paragraphs``,
        so changing its words is accepted as a non-substantive "typo" with no public note."""
        article = PublishedArticleFactory(
            blocks=[
                ("paragraph", "The mayor opened the meeting."),
                ("blockquote", "We will balance the books this year."),
                ("paragraph", "The vote is next week."),
            ]
        )
        changes = article_changes(
            article,
            blocks=[
                ("paragraph", "The mayor opened the meeting."),
                ("blockquote", "We will balance the budget this year."),
                ("paragraph", "The vote is next week."),
            ],
        )
        before = state(article)

        with pytest.raises(InvalidTransition, match="quote"):
            correct(article, editor, changes, CorrectionChoice(non_substantive_reason="typo"))

        assert state(article) == before

    def test_blank_reason_counts_as_no_choice(self, seed, editor):
        """A reason of only spaces is no reason: the editor is asked to choose."""
        changes = edit(seed, 2, "Chemical weapons", "chemical weapons")

        with pytest.raises(CorrectionChoiceRequired):
            correct(seed, editor, changes, CorrectionChoice(non_substantive_reason="   "))


@pytest.mark.django_db
class TestNonSubstantive:
    @pytest.fixture
    def lower_case(self, seed) -> services.ArticleChanges:
        """ "Chemical weapons" -> "chemical weapons" in paragraph 2: no quote, no attribution."""
        paragraph_2 = [f for f in quotes.find_passages(seed.paragraph_texts()) if f.paragraph == 2]
        assert paragraph_2 == []
        assert not seed.attributions.filter(paragraph=2).exists()
        return edit(seed, 2, "Chemical weapons", "chemical weapons")

    def test_fix_outside_quotes_is_saved_with_a_reason_and_no_public_note(
        self, seed, editor, lower_case
    ):
        """A capitalisation fix goes live with no note; the updated time readers see stays."""
        notes = list(seed.corrections.values_list("pk", flat=True))
        updated_at = seed.updated_at
        revision = services.latest_revision_number(seed)

        article = correct(
            seed, editor, lower_case, CorrectionChoice(non_substantive_reason="capitalisation")
        )

        assert "use of chemical weapons" in article.paragraph_texts()[2]
        assert list(article.corrections.values_list("pk", flat=True)) == notes
        assert article.updated_at == updated_at
        assert services.latest_revision_number(article) == revision + 1

    def test_reason_is_kept_in_the_audit_log(self, seed, editor, lower_case):
        """Editors can read why the change was not announced."""
        correct(seed, editor, lower_case, CorrectionChoice(non_substantive_reason="capitalisation"))

        event = ArticleEvent.objects.get(article=seed, action="article.correct")
        assert event.actor == editor
        assert event.data["reason"] == "capitalisation"
        assert event.data["substantive"] is False
        assert event.data["paragraphs"] == [2]
        assert "note" not in event.data

    def test_change_that_changes_nothing_writes_nothing(self, seed, editor):
        """Saving the story as it stands leaves no revision, note or log row."""
        before = state(seed)

        correct(seed, editor, article_changes(seed), CorrectionChoice(non_substantive_reason="x"))

        assert state(seed) == before
        assert not ArticleEvent.objects.filter(action="article.correct").exists()


@pytest.mark.django_db
class TestRefusals:
    def test_stale_base_revision_is_an_edit_conflict(self, seed, editor):
        """A correction started before someone else's save does not overwrite it."""
        current = services.latest_revision_number(seed)
        before = state(seed)

        with pytest.raises(EditConflict) as conflict:
            services.article_correct(
                article=seed,
                actor=editor,
                changes=militaries(seed),
                base_revision=current - 1,
                choice=CorrectionChoice(note=correction_note()),
            )

        assert conflict.value.revision.number == current
        assert state(seed) == before

    def test_reporter_cannot_correct(self, seed, reporter):
        """Only holders of ``correct_article`` change a published story."""
        before = state(seed)

        with pytest.raises(PermissionDenied):
            correct(seed, reporter, militaries(seed), CorrectionChoice(note=correction_note()))

        assert state(seed) == before

    def test_draft_cannot_be_corrected(self, editor):
        """A draft is edited, not corrected."""
        draft = ArticleFactory()

        with pytest.raises(InvalidTransition):
            services.article_correct(
                article=draft,
                actor=editor,
                changes=article_changes(draft, headline="Another headline"),
                base_revision=0,
                choice=CorrectionChoice(non_substantive_reason="typo"),
            )

        draft.refresh_from_db()
        assert draft.headline != "Another headline"

    def test_retracted_story_cannot_be_corrected(self, seed, editor):
        """A retraction is final: the story stays as it was retracted."""
        services.article_retract(article=seed, actor=editor, comment="The quotes were invented.")

        with pytest.raises(InvalidTransition):
            correct(seed, editor, militaries(seed), CorrectionChoice(note=correction_note()))

    def test_published_story_keeps_its_url(self, client, seed, editor):
        """A correction cannot change the slug: links to the story must keep working."""
        url = seed.get_absolute_url()
        before = state(seed)

        with pytest.raises(InvalidTransition):
            correct(
                seed,
                editor,
                article_changes(seed, slug="haley-at-the-un"),
                CorrectionChoice(non_substantive_reason="shorter URL"),
            )

        seed.refresh_from_db()
        assert seed.get_absolute_url() == url
        assert state(seed) == before
        assert client.get(url).status_code == 200

    def test_note_for_a_paragraph_the_story_does_not_have_is_refused(self, seed, editor):
        """The note must point at a real paragraph; the whole correction is undone."""
        before = state(seed)
        note = dataclasses.replace(correction_note(), paragraphs=[99])

        with pytest.raises(ValidationError):
            correct(seed, editor, militaries(seed), CorrectionChoice(note=note))

        assert state(seed) == before


@pytest.mark.django_db
class TestParagraphNumbersMove:
    def test_inserting_a_paragraph_moves_the_attribution_to_the_new_number(self, seed, editor):
        """A new paragraph before Townsend's makes his quote paragraph 12, as readers count."""
        changes = article_changes(seed)
        index = body.paragraph_numbers(b.kind for b in changes.blocks).index(11)
        changes.blocks.insert(
            index,
            BlockData(
                kind="paragraph",
                text=body.from_plain("The coalition did not comment on the strikes."),
            ),
        )
        note = NoteData(
            kind="update", text="This story was updated to add paragraph 11.", paragraphs=[11]
        )

        article = correct(seed, editor, changes, CorrectionChoice(note=note))

        paragraphs = article.paragraph_texts()
        assert paragraphs[11] == "The coalition did not comment on the strikes."
        for attribution in (townsend(article), usa_today(article)):
            assert attribution.paragraph == 12
            assert body.contains(paragraphs[12], attribution.text)
            assert "forces (sic)" in attribution.text
            attribution.full_clean()
            assert attribution.get_absolute_url().endswith("#p12")
        # Attributions before the insertion keep their numbers.
        assert article.attributions.filter(source__name="CBS News", paragraph=9).exists()

    def test_splitting_a_paragraph_before_its_quote_needs_no_public_note(self, editor):
        """Enter between a sentence and the quote after it: the quote's words stand as they
        were, now in a paragraph of their own, so a reason is enough; the attribution moves
        with them to paragraph 2."""
        article = PublishedArticleFactory(
            blocks=[
                (
                    "paragraph",
                    "The council met on Monday. “We will balance the books,” the mayor said.",
                )
            ]
        )
        services.revision_create(article=article, actor=None)
        mayor = SourceFactory(name="Ann Mayor")
        article.attributions.create(
            source=mayor,
            paragraph=1,
            text="We will balance the books",
            kind=Attribution.Kind.DIRECT_QUOTE,
        )
        stored = article.blocks.get()
        changes = article_changes(
            article,
            blocks=[
                BlockData(
                    kind="paragraph",
                    text=body.from_plain("The council met on Monday."),
                    uid=stored.uid,
                ),
                BlockData(
                    kind="paragraph",
                    text=body.from_plain("“We will balance the books,” the mayor said."),
                ),
            ],
        )

        article = correct(
            article, editor, changes, CorrectionChoice(non_substantive_reason="Split in two")
        )

        assert list(article.paragraph_texts().values()) == [
            "The council met on Monday.",
            "“We will balance the books,” the mayor said.",
        ]
        attribution = article.attributions.get()
        assert (attribution.paragraph, attribution.text) == (2, "We will balance the books")
        assert not article.corrections.exists()

    def test_reader_page_shows_the_quote_under_its_new_number(self, client, seed, editor):
        """The Sources block links Townsend's quote to paragraph 12, where it now stands."""
        changes = article_changes(seed)
        index = body.paragraph_numbers(b.kind for b in changes.blocks).index(11)
        changes.blocks.insert(
            index, BlockData(kind="paragraph", text=body.from_plain("The coalition was silent."))
        )
        correct(seed, editor, changes, CorrectionChoice(non_substantive_reason="layout"))

        html = client.get(seed.get_absolute_url()).content.decode()

        paragraph_12 = re.search(r'<p id="p12">(.*?)</p>', html, re.S).group(1)
        assert "Gen. Stephen Townsend" in paragraph_12
        assert 'href="#p12">paragraph 12</a>' in html

    def test_deleting_the_paragraph_deletes_its_attributions_and_logs_it(self, seed, editor):
        """Attributions whose words were removed go too, and the audit log says which."""
        changes = article_changes(seed)
        index = body.paragraph_numbers(b.kind for b in changes.blocks).index(11)
        del changes.blocks[index]
        note = NoteData(
            kind="correction",
            text="An earlier version of this story quoted Gen. Stephen Townsend; the quote was "
            "removed because it could not be verified.",
        )
        count = seed.attributions.count()

        article = correct(seed, editor, changes, CorrectionChoice(note=note))

        assert not article.attributions.filter(
            source__name__in=["Stephen Townsend", "USA Today"]
        ).exists()
        assert article.attributions.count() == count - 2
        deleted = ArticleEvent.objects.filter(article=article, action="attribution.delete")
        assert sorted(e.data["source"] for e in deleted) == ["Stephen Townsend", "USA Today"]
        for attribution in article.attributions.all():
            attribution.full_clean()

    def test_earlier_note_keeps_marking_the_paragraph_it_concerns(self, client, seed, editor):
        """BUG: the seed's editor's note concerns Townsend's quote (paragraph 11). After a
        paragraph is inserted before it, the quote is paragraph 12, but the note's marker (and
        its "#p11" link in the corrections log) lands on the new paragraph, which the note
        says nothing about. Published notes are frozen, so their markers must be mapped to
        where their paragraph went (or the insertion refused); today they silently drift."""
        earlier = seed.corrections.get(kind=CorrectionNote.Kind.EDITORS_NOTE)
        assert earlier.paragraphs == [11]
        changes = article_changes(seed)
        index = body.paragraph_numbers(b.kind for b in changes.blocks).index(11)
        changes.blocks.insert(
            index, BlockData(kind="paragraph", text=body.from_plain("The coalition was silent."))
        )
        correct(seed, editor, changes, CorrectionChoice(non_substantive_reason="layout"))

        html = client.get(seed.get_absolute_url()).content.decode()

        paragraph_11 = re.search(r'<p id="p11">(.*?)</p>', html, re.S).group(1)
        paragraph_12 = re.search(r'<p id="p12">(.*?)</p>', html, re.S).group(1)
        assert "Gen. Stephen Townsend" in paragraph_12
        assert f'href="#correction-{earlier.pk}"' not in paragraph_11
        assert f'href="#correction-{earlier.pk}"' in paragraph_12

    def test_splitting_a_paragraph_keeps_the_quote_credited_to_its_speaker(self, seed, editor):
        """BUG: splitting paragraph 11 after "said," moves Townsend's quote, word for word, to
        paragraph 12. His attribution should follow it; instead it is rewritten to the words
        that replaced the quote in paragraph 11 ("said:"), so the story credits Townsend with
        "said:" and his real quote is left unattributed."""
        changes = article_changes(seed)
        index = body.paragraph_numbers(b.kind for b in changes.blocks).index(11)
        block = changes.blocks[index]
        head, _said, tail = block.text.partition(" said, ")
        changes.blocks[index : index + 1] = [
            dataclasses.replace(block, text=head + " said:"),
            dataclasses.replace(block, text=tail),
        ]
        note = NoteData(
            kind="clarification", text="Paragraph 11 was split in two.", paragraphs=[11, 12]
        )

        article = correct(seed, editor, changes, CorrectionChoice(note=note))

        assert article.paragraph_texts()[12].startswith("“To avoid mishaps")
        for attribution in article.attributions.filter(source__name="Stephen Townsend"):
            assert "To avoid mishaps in the air" in attribution.text
        missing = quotes.unattributed(article.paragraph_texts(), list(article.attributions.all()))
        assert [f.text[:17] for f in missing if f.kind == "quote"] == []

    def test_formatting_a_quote_as_a_block_quote_keeps_its_attribution(self, seed, editor):
        """BUG: turning Pinheiro's paragraph 6 into a block quote changes no word, yet his
        attribution is deleted and logged as "Its words were removed by a correction"
        (``diffing.diff_blocks`` pairs a kind change as removed + added, so
        ``_carry_attributions`` finds no new paragraph for it)."""
        changes = article_changes(seed)
        index = body.paragraph_numbers(b.kind for b in changes.blocks).index(6)
        changes.blocks[index] = dataclasses.replace(changes.blocks[index], kind="blockquote")
        note = NoteData(kind="clarification", text="Formatting.", paragraphs=[6])

        article = correct(seed, editor, changes, CorrectionChoice(note=note))

        assert article.paragraph_texts()[6].startswith("Paulo Pinheiro")
        assert article.attributions.filter(source__name="Paulo Pinheiro", paragraph=6).exists()
        assert not ArticleEvent.objects.filter(article=article, action="attribution.delete")


@pytest.mark.django_db
class TestReaderSeesTheCorrection:
    def test_marker_on_paragraph_11_links_to_the_note(self, client, corrected):
        """Paragraph 11 carries a marker that jumps to the new note."""
        article, note = corrected

        html = client.get(article.get_absolute_url()).content.decode()

        paragraph_11 = re.search(r'<p id="p11">(.*?)</p>', html, re.S).group(1)
        assert "militaries (sic)" in paragraph_11
        assert f'href="#correction-{note.pk}"' in paragraph_11

    def test_note_is_in_the_corrections_block_naming_paragraph_11(self, client, corrected):
        """The Corrections block lists the note, its text and a link to paragraph 11."""
        article, note = corrected

        html = client.get(article.get_absolute_url()).content.decode()

        corrections = html[html.index('id="corrections"') :]
        item = re.search(rf'<li class="note" id="correction-{note.pk}">(.*?)</li>', html, re.S)
        assert item is not None
        assert item.start() > html.index('id="corrections"')
        assert "paragraph 11" in item.group(1)
        assert 'href="#p11"' in item.group(1)
        assert "He said “militaries”, not “forces”." in corrections
        assert "Updated" in html

    def test_correction_tells_the_page_cache_once_committed(
        self, seed, editor, django_capture_on_commit_callbacks
    ):
        """Listeners (page cache, search index) hear of the correction after it commits."""
        heard = []

        def listener(sender, article_id, action, **kwargs):
            heard.append((article_id, action))

        article_changed.connect(listener)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                correct(seed, editor, militaries(seed), CorrectionChoice(note=correction_note()))
        finally:
            article_changed.disconnect(listener)

        assert (seed.pk, "article.correct") in heard

    def test_refused_correction_tells_no_one(
        self, seed, editor, django_capture_on_commit_callbacks
    ):
        """A refused correction changed nothing, so no cache is purged for it."""
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(InvalidTransition):
            correct(seed, editor, militaries(seed), CorrectionChoice(non_substantive_reason="typo"))

        assert callbacks == []

    def test_jsonld_carries_the_correction_and_its_time(self, client, corrected):
        """Search engines get the note as a CorrectionComment; dateModified is the note time."""
        article, note = corrected

        html = client.get(article.get_absolute_url()).content.decode()

        raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        data = json.loads(raw.group(1))
        assert {
            "@type": "CorrectionComment",
            "text": note.text,
            "datePublished": note.published_at.isoformat(),
        } in data["correction"]
        assert data["dateModified"] == note.published_at.isoformat()
        quoted = [part["text"] for part in data["hasPart"]]
        assert any("militaries (sic)" in text for text in quoted)


@pytest.mark.django_db
class TestCorrectedQuoteReadsWhole:
    """Issue 10: correcting "rebuild" to "recover" inside ``"We will rebuild."``."""

    @pytest.fixture
    def article(self) -> Article:
        article = PublishedArticleFactory(
            blocks=[
                ("paragraph", "The mayor spoke after the flood."),
                ("paragraph", '"We will rebuild." That was all she said.'),
            ]
        )
        Attribution.objects.create(
            article=article,
            source=SourceFactory(name="Jo Mayor", slug="jo-mayor"),
            kind="quote",
            text="We will rebuild.",
            paragraph=2,
        )
        return article

    def test_drafted_note_quotes_the_words_and_the_attribution_follows(
        self, client, article, editor
    ):
        """The drafted note says “rebuild” … “recover”; once corrected, the attribution
        holds "We will recover." and the Sources block shows it in one pair of quote marks."""
        changes = edit(article, 2, "rebuild", "recover")

        with pytest.raises(CorrectionChoiceRequired) as required:
            correct(article, editor, changes, CorrectionChoice())

        draft = required.value.analysis.suggested_text()
        assert draft == (
            "An earlier version of this story said “rebuild” in paragraph 2. It now says “recover”."
        )
        note = NoteData(kind="correction", text=draft, paragraphs=[2])
        correct(article, editor, edit(article, 2, "rebuild", "recover"), CorrectionChoice(note))

        attribution = article.attributions.get()
        assert (attribution.paragraph, attribution.text) == (2, "We will recover.")
        attribution.full_clean()
        assert article.paragraph_texts()[2] == "“We will recover.” That was all she said."
        sources = client.get(article.get_absolute_url()).content.decode().split('id="sources"')[1]
        assert '<q class="attribution-text">We will recover.</q>' in sources
        assert 'recover."' not in sources
