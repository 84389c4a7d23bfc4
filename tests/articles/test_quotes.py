"""articles.quotes: the quote finder and its source suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import body, quotes
from articles.importing import parse_story
from articles.models import Source
from articles.quotes import Finding, KnownSource
from tests.factories import SourceFactory
from tests.helpers import SEED_FILE, seed_article


def _paragraphs(*texts: str) -> dict[int, str]:
    return dict(enumerate(texts, start=1))


def _found(paragraphs: dict[int, str], kind: str | None = None) -> list[tuple[int, str]]:
    return [
        (f.paragraph, f.text)
        for f in quotes.find_passages(paragraphs)
        if kind is None or f.kind == kind
    ]


def _named(paragraphs: dict[int, str], **options) -> list[tuple[int, str, str, str, str]]:
    """(paragraph, finding text, source name, source kind, attribution kind) per suggestion."""
    return [
        (
            s.finding.paragraph,
            s.finding.text,
            s.source_name,
            s.source_kind,
            s.attribution_kind,
        )
        for s in quotes.suggest(paragraphs, **options)
    ]


def _only(paragraphs: dict[int, str], **options) -> quotes.Suggestion:
    (suggestion,) = quotes.suggest(paragraphs, **options)
    return suggestion


@pytest.fixture(scope="module")
def seed() -> dict[int, str]:
    story = parse_story(SEED_FILE.read_text(encoding="utf-8"))
    return body.paragraph_texts(story.blocks)


HALEY_1 = "Russia and China made an outrageous and indefensible choice today,"
HALEY_2 = (
    "They turned their backs on defenseless men, women and children who died gasping for "
    "breath when Assad’s forces dropped their poisonous gas."
)
PINHEIRO = (
    "The scale of what happened in Aleppo is unprecedented in the Syrian conflict. The "
    "deliberate targeting of civilians has resulted in the immense loss of human life, "
    "including hundreds of children."
)
CBS_QUOTE = (
    "Russian aircraft mistakenly bombed Syrian fighters who were being trained by the United "
    "States, according to reports, as both the US and Russian turn their attention to "
    "fighting ISIS."
)
TOWNSEND = (
    "To avoid mishaps in the air the US and Russian forces (sic) are notifying each side about "
    "where they are operating, but they are not coordinating by sharing intelligence or "
    "targeting information,"
)
REPORT_P5 = (
    "A UN commissioned report found that chemical weapons and cluster bombs were used "
    "indiscriminately against civilians in the final months of the battle for Aleppo, a rebel "
    "held area."
)
REPORT_P7 = (
    "The commission’s report made clear that there were at least two incidents where chlorine "
    "bombs were dropped by Syrian aircraft in an effort to evacuate residential areas."
)
CBS_CLAIM = (
    "The commission also concluded that Syrian forces targeted a humanitarian UN convoy in "
    "September, CBS News reported."
)


class TestSeedStory:
    """The seed story, imported from text, end to end."""

    def test_every_quoted_passage_is_found_exactly(self, seed):
        """Each quote in paragraphs 3, 4, 6, 9 and 11 is found, inside its marks, and no other."""
        assert _found(seed, "quote") == [
            (3, HALEY_1),
            (3, HALEY_2),
            (4, "flawed anti-Syrian draft"),
            (4, "absolutely unacceptable."),
            (6, PINHEIRO),
            (9, CBS_QUOTE),
            (11, TOWNSEND),
        ]

    def test_reported_claims_without_quotes_are_found(self, seed):
        """The report's findings, CBS's claim and USA Today's report are claims to attribute."""
        assert _found(seed, "claim") == [
            (5, REPORT_P5),
            (7, REPORT_P7),
            (7, CBS_CLAIM),
            (11, seed[11]),
        ]

    def test_findings_point_at_their_exact_place_in_the_paragraph(self, seed):
        """Every finding's offsets cut its text out of its paragraph, for highlighting."""
        findings = quotes.find_passages(seed)
        assert findings
        for finding in findings:
            assert seed[finding.paragraph][finding.start : finding.end] == finding.text

    def test_cues_name_the_clause_that_attributes_each_passage(self, seed):
        """Both halves of Haley's split quote share one said-clause; each cue is as written."""
        cues = [(f.paragraph, f.cue) for f in quotes.find_passages(seed)]
        assert cues == [
            (3, "Haley said"),
            (3, "Haley said"),
            (4, "Russian Deputy Ambassador Vladimir Safronkov said"),
            (4, "Russian Deputy Ambassador Vladimir Safronkov said"),
            (5, "A UN commissioned report found"),
            (
                6,
                "Paulo Pinheiro, the UN commission chairman on the inquiry into the Syrian "
                "conflict said",
            ),
            (7, "The commission’s report made clear"),
            (7, "CBS News reported"),
            (9, "CBS reports"),
            (11, "the USA Today reports"),
            (11, "Gen. Stephen Townsend, Commander of Coalition Forces said"),
        ]

    def test_suggestions_name_every_source_with_the_right_paragraph_and_kind(self, seed):
        """Haley, Safronkov, Pinheiro, Townsend, CBS News, USA Today and the UN report."""
        assert _named(seed) == [
            (3, HALEY_1, "Nikki Haley", "person", "quote"),
            (3, HALEY_2, "Nikki Haley", "person", "quote"),
            (4, "flawed anti-Syrian draft", "Vladimir Safronkov", "person", "quote"),
            (4, "absolutely unacceptable.", "Vladimir Safronkov", "person", "quote"),
            (5, REPORT_P5, "UN commission report", "document", "document"),
            (6, PINHEIRO, "Paulo Pinheiro", "person", "quote"),
            (7, REPORT_P7, "UN commission report", "document", "document"),
            (7, CBS_CLAIM, "CBS News", "publication", "report"),
            (9, CBS_QUOTE, "CBS News", "publication", "report"),
            (11, seed[11], "USA Today", "publication", "report"),
            (11, TOWNSEND, "Stephen Townsend", "person", "quote"),
        ]

    def test_suggested_people_carry_their_roles_from_the_story(self, seed):
        """Roles come from where the story introduces each person, titles taken off names."""
        roles = {s.source_name: s.role for s in quotes.suggest(seed)}
        assert roles["Nikki Haley"] == "United States UN Ambassador"
        assert roles["Vladimir Safronkov"] == "Russian Deputy Ambassador"
        assert roles["Stephen Townsend"] == "Commander of Coalition Forces"
        assert roles["Paulo Pinheiro"].startswith("UN commission chairman")

    def test_known_sources_are_matched_and_named_as_on_file(self, seed):
        """With the demo's sources, every suggestion is an existing source, the report too."""
        known = [
            KnownSource(1, "Nikki Haley", kind="person"),
            KnownSource(2, "Vladimir Safronkov", kind="person"),
            KnownSource(3, "Paulo Pinheiro", kind="person"),
            KnownSource(4, "Stephen Townsend", kind="person"),
            KnownSource(5, "UN Commission report on Aleppo", kind="document"),
            KnownSource(6, "UN Commission of Inquiry on Syria", kind="organisation"),
            KnownSource(7, "CBS News", kind="publication"),
            KnownSource(8, "USA Today", kind="publication"),
        ]
        ids = [
            (s.finding.paragraph, s.source_id, s.source_name)
            for s in quotes.suggest(seed, sources=known)
        ]
        assert ids == [
            (3, 1, "Nikki Haley"),
            (3, 1, "Nikki Haley"),
            (4, 2, "Vladimir Safronkov"),
            (4, 2, "Vladimir Safronkov"),
            (5, 5, "UN Commission report on Aleppo"),
            (6, 3, "Paulo Pinheiro"),
            (7, 5, "UN Commission report on Aleppo"),
            (7, 7, "CBS News"),
            (9, 7, "CBS News"),
            (11, 8, "USA Today"),
            (11, 4, "Stephen Townsend"),
        ]


class TestQuoteMarks:
    def test_curly_and_straight_quotes_are_both_found(self):
        """“Curly” and "straight" quotes are passages alike, marks left out."""
        paragraphs = _paragraphs('He said "we are broke" and “we will cut.”')
        assert _found(paragraphs) == [(1, "we are broke"), (1, "we will cut.")]

    def test_single_quotes_inside_a_double_quote_belong_to_it(self):
        """A ‘nested’ quote is part of the outer one, not a passage of its own."""
        paragraphs = _paragraphs("“They call it a ‘special operation’ and it is war,” Ana said.")
        assert _found(paragraphs, "quote") == [
            (1, "They call it a ‘special operation’ and it is war,")
        ]

    def test_top_level_curly_single_quotes_are_quotes_but_apostrophes_are_not(self):
        """British-style ‘quotes’ count; the apostrophe in Assad’s never opens or closes one."""
        paragraphs = _paragraphs("Assad’s forces called it ‘a clean-up’, the players’ union said.")
        assert _found(paragraphs, "quote") == [(1, "a clean-up")]

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("A stray “ mark and nothing more.", id="lone-opening"),
            pytest.param("Nothing opened ” here either.", id="lone-closing"),
            pytest.param('The screen measures 6" across.', id="inch-mark"),
            pytest.param("“", id="only-a-mark"),
            pytest.param('“ ” and ""', id="empty-quotes"),
        ],
    )
    def test_a_lone_or_empty_mark_is_ignored(self, text):
        """A mark that never pairs up, or pairs around nothing, is not a passage."""
        assert _found(_paragraphs(text), "quote") == []

    def test_a_stray_mark_does_not_swallow_the_real_quote_after_it(self):
        """A new opening mark restarts the quote, so one typo costs one mark, not the quote."""
        paragraphs = _paragraphs("A stray “ mark. Later: “We go now,” she said.")
        assert _found(paragraphs, "quote") == [(1, "We go now,")]

    def test_an_unclosed_quote_runs_on_when_the_next_paragraph_opens_with_a_mark(self):
        """The newsroom convention for a quote over two paragraphs is honoured."""
        paragraphs = _paragraphs(
            "“The first half of the quote goes on,", "“and ends here,” said Dr. Ada Lovelace."
        )
        assert _found(paragraphs, "quote") == [
            (1, "The first half of the quote goes on,"),
            (2, "and ends here,"),
        ]

    def test_a_split_quote_gives_two_findings_with_one_cue(self):
        """“…,” Haley said, “…” is two passages, both Haley's."""
        paragraphs = _paragraphs(
            "Nikki Haley spoke.", "“We are outraged,” Haley said, “They turned their backs.”"
        )
        findings = [f for f in quotes.find_passages(paragraphs) if f.kind == "quote"]
        assert [(f.text, f.cue) for f in findings] == [
            ("We are outraged,", "Haley said"),
            ("They turned their backs.", "Haley said"),
        ]
        assert {s.source_name for s in quotes.suggest(paragraphs)} == {"Nikki Haley"}

    def test_short_quotes_in_one_sentence_are_separate_passages_of_one_speaker(self):
        """Two scraps quoted in one said-sentence are two findings, both the speaker's."""
        paragraphs = _paragraphs("Ruth Calder said the plan was “reckless” and “a fantasy.”")
        assert _named(paragraphs) == [
            (1, "reckless", "Ruth Calder", "person", "quote"),
            (1, "a fantasy.", "Ruth Calder", "person", "quote"),
        ]

    def test_scare_quotes_with_no_said_clause_take_the_paragraph_speaker(self):
        """A 1–3 word quote in a sentence without a cue is still a quote, the paragraph's."""
        paragraphs = _paragraphs(
            "Officials called the plan “a bridge.” Marta Okafor said the library would stay open."
        )
        assert _named(paragraphs) == [
            (1, "a bridge.", "Marta Okafor", "person", "quote"),
            (
                1,
                "Marta Okafor said the library would stay open.",
                "Marta Okafor",
                "person",
                "paraphrase",
            ),
        ]

    def test_a_paragraph_that_is_only_a_quote_takes_the_previous_speaker(self):
        """A quote standing alone continues whoever spoke in the paragraph before."""
        paragraphs = _paragraphs(
            "“We reopened today,” said Marta Okafor, the head librarian.",
            "“The children’s room is bigger than before.”",
        )
        assert [s.source_name for s in quotes.suggest(paragraphs)] == ["Marta Okafor"] * 2

    def test_a_block_quote_is_one_passage_introduced_by_the_paragraph_before(self):
        """A block quote has no marks; its lead-in is its source, not a separate claim."""
        paragraphs = _paragraphs(
            "The finance committee’s own summary puts it plainly:",
            "Without the night service, the budget balances.",
        )
        findings = quotes.find_passages(paragraphs, quoted_paragraphs={2})
        assert [(f.paragraph, f.kind, f.text) for f in findings] == [
            (2, "quote", "Without the night service, the budget balances.")
        ]
        (suggestion,) = quotes.suggest(
            paragraphs,
            sources=[KnownSource(4, "Millbrook Finance Committee", kind="organisation")],
            quoted_paragraphs={2},
        )
        assert (suggestion.source_id, suggestion.attribution_kind) == (4, "document")


