"""Structured data for search engines and aggregators: schema.org ``NewsArticle``,
``BreadcrumbList``, and the Open Graph / Twitter card a shared link shows.

Built as plain data from an article loaded with ``with_page_data()`` so that it costs no
queries of its own, and serialised for a ``<script>`` element. Corrections go out as
``CorrectionComment`` objects, so a correction travels with the story wherever it is indexed;
the publisher names its corrections policy (``/corrections-policy/``) for the same reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import to_locale

from articles import body, renditions

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


# Static images with their sizes: the publisher logo (Google's 600x60 wordmark box), the card
# a shared link shows when a story has no lead image, and a square for small cards.
LOGO = ("img/logo.png", 600, 60)
SHARE_CARD = ("img/share-card.png", 1200, 630)
SHARE_ICON = ("img/icon.png", 512, 512)

DESCRIPTION_CHARS = 300


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def description(article: Article) -> str:
    """What a search result or shared link says about the story: the standfirst, or else the
    opening paragraph (blocks are prefetched by ``with_page_data()``), or else the headline."""
    if article.dek:
        return article.dek
    paragraphs = body.paragraph_texts(article.blocks.all())
    first = paragraphs[min(paragraphs)] if paragraphs else ""
    return Truncator(first).chars(DESCRIPTION_CHARS) or article.headline


@dataclass(frozen=True)
class ShareImage:
    url: str
    width: int | None
    height: int | None
    alt: str


@dataclass(frozen=True)
class ShareCard:
    """What Open Graph and Twitter show for a shared story."""

    title: str
    description: str
    locale: str
    image: ShareImage
    twitter_card: str
    twitter_image: ShareImage


def _static_image(name_size: tuple[str, int, int], *, request: HttpRequest, alt: str) -> ShareImage:
    name, width, height = name_size
    return ShareImage(request.build_absolute_uri(static(name)), width, height, alt)


def lead_image(article: Article, *, request: HttpRequest) -> ShareImage | None:
    """The story's own picture, with its size once its renditions are made.

    The size comes from the renditions manifest (cached), never from opening the file on a
    page render; until the manifest exists the size is simply left out.
    """
    if not article.lead_image:
        return None
    manifest = renditions.manifest_for(article.lead_image.name)
    width, height = (manifest["width"], manifest["height"]) if manifest else (None, None)
    return ShareImage(
        request.build_absolute_uri(article.lead_image.url),
        width,
        height,
        article.lead_image_alt or article.headline,
    )


def share_card(article: Article, *, request: HttpRequest) -> ShareCard:
    """The Open Graph / Twitter card: the lead image as a large card; without one, the site's
    card for Open Graph and a small ``summary`` card with the square icon for Twitter."""
    image = lead_image(article, request=request)
    if image is not None:
        twitter_card, twitter_image = "summary_large_image", image
    else:
        image = _static_image(SHARE_CARD, request=request, alt=settings.SITE_NAME)
        twitter_card = "summary"
        twitter_image = _static_image(SHARE_ICON, request=request, alt=settings.SITE_NAME)
    return ShareCard(
        title=article.headline,
        description=description(article),
        locale=to_locale(settings.LANGUAGE_CODE),
        image=image,
        twitter_card=twitter_card,
        twitter_image=twitter_image,
    )


def publisher(*, request: HttpRequest) -> dict[str, Any]:
    """The newsroom as a ``NewsMediaOrganization``, naming its logo and corrections policy."""
    logo_url, width, height = LOGO
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri("/"),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(logo_url)),
            "width": width,
            "height": height,
        },
        "correctionsPolicy": request.build_absolute_uri(reverse("articles:corrections_policy")),
    }


def breadcrumbs_jsonld(article: Article, *, request: HttpRequest) -> dict[str, Any]:
    """Home → section → story, as a ``BreadcrumbList`` with absolute URLs."""
    trail = [
        (settings.SITE_NAME, "/"),
        (article.section.name, article.section.get_absolute_url()),
        (article.headline, article.get_absolute_url()),
    ]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def article_jsonld(article: Article, *, request: HttpRequest) -> dict[str, Any]:
    """The ``NewsArticle`` for ``article``, with absolute URLs built from ``request``.

    Reads only what ``ArticleQuerySet.with_page_data()`` prefetches (section, bylines with
    authors, blocks, tags, attributions, public correction notes). Without a lead image the
    site's share card stands in, since search engines want an image for every story.
    """
    url = request.build_absolute_uri(article.get_absolute_url())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": description(article),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": _iso(article.first_published_at),
        "dateModified": _iso(_modified(article)),
        "articleSection": article.section.name,
        "inLanguage": settings.LANGUAGE_CODE,
        "author": [
            {
                "@type": "Person",
                "name": byline.author.display_name,
                "url": request.build_absolute_uri(byline.author.get_absolute_url()),
            }
            for byline in article.bylines.all()
        ],
        "publisher": publisher(request=request),
    }
    image = lead_image(article, request=request) or _static_image(
        SHARE_CARD, request=request, alt=settings.SITE_NAME
    )
    data["image"] = [image.url]
    if not data["author"]:
        # A story with only a credit line ("Staff and wire reports") is the newsroom's own.
        data["author"] = [
            {
                "@type": "Organization",
                "name": article.credit_line or settings.SITE_NAME,
                "url": request.build_absolute_uri("/"),
            }
        ]
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
