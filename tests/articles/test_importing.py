"""The plain-text story parser and ``import_story`` (articles/importing.py)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles import body, importing, services
from articles.exceptions import EditorialPermissionDenied, InvalidTransition
from articles.importing import (
    StoryImportError,
    derive_headline,
    import_story,
    looks_like_heading,
    note_change,
    note_paragraphs,
    parse_story,
    read_story_file,
)
from articles.models import Article, ArticleEvent, Author, Block, CorrectionNote, Revision
from tests.factories import AuthorFactory, SectionFactory, UserFactory
from tests.helpers import SEED_FILE

MAX_BYTES = importing.max_bytes()
SEED_HEADING = "Russian Strikes Syrians being Trained by US"
SEED_NOTE = "A misspelled word in a quote, “militaries” is changed to “forces” in paragraph eleven."


@pytest.fixture
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


def _plain(block: services.BlockData) -> str:
    return body.plain_text(block.text)


def _numbered(story: importing.ParsedStory) -> dict[int, str]:
    return body.paragraph_texts([{"kind": b.kind, "text": b.text} for b in story.blocks])


class TestSeedStory:
    def test_seed_has_twelve_paragraphs_and_one_subheading(self, seed_text):
        """The seed story reads as 12 paragraphs and the one subheading, with its exact text."""
        story = parse_story(seed_text)
        assert story.paragraph_count == 12
        assert story.subheadings == [SEED_HEADING]
        kinds = [b.kind for b in story.blocks]
        assert kinds.count(Block.Kind.SUBHEADING) == 1
        assert kinds.index(Block.Kind.SUBHEADING) == 8

    def test_subheading_is_not_counted_so_paragraph_eleven_is_townsend(self, seed_text):
        """Paragraph 11 (counting as readers do, without the subheading) is Townsend's quote."""
        paragraphs = _numbered(parse_story(seed_text))
        assert paragraphs[11].startswith("Gen. Stephen Townsend")
        assert paragraphs[9].startswith("CBS reports")
        assert SEED_HEADING not in paragraphs.values()

    def test_editors_note_is_anchored_to_paragraph_eleven(self, seed_text):
        """The editor's note becomes a note on paragraph 11 with the changed words."""
        (note,) = parse_story(seed_text).notes
        assert note.kind == CorrectionNote.Kind.EDITORS_NOTE
        assert list(note.paragraphs) == [11]
        assert (note.before, note.after) == ("militaries", "forces")
        assert note.text == SEED_NOTE

    def test_note_is_not_body_text(self, seed_text):
        """The editor's note never appears in the body."""
        story = parse_story(seed_text)
        for block in story.blocks:
            assert "note" not in _plain(block).lower()
            assert "militaries" not in _plain(block)
        assert _plain(story.blocks[-1]).startswith("The US, Russian and Turkey")

    def test_blank_line_runs_collapse(self, seed_text):
        """The seed's run of four blank lines separates two paragraphs and adds nothing."""
        paragraphs = _numbered(parse_story(seed_text))
        assert paragraphs[5].startswith("The Syrian conflict")
        assert paragraphs[6].startswith("Paulo Pinheiro")

    def test_seed_headline_is_cut_at_a_word_boundary(self, seed_text):
        """The default headline is the first sentence cut to 120 characters between words."""
        headline = parse_story(seed_text).suggested_headline
        first = _numbered(parse_story(seed_text))[1]
        assert 0 < len(headline) <= 120
        assert first.startswith(headline)
        assert first[len(headline)] == " "
        assert headline[-1] not in ".,;:!?"


