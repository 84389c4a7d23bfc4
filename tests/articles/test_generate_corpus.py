"""``manage.py generate_corpus``: bulk test data with the shape the services would leave.

Small (50 stories) and untimed: how fast it goes is measured by ``make bench``, not here.
Called inside the test's transaction, the command indexes on its own connection, so the same
checks hold on SQLite (``bulk_create``) and PostgreSQL (``COPY`` and the bulk vector UPDATE).
"""

from __future__ import annotations

import math
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import body, fields, selectors
from articles.management.commands.generate_corpus import NOTE_EVERY
from articles.models import (
    Article,
    Attribution,
    Author,
    Block,
    CorrectionNote,
    Revision,
    Section,
    Source,
)
from articles.search import body_text, index_article, search
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db

N = 50


def generate(articles: int = N, **options) -> str:
    out = StringIO()
    call_command("generate_corpus", articles=articles, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def corpus() -> list[Article]:
    generate(seed=3)
    return list(
        Article.objects.prefetch_related("blocks", "bylines", "attributions", "corrections")
    )


def test_makes_n_published_stories_with_bylines_tags_and_dates(corpus):
    assert len(corpus) == N
    assert Article.objects.published().count() == N
    now = timezone.now()
    for article in corpus:
        assert article.status == Article.Status.PUBLISHED
        assert now - timezone.timedelta(days=3660) < article.first_published_at <= now
        assert 1 <= len(article.bylines.all()) <= 3
        assert article.tags.exists()
    assert len({a.slug for a in corpus}) == N
    assert Section.objects.count() == 8
    assert Author.objects.count() == 200
    assert 1500 <= Source.objects.count() <= 2500


def test_bodies_have_six_to_thirty_paragraphs_and_their_search_text(corpus):
    kinds = set()
    for article in corpus:
        blocks = list(article.blocks.all())
        kinds |= {b.kind for b in blocks}
        numbered = [b for b in blocks if b.kind in body.NUMBERED_KINDS]
        assert 6 <= len(numbered) <= 30
        assert [b.position for b in blocks] == list(range(len(blocks)))
        assert all(body.sanitize_inline(b.text) == b.text for b in blocks)
        assert article.body_text == body_text(blocks)
    assert {"paragraph", "subheading"} <= kinds


def test_attributions_stand_in_their_paragraphs_and_cover_every_quote(corpus):
    kinds = set()
    for article in corpus:
        attributions = list(article.attributions.all())
        assert 1 <= len(attributions) <= 5
        for attribution in attributions:
            attribution.clean()  # the words stand in the paragraph it names
            kinds.add(attribution.kind)
        # The publish gate: no direct quote without its source.
        assert selectors.unattributed_quotes(article) == []
    assert Attribution.Kind.DIRECT_QUOTE in kinds
    assert len(kinds) >= 3
    said = Attribution.objects.filter(kind=Attribution.Kind.DIRECT_QUOTE).first()
    paragraph = said.article.paragraph_texts()[said.paragraph]
    assert "said" in paragraph and f"“{said.text}”" in paragraph


def test_some_stories_carry_a_published_correction_note(client, corpus):
    notes = list(CorrectionNote.objects.public().select_related("article"))
    assert len(notes) == math.ceil(N / NOTE_EVERY)  # the first story has one
    for note in notes:
        note.clean()
        assert note.published_at is not None and note.withdrawn_at is None
        (number,) = note.paragraphs
        paragraph = note.article.paragraph_texts()[number]
        assert body.contains(paragraph, note.after)
        assert note.before and note.before != note.after
        assert note.article.updated_at == note.published_at
    response = client.get(reverse("articles:corrections"))
    assert response.status_code == 200
    assert notes[0].article.headline in response.content.decode()


def test_each_story_has_one_revision_holding_its_snapshot(corpus):
    assert Revision.objects.count() == N
    for article in Article.objects.with_editor_data():
        (revision,) = article.revisions.all()
        assert revision.number == 1
        assert revision.snapshot == fields.snapshot(article)


def test_reader_pages_and_the_desk_open_a_generated_story(client, editor, corpus, no_page_cache):
    article = corpus[0]
    for url in (
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        reverse("articles:home"),
        article.attributions.first().source.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(editor)
    for name in ("editors:article_edit", "editors:revision_list"):
        response = client.get(reverse(name, kwargs={"pk": article.pk}))
        assert response.status_code == 200, name


def test_search_finds_a_generated_word(corpus):
    article = corpus[0]
    first = article.paragraph_texts()[1]
    word = max(first.replace(".", " ").replace(",", " ").split(), key=len)
    assert article.pk in search(word).ids
    assert search("council").ids


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL full-text search")
def test_search_vectors_are_what_index_article_computes(corpus):
    vectors = dict(Article.objects.values_list("pk", "search_vector"))
    assert all(vectors.values())
    for article in corpus[:10]:
        index_article(article.pk)
    again = dict(
        Article.objects.filter(pk__in=[a.pk for a in corpus[:10]]).values_list(
            "pk", "search_vector"
        )
    )
    assert again == {pk: vectors[pk] for pk in again}


def test_a_second_run_adds_stories_about_the_same_cast(corpus):
    sources = Source.objects.count()
    out = generate(articles=10, seed=4, batch=3)
    assert "Generated 10 stories" in out
    assert Article.objects.count() == N + 10
    assert Author.objects.count() == 200
    assert Source.objects.count() == sources
    assert Block.objects.filter(article__in=Article.objects.order_by("-pk")[:10]).exists()


def test_existing_sections_are_used():
    section = SectionFactory()
    generate(articles=5)
    assert Section.objects.count() == 1
    assert Article.objects.filter(section=section).count() == 5