class TestSaidClauses:
    @pytest.mark.parametrize(
        ("text", "cue"),
        [
            ("“We will win,” Lena Hartmann said.", "Lena Hartmann said"),
            ("“We will win,” said Lena Hartmann.", "said Lena Hartmann"),
            ("Lena Hartmann says “we will win.”", "Lena Hartmann says"),
            ("Lena Hartmann told reporters “we will win.”", "Lena Hartmann told"),
            ("“And we will win,” Lena Hartmann added.", "Lena Hartmann added"),
            ("“Will we win?” Lena Hartmann asked.", "Lena Hartmann asked"),
            ("Lena Hartmann wrote that “we will win.”", "Lena Hartmann wrote"),
            ("Lena Hartmann stated: “We will win.”", "Lena Hartmann stated"),
            ("“We will win,” Lena Hartmann noted.", "Lena Hartmann noted"),
            ("“We will win,” according to Lena Hartmann.", "according to Lena Hartmann"),
            ("“We will win,” Lena Hartmann also said.", "Lena Hartmann also said"),
            (
                "Lena Hartmann, the head of monitoring, said “we will win.”",
                "Lena Hartmann, the head of monitoring, said",
            ),
            (
                "Dr. Lena Hartmann, Head of Monitoring said, “We will win.”",
                "Dr. Lena Hartmann, Head of Monitoring said",
            ),
        ],
    )
    def test_said_clauses_before_and_after_the_quote_name_the_speaker(self, text, cue):
        """Every said-clause form gives the quote its cue and its speaker."""
        (finding,) = quotes.find_passages(_paragraphs(text))
        assert (finding.kind, finding.cue) == ("quote", cue)
        assert finding.text.lower().rstrip(".,?").endswith("win")
        suggestion = _only(_paragraphs(text))
        assert (suggestion.source_name, suggestion.source_kind, suggestion.attribution_kind) == (
            "Lena Hartmann",
            "person",
            "quote",
        )

    def test_appositive_role_is_kept_with_the_speaker(self):
        """“…,” said Tomás Reyes, the trust’s survey coordinator: the role comes along."""
        suggestion = _only(
            _paragraphs("“We found 41,” said Tomás Reyes, the trust’s survey coordinator.")
        )
        assert (suggestion.source_name, suggestion.role) == (
            "Tomás Reyes",
            "trust’s survey coordinator",
        )

    def test_a_person_said_clause_wins_over_an_outlet_report_clause(self):
        """In “…,” Smith said, according to Reuters: the quote is Smith's, the report Reuters'."""
        paragraphs = _paragraphs("“We will win,” Ana Ruiz said, according to Reuters.")
        assert _named(paragraphs) == [
            (1, paragraphs[1], "Reuters", "publication", "report"),
            (1, "We will win,", "Ana Ruiz", "person", "quote"),
        ]

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("Details about the casualties were not reported.", id="passive"),
            pytest.param("The casualties were reported on Monday.", id="were-reported"),
            pytest.param("Officials said the road would reopen.", id="generic-officials"),
            pytest.param("Her notes say nothing about it.", id="noun-notes"),
            pytest.param("In the states, turnout fell.", id="noun-states"),
            pytest.param(
                "The commission also concluded that talks had failed.", id="org-concluded"
            ),
            pytest.param("“Bombs fell, according to reports, all night.”", id="cue-inside-quote"),
        ],
    )
    def test_words_that_only_look_like_report_clauses_are_not_claims(self, text):
        """Passives, plural nouns, vague sources and cues inside a quote make no claim."""
        assert _found(_paragraphs(text), "claim") == []


class TestNameResolution:
    def test_a_surname_resolves_to_the_full_name_introduced_earlier(self):
        """“Haley said” → Nikki Haley, introduced with her title two paragraphs up."""
        paragraphs = _paragraphs(
            "United States UN Ambassador Nikki Haley questioned the veto.",
            "The vote was 9 to 3.",
            "“It was indefensible,” Haley said.",
        )
        suggestion = _only(paragraphs)
        assert (suggestion.source_name, suggestion.role) == (
            "Nikki Haley",
            "United States UN Ambassador",
        )

    def test_she_resolves_to_the_last_named_woman_speaking_not_the_last_speaker(self):
        """“…,” she said → the last woman who spoke, even when a man spoke after her."""
        paragraphs = _paragraphs(
            "“We need the bus,” said Priya Natarajan, a nurse.",
            "“We cannot pay for it,” said Daniel Osei.",
            "“Then find the money,” she said.",
            "“We will try,” he said.",
        )
        assert [s.source_name for s in quotes.suggest(paragraphs)] == [
            "Priya Natarajan",
            "Daniel Osei",
            "Priya Natarajan",
            "Daniel Osei",
        ]

    def test_she_resolves_to_the_last_named_woman_when_no_woman_has_spoken(self):
        """With no woman speaking yet, “she” is the last woman the story named."""
        paragraphs = _paragraphs(
            "Mayor Linda Park and council leader Tom Reed met on Monday.",
            "“We will find the money,” she said.",
        )
        suggestion = _only(paragraphs)
        assert (suggestion.source_name, suggestion.role) == ("Linda Park", "Mayor")

    def test_a_courtesy_title_tells_the_gender_of_an_unlisted_name(self):
        """Ms. marks a woman even when her first name is not on the built-in list."""
        paragraphs = _paragraphs(
            "“Yes,” said Ms. Oyelaran Bakare. “No,” said Kofi Mensah.",
            "“Maybe,” she added.",
        )
        assert [s.source_name for s in quotes.suggest(paragraphs)][-1] == "Oyelaran Bakare"

    def test_a_pronoun_falls_back_to_the_last_speaker(self):
        """When no one of that gender is known, “he” is the last person who spoke."""
        paragraphs = _paragraphs("“Go,” said Oyelaran Bakare.", "“Now,” he said.")
        assert [s.source_name for s in quotes.suggest(paragraphs)] == ["Oyelaran Bakare"] * 2

    @pytest.mark.parametrize(
        ("clause", "name"),
        [
            ("the ambassador said", "Vladimir Safronkov"),
            ("the chairman said", "Paulo Pinheiro"),
            ("the general said", "Stephen Townsend"),
        ],
    )
    def test_a_title_resolves_to_the_last_person_with_that_role(self, seed, clause, name):
        """“the ambassador” is the last ambassador named; Gen. makes Townsend “the general”."""
        paragraphs = {**seed, 13: f"“We are watching,” {clause}."}
        suggestion = quotes.suggest(paragraphs)[-1]
        assert (suggestion.finding.paragraph, suggestion.source_name) == (13, name)

    def test_a_sentence_opening_place_is_not_taken_for_a_speaker(self):
        """“In Geneva, the ambassador said” is the ambassador speaking, not Geneva."""
        paragraphs = _paragraphs(
            "Russian Deputy Ambassador Vladimir Safronkov arrived.",
            "In Geneva, the ambassador said talks would go on.",
        )
        assert _only(paragraphs).source_name == "Vladimir Safronkov"

    def test_an_organisation_resolves_from_its_last_word(self):
        """“The trust says” → the Mill River Wildlife Trust named earlier, as a paraphrase."""
        paragraphs = _paragraphs(
            "The survey is run by the Mill River Wildlife Trust.",
            "The trust says the numbers should be read with care.",
        )
        assert _named(paragraphs) == [
            (2, paragraphs[2], "Mill River Wildlife Trust", "organisation", "paraphrase")
        ]


