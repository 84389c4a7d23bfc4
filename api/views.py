"""The read API's views. Every one starts from what readers may see
(``articles.visibility``): nothing a reader never saw is reachable here."""

from __future__ import annotations

from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import ninjs
from articles.models import Article


class ArticleNinjsView(APIView):
    """A story as an IPTC ninjs 2.2 document (``articles.ninjs``).

    404 for a story readers never saw (a draft, in review, scheduled); an unpublished one
    answers 200 with ``pubstatus: withheld`` and no body, so a partner that carried it learns
    to take it down; a retracted one ``canceled``, with its notice. ``ETag`` (weak: the JSON
    and the browsable page are the same document) is the document's ``version`` and
    ``Last-Modified`` its ``versioncreated``; a matching ``If-None-Match`` or
    ``If-Modified-Since`` gets a 304. ``Cache-Control: no-cache``: a client or a shared cache
    may keep it but asks again every time, so a correction is never served stale.
    ``If-Modified-Since`` counts whole seconds: a client that saw a version made in the same
    second as the next one learns of the change only through ``If-None-Match``.
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
            304: OpenApiResponse(description="Not modified since the ETag or date given."),
            404: OpenApiResponse(description="No such story, or readers never saw it."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        queryset = Article.objects.with_syndication_data().filter(pk=pk).order_by()
        article = next(iter(queryset[:1]), None)
        if article is None or ninjs.pubstatus(article) is None:
            raise NotFound("No such story.")
        document = ninjs.document(article, request=request)
        response = Response(document)
        etag = f'W/"{document["version"]}"'
        last_modified = int(ninjs.version_created(article).timestamp())
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, no_cache=True)
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
