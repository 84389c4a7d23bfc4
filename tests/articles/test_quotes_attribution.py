"""articles.quotes.attribution: who said each passage, pattern by pattern (advisory layer).

Every example here is invented for the test; the corpus (``tests/corpus/attribution``) is
measured by ``test_evaluate_attributions``.
"""

from __future__ import annotations

import pytest

from articles import body, quotes
from articles.importing import parse_story
from articles.models import Source
from articles.quotes import KnownSource
from tests.articles.test_quotes import _found, _named, _only, _paragraphs
from tests.factories import SourceFactory
from tests.helpers import SEED_FILE


def _sources(paragraphs: dict[int, str], **options) -> dict[tuple[int, str], str]:
    """(paragraph, kind) of each finding -> the suggested source's name, or "" for none."""
    reading = quotes.read(paragraphs)
    suggested = {
        (s.finding.paragraph, s.finding.start): s.source_name for s in reading.suggest(**options)
    }
    return {
        (f.paragraph, f.text): suggested.get((f.paragraph, f.start), "") for f in reading.findings
    }


def _source_of(paragraphs: dict[int, str], paragraph: int, **options) -> list[str]:
    """The suggested source of each finding of one paragraph, "" for none, in order."""
    return [name for (p, _), name in _sources(paragraphs, **options).items() if p == paragraph]


@pytest.fixture(scope="module")
def seed() -> dict[int, str]:
    story = parse_story(SEED_FILE.read_text(encoding="utf-8"))
    return body.paragraph_texts(story.blocks)


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


class TestCueVerbs:
    @pytest.mark.parametrize(
        "text",
        [
            "Ines Okafor called it “a betrayal of the town.”",
            "Ines Okafor wrote that the plan was “a betrayal of the town.”",
            "Ines Okafor posted on social media that the plan was “a betrayal.”",
            "Ines Okafor testified that she had “never seen the contract.”",
            "Ines Okafor argued that the plan was “a betrayal.”",
            "Ines Okafor warned that the plan would be “a betrayal.”",
            "Ines Okafor announced that the plan was “dead.”",
            "Ines Okafor told reporters the plan was “dead.”",
            "“It is dead,” Ines Okafor added.",
        ],
    )
    def test_cue_verbs_beyond_said_name_the_speaker(self, text):
        """called it, wrote, posted, testified, argued, warned, announced, told, added."""
        assert _source_of(_paragraphs(text), 1) == ["Ines Okafor"]

    @pytest.mark.parametrize(
        "text",
        [
            pytest.param("The city added two buses to the route.", id="added-an-object"),
            pytest.param("Ines Okafor wrote a book about the river.", id="wrote-a-book"),
            pytest.param("The bakery posted a loss for the year.", id="posted-a-loss"),
            pytest.param("Ines Okafor agreed to pay the fine.", id="agreed-to"),
            pytest.param(
                "Marcus Pell did not look up while his sister testified.", id="subordinate"
            ),
        ],
    )
    def test_verbs_in_another_sense_attribute_nothing(self, text):
        """A verb with other senses before a plain object, or an event, is not a claim."""
        assert _found(_paragraphs(text), "claim") == []