class TestOutletsAndDocuments:
    @pytest.mark.parametrize(
        ("text", "outlet"),
        [
            ("The economy shrank, according to Reuters.", "Reuters"),
            ("The economy shrank, Bloomberg reported.", "Bloomberg"),
            ("The economy shrank, the USA Today reports.", "USA Today"),
            ("CBS reports that the economy shrank.", "CBS News"),
            ("The economy shrank, the Associated Press reported.", "Associated Press"),
            ("The economy shrank, according to AP.", "Associated Press"),
            ("The Guardian reported the economy shrank.", "The Guardian"),
        ],
    )
    def test_outlets_are_reports_under_their_usual_name(self, text, outlet):
        """Report clauses name the outlet, normalised: CBS → CBS News, the USA Today → USA Today."""
        paragraphs = _paragraphs(text)
        assert _named(paragraphs) == [(1, text, outlet, "publication", "report")]

    def test_a_quote_from_an_outlets_report_is_a_report(self):
        """CBS reports “…”: the quote's source is CBS News, and it is a report, not a quote."""
        paragraphs = _paragraphs("CBS reports “aircraft mistakenly bombed the wrong side.”")
        assert _named(paragraphs) == [
            (1, "aircraft mistakenly bombed the wrong side.", "CBS News", "publication", "report")
        ]

    def test_figures_from_an_organisation_are_data(self):
        """“according to figures from the library board” → data from the library board."""
        paragraphs = _paragraphs(
            "Loans rose 40 per cent last year, according to figures from the library board."
        )
        assert _named(paragraphs) == [(1, paragraphs[1], "library board", "organisation", "data")]

    @pytest.mark.parametrize(
        ("text", "name", "kind"),
        [
            (
                "Data from the Millbrook Environment Office show a spike.",
                "Millbrook Environment Office",
                "data",
            ),
            (
                "A study by the Mill River Wildlife Trust found more otters.",
                "Mill River Wildlife Trust",
                "document",
            ),
            ("Court records show the sale went ahead.", "Court records", "document"),
            ("The airport’s passenger figures show a fall.", "airport passenger figures", "data"),
        ],
    )
    def test_documents_and_data_are_named_from_their_phrase(self, text, name, kind):
        """A study, records and figures are documents or data, named as the story names them."""
        (suggestion,) = quotes.suggest(_paragraphs(text))
        assert (suggestion.finding.kind, suggestion.source_name, suggestion.attribution_kind) == (
            "claim",
            name,
            kind,
        )

    def test_a_later_mention_of_a_report_is_the_report_named_first(self, seed):
        """“The commission’s report” is the “UN commissioned report” of two paragraphs up."""
        names = {
            s.finding.paragraph: s.source_name
            for s in quotes.suggest(seed)
            if s.attribution_kind == "document"
        }
        assert names == {5: "UN commission report", 7: "UN commission report"}


