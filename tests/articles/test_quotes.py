"""articles.quotes: the quote finder and its source suggestions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import body, quotes
from articles.importing import parse_story
from articles.models import Source
from articles.quotes import Finding, KnownSource
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


class TestRuleLayer:
    """``quotes.spans`` and ``quotes.coverage``: what the publish gate and corrections read."""

    def test_a_quote_over_three_paragraphs_is_one_span_in_each(self):
        """Each paragraph opens with a mark and only the last closes: all three are quoted."""
        paragraphs = _paragraphs(
            "“We looked at every option. We looked at closing the pool,",
            "“at cutting the library hours, at selling the depot.",
            "“None of it adds up,” said Marta Okafor.",
        )
        assert [(f.paragraph, f.text) for f in quotes.quoted_passages(paragraphs)] == [
            (1, "We looked at every option. We looked at closing the pool,"),
            (2, "at cutting the library hours, at selling the depot."),
            (3, "None of it adds up,"),
        ]
        assert {s.source_name for s in quotes.suggest(paragraphs)} == {"Marta Okafor"}

    def test_an_unclosed_quote_with_no_paragraph_after_it_is_a_stray(self):
        """The run-on convention needs the next paragraph to open with a mark."""
        paragraphs = _paragraphs("“We looked at every option,", "Then the vote came.")
        assert quotes.quoted_passages(paragraphs) == []

    def test_partial_and_nested_quotes(self):
        """A two-word scrap is a quote; a ‘nested’ quote belongs to the one around it."""
        paragraphs = _paragraphs(
            "Roe called it “a disgrace” and said: “They call it a ‘reform’ and it is a cut.”"
        )
        assert [f.text for f in quotes.quoted_passages(paragraphs)] == [
            "a disgrace",
            "They call it a ‘reform’ and it is a cut.",
        ]

    def test_block_quotes_are_whole_paragraphs(self):
        """A block quote has no marks: the paragraph is the quote."""
        paragraphs = _paragraphs("The letter read:", "We cannot go on.")
        assert [
            (f.paragraph, f.text) for f in quotes.quoted_passages(paragraphs, quoted_paragraphs={2})
        ] == [(2, "We cannot go on.")]

    def test_uncovered_keeps_the_order_and_drops_what_an_attribution_covers(self, seed):
        """``uncovered`` is ``is_covered`` over a list."""
        passages = quotes.quoted_passages(seed)
        left = quotes.uncovered(passages, [(3, HALEY_1)])
        assert left == [f for f in passages if f.text != HALEY_1]

    def test_the_rule_layer_imports_nothing_from_the_advisory_layer(self):
        """spans and coverage read quote marks only, never the attribution layer."""
        from articles.quotes import coverage, spans

        for module in (spans, coverage):
            tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
            imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
            assert imported <= {"__future__", "collections.abc", "dataclasses", "re", "typing"} | {
                "articles.quotes.spans",
                "articles.quotes.values",
            }
            assert "rule layer" in module.__doc__.lower()

    @settings(max_examples=200, deadline=None)
    @given(
        st.dictionaries(st.integers(min_value=1, max_value=6), st.text(max_size=120), max_size=4)
    )
    def test_find_passages_quotes_are_exactly_the_rule_layer_s(self, paragraphs):
        """The quote findings a correction checks stand where ``quoted_passages`` puts them."""
        found = [
            (f.paragraph, f.start, f.end, f.text)
            for f in quotes.find_passages(paragraphs)
            if f.kind == "quote"
        ]
        assert found == [
            (f.paragraph, f.start, f.end, f.text) for f in quotes.quoted_passages(paragraphs)
        ]


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
