"""Feeds readers subscribe to: RSS 2.0 and Atom for the latest stories, each section, each
author, and the corrections log.

Every article feed shares ``ArticleFeed``: the subclasses only say which stories and what the
feed is called, so an item looks the same in every feed. Items come from
``Article.objects.published()`` (retracted stories stay, retitled, so subscribers learn of
the retraction) and are loaded with ``with_list_data()``: a feed costs a fixed number of
queries however many items it holds.

Item ids are ``tag:`` URIs (RFC 4151), ``tag:<host>,<date first published>:article/<pk>``:
they never change when a headline is rewritten, and unlike a link they don't look like
something to open, so RSS marks them ``isPermaLink="false"``. The host is the one the feed
was requested on, so one deployment's ids stay the same from request to request.
"""

from __future__ import annotations

import copy
from datetime import UTC
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from articles import surrogates
from articles.models import Article, Author, CorrectionNote, Section

if TYPE_CHECKING:
    from datetime import datetime

    from django.http import HttpRequest, HttpResponse

    from articles.querysets import ArticleQuerySet

FEED_LENGTH = 50
ARTICLE_FEED_LENGTH = 30
SUMMARY_WORDS = 60


class CorrectionsFeed(Feed):
    description_template = None

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        surrogates.tag(request, surrogates.CORRECTIONS)
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return f"{settings.SITE_NAME}: corrections"

    def link(self) -> str:
        return reverse("articles:corrections")

    def description(self) -> str:
        return "Every correction, clarification and update, newest first."

    def items(self):
        return (
            CorrectionNote.objects.public()
            .select_related("article")
            .order_by("-issued_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, note: CorrectionNote) -> str:
        return f"{note.get_kind_display()}: {note.article.headline}"

    def item_description(self, note: CorrectionNote) -> str:
        return note.text

    def item_link(self, note: CorrectionNote) -> str:
        anchor = f"#p{note.first_paragraph}" if note.first_paragraph else f"#correction-{note.pk}"
        return note.article.get_absolute_url() + anchor

    def item_guid(self, note: CorrectionNote) -> str:
        return f"{note.article.get_absolute_url()}#correction-{note.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, note: CorrectionNote):
        return note.published_at

    def item_updateddate(self, note: CorrectionNote):
        return note.published_at

    def item_categories(self, note: CorrectionNote) -> list[str]:
        return [note.get_kind_display()]


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()


class ArticleFeed(Feed):
    """The newest published stories, newest first. Subclasses narrow ``articles()``.

    Feed methods take ``obj`` (what ``get_object`` returned: ``None``, a section or an
    author) so that Django passes it to every one of them, in this class and its subclasses.
    """

    description_template = None
    item_guid_is_permalink = False
    request: HttpRequest | None = None

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # NOTE: urls.py builds one instance that serves every request. As a class-based view
        # does, give each request its own copy, so the item ids can read the request's host
        # without one request seeing another's.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def articles(self, obj) -> ArticleQuerySet:
        return Article.objects.published()

    def surrogate_keys(self, obj) -> list[str]:
        """The lists this feed follows (``articles.surrogates``): the latest stories."""
        return [surrogates.HOME]

    def items(self, obj) -> list[Article]:
        # The summary may fall back to body_text, which list querysets leave unloaded.
        items = list(
            self.articles(obj)
            .latest_first()
            .with_list_data()
            .defer(None)
            .defer("search_vector")[:ARTICLE_FEED_LENGTH]
        )
        if self.request is not None:
            surrogates.tag(self.request, *self.surrogate_keys(obj), *surrogates.articles(items))
        return items

    def title(self, obj=None) -> str:
        return f"{settings.SITE_NAME}: latest stories"

    def link(self, obj=None) -> str:
        return reverse("articles:home")

    def description(self, obj=None) -> str:
        return f"The newest stories from {settings.SITE_NAME}, with every correction on the record."

    def item_title(self, article: Article) -> str:
        if article.reader_outcome.retracted:
            return f"Retracted: {article.headline}"
        return article.headline

    def item_description(self, article: Article) -> str:
        """The standfirst, else the opening of the body, else the headline.

        Never the blocks themselves: that would be a query per item.
        """
        if article.dek:
            return article.dek
        text = getattr(article, "body_text", "") or ""
        return Truncator(text).words(SUMMARY_WORDS) or article.headline

    def item_link(self, article: Article) -> str:
        return article.get_absolute_url()

    def item_guid(self, article: Article) -> str:
        host = "localhost"
        if self.request is not None:
            host = split_domain_port(self.request.get_host())[0] or host
        day = article.first_published_at.astimezone(UTC).date().isoformat()
        return f"tag:{host},{day}:article/{article.pk}"

    def item_pubdate(self, article: Article) -> datetime | None:
        return article.first_published_at

    def item_updateddate(self, article: Article) -> datetime | None:
        return article.updated_at or article.first_published_at

    def item_author_name(self, article: Article) -> str:
        names = [byline.author.display_name for byline in article.bylines.all()]
        return ", ".join(names) or article.credit_line or settings.SITE_NAME

    def item_categories(self, article: Article) -> list[str]:
        return [article.section.name]


class SectionFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Section:
        return get_object_or_404(Section, slug=slug)

    def articles(self, section: Section) -> ArticleQuerySet:
        return section.articles.published()

    def surrogate_keys(self, section: Section) -> list[str]:
        return [surrogates.section(section.pk)]

    def title(self, section: Section) -> str:
        return f"{settings.SITE_NAME}: {section.name}"

    def link(self, section: Section) -> str:
        return section.get_absolute_url()

    def description(self, section: Section) -> str:
        return (
            section.description or f"The newest {section.name} stories from {settings.SITE_NAME}."
        )


class AuthorFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Author:
        return get_object_or_404(Author, slug=slug)

    def articles(self, author: Author) -> ArticleQuerySet:
        return author.articles.published()

    def surrogate_keys(self, author: Author) -> list[str]:
        return [surrogates.author(author.pk)]

    def title(self, author: Author) -> str:
        return f"{settings.SITE_NAME}: stories by {author.display_name}"

    def link(self, author: Author) -> str:
        return author.get_absolute_url()

    def description(self, author: Author) -> str:
        return f"The newest stories by {author.display_name} in {settings.SITE_NAME}."


class AtomMixin:
    """The same feed as Atom 1.0, whose subtitle is the RSS description."""

    feed_type = Atom1Feed

    def subtitle(self, obj=None) -> str:
        return self.description(obj)


class ArticleAtomFeed(AtomMixin, ArticleFeed):
    pass


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    pass
