"""``articles.ninjs.document``: a story as IPTC ninjs 2.2, valid against the official schema,
carrying its correction notes, and saying when it was retracted or taken down."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.test import RequestFactory

from articles import ninjs, services
from articles.models import Article
from articles.services import CorrectionChoice
from tests.api.helpers import assert_valid_ninjs
from tests.articles.test_article_correct import correct, correction_note, militaries
from tests.factories import (
    ArticleFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
)

REASON = "The story relied on documents we can no longer verify."


def document_of(article: Article) -> dict:
    loaded = Article.objects.with_syndication_data().get(pk=article.pk)
    return ninjs.document(loaded, request=RequestFactory().get("/"))


def when(document: dict) -> datetime:
    return datetime.fromisoformat(document["versioncreated"])


def notes(document: dict) -> list[dict]:
    return [a for a in document.get("associations", []) if a["profile"] == ninjs.NOTE_PROFILE]


def described(association: dict) -> dict[str, str]:
    return {d["role"]: d["value"] for d in association["descriptions"]}


@pytest.mark.django_db
class TestSeedStory:
    def test_validates_against_the_schema(self, seed):
        """The seed story's document is valid ninjs 2.2."""
        assert_valid_ninjs(document_of(seed))

    def test_identity_and_status(self, seed):
        """It names the story's page, is usable text in English, dated by its publication."""
        document = document_of(seed)

        assert document["uri"] == f"http://testserver{seed.get_absolute_url()}"
        assert document["type"] == "text"
        assert document["pubstatus"] == "usable"
        assert document["language"] == "en-US"
        assert document["headlines"] == [{"role": "main", "value": seed.headline}]
        assert document["firstcreated"] == seed.first_published_at.isoformat()
        assert {"role": "summary", "value": seed.dek} in document["descriptions"]
        assert {"role": "newsroom-id", "value": str(seed.pk)} in document["altids"]

    def test_body_carries_the_paragraph_numbers(self, seed):
        """The HTML body has the paragraphs readers count, as ``id="pN"``."""
        (main,) = document_of(seed)["bodies"]
        assert main["contenttype"] == "text/html"
        texts = seed.paragraph_texts()
        assert f'id="p{len(texts)}"' in main["value"]
        assert 'id="p11"' in main["value"]
        assert main["wordcount"] > 100
        assert main["charcount"] >= sum(len(t) for t in texts.values())

    def test_note_on_paragraph_11(self, seed):
        """The editor's note is carried: as a description, and as a structured association on
        paragraph 11 saying "militaries" became "forces"."""
        document = document_of(seed)
        note = seed.corrections.get()

        assert {"role": note.kind, "contenttype": "text/plain", "value": note.text} in document[
            "descriptions"
        ]
        (association,) = notes(document)
        assert association["uri"] == f"{document['uri']}#correction-{note.pk}"
        assert association["versioncreated"] == note.published_at.isoformat()
        assert association["bodies"][0]["value"] == note.text
        assert described(association) == {
            "paragraphs": "11",
            "before": "militaries",
            "after": "forces",
        }
        assert "publish them with it" in document["ednote"]

    def test_sources_bylines_and_subjects(self, seed):
        """Its seven sources (Haley, Safronkov, Pinheiro, Townsend, the UN report, CBS News, USA
        Today) are info sources, in reading order; bylines are people; tags are subjects."""
        document = document_of(seed)

        names = {a.source.name for a in seed.attributions.select_related("source")}
        assert len(names) == 7
        assert [s["name"] for s in document["infosources"]] == list(
            dict.fromkeys(
                a.source.name
                for a in sorted(
                    seed.attributions.select_related("source"),
                    key=lambda a: (a.paragraph is None, a.paragraph or 0, a.pk),
                )
            )
        )
        authors = [b.author.display_name for b in seed.bylines.select_related("author")]
        assert [p["name"] for p in document["people"]] == authors
        assert {p["rel"] for p in document["people"]} == {"author"}
        assert document["by"] == " and ".join(authors)
        assert sorted(s["name"] for s in document.get("subjects", [])) == sorted(seed.tags.names())

    def test_a_correction_makes_a_new_version(self, seed, editor):
        """A correction through the service changes ``version`` and ``versioncreated``, and
        its note is carried."""
        before = document_of(seed)

        correct(seed, editor, militaries(seed), CorrectionChoice(note=correction_note()))
        after = document_of(seed)

        assert after["version"] != before["version"]
        assert int(after["version"].split(".")[0]) > int(before["version"].split(".")[0])
        assert when(after) > when(before)
        assert len(notes(after)) == 2
        assert "militaries (sic)" in after["bodies"][0]["value"]
        assert_valid_ninjs(after)

    def test_same_story_same_version(self, seed):
        """Nothing changed, nothing moves: the version is stable (and the host plays no part)."""
        first = document_of(seed)
        loaded = Article.objects.with_syndication_data().get(pk=seed.pk)
        other_host = ninjs.document(
            loaded, request=RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
        )
        assert document_of(seed) == first
        assert other_host["version"] == first["version"]
        assert other_host["uri"].startswith("http://127.0.0.1:8000/")


@pytest.mark.django_db
class TestStates:
    def test_retracted_story_is_canceled(self, editor):
        """A retracted story is ``canceled``, with its retraction notice, and validates."""
        article = PublishedArticleFactory()
        services.article_retract(article=article, actor=editor, comment=REASON)

        document = document_of(article)

        assert_valid_ninjs(document)
        assert document["pubstatus"] == "canceled"
        assert {"role": "retraction", "contenttype": "text/plain", "value": REASON} in document[
            "descriptions"
        ]
        assert "do not use" in document["ednote"]

    def test_unpublished_story_is_withheld_without_a_body(self, editor):
        """An unpublished story is ``withheld``: what identifies it, dated when it came down,
        and no body, people or notes."""
        article = PublishedArticleFactory()
        CorrectionNoteFactory(article=article)
        published = document_of(article)
        services.article_unpublish(article=article, actor=editor, comment="Legal asked.")

        document = document_of(article)

        assert_valid_ninjs(document)
        assert document["pubstatus"] == "withheld"
        assert document["representationtype"] == "partial"
        for absent in ("bodies", "people", "descriptions", "associations", "infosources"):
            assert absent not in document
        assert when(document) > when(published)
        assert document["version"] != published["version"]
        assert "Legal" not in str(document)

    def test_story_without_bylines_tags_or_standfirst(self):
        """The least a story can carry still validates: no people, no subjects, no summary."""
        article = PublishedArticleFactory(bylines=0, dek="", credit_line="")

        document = document_of(article)

        assert_valid_ninjs(document)
        for absent in ("people", "by", "subjects", "descriptions", "associations", "ednote"):
            assert absent not in document

    def test_withdrawn_note_is_not_carried_but_moves_the_version(self, admin):
        """A withdrawn note leaves the document, and the version and its time move."""
        article = PublishedArticleFactory()
        note = CorrectionNoteFactory(article=article)
        before = document_of(article)
        services.correction_note_withdraw(note=note, actor=admin, reason="Issued in error.")

        after = document_of(article)

        assert notes(before) and not notes(after)
        assert after["version"] != before["version"]
        assert when(after) > when(before)
        assert f"The publisher withdrew 1 earlier note (id {note.pk})" in after["ednote"]
        assert note.text not in json.dumps(after)
        assert_valid_ninjs(after)

    @pytest.mark.parametrize(
        "make",
        [
            lambda: ArticleFactory(),
            lambda: ArticleFactory(status=Article.Status.IN_REVIEW),
            lambda: ScheduledArticleFactory(),
        ],
        ids=["draft", "in-review", "scheduled"],
    )
    def test_story_readers_never_saw_has_no_document(self, make):
        """A draft, a story in review or one scheduled for later has no document."""
        article = make()
        loaded = Article.objects.with_syndication_data().get(pk=article.pk)
        assert ninjs.pubstatus(loaded) is None
        with pytest.raises(ValueError):
            ninjs.document(loaded, request=RequestFactory().get("/"))
