"""What crawlers read: the sitemap index, the Google News sitemap and robots.txt.

Every list starts from ``Article.objects.indexable()``: ``articles.visibility`` decides which
readable stories ask not to be indexed (a retracted one), and a sitemap that lists a noindex
page is an error in search consoles.

Nothing here counts or reads the whole archive, which would cost seconds at a million
stories: the stories are listed one sitemap per month of first publication
(``ArticleMonthSitemap``), the index finds those months from an index
(``article_months``), and a section's or an author's ``lastmod`` is read from its newest
story, as its page reads it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles import surrogates
from articles.models import Article, Author, Section

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from articles.querysets import ArticleQuerySet

# Google News reads only stories first published in the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000
NEWS_LANGUAGE = "en"


def indexable_articles() -> ArticleQuerySet:
    """Published stories whose page search engines may index."""
    return Article.objects.indexable()


class ArticleMonthSitemap(Sitemap):
    """The indexable stories first published in one calendar month (UTC), newest first;
    ``lastmod`` is each story's last substantive update.

    One sitemap per month keeps every file small and every query bounded by the month,
    however large the archive grows: a single article sitemap would be paged by
    ``Paginator`` (a ``COUNT(*)`` of the whole archive, then ``OFFSET``), and its
    ``lastmod`` in the index would be a maximum over every story.
    """

    # The protocol's maximum. A month with more stories than this (some 1,600 a day) would
    # have a second page (?p=2) that the index does not list.
    limit = 50_000

    def __init__(self, month: datetime) -> None:
        self.start = month
        self.end = _next_month(month)

    def items(self) -> ArticleQuerySet:
        return (
            indexable_articles()
            .filter(first_published_at__gte=self.start, first_published_at__lt=self.end)
            .only("slug", "first_published_at", "updated_at")
            .order_by("-first_published_at", "-pk")
        )

    def lastmod(self, article: Article) -> datetime | None:
        return article.updated_at or article.first_published_at


def _next_month(month: datetime) -> datetime:
    return month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)


def _previous_month(month: datetime) -> datetime:
    return month.replace(year=month.year - (month.month == 1), month=(month.month - 2) % 12 + 1)


def article_months() -> list[datetime]:
    """The first instant (UTC) of every month holding an indexable story, newest first.

    Three queries whatever the archive holds, each answered from an index: the newest and
    the oldest story, then one ``EXISTS`` per month between them (an index probe each),
    instead of grouping every story by month.
    """
    stories = indexable_articles()
    newest = stories.order_by("-first_published_at").values_list("pk", "first_published_at")
    oldest = stories.order_by("first_published_at").values_list("first_published_at", flat=True)
    if (top := newest.first()) is None or (bottom := oldest.first()) is None:
        return []
    month = top[1].astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    months = [month]
    while month > bottom:
        month = _previous_month(month)
        months.append(month)
    if len(months) == 1:
        return months
    held = {
        f"m{i}": Exists(
            stories.filter(first_published_at__gte=start, first_published_at__lt=_next_month(start))
        )
        for i, start in enumerate(months)
    }
    row = Article.objects.filter(pk=top[0]).values(**held).first()
    return [m for i, m in enumerate(months) if row is None or row[f"m{i}"]]


def _newest_story_update(**relation) -> Subquery:
    """The last update of the newest indexable story related to the outer row (a section,
    an author): its list's first row, read from the index its page reads. Not a maximum
    over all its stories, which would read every one of them."""
    newest = indexable_articles().filter(**relation).order_by("-first_published_at", "-pk")
    return Subquery(
        newest.annotate(at=Coalesce("updated_at", "first_published_at")).values("at")[:1]
    )


class SectionSitemap(Sitemap):
    """Every section front; ``lastmod`` is the last update of its newest story."""

    def items(self):
        return Section.objects.annotate(
            last_update=_newest_story_update(section=OuterRef("pk"))
        ).order_by("position", "name")

    def lastmod(self, section: Section) -> datetime | None:
        return section.last_update

    def get_latest_lastmod(self) -> datetime | None:
        return max((s.last_update for s in self.items() if s.last_update), default=None)


class AuthorSitemap(Sitemap):
    """Author pages with at least one indexable story (an empty author page is thin
    content); ``lastmod`` is the last update of the author's newest story."""

    def items(self) -> list[Author]:
        authors = Author.objects.annotate(
            last_update=_newest_story_update(bylines__author=OuterRef("pk"))
        ).order_by("display_name", "pk")
        # Filtered here, not in SQL, which would run the subquery twice for every author.
        return [author for author in authors if author.last_update is not None]

    def lastmod(self, author: Author) -> datetime | None:
        return author.last_update

    def get_latest_lastmod(self) -> None:
        # The index leaves it out rather than run the author page's query for every author.
        return None


class PageSitemap(Sitemap):
    """The home page, the corrections log, the corrections policy and the A-to-Z indexes
    of authors and sources."""

    def items(self) -> list[str]:
        return [
            "articles:home",
            "articles:corrections",
            "articles:corrections_policy",
            "articles:author_index",
            "articles:source_index",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


#: The sitemaps under ``sitemap-<name>.xml``; the stories' are by month
#: (``sitemap-articles-YYYY-MM.xml``, ``ArticleMonthSitemap``).
SITEMAPS: dict[str, type[Sitemap]] = {
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}


@require_safe
@surrogates.keyed(surrogates.HOME)
@x_robots_tag
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: the sections, authors and pages sitemaps, then one per month of stories,
    newest first. The months carry no ``lastmod``: it would be a maximum over each month's
    stories, every story in all; each story's own ``lastmod`` is in its month's sitemap."""
    entries = [
        SitemapIndexItem(
            request.build_absolute_uri(reverse("articles:sitemap_section", args=[name])),
            sitemap().get_latest_lastmod(),
        )
        for name, sitemap in SITEMAPS.items()
    ]
    entries += [
        SitemapIndexItem(request.build_absolute_uri(month_sitemap_url(month)))
        for month in article_months()
    ]
    return render(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


def month_sitemap_url(month: datetime) -> str:
    """``sitemap-articles-YYYY-MM.xml`` for the month starting at ``month``."""
    year, number = f"{month.year:04d}", f"{month.month:02d}"
    return reverse("articles:sitemap_month", kwargs={"year": year, "month": number})


@require_safe
@surrogates.keyed(surrogates.HOME)
def article_month_sitemap(request: HttpRequest, year: str, month: str) -> HttpResponse:
    """One month's stories (``ArticleMonthSitemap``); a month without any is not found."""
    sitemap = ArticleMonthSitemap(datetime(int(year), int(month), 1, tzinfo=UTC))
    response = sitemap_views.sitemap(
        request, {"articles": sitemap}, section="articles", template_name="sitemaps/sitemap.xml"
    )
    if not response.context_data["urlset"]:
        raise Http404("No stories that month.")
    return response


@require_safe
@surrogates.keyed(surrogates.HOME)
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
@surrogates.keyed(surrogates.HOME)
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