class TestParagraphsAndBlocks:
    def test_internal_line_breaks_fold_to_spaces(self):
        """A paragraph wrapped over several lines is one paragraph with spaces."""
        story = parse_story("First line\nsecond line\r\n  third line.\n\nNext one.")
        assert [_plain(b) for b in story.blocks] == [
            "First line second line third line.",
            "Next one.",
        ]

    def test_first_block_is_never_a_heading(self):
        """A title-case first line is a paragraph: there is nothing for it to head yet."""
        story = parse_story("Council Approves New Budget\n\nThe council voted on Tuesday.")
        assert [b.kind for b in story.blocks] == ["paragraph", "paragraph"]

    def test_heading_with_nothing_after_it_stays_a_paragraph(self):
        """A sign-off line at the end is kept as a paragraph, not an empty section."""
        story = parse_story("The council voted on Tuesday.\n\nReporting by Jane Doe")
        assert [b.kind for b in story.blocks] == ["paragraph", "paragraph"]
        assert story.subheadings == []

    def test_quoted_lines_become_a_numbered_block_quote(self):
        """Lines starting with ">" are one block quote, numbered like a paragraph."""
        story = parse_story("Intro.\n\n> Quoted words\n> run on.\n\nAfter.")
        assert [b.kind for b in story.blocks] == ["paragraph", "blockquote", "paragraph"]
        assert _numbered(story)[2] == "Quoted words run on."

    def test_markup_is_kept_as_literal_text(self):
        """Plain text is stored escaped, so angle brackets show as typed, never as HTML."""
        story = parse_story("Use <b>bold</b> & <script>x</script>.")
        assert (
            story.blocks[0].text
            == "Use &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;."
        )

    @pytest.mark.parametrize("text", ["", "   ", "\n\n \t \n", "\ufeff\n"])
    def test_empty_story_is_refused(self, text):
        """An empty or whitespace-only story is bad input."""
        with pytest.raises(StoryImportError, match="empty"):
            parse_story(text)

    def test_story_of_only_a_note_is_refused(self):
        """A story needs at least one paragraph besides its notes."""
        with pytest.raises(StoryImportError, match="no paragraphs"):
            parse_story("Correction: An earlier version was wrong.")


@given(data=st.data())
def test_paragraphs_of_sentences_come_back_in_order(data):
    """Any paragraphs made of sentences, joined by blank lines, parse back as those paragraphs."""
    word = st.text(alphabet=string.ascii_letters, min_size=1, max_size=10)
    sentence = st.builds(
        lambda words, end: " ".join(words).capitalize() + end,
        st.lists(word, min_size=1, max_size=12),
        st.sampled_from(".!?"),
    )
    paragraphs = data.draw(st.lists(st.lists(sentence, min_size=1, max_size=4), min_size=1))
    newline = data.draw(st.sampled_from(["\n", "\r\n"]))
    chunks = [
        data.draw(st.sampled_from([" ", newline])).join(sentences) for sentences in paragraphs
    ]
    text = "".join(
        chunk + newline * data.draw(st.integers(min_value=2, max_value=4)) for chunk in chunks
    )

    story = parse_story(text)

    assert [b.kind for b in story.blocks] == ["paragraph"] * len(paragraphs)
    assert [_plain(b) for b in story.blocks] == [" ".join(s) for s in paragraphs]
    assert story.notes == []


class TestHeadingRule:
    @pytest.mark.parametrize(
        "line",
        [
            SEED_HEADING,
            "What the Numbers Mean",
            "Background",
            "UN Vote Fails Again",
            "The 2017 Budget in Numbers",
        ],
    )
    def test_title_case_lines_are_headings(self, line):
        """Short title-case lines without end punctuation read as subheadings."""
        assert looks_like_heading(line)

    @pytest.mark.parametrize(
        "line",
        [
            "The vote is next week.",
            "He declined to comment",
            "More to come",
            "Haley said",
            "Why did the Council Wait?",
            "The summary puts it plainly:",
            "“Russia And China Vetoed It”",
            '"Russia And China Vetoed It',
            "Russian Strikes Syrians\nbeing Trained by US",
            "One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen",
            "Supercalifragilistic " * 6,
            "2017 — 2018",
        ],
    )
    def test_ordinary_lines_are_not_headings(self, line):
        """Sentences, questions, quotes, long or multi-line text stay paragraphs."""
        assert not looks_like_heading(line)


