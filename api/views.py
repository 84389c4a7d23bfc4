"""The read API's views. Every one starts from what readers may see
(``articles.visibility``): nothing a reader never saw is reachable here, and a story taken
down is gone from every list and document (only its ninjs document says it was withheld).

Each answers conditionally (``api.conditional``: ``ETag``, ``Last-Modified``, 304,
``Cache-Control: no-cache``), pages by cursor (``api.pagination``) and costs a fixed number
of queries whatever the page or story holds (pinned in ``tests/api/test_endpoints.py``).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import pagination, serializers
from api.conditional import ConditionalMixin, conditional_response, latest, site_changed_at
from articles import ninjs, rendering
from articles.models import Article, Attribution, Author, Byline, CorrectionNote, Section, Source
from articles.querysets import NOTE_API_FIELDS
from articles.visibility import published_q

NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag or date given.")
BAD_REQUEST = OpenApiResponse(description="A parameter or cursor that cannot be one.")


def _not_found(what: str) -> OpenApiResponse:
    return OpenApiResponse(description=f"No such {what}, or readers never saw it.")


# --- Stories -------------------------------------------------------------------------------


class ArticleListView(ConditionalMixin, generics.ListAPIView):
    """Stories readers can read (retracted ones too, under their notice), newest first."""

    serializer_class = serializers.ArticleSummarySerializer
    pagination_class = pagination.LatestStoriesPagination

    def get_queryset(self):
        filters = serializers.ArticleFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        given = filters.validated_data
        stories = Article.objects.published()
        if "section" in given:
            stories = stories.filter(section__slug=given["section"])
        if "kind" in given:
            stories = stories.filter(kind=given["kind"])
        if "author" in given:
            bylined = Byline.objects.filter(author__slug=given["author"])
            stories = stories.filter(pk__in=bylined.values("article_id"))
        if "tag" in given:
            # As the topic page does (``articles.views.tag``): the tagged ids as a subquery,
            # the content type by its natural key (no query of its own).
            from taggit.models import TaggedItem

            tagged = TaggedItem.objects.filter(
                tag__slug=given["tag"],
                content_type__app_label=Article._meta.app_label,
                content_type__model=Article._meta.model_name,
            )
            stories = stories.filter(pk__in=tagged.values("object_id"))
        if "updated_since" in given:
            stories = stories.changed_since(given["updated_since"])
        return stories.with_api_summaries()

    def prepare_rows(self, rows: list) -> None:
        # Each story's ninjs version is kept with its prepared rendering; stories whose
        # rendering is missing or stale are prepared (and kept) now, all in one go.
        kept = {a.pk: r.ninjs_version for a in rows if (r := rendering.stored_ninjs(a))}
        missing = [a.pk for a in rows if a.pk not in kept]
        fresh = rendering.prepare_many(missing) if missing else {}
        for article in rows:
            version = kept.get(article.pk) or getattr(fresh.get(article.pk), "ninjs_version", "")
            serializers.prepare(article, request=self.request, version=version)

    def page_changed_at(self, rows: list):
        return latest(a.api_version_created for a in rows)

    @extend_schema(
        operation_id="article_list",
        summary="Published stories, newest first",
        description=(
            "Stories readers can read, retracted ones included (they stay at their URL under "
            "a notice; `status` says so); never drafts, stories in review, scheduled or taken "
            "down. Paged by `cursor` (follow `next`), `page_size` up to 100. To sync, keep "
            "the time of your last walk and ask with `updated_since`: it lists every story in "
            "which readers saw something change since (a correction, a note, a retraction)."
        ),
        parameters=[serializers.ArticleFilterSerializer],
        responses={
            200: serializers.ArticleSummarySerializer(many=True),
            304: NOT_MODIFIED,
            400: BAD_REQUEST,
        },
    )
    def get(self, request: Request, *args, **kwargs) -> HttpResponseBase:
        return self.list(request, *args, **kwargs)


class ArticleDetailView(generics.GenericAPIView):
    """A story as readers read it."""

    serializer_class = serializers.ArticleSerializer

    @extend_schema(
        operation_id="article_detail",
        summary="A story: its body, notes and sources",
        description=(
            "The story readers read: its blocks in order with the paragraph numbers readers "
            "count (the numbers notes and attributions name), its correction notes, the "
            "words it attributes with their sources, and a retracted story's notice. "
            "`version` is the ninjs document's. A story readers cannot read (never "
            "published, or taken down) is a 404."
        ),
        responses={
            200: serializers.ArticleSerializer,
            304: NOT_MODIFIED,
            404: _not_found("story"),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        queryset = Article.objects.published().with_api_data().filter(pk=pk).order_by()
        article = next(iter(queryset[:1]), None)
        if article is None:
            raise NotFound("No such story.")
        serializers.prepare(article, request=request)
        response = Response(self.get_serializer(article).data)
        return conditional_response(request, response, last_modified=article.api_version_created)


class ArticleNinjsView(APIView):
    """A story as an IPTC ninjs 2.2 document (``articles.ninjs``).

    404 for a story readers never saw (a draft, in review, scheduled); an unpublished one
    answers 200 with ``pubstatus: withheld`` and no body, so a partner that carried it learns
    to take it down; a retracted one ``canceled``, with its notice. The ``ETag`` is the
    document's ``version`` and ``Last-Modified`` its ``versioncreated`` (``api.conditional``).
    """

    @extend_schema(
        operation_id="article_ninjs",
        summary="A story as an IPTC ninjs 2.2 document",
        description=(
            "The story as IPTC ninjs 2.2 (https://iptc.org/standards/ninjs/). `pubstatus` is "
            "`usable` while it is published, `canceled` once retracted, `withheld` once "
            "unpublished (then without a body). `version` changes with every change readers "
            "could see; published correction notes are in `descriptions` (role: the note's "
            "kind) and in `associations` (profile `correction-note`). Revalidate with "
            "`If-None-Match` (the `ETag`) or `If-Modified-Since`."
        ),
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="The ninjs document."),
            304: NOT_MODIFIED,
            404: _not_found("story"),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        # One query when the document prepared with the story is current; else it is
        # prepared (and kept) now.
        article = next(iter(Article.objects.with_ninjs().filter(pk=pk).order_by()[:1]), None)
        if article is None or ninjs.pubstatus(article) is None:
            raise NotFound("No such story.")
        prepared = rendering.stored_ninjs(article) or rendering.prepare(article.pk)
        if prepared is None or not prepared.ninjs_version:
            raise NotFound("No such story.")
        document = ninjs.at_origin(prepared.ninjs_json, request)
        return conditional_response(
            request,
            Response(document),
            etag=f'W/"{prepared.ninjs_version}"',
            last_modified=datetime.fromisoformat(document["versioncreated"]),
        )


# --- The corrections log -------------------------------------------------------------------


class CorrectionListView(ConditionalMixin, generics.ListAPIView):
    """The corrections log: the notes the reader's log lists, newest first."""

    serializer_class = serializers.CorrectionLogEntrySerializer
    pagination_class = pagination.CorrectionsLogPagination

    def get_queryset(self):
        return (
            CorrectionNote.objects.public()
            .select_related("article")
            .only(
                *NOTE_API_FIELDS,
                "article__slug",
                "article__headline",
                "article__note_anchors",
            )
        )

    def page_changed_at(self, rows: list):
        return latest(n.published_at for n in rows)

    @extend_schema(
        operation_id="correction_list",
        summary="The corrections log, newest first",
        description=(
            "Every note readers see (published, not withdrawn, on a story they can read), "
            "with its story; as the site's corrections log. Paged by `cursor`."
        ),
        responses={
            200: serializers.CorrectionLogEntrySerializer(many=True),
            304: NOT_MODIFIED,
            400: BAD_REQUEST,
        },
    )
    def get(self, request: Request, *args, **kwargs) -> HttpResponseBase:
        return self.list(request, *args, **kwargs)


