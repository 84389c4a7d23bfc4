"""``GET /api/v1/articles/<id>/ninjs``: what readers saw, as ninjs; never anything else; with
validators for revalidation, a constant number of queries and a throttle for anonymous
clients."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import ninjs, services
from articles.models import Article, ArticleRendering
from articles.services import CorrectionChoice
from tests.api.helpers import assert_valid_ninjs
from tests.articles.test_article_correct import correct, correction_note, militaries
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    SourceFactory,
)
from tests.helpers import correct_headline

Status = Article.Status


def url(article: Article) -> str:
    return reverse("api:article_ninjs", kwargs={"pk": article.pk})


@pytest.mark.django_db
class TestWhatIsServed:
    def test_seed_story(self, client, seed):
        """The seed story's document, as JSON, valid ninjs, with its note and seven sources."""
        response = client.get(url(seed))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        document = response.json()
        assert_valid_ninjs(document)
        assert document["pubstatus"] == "usable"
        assert len(document["infosources"]) == 7
        assert any(a["profile"] == "correction-note" for a in document["associations"])

    @pytest.mark.parametrize(
        "make",
        [
            lambda: ArticleFactory(),
            lambda: ArticleFactory(status=Status.IN_REVIEW),
            lambda: ArticleFactory(status=Status.APPROVED),
            lambda: ScheduledArticleFactory(),
        ],
        ids=["draft", "in-review", "approved", "scheduled"],
    )
    def test_stories_readers_never_saw_are_not_found(self, client, make):
        """A story readers never saw answers 404, like an id that does not exist."""
        response = client.get(url(make()))

        assert response.status_code == 404
        assert response.json() == {"detail": "No such story."}
        assert client.get(reverse("api:article_ninjs", kwargs={"pk": 999999})).status_code == 404

    def test_unpublished_story_is_withheld(self, client, editor):
        """A story taken down answers 200 with ``withheld`` and no body: a partner that
        carried it must learn to take it down."""
        article = PublishedArticleFactory()
        services.article_unpublish(article=article, actor=editor, comment="Legal asked.")

        response = client.get(url(article))

        assert response.status_code == 200
        assert response.json()["pubstatus"] == "withheld"
        assert "bodies" not in response.json()

    def test_retracted_story_is_canceled(self, client, editor):
        article = PublishedArticleFactory()
        services.article_retract(article=article, actor=editor, comment="Unverifiable.")

        assert client.get(url(article)).json()["pubstatus"] == "canceled"


@pytest.mark.django_db
class TestRevalidation:
    def test_validators_and_not_modified(self, client, seed):
        """ETag and Last-Modified come with the document; either one, sent back, gets a 304."""
        response = client.get(url(seed))
        etag, last_modified = response["ETag"], response["Last-Modified"]

        assert etag == f'W/"{response.json()["version"]}"'
        assert "no-cache" in response["Cache-Control"]
        by_etag = client.get(url(seed), HTTP_IF_NONE_MATCH=etag)
        by_date = client.get(url(seed), HTTP_IF_MODIFIED_SINCE=last_modified)
        assert by_etag.status_code == 304
        assert by_etag["ETag"] == etag
        assert by_date.status_code == 304
        assert client.get(url(seed), HTTP_IF_NONE_MATCH='W/"0.other"').status_code == 200

    def test_a_correction_is_on_the_next_request(
        self, client, seed, editor, django_capture_on_commit_callbacks
    ):
        """After a correction the next request gets the new version, with the new note, even
        when the client revalidates with the old ETag (the page cache is on, as in production)."""
        before = client.get(url(seed))

        with django_capture_on_commit_callbacks(execute=True):
            correct(seed, editor, militaries(seed), CorrectionChoice(note=correction_note()))
        after = client.get(url(seed), HTTP_IF_NONE_MATCH=before["ETag"])

        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]
        assert after.json()["version"] != before.json()["version"]
        assert "militaries (sic)" in after.json()["bodies"][0]["value"]
        assert len(after.json()["associations"]) == 2


def _story(size: int) -> Article:
    """A published story with ``size`` paragraphs, bylines, attributions, notes and tags."""
    article = PublishedArticleFactory(
        blocks=[("paragraph", f"Paragraph {n}, the mayor said.") for n in range(1, size + 1)],
        bylines=size,
    )
    for n in range(1, size + 1):
        AttributionFactory(
            article=article, source=SourceFactory(), text="the mayor said", paragraph=n
        )
        CorrectionNoteFactory(article=article, paragraphs=[n])
    article.tags.add(*[f"topic {n}" for n in range(size)])
    return article


@pytest.mark.django_db
class TestQueries:
    def test_a_prepared_document_is_one_query_whatever_its_size(self, client):
        """The document is kept with the story's prepared rendering: serving it is one
        query, for 3 blocks, bylines, sources, notes and tags as for 20. A story whose
        rendering is missing or stale is prepared on the spot, in as many queries for 3
        as for 20."""
        first, again = [], []
        for size in (3, 20):
            article = _story(size)
            ArticleRendering.objects.filter(article=article).delete()
            for counts in (first, again):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url(article))
                assert response.status_code == 200
                assert len(response.json()["associations"]) == size
                counts.append(len(queries))
        assert again == [1, 1]
        assert first[0] == first[1]


@pytest.mark.django_db
class TestPrepared:
    def fresh(self, article):
        loaded = Article.objects.with_syndication_data().get(pk=article.pk)
        return ninjs.document(loaded, request=RequestFactory().get("/"))

    def test_the_kept_document_is_the_one_made_from_the_rows(self, client, seed):
        """What is served from the rendering equals a document made from the rows now, its
        version included (the one webhooks report), and its ETag names that version."""
        client.get(url(seed))  # prepares it, if the story has no current rendering
        response = client.get(url(seed))

        assert response.json() == self.fresh(seed)
        assert response["ETag"] == f'W/"{self.fresh(seed)["version"]}"'
        stored = ArticleRendering.objects.get(article=seed)
        assert stored.ninjs_version == self.fresh(seed)["version"]

    def test_a_correction_and_a_rename_are_on_the_next_request(
        self, client, seed, editor, django_capture_on_commit_callbacks
    ):
        """A correction re-prepares the document as it commits; renaming a source it names
        makes it stale, and the next request prepares it again."""
        before = client.get(url(seed)).json()
        with django_capture_on_commit_callbacks(execute=True):
            correct_headline(
                seed,
                editor,
                headline="UN envoy questions Russia over Aleppo",
                note="An earlier headline misnamed the envoy's post.",
            )
        corrected = client.get(url(seed)).json()
        source = seed.attributions.select_related("source").first().source
        source.name = "A renamed source"
        source.save()
        renamed = client.get(url(seed)).json()

        assert corrected["headlines"][0]["value"] == "UN envoy questions Russia over Aleppo"
        assert corrected["version"] != before["version"]
        assert "A renamed source" in [s["name"] for s in renamed["infosources"]]
        assert renamed == self.fresh(seed)


@pytest.mark.django_db
class TestThrottle:
    def test_anonymous_clients_are_throttled(self, client, settings):
        """Over ``DJANGO_API_ANON_RATE`` an anonymous client gets 429 with Retry-After."""
        settings.NEWSROOM_API_ANON_RATE = "2/min"
        article = PublishedArticleFactory()

        statuses = [client.get(url(article)).status_code for _ in range(3)]

        assert statuses == [200, 200, 429]
        assert int(client.get(url(article))["Retry-After"]) > 0

    def test_clients_are_counted_apart(self, client, settings):
        settings.NEWSROOM_API_ANON_RATE = "1/min"
        article = PublishedArticleFactory()

        assert client.get(url(article), REMOTE_ADDR="192.0.2.1").status_code == 200
        assert client.get(url(article), REMOTE_ADDR="192.0.2.2").status_code == 200
        assert client.get(url(article), REMOTE_ADDR="192.0.2.1").status_code == 429

    def test_signed_in_users_are_not_throttled_as_anonymous(self, client, settings, editor):
        settings.NEWSROOM_API_ANON_RATE = "1/min"
        article = PublishedArticleFactory()
        client.force_login(editor)

        assert [client.get(url(article)).status_code for _ in range(3)] == [200, 200, 200]