class TestNotes:
    @pytest.mark.parametrize(
        ("block", "kind", "text"),
        [
            ("Correction: The vote was on Tuesday.", "correction", "The vote was on Tuesday."),
            ("Clarification: The plan is a draft.", "clarification", "The plan is a draft."),
            ("Update: The mayor replied.", "update", "The mayor replied."),
            ("Retraction: This story was wrong.", "retraction", "This story was wrong."),
            ("CORRECTION: The vote was on Tuesday.", "correction", "The vote was on Tuesday."),
            ("(Editor's note: Names changed.)", "editors_note", "Names changed."),
            ("(Editor’s Note: Names changed.)", "editors_note", "Names changed."),
            ("[Editors' note: Names changed.]", "editors_note", "Names changed."),
            ("(Correction: The vote was on Tuesday.)", "correction", "The vote was on Tuesday."),
        ],
    )
    def test_labelled_blocks_become_notes(self, block, kind, text):
        """Leading-word and bracketed notes become notes of their kind, without the label."""
        story = parse_story(f"The council met.\n\n{block}")
        (note,) = story.notes
        assert (note.kind, note.text) == (kind, text)
        assert [_plain(b) for b in story.blocks] == ["The council met."]

    def test_a_parenthesised_aside_is_not_a_note(self):
        """A paragraph in brackets that carries no note label stays in the body."""
        story = parse_story("The council met.\n\n(Reuters contributed to this report.)")
        assert story.notes == []
        assert story.paragraph_count == 2

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("in paragraph eleven", [11]),
            ("in the second paragraph", [2]),
            ("in paragraph 2", [2]),
            ("in paragraphs 3 and 4", [3, 4]),
            ("in the 11th paragraph", [11]),
            ("in the third and fourth paragraphs", [3, 4]),
            ("in paragraphs 2-4", [2, 3, 4]),
            ("in paragraphs 2, 5 and 7", [2, 5, 7]),
            ("in paragraph twenty-one", [21]),
            ("in the twentieth paragraph", [20]),
            ("in the last paragraph", [25]),
            ("two paragraphs were removed", []),
            ("a second paragraph was added", []),
            ("the headline was wrong", []),
            ("paragraph 3 and two others", [3]),
            ("paragraph 3 — two words were swapped", [3]),
            ("the phrase “second paragraph” was cut", []),
        ],
    )
    def test_paragraph_numbers_in_words_ordinals_and_digits(self, text, expected):
        """Notes name paragraphs in words, ordinals or digits; counts are not references."""
        assert note_paragraphs(text, paragraph_count=25) == expected

    @pytest.mark.parametrize(
        ("text", "before", "after"),
        [
            ("“militaries” is changed to “forces” in paragraph eleven.", "militaries", "forces"),
            ('"Smith" was corrected to "Smyth".', "Smith", "Smyth"),
            ("We replaced “Monday” with “Tuesday”.", "Monday", "Tuesday"),
            ("The name was changed from 'Jon' to 'John'.", "Jon", "John"),
            ("The mayor's name is “Smyth,” not “Smith.”", "Smith", "Smyth"),
            ("The story misstated the date.", "", ""),
        ],
    )
    def test_before_and_after_words(self, text, before, after):
        """The changed words are read from the note with straight or curly quotes."""
        assert note_change(text) == (before, after)

    @pytest.mark.parametrize(
        ("text", "before", "after"),
        [
            # "X, not Y", quoted and bare
            (
                "The bridge is “Harrow Bridge,” not “Harrow Crossing.”",
                "Harrow Crossing",
                "Harrow Bridge",
            ),
            ("The fee is $40, not $50, as an earlier version said.", "$50", "$40"),
            ("The library opens on Tuesday, not Monday.", "Monday", "Tuesday"),
            ("It was said by Rosa Lind, not Ivan Lind.", "Ivan Lind", "Rosa Lind"),
            ("The fire destroyed 20 homes, not 12.", "12", "20"),
            ("Not all of it, not now.", "", ""),
            # "misstated X as Y"
            ("An earlier version misstated “Okafor” as “Okafur”.", "Okafur", "Okafor"),
            (
                "An earlier version misstated the pool’s depth as “3 metres”. It is “2 metres”.",
                "3 metres",
                "2 metres",
            ),
            ("An earlier version misstated the trust’s age as 15. It is 51.", "15", "51"),
            ("An earlier version misspelled the name of the chair as Ana Ruis.", "Ana Ruis", ""),
            ("An earlier version misspelled the clerk’s surname; it is Lacroix.", "", "Lacroix"),
            # "is changed to"
            ("In the fourth paragraph, “ferry” is changed to “barge”.", "ferry", "barge"),
            (
                "The word “ferry” in the mayor’s quote has been changed to “barge”.",
                "ferry",
                "barge",
            ),
            ("The date is changed to “Thursday”.", "", "Thursday"),
            ("The word ferry was changed to barge.", "ferry", "barge"),
            ("This story has been updated to include a reply from the trust.", "", ""),
            # "should have said"
            (
                "The story said “Wednesday”; it should have said “Thursday”.",
                "Wednesday",
                "Thursday",
            ),
            (
                "The story said the Route 9 ramp. It should have said the Route 19 ramp.",
                "Route 9",
                "Route 19",
            ),
            ("It should have said “Thursday”.", "", "Thursday"),
            # "incorrectly said"
            (
                "An earlier version incorrectly said “Wednesday” instead of “Thursday”.",
                "Wednesday",
                "Thursday",
            ),
            (
                "An earlier version incorrectly said “Wednesday”. The vote is on “Thursday”.",
                "Wednesday",
                "Thursday",
            ),
            (
                "An earlier version incorrectly said the bakery opened in 1999. It opened in 1989.",
                "1999",
                "1989",
            ),
            (
                "An earlier version incorrectly said Lind & Co. was founded in 1999. "
                "It was founded in 1989.",
                "1999",
                "1989",
            ),
            ("An earlier version incorrectly said the budget was “$3,500”.", "$3,500", ""),
            (
                "An earlier version wrongly said the pool closes on Fridays; it closes on Sundays.",
                "Fridays",
                "Sundays",
            ),
        ],
    )
    def test_before_and_after_in_each_note_form(self, text, before, after):
        """Each form a correction note takes gives the words before and after, "" where the
        note does not say them."""
        assert note_change(text) == (before, after)

    def test_note_reference_skips_subheadings(self):
        """A note's paragraph number counts paragraphs only, as readers number them."""
        story = parse_story(
            "First paragraph.\n\nA Heading Here\n\nSecond paragraph.\n\n"
            "Correction: A word in the second paragraph was wrong."
        )
        assert list(story.notes[0].paragraphs) == [2]
        assert _numbered(story)[2] == "Second paragraph."

    @pytest.mark.parametrize("reference", ["paragraph 40", "paragraph forty", "the 13th paragraph"])
    def test_note_naming_a_missing_paragraph_is_refused(self, seed_text, reference):
        """A note that names a paragraph the story doesn't have is bad input, on one line."""
        text = seed_text.replace("paragraph eleven", reference)
        with pytest.raises(StoryImportError, match="12 paragraphs") as raised:
            parse_story(text)
        assert "\n" not in str(raised.value)