class TestAppositives:
    def test_description_then_name_is_the_name_speaking(self):
        """“The airport's manager, Jane Roe, said the runway …” is Jane Roe's."""
        paragraphs = _paragraphs("The airport's manager, Jane Roe, said the runway would close.")
        suggestion = _only(paragraphs)
        assert (suggestion.source_name, suggestion.role) == ("Jane Roe", "airport's manager")

    def test_a_quote_after_the_appositive_is_the_name_s(self):
        """“The council engineer, Tom Reed, said, "It is overdue."”"""
        paragraphs = _paragraphs('The council engineer, Tom Reed, said, "It is overdue."')
        assert _source_of(paragraphs, 1) == ["Tom Reed"]

    def test_the_noun_after_the_verb_is_what_they_spoke_about(self):
        """“The mayor's chief of staff, Jo Lee, said the office …” is Jo Lee, not the office."""
        paragraphs = _paragraphs(
            "The mayor's chief of staff, Jo Lee, said the office would close in May."
        )
        assert _source_of(paragraphs, 1) == ["Jo Lee"]

    def test_a_name_set_off_by_a_clause_with_commas_of_its_own_still_speaks(self):
        """“Price, whose mother, June Price, still works there, said …” is Price."""
        paragraphs = _paragraphs(
            "Helen Price opened the bakery in 1998.",
            "Price, whose mother, June Price, still works the early shift, said the shops "
            "would open in May.",
        )
        assert _source_of(paragraphs, 2) == ["Helen Price"]

    def test_an_age_and_a_relative_clause_before_the_verb(self):
        """“Dev Mallick, 46, who was stopped at 31 kilometres, said …”"""
        paragraphs = _paragraphs(
            "Dev Mallick, 46, who was stopped at 31 kilometres in what would have been his "
            "20th marathon, said no one had told runners why."
        )
        assert _source_of(paragraphs, 1) == ["Dev Mallick"]

    def test_a_body_described_before_its_name_is_a_body(self):
        """“The utility, Northgate Power, said …” is an organisation, not a person."""
        suggestion = _only(_paragraphs("The utility, Northgate Power, said power was back."))
        assert (suggestion.source_name, suggestion.source_kind) == (
            "Northgate Power",
            "organisation",
        )


class TestInverted:
    @pytest.mark.parametrize(
        ("text", "name"),
        [
            ("“We will close it,” said the mayor, Ana Ruiz.", "Ana Ruiz"),
            ("“We did not expect it,” said RailWatch's founder, Ada Lindqvist.", "Ada Lindqvist"),
            ("“It is over,” said the Prime Minister of Canada, Mark Roe.", "Mark Roe"),
            ("“It is over,” said its foreign ministry spokesman, Arvid Kalnins.", "Arvid Kalnins"),
            ("The plan, said Ines Okafor, was dead.", "Ines Okafor"),
        ],
    )
    def test_the_speaker_after_the_verb(self, text, name):
        """Inverted attribution, and the name after who they are (title_name)."""
        assert _source_of(_paragraphs(text), 1) == [name]

    def test_a_role_with_a_place_is_not_a_person_of_that_place(self):
        """“said the Prime Minister of Canada” is the prime minister, never “of Canada”."""
        paragraphs = _paragraphs(
            "Prime Minister Mark Roe flew in on Monday.",
            "“We will not move,” said the Prime Minister of Canada.",
        )
        assert _source_of(paragraphs, 2) == ["Mark Roe"]
        assert _source_of(_paragraphs(paragraphs[2]), 1) == [""]


class TestFrames:
    def test_a_statement_or_interview_frame_keeps_the_speaker(self):
        """“said in a statement that”, “in an interview”: the speaker, and one claim."""
        paragraphs = _paragraphs(
            "The Ames Water Board said in a statement released by its press office that "
            "the pipes were safe.",
            "Jane Roe said in an interview that she disagreed.",
        )
        assert _named(paragraphs) == [
            (1, paragraphs[1], "Ames Water Board", "organisation", "paraphrase"),
            (2, paragraphs[2], "Jane Roe", "person", "paraphrase"),
        ]

    def test_speaker_and_outlet_is_the_speaker(self):
        """“Ruiz told Reuters that …”: the source is Ruiz; Reuters is where she said it."""
        paragraphs = _paragraphs(
            "Ana Ruiz runs the port.", "Ruiz told Reuters that the strike would end."
        )
        assert _source_of(paragraphs, 2) == ["Ana Ruiz"]


class TestOutletsAndShortNames:
    def test_an_outlet_s_short_name_is_the_outlet_named_before(self):
        """“the Ledger reported” after “The Millbrook Ledger” is one source, not two."""
        paragraphs = _paragraphs(
            "The Millbrook Ledger reported on Monday that the mill would close.",
            "The Ledger also reported that 40 jobs would go.",
            "The paper said the owners had not replied.",
        )
        assert {s.source_name for s in quotes.suggest(paragraphs)} == {"Millbrook Ledger"}

    def test_a_known_outlet_s_short_name(self):
        """“The Post also reported” after “The Washington Post” is The Washington Post."""
        paragraphs = _paragraphs(
            "The Washington Post first reported the threat on Monday.",
            "The Post also reported that the president had called.",
        )
        assert _source_of(paragraphs, 2) == ["The Washington Post"]

    def test_an_organisation_s_head_word_is_the_organisation(self):
        """“the guild said” after “the Writers Guild of Ames”; acronyms in brackets."""
        paragraphs = _paragraphs(
            "The Writers Guild of Ames (WGA) called a strike.",
            "The guild said it had no choice.",
            "WGA said talks would resume.",
        )
        assert [s.source_name for s in quotes.suggest(paragraphs)] == ["Writers Guild of Ames"] * 2

    def test_a_body_described_by_a_noun_is_known_by_that_noun(self):
        """“the watchdog group Civic Ledger” … “The group said” is Civic Ledger."""
        paragraphs = _paragraphs(
            "Data compiled by the watchdog group Civic Ledger show the city paid $48 million.",
            "The group said it would publish the invoices.",
        )
        assert _source_of(paragraphs, 2) == ["Civic Ledger"]

    def test_the_company_is_the_business_the_story_is_about(self):
        """“the company said” is the business named most, never a public body."""
        paragraphs = _paragraphs(
            "Northwind Air Holdings reported a profit on Thursday.",
            "Northwind Air Holdings will add flights, the Kessing Airport Authority said.",
            "The company said fares would rise.",
        )
        assert _source_of(paragraphs, 3) == ["Northwind Air Holdings"]


class TestDocumentsAndData:
    @pytest.mark.parametrize(
        ("text", "name", "kind"),
        [
            (
                "Flights fell 9 percent, according to flight-tracking figures compiled by "
                "AirWatch.",
                "AirWatch",
                "data",
            ),
            (
                "A report released by the Institute for Coastal Studies found the dunes "
                "were shrinking.",
                "Institute for Coastal Studies",
                "document",
            ),
            (
                "An inspection by the engineering firm Caldwell & Prior in January found "
                "corroded steel.",
                "Caldwell & Prior",
                "document",
            ),
            (
                "A study last year by marine biologists at the University of Pellin found "
                "high levels of bacteria.",
                "University of Pellin",
                "document",
            ),
            (
                "Analysts had expected a profit, according to a survey of 12 analysts by "
                "Fenwick Data.",
                "Fenwick Data",
                "document",
            ),
        ],
    )
    def test_the_maker_of_a_document_or_data_is_the_source(self, text, name, kind):
        """Whoever compiled, released or conducted it, named after “by”."""
        suggestion = _only(_paragraphs(text))
        assert (suggestion.source_name, suggestion.attribution_kind) == (name, kind)

    def test_a_later_mention_of_the_document_is_its_maker_s(self):
        """“The figures show” and “the study found” are the maker's named earlier."""
        paragraphs = _paragraphs(
            "Trains ran late, according to figures compiled by the passenger group RailWatch.",
            "The figures, drawn from the timetable, show that one in five was late.",
        )
        assert _source_of(paragraphs, 2) == ["RailWatch"]

    def test_a_possessive_names_the_maker(self):
        """“the observatory's records show” is the Caldera Bay Bird Observatory's."""
        paragraphs = _paragraphs(
            "The Caldera Bay Bird Observatory has counted terns since 1994.",
            "The first terns came earlier, the observatory's records show.",
        )
        assert _source_of(paragraphs, 2) == ["Caldera Bay Bird Observatory"]

    def test_a_document_obtained_by_an_object_is_not_a_claim(self):
        """“The group obtained the figures from the authority”: nobody is claiming."""
        assert (
            _found(_paragraphs("The group obtained the figures from the authority."), "claim") == []
        )

    def test_a_specific_document_is_named_by_its_noun(self):
        """“The indictment says …” is the indictment."""
        assert _source_of(_paragraphs("The indictment says she took $640,000."), 1) == [
            "indictment"
        ]