class TestKnownSources:
    def test_a_source_is_matched_by_alias(self):
        """A source whose alias is the story's title phrase is proposed under its own name."""
        paragraphs = _paragraphs("“We will not stand by,” the US ambassador said.")
        known = [(7, "Nikki Haley", ["the US ambassador", "Ambassador Haley"])]
        suggestion = _only(paragraphs, sources=known)
        assert (suggestion.source_id, suggestion.source_name) == (7, "Nikki Haley")

    def test_a_surname_matches_a_known_full_name(self):
        """“Haley said” with no introduction still finds the source “Nikki Haley” on file."""
        paragraphs = _paragraphs("“We will not stand by,” Haley said.")
        known = [KnownSource(7, "Nikki Haley", kind="person"), KnownSource(8, "Haley Foundation")]
        suggestion = _only(paragraphs, sources=known)
        assert (suggestion.source_id, suggestion.source_name, suggestion.source_kind) == (
            7,
            "Nikki Haley",
            "person",
        )

    def test_names_match_case_insensitively_and_ignore_a_leading_the(self):
        """“the USA Today” in the story matches the source “USA TODAY” on file."""
        paragraphs = _paragraphs("Rents rose, the USA Today reports.")
        suggestion = _only(paragraphs, sources=[(3, "USA TODAY", [], "publication")])
        assert (suggestion.source_id, suggestion.source_name) == (3, "USA TODAY")

    def test_an_ambiguous_match_is_left_to_the_editor(self):
        """Two sources that fit equally well give no match, and a new source is proposed."""
        paragraphs = _paragraphs("“We will win,” Haley said.")
        known = [
            KnownSource(1, "Nikki Haley", kind="person"),
            KnownSource(2, "Bill Haley", kind="person"),
        ]
        assert _only(paragraphs, sources=known).source_id is None

    def test_a_different_kind_is_not_matched_by_shared_words(self):
        """The report is not the commission: word matching respects the source's kind."""
        found = quotes.match_source(
            [("UN commission report", "document")],
            [KnownSource(6, "UN Commission of Inquiry on Syria", kind="organisation")],
        )
        assert found is None

    @pytest.mark.django_db
    def test_source_rows_can_be_passed_as_known_sources(self):
        """Source rows from the database work as they are, aliases included."""
        source = SourceFactory(name="Nikki Haley", aliases=["Ambassador Haley"])
        SourceFactory(name="Someone Else", aliases="not a list")
        paragraphs = _paragraphs("“We will not stand by,” Ambassador Haley said.")
        suggestion = _only(paragraphs, sources=Source.objects.all())
        assert (suggestion.source_id, suggestion.source_name) == (source.pk, "Nikki Haley")


