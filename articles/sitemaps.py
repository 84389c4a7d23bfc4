"""What crawlers read: the sitemap index, the Google News sitemap and robots.txt.

Every list starts from ``Article.objects.indexable()``: ``articles.visibility`` decides which
readable stories ask not to be indexed (a retracted one), and a sitemap that lists a noindex
page is an error in search consoles.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.db.models import Max, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles.models import Article, Author, Section
from articles.visibility import published_q

if TYPE_CHECKING:
    from datetime import datetime

    from django.http import HttpRequest, HttpResponse

    from articles.querysets import ArticleQuerySet

# Google News reads only stories first published in the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000
NEWS_LANGUAGE = "en"


def indexable_articles() -> ArticleQuerySet:
    """Published stories whose page search engines may index."""
    return Article.objects.indexable()


def _indexable_q(prefix: str) -> Q:
    """``indexable_articles()`` as a condition on a relation, for aggregates over it."""
    return published_q(prefix, indexable=True)


class ArticleSitemap(Sitemap):
    """Every indexable story; ``lastmod`` is its last substantive update."""

    limit = 5000

    def items(self) -> ArticleQuerySet:
        return (
            indexable_articles()
            .only("slug", "first_published_at", "updated_at")
            .order_by("-first_published_at", "-pk")
        )

    def lastmod(self, article: Article) -> datetime | None:
        return article.updated_at or article.first_published_at

    def get_latest_lastmod(self) -> datetime | None:
        # Django's default calls lastmod() on every item; one aggregate does the same job.
        return indexable_articles().aggregate(latest=Max("updated_at"))["latest"]


class SectionSitemap(Sitemap):
    """Every section front; ``lastmod`` is the newest update among its stories."""

    def items(self):
        return Section.objects.annotate(
            last_update=Max("articles__updated_at", filter=_indexable_q("articles__"))
        ).order_by("position", "name")

    def lastmod(self, section: Section) -> datetime | None:
        return section.last_update


class AuthorSitemap(Sitemap):
    """Author pages with at least one indexable story; an empty author page is thin content."""

    def items(self):
        return (
            Author.objects.annotate(
                last_update=Max("articles__updated_at", filter=_indexable_q("articles__"))
            )
            .filter(last_update__isnull=False)
            .order_by("display_name", "pk")
        )

    def lastmod(self, author: Author) -> datetime | None:
        return author.last_update


class PageSitemap(Sitemap):
    """The home page, the corrections log and the corrections policy."""

    def items(self) -> list[str]:
        return ["articles:home", "articles:corrections", "articles:corrections_policy"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS: dict[str, type[Sitemap]] = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}


@require_safe
@x_robots_tag
def news_sitemap(request: HttpRequest) -> HttpResponse:
    """The Google News sitemap: stories first published in the last 48 hours, newest first."""
    since = timezone.now() - NEWS_WINDOW
    articles = (
        indexable_articles()
        .filter(first_published_at__gte=since)
        .only("slug", "headline", "first_published_at")
        .order_by("-first_published_at", "-pk")[:NEWS_LIMIT]
    )
    return render(
        request,
        "sitemaps/news.xml",
        {
            "articles": articles,
            "publication_name": settings.SITE_NAME,
            "language": NEWS_LANGUAGE,
        },
        content_type="application/xml",
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl everything readers can read; skip the desk, admin, accounts and share previews."""
    return render(
        request,
        "robots.txt",
        {
            "sitemap_url": request.build_absolute_uri(reverse("articles:sitemap")),
            "news_sitemap_url": request.build_absolute_uri(reverse("articles:news_sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )
