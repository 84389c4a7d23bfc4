"""``GET /api/v1/articles/<id>/``: the story readers read, block by block with the paragraph
numbers they count, its notes and its sources; the ninjs version; nothing unpublished; a
fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import renditions, services
from articles.models import Article, Block
from articles.services import CorrectionChoice
from tests.articles.test_article_correct import correct, correction_note, militaries
from tests.factories import (
    AttributionFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SourceFactory,
    UnpublishedArticleFactory,
    image_upload,
)


def url(article: Article) -> str:
    return reverse("api:article", kwargs={"pk": article.pk})


def document(client, article: Article) -> dict:
    response = client.get(url(article))
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
class TestSeedStory:
    def test_identity(self, client, seed):
        """Its id, headline, standfirst, kind, status, section, tags and links."""
        doc = document(client, seed)

        assert doc["id"] == seed.pk
        assert doc["headline"] == seed.headline
        assert doc["dek"] == seed.dek
        assert doc["kind"] == seed.kind
        assert (doc["status"], doc["pubstatus"]) == ("published", "usable")
        assert doc["section"]["slug"] == seed.section.slug
        assert sorted(t["slug"] for t in doc["tags"]) == sorted(t.slug for t in seed.tags.all())
        assert doc["url"] == f"http://testserver{seed.get_absolute_url()}"
        assert doc["api_url"] == f"http://testserver{url(seed)}"
        assert doc["dateline"] == seed.dateline
        assert doc["retraction"] is None

    def test_version_is_the_ninjs_version(self, client, seed):
        """``version`` is the ninjs document's, and moves with a correction."""
        ninjs_url = reverse("api:article_ninjs", kwargs={"pk": seed.pk})
        assert document(client, seed)["version"] == client.get(ninjs_url).json()["version"]

    def test_blocks_carry_the_paragraph_numbers_readers_count(self, client, seed):
        """Blocks in order with their ids; paragraphs and block quotes numbered 1..n, the
        subheading not counted, so paragraph 11 is the one the note names."""
        blocks = document(client, seed)["blocks"]
        stored = list(seed.blocks.all())

        assert [b["id"] for b in blocks] == [b.pk for b in stored]
        assert [b["kind"] for b in blocks] == [b.kind for b in stored]
        numbered = [b for b in blocks if b["paragraph"] is not None]
        assert [b["paragraph"] for b in numbered] == list(range(1, len(numbered) + 1))
        subheadings = [b for b in blocks if b["kind"] == "subheading"]
        assert subheadings and all(b["paragraph"] is None for b in subheadings)
        assert all(b["anchor"] is None for b in subheadings)
        eleventh = next(b for b in blocks if b["paragraph"] == 11)
        assert eleventh["anchor"] == "p11"
        assert "forces (sic)" in eleventh["text"]
        assert eleventh["text"] == seed.paragraph_texts()[11]

    def test_note_on_paragraph_11(self, client, seed):
        """The editor's note: paragraph 11, "militaries" changed to "forces"."""
        (note,) = document(client, seed)["corrections"]
        stored = seed.corrections.get()

        assert note["id"] == stored.pk
        assert note["kind"] == "editors_note"
        assert note["text"] == stored.text
        assert note["paragraphs"] == [11]
        assert (note["before"], note["after"]) == ("militaries", "forces")
        assert note["issued_at"] and note["published_at"]
        assert note["url"].endswith(f"{seed.get_absolute_url()}#correction-{stored.pk}")

    def test_attributions_and_their_sources(self, client, seed):
        """Every attribution with its paragraph, words, kind and source; the seven sources
        appear (Haley, Safronkov, Pinheiro, Townsend, the UN report, CBS News, USA Today)."""
        doc = document(client, seed)
        attributions = doc["attributions"]
        texts = {b["paragraph"]: b["text"] for b in doc["blocks"] if b["paragraph"]}

        assert len(attributions) == seed.attributions.count()
        names = {a["source"]["name"] for a in attributions}
        assert len(names) == 7
        assert {"Nikki Haley", "Stephen Townsend", "CBS News", "USA Today"} <= names
        townsend = next(a for a in attributions if a["source"]["name"] == "Stephen Townsend")
        assert townsend["paragraph"] == 11
        assert townsend["direct"] is True and townsend["kind"] == "quote"
        assert townsend["source"]["title"]
        for attribution in attributions:
            if attribution["paragraph"]:
                assert attribution["text"][:20].replace("’", "'") in texts[
                    attribution["paragraph"]
                ].replace("’", "'")
            assert attribution["source"]["api_url"].startswith("http://testserver/api/v1/")
        indirect = [a for a in attributions if not a["direct"]]
        assert indirect and all(a["kind"] != "quote" for a in indirect)
        paragraphs = [a["paragraph"] for a in attributions if a["paragraph"]]
        assert paragraphs == sorted(paragraphs)

    def test_a_correction_is_on_the_next_request(self, client, seed, editor):
        """After a correction: the new words, the new note, a new version and ETag."""
        before = client.get(url(seed))

        correct(seed, editor, militaries(seed), CorrectionChoice(note=correction_note()))
        after = client.get(url(seed), HTTP_IF_NONE_MATCH=before["ETag"])

        assert after.status_code == 200
        assert after.json()["version"] != before.json()["version"]
        assert len(after.json()["corrections"]) == 2
        eleventh = next(b for b in after.json()["blocks"] if b["paragraph"] == 11)
        assert "militaries (sic)" in eleventh["text"]


@pytest.mark.django_db
class TestStates:
    def test_retracted_story_carries_its_notice(self, client, editor):
        """A retracted story stays, ``canceled``, with its retraction notice."""
        article = PublishedArticleFactory()
        services.article_retract(article=article, actor=editor, comment="Unverifiable.")

        doc = document(client, article)

        assert (doc["status"], doc["pubstatus"]) == ("retracted", "canceled")
        assert doc["retraction"]["text"] == "Unverifiable."
        assert doc["retraction"]["kind"] == "retraction"
        assert doc["retraction"] in doc["corrections"]

    def test_unpublished_story_is_not_found(self, client, editor):
        """Taken down: a 404 here, as if it never went out (its ninjs says ``withheld``)."""
        article = PublishedArticleFactory()
        services.article_unpublish(article=article, actor=editor, comment="Legal asked.")

        assert client.get(url(article)).status_code == 404
        assert client.get(url(UnpublishedArticleFactory())).status_code == 404

    def test_text_and_html_are_safe(self, client):
        """``html`` keeps only links and emphasis; ``text`` is what readers read."""
        article = PublishedArticleFactory(blocks=[("paragraph", "Old text.")])
        Block.objects.filter(article=article).update(
            text='A <em>big</em> <a href="https://example.org" onclick="x()">vote</a>'
            "<script>alert(1)</script> &amp; more"
        )

        (block,) = document(client, article)["blocks"]

        assert block["text"] == "A big vote & more"
        assert "<script" not in block["html"] and "onclick" not in block["html"]
        assert "<em>big</em>" in block["html"]
        assert 'href="https://example.org"' in block["html"]

    def test_images_with_renditions(self, client):
        """An image block, and the lead image, carry their files, words and renditions."""
        article = PublishedArticleFactory(
            blocks=[("paragraph", "Before the photo.")],
            lead_image=image_upload("lead.jpg"),
            lead_image_alt="The council chamber",
        )
        image = Block.objects.create(
            article=article,
            position=2,
            kind=Block.Kind.IMAGE,
            image=image_upload("vote.jpg"),
            image_alt="Hands raised",
            image_caption="The vote",
            image_credit="Ana López",
        )
        renditions.process(image.image.name)

        doc = document(client, article)
        block = doc["blocks"][1]

        assert block["paragraph"] is None and block["kind"] == "image"
        assert block["image"]["alt"] == "Hands raised"
        assert block["image"]["credit"] == "Ana López"
        assert block["image"]["url"].startswith("http://testserver/media/")
        assert [r["width"] for r in block["image"]["renditions"]] == [480, 960, 1200]
        assert block["image"]["renditions"][0]["webp"].endswith(".480w.webp")
        assert doc["lead_image"]["alt"] == "The council chamber"
        assert doc["lead_image"]["renditions"] == []
        assert doc["blocks"][0]["image"] is None

    def test_source_affiliation(self, client):
        org = SourceFactory(name="City Council", kind="organisation", role="")
        attribution = AttributionFactory(source=SourceFactory(affiliation=org))

        (attributed,) = document(client, attribution.article)["attributions"]

        assert attributed["source"]["affiliation"]["name"] == "City Council"
        assert attributed["source"]["affiliation"]["id"] == org.pk
        assert attributed["direct"] is True


def _story(size: int) -> Article:
    """A published story with ``size`` paragraphs, attributions, notes, bylines and tags."""
    article = PublishedArticleFactory(
        blocks=[("paragraph", f"Paragraph {n}, the mayor said.") for n in range(1, size + 1)],
        bylines=size,
    )
    for n in range(1, size + 1):
        AttributionFactory(
            article=article,
            source=SourceFactory(affiliation=SourceFactory()),
            text="the mayor said",
            paragraph=n,
        )
        CorrectionNoteFactory(article=article, paragraphs=[n])
    article.tags.add(*[f"topic {n}" for n in range(size)])
    return article


@pytest.mark.django_db
class TestQueries:
    def test_constant_in_the_size_of_the_story(self, client, django_assert_num_queries):
        """Six queries for 3 blocks, attributions and notes as for 30: the story (with its
        section and latest revision), bylines with authors, blocks, attributions with their
        sources and organisations, notes, tags."""
        for size in (3, 30):
            article = _story(size)
            with django_assert_num_queries(6):
                doc = document(client, article)
            assert len(doc["blocks"]) == len(doc["attributions"]) == size
            assert len(doc["corrections"]) == size
            assert doc["attributions"][0]["source"]["affiliation"] is not None
