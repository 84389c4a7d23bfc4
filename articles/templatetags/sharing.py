"""Template tags for what the article page tells crawlers and link previews.

Kept apart from ``newsroom`` (the reader-site body tags) because these only fill the page
head: the share card (Open Graph, Twitter) and the ``BreadcrumbList``. Like everything the
article page uses, they read only what ``with_page_data()`` loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from articles import jsonld

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

    from articles.models import Article

register = template.Library()


@register.simple_tag(takes_context=True)
def share_card(context: template.Context, article: Article) -> jsonld.ShareCard:
    """Title, description, image and card type for Open Graph and Twitter tags."""
    return jsonld.share_card(article, request=context["request"])


@register.simple_tag(takes_context=True)
def breadcrumbs_jsonld(context: template.Context, article: Article) -> SafeString:
    """Home → section → story as a ready ``<script type="application/ld+json">`` element."""
    return jsonld.script_tag(jsonld.breadcrumbs_jsonld(article, request=context["request"]))