# --- Sources, authors, sections ------------------------------------------------------------


def _sources_on_record():
    """Sources readers have met: quoted in a story they can read, or the organisation of
    someone who is (the rule of the source's page, ``articles.views.source``)."""
    on_record = Attribution.objects.filter(published_q("article__"))
    return (
        Source.objects.filter(
            Exists(on_record.filter(source=OuterRef("pk")))
            | Exists(on_record.filter(source__affiliation=OuterRef("pk")))
        )
        .select_related("affiliation")
        .only(
            "name",
            "slug",
            "kind",
            "role",
            "url",
            *(f"affiliation__{f}" for f in ("name", "slug", "kind", "role")),
        )
    )


class _Record(generics.GenericAPIView):
    """One record without a time of its own: dated by the site's content generation."""

    not_found = "No such record."

    def get_record(self, **lookup):
        record = next(iter(self.get_queryset().filter(**lookup).order_by()[:1]), None)
        if record is None:
            raise NotFound(self.not_found)
        return record

    def respond(self, request: Request, record) -> HttpResponseBase:
        response = Response(self.get_serializer(record).data)
        return conditional_response(request, response, last_modified=site_changed_at())


class SourceListView(ConditionalMixin, generics.ListAPIView):
    serializer_class = serializers.SourceSerializer
    pagination_class = pagination.SourcesPagination

    def get_queryset(self):
        return _sources_on_record()

    @extend_schema(
        operation_id="source_list",
        summary="Sources readers have met, by name",
        description="People, organisations and documents the published stories quote or cite.",
        responses={200: serializers.SourceSerializer(many=True), 304: NOT_MODIFIED},
    )
    def get(self, request: Request, *args, **kwargs) -> HttpResponseBase:
        return self.list(request, *args, **kwargs)


