"""``manage.py load_demo``: the demo sections, sources, seed story and fictional stories."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.management.commands.load_demo import DEMO_DIR
from articles.models import (
    Article,
    ArticleEvent,
    Attribution,
    Author,
    Block,
    CorrectionNote,
    Revision,
    Section,
    Source,
)
from tests.factories import SectionFactory
from tests.helpers import SEED_SLUG

pytestmark = pytest.mark.django_db

MODELS = (
    Section,
    Author,
    Source,
    Article,
    Block,
    Attribution,
    CorrectionNote,
    Revision,
    ArticleEvent,
)


def _load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return _load()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_file_is_a_byte_for_byte_copy_in_the_project():
    """The seed story ships inside the project, so the demo never reads outside it."""
    seed = (DEMO_DIR / "seed-article.txt").read_bytes()
    assert seed.startswith(b"United States UN Ambassador Nikki Haley")
    assert seed.endswith("“forces” in paragraph eleven.)".encode())


class TestSeedStory:
    def test_seed_is_published_with_its_editorial_fields(self, demo):
        """The seed story is published in World with the demo headline, dateline and credit."""
        article = Article.objects.published().get(slug=SEED_SLUG)
        assert article.headline == "Haley confronts Russia at the UN over civilian deaths in Syria"
        assert article.section.slug == "world"
        assert article.dek
        assert article.dateline == "UNITED NATIONS"
        assert article.kind == Article.Kind.NEWS
        assert article.credit_line == "Staff and wire reports"
        assert [a.display_name for a in article.authors.all()] == ["World Desk"]

    def test_seed_body_and_editors_note(self, demo):
        """12 paragraphs, the subheading, Townsend at 11, and a public note on 11."""
        article = Article.objects.get(slug=SEED_SLUG)
        paragraphs = article.paragraph_texts()
        assert len(paragraphs) == 12
        assert paragraphs[11].startswith("Gen. Stephen Townsend")
        assert list(article.blocks.filter(kind="subheading").values_list("text", flat=True)) == [
            "Russian Strikes Syrians being Trained by US"
        ]
        note = CorrectionNote.objects.public().get(article=article)
        assert note.kind == CorrectionNote.Kind.EDITORS_NOTE
        assert (note.paragraphs, note.before, note.after) == ([11], "militaries", "forces")

    @pytest.mark.parametrize(
        ("source", "kind", "paragraph", "starts"),
        [
            ("nikki-haley", "quote", 3, "Russia and China made"),
            ("nikki-haley", "quote", 3, "They turned their backs"),
            ("vladimir-safronkov", "quote", 4, "flawed anti-Syrian draft"),
            ("vladimir-safronkov", "quote", 4, "absolutely unacceptable"),
            ("un-commission-report-on-aleppo", "document", 5, "A UN commissioned report found"),
            ("paulo-pinheiro", "quote", 6, "The scale of what happened"),
            ("cbs-news", "report", 7, "The commission also concluded"),
            ("cbs-news", "report", 9, "Russian aircraft mistakenly bombed"),
            ("stephen-townsend", "quote", 11, "To avoid mishaps"),
            ("usa-today", "report", 11, "Gen. Stephen Townsend"),
        ],
    )
    def test_every_quote_and_report_is_attributed(self, demo, source, kind, paragraph, starts):
        """Each quote and report in the seed is tied to its source at the right paragraph."""
        attribution = Attribution.objects.get(
            article__slug=SEED_SLUG,
            source__slug=source,
            paragraph=paragraph,
            text__startswith=starts,
        )
        assert attribution.kind == kind
        assert attribution.text in attribution.article.paragraph_texts()[paragraph]

    def test_sources_carry_roles_and_affiliations(self, demo):
        """People are tied to their organisations; outlets are publications."""
        haley = Source.objects.get(slug="nikki-haley")
        assert haley.kind == Source.Kind.PERSON
        assert haley.role
        assert haley.affiliation.name == "United States Mission to the United Nations"
        assert haley.affiliation.kind == Source.Kind.ORGANISATION
        assert "Russia" in Source.objects.get(slug="vladimir-safronkov").affiliation.name
        assert Source.objects.get(slug="cbs-news").kind == Source.Kind.PUBLICATION
        assert (
            Source.objects.get(slug="un-commission-report-on-aleppo").kind == Source.Kind.DOCUMENT
        )

    def test_seed_is_the_newest_story(self, demo):
        """The seed is the home page's lead: the most recently published story."""
        assert Article.objects.published().latest_first().first().slug == SEED_SLUG


class TestDemoStories:
    def test_demo_stories_are_marked_fictional(self, demo):
        """Every story besides the seed is tagged demo and credited as fictional."""
        others = Article.objects.exclude(slug=SEED_SLUG)
        assert 4 <= others.count() <= 6
        for article in others:
            assert "demo" in article.tags.names()
            assert "fictional" in article.credit_line.lower()
            assert article.is_published

    def test_demo_stories_cover_sections_kinds_and_block_types(self, demo):
        """Demo stories span other sections and kinds and use a subheading and a block quote."""
        others = Article.objects.exclude(slug=SEED_SLUG)
        sections = set(others.values_list("section__slug", flat=True))
        assert len(sections - {"world"}) >= 2
        assert {"news", "analysis", "opinion", "explainer"} <= set(
            others.values_list("kind", flat=True)
        )
        assert Block.objects.filter(article__in=others, kind="subheading").exists()
        assert Block.objects.filter(article__in=others, kind="blockquote").exists()
        assert CorrectionNote.objects.public().filter(article__in=others).exists()
        assert Attribution.objects.filter(article__in=others).count() >= 2

    def test_demo_stories_were_published_over_several_days(self, demo):
        """Publication times differ, so lists have a believable order."""
        times = list(Article.objects.values_list("first_published_at", flat=True))
        assert len(set(times)) == len(times)
        assert (max(times) - min(times)).days >= 2

    def test_sections_exist_with_names(self, demo):
        """World and at least two more sections are created."""
        assert Section.objects.get(slug="world").name == "World"
        assert Section.objects.count() >= 3


class TestIdempotence:
    def test_second_run_changes_nothing(self, demo):
        """Running load_demo again creates no duplicates and says it was already loaded."""
        before = _counts()
        output = _load()
        assert _counts() == before
        assert "already loaded" in output

    def test_second_run_only_reads(self, demo):
        """The second run writes nothing at all: every row is found by its slug."""
        with CaptureQueriesContext(connection) as queries:
            _load()
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == []

    def test_first_run_reports_what_it_created(self, demo):
        """The first run prints a short summary naming the stories it published."""
        assert "Loaded demo content" in demo
        assert "Haley confronts Russia" in demo

    def test_existing_rows_are_kept_not_overwritten(self):
        """A section an editor already made is reused, not duplicated or renamed."""
        SectionFactory(name="World News", slug="world")
        _load()
        assert Section.objects.get(slug="world").name == "World News"
        assert Article.objects.get(slug=SEED_SLUG).section.name == "World News"
