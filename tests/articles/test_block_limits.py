"""The body limits (``NEWSROOM_MAX_BLOCKS``, ``NEWSROOM_MAX_BLOCK_CHARS``), enforced on the one
write path (``services.base._write_blocks``) and checked early by the importer.

The limits are lowered per test so that "over the limit" stays a few blocks, not 501.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import importing, services
from articles.models import Article, ArticleEvent, Block, CorrectionNote, Revision
from articles.services import BlockData
from tests.factories import SectionFactory, article_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.NEWSROOM_MAX_BLOCKS = 3
    settings.NEWSROOM_MAX_BLOCK_CHARS = 50
    return settings


def paragraphs(n: int, text: str = "A short paragraph.") -> list[BlockData]:
    return [BlockData(kind="paragraph", text=f"{text} {i}") for i in range(1, n + 1)]


def create(actor, blocks: list[BlockData]) -> Article:
    return services.article_create(
        actor=actor,
        section=SectionFactory(),
        headline="Council votes on budget",
        blocks=blocks,
        authors=[actor.author],
    )


def nothing_saved() -> None:
    for model in (Article, Block, Revision, ArticleEvent, CorrectionNote):
        assert not model.objects.exists(), f"a {model.__name__} was left behind"


class TestService:
    def test_at_the_limits_is_fine(self, limits, reporter):
        """Exactly the maximum number of blocks, each of exactly the maximum length, saves."""
        article = create(reporter, [BlockData(kind="paragraph", text="x" * 50)] * 3)
        assert article.blocks.count() == 3

    def test_too_many_blocks_are_refused_and_nothing_is_created(self, limits, reporter):
        """One block over: a ValidationError saying the count, the limit and how far over."""
        with pytest.raises(ValidationError) as raised:
            create(reporter, paragraphs(5))
        assert raised.value.code == "too_many_blocks"
        assert raised.value.messages == [
            "The article has 5 blocks; the limit is 3 blocks per article (2 over). "
            "Split it into several stories."
        ]
        nothing_saved()

    def test_a_long_block_is_named_with_its_paragraph_number(self, limits, reporter):
        """The refusal names the block (and the paragraph readers count) and both numbers."""
        blocks = [
            BlockData(kind="subheading", text="Budget"),
            BlockData(kind="paragraph", text="y" * 60),
            BlockData(kind="paragraph", text="z" * 51),
        ]
        with pytest.raises(ValidationError) as raised:
            create(reporter, blocks)
        assert raised.value.code == "block_too_long"
        assert raised.value.messages == [
            "Block 2 (paragraph 1) has 60 characters; the limit is 50 characters per block "
            "(10 over). Split it into shorter paragraphs. 1 more block is too long."
        ]
        nothing_saved()

    def test_characters_are_counted_as_typed_not_as_stored(self, limits, reporter):
        """``&amp;`` is one character to the person who typed "&": 50 of them fit."""
        article = create(reporter, [BlockData(kind="paragraph", text="&amp;" * 50)])
        assert article.blocks.get().text == "&amp;" * 50

    def test_an_edit_over_the_limit_changes_nothing(self, limits, reporter):
        """A refused edit leaves the headline, the body, the revisions and the log as they were
        (the service is atomic and checks before deleting the old body)."""
        article = create(reporter, paragraphs(2))
        before = list(article.blocks.values_list("text", flat=True))
        changes = article_changes(article, headline="A new headline", blocks=paragraphs(4))
        with pytest.raises(ValidationError, match="4 blocks; the limit is 3"):
            services.article_update(
                article=article, actor=reporter, changes=changes, base_revision=1
            )
        article.refresh_from_db()
        assert article.headline == "Council votes on budget"
        assert list(article.blocks.values_list("text", flat=True)) == before
        assert article.revisions.count() == 1
        assert not article.events.filter(action="article.edit").exists()

    def test_restoring_a_revision_over_todays_limit_is_refused(self, settings, reporter):
        """A revision saved under a higher limit cannot be restored past the current one."""
        article = create(reporter, paragraphs(3))
        services.article_update(
            article=article,
            actor=reporter,
            changes=article_changes(article, blocks=paragraphs(1)),
            base_revision=1,
        )
        settings.NEWSROOM_MAX_BLOCKS = 2
        with pytest.raises(ValidationError, match="3 blocks; the limit is 2"):
            services.revision_restore(
                article=article, revision=article.revisions.get(number=1), actor=reporter
            )
        assert article.blocks.count() == 1
        assert article.revisions.count() == 2


class TestImporter:
    def test_too_many_parts_stop_the_parser_early(self, limits):
        """The parser stops at the first part past the limit, counting notes as parts."""
        text = "\n\n".join(f"Paragraph {i}." for i in range(1, 40_001))
        with pytest.raises(importing.StoryImportError) as raised:
            importing.parse_story(text)
        assert str(raised.value) == (
            "The story has 40,000 parts separated by blank lines; an article holds at most 3 "
            "(paragraphs, subheadings, quotes and notes). Split it into several stories."
        )

    def test_notes_count_as_parts(self, limits):
        """Three paragraphs and a note make four rows, one over a limit of three."""
        text = "One.\n\nTwo.\n\nThree.\n\n(Correction: paragraph 2 was wrong.)"
        with pytest.raises(importing.StoryImportError, match="has 4 parts"):
            importing.parse_story(text)

    def test_a_long_paragraph_is_named_by_its_place_and_first_words(self, limits):
        """The reporter learns which part is too long and by how much."""
        text = "A first paragraph.\n\n" + "Second " * 10
        with pytest.raises(importing.StoryImportError) as raised:
            importing.parse_story(text)
        assert str(raised.value) == (
            "Part 2 of the story (“Second Second Second Second Second…”) has 69 "
            "characters; the limit is 50 characters per paragraph (19 over). Separate its "
            "paragraphs with blank lines."
        )

    def test_the_import_command_refuses_and_saves_nothing(self, limits, tmp_path):
        """`import_article` exits with the one-line reason; no article, author or note."""
        SectionFactory(slug="world")
        path = tmp_path / "long.txt"
        path.write_text("\n\n".join(f"Paragraph {i}." for i in range(1, 6)))
        with pytest.raises(CommandError, match="has 5 parts") as raised:
            call_command("import_article", str(path), "--section", "world", stdout=StringIO())
        assert "\n" not in str(raised.value)
        nothing_saved()

    def test_the_service_check_still_holds_behind_the_parser(self, limits, monkeypatch):
        """Were the parser to let too many blocks through, ``import_story`` would still report
        the service's refusal as a ``StoryImportError`` and save nothing."""
        monkeypatch.setattr(importing, "_check_part", lambda *a, **k: None)
        text = "\n\n".join(f"Paragraph {i}." for i in range(1, 6))
        with pytest.raises(importing.StoryImportError, match="5 blocks; the limit is 3"):
            importing.import_story(text=text, section=SectionFactory())
        nothing_saved()
