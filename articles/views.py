"""The reader site. Every view starts from ``Article.objects.published()``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from taggit.models import Tag, TaggedItem

from articles import rendering, surrogates
from articles.forms import SearchForm
from articles.models import Article, Attribution, Author, CorrectionNote, Section, Source
from articles.pagination import keyset_page, redirect_legacy_page
from articles.search import results as search_results
from articles.search import search as search_articles
from articles.visibility import reader_outcome

PAGE_SIZE = 20
INDEX_PAGE_SIZE = 50
#: An alphabetical index, case-insensitively: by the lowered name, the id breaking ties.
BY_NAME = ("sort_name", "pk")
# What an index shows of each row's newest story: its link, headline and date.
_LATEST_FIELDS = ("pk", "slug", "headline", "first_published_at")


def _teasers(request: HttpRequest, stories, fragment: str):
    """A page of ``stories``, newest first, and their prepared ``fragment`` teasers."""
    page = keyset_page(request, stories.latest_first().with_teasers(fragment), per_page=PAGE_SIZE)
    return page, rendering.for_list(list(page.object_list), fragment, request)


@redirect_legacy_page
def home(request: HttpRequest) -> HttpResponse:
    page = keyset_page(
        request,
        Article.objects.published().latest_first().with_teasers("teaser_html", "lead_html"),
        per_page=PAGE_SIZE,
    )
    articles = list(page.object_list)
    lead = articles[0] if articles and page.is_first else None
    latest = rendering.for_list(articles[1:] if lead else articles, "teaser_html", request)
    lead_html = rendering.for_list([lead], "lead_html", request)[0] if lead else ""
    surrogates.tag(request, surrogates.HOME, *surrogates.articles(articles))
    return render(
        request, "articles/home.html", {"page": page, "lead": lead_html, "latest": latest}
    )


@redirect_legacy_page
def section(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Section, slug=slug)
    page, teasers = _teasers(request, section.articles.published(), "section_teaser_html")
    surrogates.tag(request, surrogates.section(section.pk), *surrogates.articles(page.object_list))
    return render(
        request, "articles/section.html", {"section": section, "page": page, "teasers": teasers}
    )


def article(request: HttpRequest, slug: str) -> HttpResponse:
    """The story, as ``articles.visibility.reader_outcome`` says a reader gets it."""
    # Sliced, not .first(): the slug is unique, and no ORDER BY is one thing less to build.
    article = next(iter(Article.objects.with_rendering().filter(slug=slug).order_by()[:1]), None)
    outcome = reader_outcome(article) if article is not None else None
    if outcome is None or outcome.status_code == 404:
        raise Http404("No such story.")
    # Its section, authors, sources and tags print on the page through its rendering: a
    # change to one of them purges the stories that show it (``surrogates.record_keys``).
    surrogates.tag(request, surrogates.article(article.pk), surrogates.section(article.section_id))
    if outcome.gone:
        return render(
            request, "articles/gone.html", {"article": article, "outcome": outcome}, status=410
        )
    prepared = rendering.for_page(article, request)
    return render(
        request,
        "articles/article.html",
        {"article": article, "outcome": outcome, "prepared": prepared},
    )


@redirect_legacy_page
def author(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    page, teasers = _teasers(request, author.articles.published(), "teaser_html")
    surrogates.tag(request, surrogates.author(author.pk), *surrogates.articles(page.object_list))
    return render(
        request, "articles/author.html", {"author": author, "page": page, "teasers": teasers}
    )


@redirect_legacy_page
def source(request: HttpRequest, slug: str) -> HttpResponse:
    source = Source.objects.select_related("affiliation").filter(slug=slug).first()
    if source is None:
        # Few sources are ever merged; JSON "contains" lookups are not portable to SQLite.
        merged_into = next(
            (s for s in Source.objects.exclude(former_slugs=[]) if slug in s.former_slugs),
            None,
        )
        if merged_into is None:
            raise Http404("No such source.")
        surrogates.tag(request, surrogates.source(merged_into.pk))
        return redirect(merged_into, permanent=True)
    on_record = Attribution.objects.filter(article__in=Article.objects.published())
    attributions = on_record.filter(source=source).select_related("article")
    # Newest story first; a story's attributions in the order they were recorded.
    page = keyset_page(
        request,
        attributions,
        per_page=50,
        keys=("-article__first_published_at", "-article_id", "pk"),
    )
    # A source readers have not met (only quoted in drafts) stays unknown to them, unless
    # it is the organisation of someone who is on the record. (An empty page further down
    # the list asks whether there is anything on the record at all.)
    if not page.object_list and not (
        (not page.is_first and attributions.exists())
        or on_record.filter(source__affiliation=source).exists()
    ):
        raise Http404("No such source.")
    surrogates.tag(
        request,
        surrogates.source(source.pk),
        surrogates.source(source.affiliation_id) if source.affiliation_id else None,
        *surrogates.articles(page.object_list),
    )
    return render(request, "articles/source.html", {"source": source, "page": page})


def _with_latest_stories(rows: list, stories) -> list:
    """Give each of ``rows`` its ``latest_story`` (from its ``latest_story_id``): one query
    for the page, whatever its length."""
    by_pk = stories.in_bulk([row.latest_story_id for row in rows])
    for row in rows:
        row.latest_story = by_pk.get(row.latest_story_id)
    return rows


@redirect_legacy_page
def author_index(request: HttpRequest) -> HttpResponse:
    """Every author with a published story, A to Z whatever the case, each with their
    newest story. Two queries a page (the authors, their stories), never a count."""
    published = Article.objects.published()
    newest = published.filter(bylines__author=OuterRef("pk")).latest_first()
    authors = Author.objects.annotate(
        sort_name=Lower("display_name"), latest_story_id=Subquery(newest.values("pk")[:1])
    ).filter(latest_story_id__isnull=False)
    page = keyset_page(request, authors, per_page=INDEX_PAGE_SIZE, keys=BY_NAME)
    rows = _with_latest_stories(page.object_list, published.only(*_LATEST_FIELDS))
    surrogates.tag(
        request,
        surrogates.AUTHORS,
        *(surrogates.author(a.pk) for a in rows),
        *(surrogates.article(a.latest_story_id) for a in rows),
    )
    return render(request, "articles/author_index.html", {"page": page, "entries": rows})


@redirect_legacy_page
def source_index(request: HttpRequest) -> HttpResponse:
    """Every source with words on the record in a published story, A to Z whatever the
    case, each with the newest story that quotes them. Two queries a page, never a count."""
    published = Article.objects.published()
    newest = (
        Attribution.objects.filter(source=OuterRef("pk"), article__in=published)
        .order_by("-article__first_published_at", "-article_id")
        .values("article_id")
    )
    sources = (
        Source.objects.select_related("affiliation")
        .annotate(sort_name=Lower("name"), latest_story_id=Subquery(newest[:1]))
        .filter(latest_story_id__isnull=False)
    )
    page = keyset_page(request, sources, per_page=INDEX_PAGE_SIZE, keys=BY_NAME)
    rows = _with_latest_stories(page.object_list, published.only(*_LATEST_FIELDS))
    surrogates.tag(
        request,
        surrogates.SOURCES,
        *(surrogates.source(s.pk) for s in rows),
        *(surrogates.source(s.affiliation_id) for s in rows if s.affiliation_id),
        *(surrogates.article(s.latest_story_id) for s in rows),
    )
    return render(request, "articles/source_index.html", {"page": page, "entries": rows})


@redirect_legacy_page
def corrections(request: HttpRequest) -> HttpResponse:
    notes = CorrectionNote.objects.public().select_related("article")
    page = keyset_page(request, notes, per_page=50, keys=("-issued_at", "-pk"))
    surrogates.tag(request, surrogates.CORRECTIONS, *surrogates.articles(page.object_list))
    return render(request, "articles/corrections.html", {"page": page})


@redirect_legacy_page
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    """A topic's published stories, newest first; unknown until one is published."""
    tag = get_object_or_404(Tag, slug=slug)
    # NOTE: ``filter(tags=tag)`` joins on ``object_id::bigint``, a cast no index serves, so
    # PostgreSQL would read every story with the tag and sort them. ``pk__in`` compares the
    # columns as they are: it walks the stories newest first and probes taggit's unique
    # (content type, object, tag) index for each.
    tagged = TaggedItem.objects.filter(
        tag=tag, content_type=ContentType.objects.get_for_model(Article)
    )
    stories = Article.objects.published().filter(pk__in=tagged.values("object_id"))
    page, teasers = _teasers(request, stories, "teaser_html")
    if not page.object_list and (page.is_first or not stories.exists()):
        raise Http404("No such topic.")
    surrogates.tag(request, surrogates.topic(tag.pk), *surrogates.articles(page.object_list))
    return render(request, "articles/tag.html", {"tag": tag, "page": page, "teasers": teasers})


def corrections_policy(request: HttpRequest) -> HttpResponse:
    """The standards every note is held to; ``NewsMediaOrganization.correctionsPolicy``."""
    return render(
        request,
        "articles/corrections_policy.html",
        {"corrections_email": settings.NEWSROOM_CORRECTIONS_EMAIL},
    )


def search(request: HttpRequest) -> HttpResponse:
    """Results page by page among the ranked matches: a bounded list of ids, so numbered
    pages cost nothing to count; only the page shown is loaded (``search_results``)."""
    form = SearchForm(request.GET)
    query, matches, page, results = "", None, None, []
    if form.is_valid():
        query = form.cleaned_data["q"]
        if query:
            filters = {k: form.cleaned_data[k] for k in ("section", "date_from", "date_to")}
            matches = search_articles(query, **filters)
            page = Paginator(matches.ids, PAGE_SIZE).get_page(request.GET.get("page"))
            results = search_results(page.object_list, query, request)
    # Any published change may change what a search finds.
    surrogates.tag(request, surrogates.SEARCH, *(surrogates.article(pk) for pk in page or ()))
    return render(
        request,
        "articles/search.html",
        {"form": form, "query": query, "matches": matches, "page": page, "results": results},
    )
