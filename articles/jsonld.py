"""Structured data for search engines and aggregators: schema.org ``NewsArticle``.

Built as a plain dict from an article loaded with ``with_page_data()`` so that it costs no
queries of its own, and serialised for a ``<script>`` element. Corrections go out as
``CorrectionComment`` objects, so a correction travels with the story wherever it is indexed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

    from articles.models import Article

# NOTE: inside <script> the HTML parser ends the element at the first "</script", whatever
# the JSON around it says; escaping these three characters makes any text safe to embed
# (the same set Django's json_script uses, which we can't use: it writes type="application/json").
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
}


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def article_jsonld(article: Article, *, request: HttpRequest) -> dict[str, Any]:
    """The ``NewsArticle`` for ``article``, with absolute URLs built from ``request``.

    Reads only what ``ArticleQuerySet.with_page_data()`` prefetches (section, bylines with
    authors, tags, public correction notes).
    """
    url = request.build_absolute_uri(article.get_absolute_url())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": _iso(article.first_published_at),
        "dateModified": _iso(_modified(article)),
        "articleSection": article.section.name,
        "author": [
            {
                "@type": "Person",
                "name": byline.author.display_name,
                "url": request.build_absolute_uri(byline.author.get_absolute_url()),
            }
            for byline in article.bylines.all()
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri("/"),
        },
    }
    if article.dek:
        data["description"] = article.dek
    if article.lead_image:
        data["image"] = [request.build_absolute_uri(article.lead_image.url)]
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    citations, quotations = _attributions(article, request)
    if citations:
        data["citation"] = citations
    if quotations:
        data["hasPart"] = quotations
    notes = article.public_corrections
    if notes:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": note.text,
                "datePublished": _iso(note.published_at),
            }
            for note in notes
        ]
    return data


def _modified(article: Article):
    """The last substantive change readers were told about: an update or a later note."""
    times = [article.updated_at or article.first_published_at]
    times += [note.published_at for note in article.public_corrections]
    return max((t for t in times if t), default=None)


_SOURCE_TYPES = {
    "person": "Person",
    "organisation": "Organization",
    "publication": "NewsMediaOrganization",
    "document": "Organization",
}


def _attributions(article: Article, request: HttpRequest) -> tuple[list[dict], list[dict]]:
    """Reports, documents and data as ``citation``; direct quotes as ``Quotation``."""
    citations: list[dict] = []
    quotations: list[dict] = []
    for attribution in article.attributions.all():
        source = attribution.source
        source_url = request.build_absolute_uri(source.get_absolute_url())
        if attribution.kind == "quote":
            quotations.append(
                {
                    "@type": "Quotation",
                    "text": attribution.text,
                    "creator": {
                        "@type": _SOURCE_TYPES.get(source.kind, "Person"),
                        "name": source.name,
                        "url": source_url,
                    },
                }
            )
        elif attribution.kind in {"report", "document", "data"}:
            citation: dict[str, Any] = {
                "@type": "Dataset" if attribution.kind == "data" else "CreativeWork",
                "name": f"{source.name}"
                if attribution.kind != "report"
                else f"{source.name} report",
                "text": attribution.text,
            }
            if attribution.url:
                citation["url"] = attribution.url
            if source.kind == "publication":
                citation["publisher"] = {"@type": "NewsMediaOrganization", "name": source.name}
            else:
                citation["author"] = {
                    "@type": _SOURCE_TYPES.get(source.kind, "Organization"),
                    "name": source.name,
                }
            citations.append(citation)
    return citations, quotations


def script_tag(data: dict[str, Any]) -> SafeString:
    """``data`` as a ``<script type="application/ld+json">`` element, safe to put in a page."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )
