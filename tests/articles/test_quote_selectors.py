"""articles.selectors on the quote finder: the desk's panel, anonymous sources, the gate."""

from __future__ import annotations

import pytest

from articles import selectors
from articles.quotes.attribution import analysis
from tests.factories import ArticleFactory, AttributionFactory

pytestmark = pytest.mark.django_db

BODY = [
    ("paragraph", "The mayor, Ana Ruiz, opened the bridge on Monday."),
    ("paragraph", "“This bridge joins two halves of one town,” Ruiz said."),
    (
        "paragraph",
        "An engineer who spoke on condition of anonymity said the bolts were the wrong size.",
    ),
    ("paragraph", "“Nobody checked them,” the engineer said."),
]


@pytest.fixture
def article():
    return ArticleFactory(blocks=BODY)


@pytest.fixture
def analyses(monkeypatch):
    """How many times the attribution layer analyses a body."""
    calls = []
    real = analysis.analyse

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "analyse", counting)
    return calls


class TestOpenFindings:
    def test_one_analysis_gives_passages_suggestions_and_flags(self, article, analyses):
        """The panel costs one analysis of the body, not one per question."""
        items = selectors.open_findings(article)
        assert len(analyses) == 1
        assert [(i.finding.paragraph, i.anonymous) for i in items] == [
            (2, False),
            (3, True),
            (4, True),
        ]
        assert [i.suggestion.source_name if i.suggestion else None for i in items] == [
            "Ana Ruiz",
            None,
            None,
        ]

    def test_anonymous_sources_on_the_same_page_reuse_the_analysis(self, article, analyses):
        """``open_findings`` then ``anonymous_sources``: still one analysis."""
        selectors.open_findings(article)
        flagged = selectors.anonymous_sources(article)
        assert len(analyses) == 1
        assert [(f.paragraph, f.kind) for f in flagged] == [(3, "claim"), (4, "quote")]


class TestAnonymousSources:
    def test_an_attribution_covering_the_passage_takes_it_off_the_list(self, article):
        """Once an editor has attributed it, the passage is no longer listed."""
        AttributionFactory(article=article, paragraph=4, text="Nobody checked them,")
        assert [f.paragraph for f in selectors.anonymous_sources(article)] == [3]

    def test_a_story_with_named_sources_only_has_none(self):
        """No unnamed source, nothing flagged."""
        assert selectors.anonymous_sources(ArticleFactory(blocks=BODY[:2])) == []


class TestUnattributedQuotes:
    def test_the_gate_reads_the_rule_layer_only(self, article, monkeypatch):
        """The publish gate never runs the advisory attribution layer."""

        def refuse(*args, **kwargs):
            raise AssertionError("the gate ran the attribution layer")

        monkeypatch.setattr(analysis, "analyse", refuse)
        assert [(f.paragraph, f.text) for f in selectors.unattributed_quotes(article)] == [
            (2, "This bridge joins two halves of one town,"),
            (4, "Nobody checked them,"),
        ]