STORY = (
    "The Harrow Bridge will close for repairs in May, the county said on Monday.\n\n"
    "Repairs will cost $4.6 million, paid from the roads budget.\n\n"
    "Ana Ruiz, who chairs the roads committee, said the ferry would run every hour.\n\n"
    "Railnet, which runs the trains, said in a statement that it would add carriages.\n\n"
    "Railnet also said fares would not change.\n\n"
)


class TestNoteAnchors:
    def _note(self, note: str) -> tuple[list[int], str]:
        story = parse_story(STORY + note)
        (parsed,) = story.notes
        (how,) = story.anchors
        return list(parsed.paragraphs), how

    def test_a_named_paragraph_wins(self):
        """A note that names its paragraph is anchored there, whatever words it holds."""
        assert self._note("Correction: In paragraph 3, “boat” is changed to “ferry”.") == (
            [3],
            "named",
        )

    def test_a_note_naming_no_paragraph_goes_where_its_corrected_words_stand(self):
        """The paragraph holding the ``after`` words is the note's paragraph."""
        assert self._note("Correction: Repairs cost $4.6 million, not $4.2 million.") == (
            [2],
            "words",
        )

    def test_corrected_words_in_several_paragraphs_are_chosen_by_the_notes_words(self):
        """Common corrected words ("said") are placed by the note's other words."""
        paragraphs = body.paragraph_texts(parse_story(STORY).blocks)
        assert importing.note_anchor(
            "The roads committee chair “said”, not “told”.", after="said", paragraphs=paragraphs
        ) == ([3], "words")

    def test_without_corrected_words_the_notes_own_words_point_to_the_paragraph(self):
        """A note with no before/after is anchored by the names and words it shares with
        one paragraph; a name shared by several goes to where the story first has it."""
        assert self._note("Correction: An earlier version misstated Ana Ruiz’s committee.") == (
            [3],
            "words",
        )
        assert self._note(
            "Update: This story has been updated to include a response from Railnet."
        ) == (
            [4],
            "words",
        )

    def test_a_note_about_the_whole_story_is_not_anchored(self):
        """Nothing in the note points to a paragraph: no anchor, and the summary says so."""
        assert self._note("Clarification: This story has been updated throughout.") == (
            [],
            "none",
        )
        assert self._note("Retraction: This story about Railnet was wrong.") == ([], "none")