class TestCoverage:
    FINDING = Finding("quote", 3, HALEY_1, 1, 1 + len(HALEY_1))

    @pytest.mark.parametrize(
        ("attribution", "covered"),
        [
            pytest.param((3, HALEY_1), True, id="same-text"),
            pytest.param((3, f"“{HALEY_1}”  "), True, id="marks-and-spaces-folded"),
            pytest.param((3, HALEY_1.upper()), True, id="case-folded"),
            pytest.param(
                (3, f"{HALEY_1} Haley said, “They turned”"), True, id="attribution-holds-it"
            ),
            pytest.param((3, "Russia and China made an outrageous"), True, id="most-of-it"),
            pytest.param((3, HALEY_1.replace("outrageous", "outragous")), True, id="typo-since"),
            pytest.param((4, HALEY_1), False, id="other-paragraph"),
            pytest.param((None, HALEY_1), False, id="no-paragraph"),
            pytest.param((3, "China"), False, id="one-stray-word"),
            pytest.param((3, HALEY_2), False, id="other-quote"),
        ],
    )
    def test_an_attribution_covers_a_finding_in_its_paragraph_that_it_overlaps(
        self, attribution, covered
    ):
        """Same paragraph and substantially the same words: covered; anything else: not."""
        assert quotes.is_covered(self.FINDING, [attribution]) is covered

    def test_unattributed_lists_only_what_no_attribution_covers(self, seed):
        """Attributing Haley's two quotes leaves every other passage of the seed open."""
        open_findings = quotes.unattributed(seed, [(3, HALEY_1), (3, HALEY_2)])
        assert [(f.paragraph, f.kind) for f in open_findings] == [
            (4, "quote"),
            (4, "quote"),
            (5, "claim"),
            (6, "quote"),
            (7, "claim"),
            (7, "claim"),
            (9, "quote"),
            (11, "claim"),
            (11, "quote"),
        ]

    @pytest.mark.django_db
    def test_the_demo_seed_has_nothing_unattributed(self):
        """After load_demo every quote and claim in the seed is covered by its attributions."""
        article = seed_article()
        attributions = list(article.attributions.all())
        paragraphs = article.paragraph_texts()
        assert len(quotes.find_passages(paragraphs)) == 11
        assert quotes.unattributed(paragraphs, attributions) == []

        without_pinheiro = [a for a in attributions if a.source.name != "Paulo Pinheiro"]
        (missing,) = quotes.unattributed(paragraphs, without_pinheiro)
        assert (missing.paragraph, missing.text) == (6, PINHEIRO)
        (suggestion,) = quotes.suggest(paragraphs, [missing], sources=Source.objects.all())
        assert (suggestion.source_name, suggestion.source_id, suggestion.attribution_kind) == (
            "Paulo Pinheiro",
            Source.objects.get(name="Paulo Pinheiro").pk,
            "quote",
        )