class SourceDetailView(_Record):
    serializer_class = serializers.SourceSerializer
    not_found = "No such source."

    def get_queryset(self):
        return _sources_on_record()

    @extend_schema(
        operation_id="source_detail",
        summary="A source",
        responses={
            200: serializers.SourceSerializer,
            304: NOT_MODIFIED,
            404: _not_found("source"),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        return self.respond(request, self.get_record(pk=pk))


def _authors():
    return Author.objects.only("display_name", "slug", "title", "bio")


class AuthorListView(ConditionalMixin, generics.ListAPIView):
    serializer_class = serializers.AuthorSerializer
    pagination_class = pagination.AuthorsPagination

    def get_queryset(self):
        return _authors()

    @extend_schema(
        operation_id="author_list",
        summary="Authors, by name",
        responses={200: serializers.AuthorSerializer(many=True), 304: NOT_MODIFIED},
    )
    def get(self, request: Request, *args, **kwargs) -> HttpResponseBase:
        return self.list(request, *args, **kwargs)


class AuthorDetailView(_Record):
    serializer_class = serializers.AuthorSerializer
    not_found = "No such author."

    def get_queryset(self):
        return _authors()

    @extend_schema(
        operation_id="author_detail",
        summary="An author, by id",
        responses={
            200: serializers.AuthorSerializer,
            304: NOT_MODIFIED,
            404: OpenApiResponse(description="No such author."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        return self.respond(request, self.get_record(pk=pk))


class AuthorBySlugView(AuthorDetailView):
    @extend_schema(
        operation_id="author_by_slug",
        summary="An author, by slug",
        responses={
            200: serializers.AuthorSerializer,
            304: NOT_MODIFIED,
            404: OpenApiResponse(description="No such author."),
        },
    )
    def get(self, request: Request, slug: str) -> HttpResponseBase:
        return self.respond(request, self.get_record(slug=slug))


class SectionListView(ConditionalMixin, generics.ListAPIView):
    serializer_class = serializers.SectionSerializer
    pagination_class = pagination.SectionsPagination

    def get_queryset(self):
        return Section.objects.only("name", "slug", "description", "position")

    @extend_schema(
        operation_id="section_list",
        summary="Sections, in the site navigation's order",
        responses={200: serializers.SectionSerializer(many=True), 304: NOT_MODIFIED},
    )
    def get(self, request: Request, *args, **kwargs) -> HttpResponseBase:
        return self.list(request, *args, **kwargs)


# --- Documentation -------------------------------------------------------------------------


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI for the schema, under the site's Content-Security-Policy: its files are our
    own static files (drf-spectacular-sidecar), its start-up script a file of its own (the
    split view) and its page without drf-spectacular's inline ``<style>``."""

    url_name = "api:schema"
    template_name = "api/swagger_ui.html"