@pytest.mark.django_db
def test_story_summary_says_how_each_note_was_anchored():
    """``import_article --json`` (``story_summary``) gives each note's ``anchor``."""
    article = import_story(
        text=STORY
        + "Correction: In paragraph 3, “boat” is changed to “ferry”.\n\n"
        + "Correction: Repairs cost $4.6 million, not $4.2 million.\n\n"
        + "Clarification: This story has been updated throughout.",
        section=SectionFactory(),
    )

    notes = importing.story_summary(article)["corrections"]

    assert [(n["paragraphs"], n["anchor"]) for n in notes] == [
        ([3], "named"),
        ([2], "words"),
        ([], "none"),
    ]


class TestHeadline:
    @pytest.mark.parametrize(
        ("paragraph", "headline"),
        [
            ("The council met on Tuesday. It voted.", "The council met on Tuesday"),
            ("Gen. Smith said U.S. troops left. Then more.", "Gen. Smith said U.S. troops left"),
            ("“We will win,” she said. Then more.", "“We will win,” she said"),
            ("Did it work? Nobody knows.", "Did it work"),
        ],
    )
    def test_headline_is_the_first_sentence_without_end_punctuation(self, paragraph, headline):
        """The default headline is the first sentence, abbreviations kept, end mark dropped."""
        assert derive_headline(paragraph) == headline

    def test_long_sentence_is_cut_without_a_dangling_word(self):
        """A long first sentence is cut between words and never ends on "and" or a comma."""
        headline = derive_headline("Alpha beta, and " * 20 + "end.", limit=30)
        assert len(headline) <= 30
        assert headline == "Alpha beta, and Alpha beta"


class TestReadStoryFile:
    def test_utf8_with_byte_order_mark_is_read(self, tmp_path):
        """A UTF-8 file saved with a BOM reads as its text, BOM dropped."""
        path = tmp_path / "bom.txt"
        path.write_bytes("\ufeffCafé opens.".encode())
        assert read_story_file(path) == "Café opens."

    def test_exactly_one_megabyte_is_allowed(self, tmp_path):
        """The limit is 1 MB inclusive."""
        path = tmp_path / "big.txt"
        path.write_bytes(b"a" * MAX_BYTES)
        assert len(read_story_file(path)) == MAX_BYTES

    @pytest.mark.parametrize(
        ("content", "reason"),
        [
            (
                b"a" * (MAX_BYTES + 1),
                r"1,048,577 bytes; the limit is 1,048,576 bytes \(1 byte over\)",
            ),
            (b"Hello\x00world", "binary"),
            ("Café".encode("latin-1"), "not UTF-8"),
        ],
    )
    def test_bad_files_are_refused_with_one_line(self, tmp_path, content, reason):
        """Oversized, binary and non-UTF-8 files are refused with a one-line reason."""
        path = tmp_path / "bad.txt"
        path.write_bytes(content)
        with pytest.raises(StoryImportError, match=reason) as raised:
            read_story_file(path)
        assert "\n" not in str(raised.value)

    def test_missing_file_and_directory_are_refused(self, tmp_path):
        """A path that isn't a readable file is bad input, not a traceback."""
        with pytest.raises(StoryImportError, match="No such file"):
            read_story_file(tmp_path / "missing.txt")
        with pytest.raises(StoryImportError, match="directory"):
            read_story_file(tmp_path)

    def test_error_is_a_value_error_with_one_line(self):
        """StoryImportError is a ValueError whose message never spans lines."""
        error = StoryImportError("first\nsecond   third")
        assert isinstance(error, ValueError)
        assert str(error) == "first second third"