# Text that exercises every mark the finder reads, in any order.
_PIECES = st.sampled_from(
    [
        "“",
        "”",
        '"',
        "‘",
        "’",
        "'",
        "„",
        "«",
        "»",
        " ",
        ", ",
        ". ",
        "? ",
        ": ",
        "\u00a0",
        "said",
        "says",
        "she",
        "he",
        "the",
        "according to",
        "report",
        "found",
        "figures from",
        "Haley",
        "Nikki",
        "Gen.",
        "U.S.",
        "CBS",
        "the USA Today",
        "reports",
        "made",
        "clear",
        "Ambassador",
        "chairman",
        "board",
        "of",
        "’s",
        "6",
        "\ue000",
        "é",
        "Ω",
    ]
)
_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(_PIECES, max_size=60).map("".join),
)


class TestProperties:
    @settings(max_examples=300, deadline=None)
    @given(st.dictionaries(st.integers(min_value=1, max_value=6), _TEXT, max_size=4))
    def test_the_finder_never_raises_and_every_text_is_its_own_slice(self, paragraphs):
        """For any text, findings are exact slices of their paragraph, and suggesting works."""
        findings = quotes.find_passages(paragraphs)
        for finding in findings:
            assert finding.kind in {"quote", "claim"}
            assert paragraphs[finding.paragraph][finding.start : finding.end] == finding.text
            assert finding.text.strip()
        for suggestion in quotes.suggest(paragraphs, sources=[(1, "Nikki Haley", ["CBS"])]):
            assert suggestion.finding in findings
            assert suggestion.source_name

    def test_a_long_body_is_read_in_one_pass(self, seed):
        """A 200-paragraph story (the seed many times over) is read whole."""
        paragraphs = {n: seed[(n - 1) % len(seed) + 1] for n in range(1, 201)}
        findings = quotes.find_passages(paragraphs)
        suggestions = quotes.suggest(paragraphs, findings)
        # 16 whole copies of the seed's 11 findings, then paragraphs 1-8 of a 17th (8 more).
        assert len(findings) == 16 * 11 + 8
        assert findings[-1].paragraph == 199
        assert len(suggestions) == len(findings)