class TestPronouns:
    def test_a_speaker_of_unknown_gender_is_not_skipped_for_an_older_one(self):
        """“June Price, 74, said … “…,” she said.” is June, though June is on no list."""
        paragraphs = _paragraphs(
            "“I will not retire,” said Helen Price.",
            "June Price, 74, said she had no such plans. “Somebody has to check the crust,” "
            "she said.",
        )
        assert _source_of(paragraphs, 2) == ["June Price", "June Price"]

    def test_the_subject_of_the_last_sentence_is_who_she_is(self):
        """“Varga declined to confirm it. “…,” she said.”: Varga, not the last woman quoted."""
        paragraphs = _paragraphs(
            "Foreign Minister Ilse Varga met her counterpart.",
            "“We are close,” said Maria Drozd, a negotiator.",
            "Varga declined to confirm that account. “I will not negotiate in public,” she said.",
        )
        assert _source_of(paragraphs, 3) == ["Ilse Varga"]

    def test_a_pronoun_after_someone_we_cannot_name_names_nobody(self):
        """“In Harwick, the mayor said …” with no mayor named: her “she said” is no one."""
        paragraphs = _paragraphs(
            "“We are ready,” said Alys Brennan.",
            "In Harwick, the mayor said the town would open shelters.",
            "“We have beds for 200,” she said.",
        )
        assert _source_of(paragraphs, 3) == [""]


class TestSurnamesAndRegistry:
    def test_the_person_named_in_the_story_beats_the_registry(self):
        """A later “Lopez said” is this story's Maria Lopez, not another story's Lopez."""
        paragraphs = _paragraphs(
            "Maria Lopez, the harbour master, closed the port.", "“It is too rough,” Lopez said."
        )
        known = [KnownSource(9, "Carlos Lopez", kind="person")]
        names = [(s.source_name, s.source_id) for s in quotes.suggest(paragraphs, sources=known)]
        assert names == [("Maria Lopez", None)]

    def test_a_short_name_extends_the_one_registry_name_it_fits(self):
        """“the Gazette” with “The Millbrook Gazette” on file is that source, not a new one;
        with two Gazettes on file it is neither, and the editor decides."""
        paragraphs = _paragraphs("The mill will close, the Gazette reported.")
        known = [
            KnownSource(3, "The Millbrook Gazette", kind="publication"),
            KnownSource(4, "Ames Courier", kind="publication"),
        ]
        suggestion = _only(paragraphs, sources=known)
        assert (suggestion.source_id, suggestion.source_name) == (3, "The Millbrook Gazette")
        known.append(KnownSource(5, "Harlow Gazette", kind="publication"))
        assert _only(paragraphs, sources=known).source_id is None

    def test_a_full_name_never_matches_by_its_surname_alone(self):
        """“Avery Lopez” on file is not “Maria Lopez”: only names and aliases match."""
        found = quotes.match_source(
            [("Maria Lopez", "person")], [KnownSource(1, "Avery Lopez", kind="person")]
        )
        assert found is None

    def test_a_surname_is_who_the_story_named_before_not_someone_named_later(self):
        """“Brennan said …” is Alys Brennan, named above, not her sister named after it."""
        paragraphs = _paragraphs(
            "Pike's neighbour, Alys Brennan, wrote a letter to the council last year.",
            "Brennan said she would move. Her sister, Cait Brennan, said she was “glad.”",
        )
        assert _source_of(paragraphs, 2) == ["Alys Brennan", "Cait Brennan"]

    def test_a_month_or_a_lone_first_name_is_nobody(self):
        """“May said it was over.” names no one we know: no organisation “May”."""
        assert _source_of(_paragraphs("May said it was over."), 1) == [""]

    def test_a_name_given_once_in_full_is_that_person(self):
        """“… won by Saoirse Lynch. Lynch posted …”: Saoirse Lynch, a person."""
        paragraphs = _paragraphs(
            "The women's race was won by Saoirse Lynch in 1 hour 54 minutes.",
            "Lynch posted on social media that she was “gutted.”",
            "“Next year, I want the whole thing,” she added.",
        )
        suggestions = quotes.suggest(paragraphs)
        assert [(s.source_name, s.source_kind) for s in suggestions] == [
            ("Saoirse Lynch", "person")
        ] * 2

    def test_a_name_given_as_only_a_first_name(self):
        """“a woman who gave her name only as Mira said” … “she said” is Mira."""
        paragraphs = _paragraphs(
            "President Elif Dragan declared a day of mourning.",
            "A woman who gave her name only as Mira said neighbours had dug with their hands.",
            "“We heard her calling for an hour,” she said.",
        )
        assert _source_of(paragraphs, 3) == ["Mira"]