def _nothing_saved() -> None:
    for model in (Article, Block, Author, CorrectionNote, Revision, ArticleEvent):
        assert model.objects.count() == 0, model.__name__


@pytest.mark.django_db
class TestImportStory:
    def test_published_import_publishes_its_note(self, seed_text):
        """Importing with publish makes the story and its editor's note public together."""
        article = import_story(text=seed_text, section=SectionFactory(slug="world"), publish=True)
        note = article.corrections.get()
        assert article.status == Article.Status.PUBLISHED
        assert note.published_at == article.first_published_at
        assert list(CorrectionNote.objects.public()) == [note]
        assert article.was_updated is False

    def test_draft_import_keeps_its_note_pending(self, seed_text):
        """A draft import's notes wait, unpublished, for the story to be published."""
        article = import_story(text=seed_text, section=SectionFactory())
        assert article.status == Article.Status.DRAFT
        assert article.corrections.get().published_at is None
        assert article.revisions.count() == 1

    def test_saved_body_matches_the_parse(self, seed_text):
        """The saved article numbers its paragraphs exactly as the parser did."""
        article = import_story(text=seed_text, section=SectionFactory())
        assert article.paragraph_texts() == _numbered(parse_story(seed_text))
        assert article.blocks.filter(kind=Block.Kind.SUBHEADING).get().text == SEED_HEADING

    def test_default_byline_is_shared_staff_author(self, seed_text):
        """Without bylines, imports share one "Newsroom Staff" author instead of creating more."""
        section = SectionFactory()
        first = import_story(text=seed_text, section=section)
        second = import_story(text=seed_text, section=section)
        staff = Author.objects.get()
        assert (staff.slug, staff.display_name) == ("staff", "Newsroom Staff")
        assert list(first.authors.all()) == list(second.authors.all()) == [staff]

    def test_bylines_by_name_are_found_or_created_with_a_unique_slug(self, seed_text):
        """A byline name reuses an author (any case) or creates one without a slug clash."""
        existing = AuthorFactory(display_name="Ana Ruiz", slug="ana")
        AuthorFactory(display_name="Someone Else", slug="jane-doe")
        article = import_story(
            text=seed_text, section=SectionFactory(), bylines=["ana ruiz", "Jane Doe"]
        )
        authors = list(article.authors.order_by("bylines__position"))
        assert authors[0] == existing
        assert (authors[1].display_name, authors[1].slug) == ("Jane Doe", "jane-doe-2")

    def test_failure_after_writes_rolls_everything_back(self, seed_text, monkeypatch):
        """If publishing fails, nothing of the import stays, not even the new author."""

        def refuse(**kwargs):
            raise InvalidTransition("It needs at least one byline.")

        monkeypatch.setattr(services, "article_publish", refuse)
        with pytest.raises(StoryImportError, match="byline"):
            import_story(
                text=seed_text, section=SectionFactory(), bylines=["New Reporter"], publish=True
            )
        _nothing_saved()

    def test_invalid_fields_are_reported_as_import_errors(self, seed_text):
        """A headline the model rejects is bad input with a one-line reason; nothing is saved."""
        with pytest.raises(StoryImportError) as raised:
            import_story(text=seed_text, section=SectionFactory(), headline="x" * 250)
        assert "\n" not in str(raised.value)
        _nothing_saved()

    def test_actor_without_permission_is_refused_and_nothing_is_saved(self, seed_text):
        """A desk user who may not create articles gets the services' refusal; nothing stays."""
        with pytest.raises(EditorialPermissionDenied):
            import_story(
                text=seed_text, section=SectionFactory(), actor=UserFactory(), bylines=["New One"]
            )
        _nothing_saved()