class TestTitles:
    def test_a_title_with_its_modifiers_is_the_person_with_that_role(self):
        """“The health officer said” is the county's health officer, not the grants officer."""
        paragraphs = _paragraphs(
            "The county’s health officer, Dr. Yusuf Adeyemi, urged parents to act.",
            "The council's grants officer, Bea Lacroix, said funds were secure.",
            "The health officer said most cases were linked to a day care centre.",
        )
        assert _source_of(paragraphs, 3) == ["Yusuf Adeyemi"]

    def test_an_outlet_s_word_that_is_also_a_role(self):
        """“The Examiner reported” after “The Harbour Examiner” is the outlet."""
        paragraphs = _paragraphs(
            "The Harbour Examiner reported that the contractor was late.",
            "The Examiner also reported that the firm had hired a council aide.",
        )
        assert _source_of(paragraphs, 2) == ["Harbour Examiner"]


class TestAnonymous:
    @pytest.mark.parametrize(
        "text",
        [
            "An official, who spoke on condition of anonymity, said the talks had failed.",
            "A person familiar with the talks said the deal was close.",
            "The deal is close, according to two people briefed on the plan.",
            "A board member, who asked not to be identified, said three members objected.",
            "A mother who asked that her name not be used said she had delayed the shots.",
            "A deal is near, according to two of the people, who asked not to be identified.",
            "“It is dead on arrival,” said a diplomat who spoke on condition of anonymity.",
        ],
    )
    def test_unnamed_sources_are_flagged_and_get_no_suggestion(self, text):
        """The passage is flagged ``anonymous`` and no source is proposed for it."""
        paragraphs = _paragraphs(text)
        findings = quotes.find_passages(paragraphs)
        assert findings and all(f.anonymous for f in findings)
        assert quotes.suggest(paragraphs) == []
        assert quotes.anonymous(paragraphs) == findings

    def test_a_later_reference_to_the_unnamed_source_is_anonymous_too(self):
        """“the nurse said” and “she said” after “a nurse who asked not to be named”."""
        paragraphs = _paragraphs(
            "A nurse at the clinic, who asked not to be named, said she had worked 14 shifts.",
            "“You go home and you think about them,” the nurse said.",
            "“I’d give anything to go back,” she said.",
        )
        findings = quotes.find_passages(paragraphs)
        assert [f.anonymous for f in findings] == [True, True, True]
        assert quotes.suggest(paragraphs) == []

    def test_an_outlet_citing_unnamed_people_is_the_outlet_s_report(self):
        """“The Tribune reported …, citing two people close to …” is the Tribune's."""
        paragraphs = _paragraphs(
            "The Dalton Tribune reported the plans on Tuesday, citing two people close to "
            "the attorney general."
        )
        suggestion = _only(paragraphs)
        assert (suggestion.source_name, suggestion.finding.anonymous) == ("Dalton Tribune", False)

    def test_a_named_source_is_not_anonymous(self):
        """Naming who spoke is the opposite of anonymity: no flag."""
        paragraphs = _paragraphs("Jane Roe, who asked about the budget, said it was late.")
        assert [f.anonymous for f in quotes.find_passages(paragraphs)] == [False]


class TestOneReading:
    def test_a_reading_answers_findings_suggestions_and_anonymity_from_one_analysis(
        self, seed, monkeypatch
    ):
        """``quotes.read`` analyses once, however often it is asked."""
        from articles.quotes.attribution import analysis

        calls = []
        real = analysis.analyse
        monkeypatch.setattr(analysis, "analyse", lambda *a, **k: calls.append(1) or real(*a, **k))
        reading = quotes.read(seed)
        findings = reading.findings
        reading.suggest(findings, sources=[KnownSource(1, "Nikki Haley", kind="person")])
        reading.suggest()
        reading.anonymous()
        assert len(calls) == 1
        assert [s.source_name for s in reading.suggest()] == [
            s.source_name for s in quotes.suggest(seed)
        ]
