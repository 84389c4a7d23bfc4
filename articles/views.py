"""The reader site. Every view starts from ``Article.objects.published()``."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from articles.forms import SearchForm
from articles.models import Article, Attribution, Author, CorrectionNote, Section, Source
from articles.search import search as search_articles
from articles.search import with_snippets
from articles.visibility import reader_outcome

PAGE_SIZE = 20


def _page(request: HttpRequest, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    page = _page(request, Article.objects.published().latest_first().with_list_data())
    articles = list(page.object_list)
    lead = articles[0] if articles and page.number == 1 else None
    latest = articles[1:] if lead else articles
    return render(request, "articles/home.html", {"page": page, "lead": lead, "latest": latest})


def section(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Section, slug=slug)
    page = _page(request, section.articles.published().latest_first().with_list_data())
    return render(request, "articles/section.html", {"section": section, "page": page})


def article(request: HttpRequest, slug: str) -> HttpResponse:
    """The story, as ``articles.visibility.reader_outcome`` says a reader gets it."""
    article = Article.objects.with_page_data().filter(slug=slug).first()
    outcome = reader_outcome(article) if article is not None else None
    if outcome is None or outcome.status_code == 404:
        raise Http404("No such story.")
    if outcome.gone:
        return render(
            request, "articles/gone.html", {"article": article, "outcome": outcome}, status=410
        )
    return render(request, "articles/article.html", {"article": article, "outcome": outcome})


def author(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    page = _page(request, author.articles.published().latest_first().with_list_data())
    return render(request, "articles/author.html", {"author": author, "page": page})


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
        return redirect(merged_into, permanent=True)
    on_record = Attribution.objects.filter(article__in=Article.objects.published())
    attributions = (
        on_record.filter(source=source)
        .select_related("article")
        .order_by("-article__first_published_at", "paragraph")
    )
    page = _page(request, attributions, 50)
    # A source readers have not met (only quoted in drafts) stays unknown to them, unless
    # it is the organisation of someone who is on the record.
    if not page.paginator.count and not on_record.filter(source__affiliation=source).exists():
        raise Http404("No such source.")
    return render(request, "articles/source.html", {"source": source, "page": page})


def corrections(request: HttpRequest) -> HttpResponse:
    notes = CorrectionNote.objects.public().select_related("article").order_by("-issued_at", "-pk")
    return render(request, "articles/corrections.html", {"page": _page(request, notes, 50)})


def corrections_policy(request: HttpRequest) -> HttpResponse:
    """The standards every note is held to; ``NewsMediaOrganization.correctionsPolicy``."""
    return render(
        request,
        "articles/corrections_policy.html",
        {"corrections_email": settings.NEWSROOM_CORRECTIONS_EMAIL},
    )


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query, page, results = "", None, []
    if form.is_valid():
        query = form.cleaned_data["q"]
        if query:
            filters = {k: form.cleaned_data[k] for k in ("section", "date_from", "date_to")}
            page = _page(request, search_articles(query, **filters).with_list_data())
            results = with_snippets(page.object_list, query)
    return render(
        request,
        "articles/search.html",
        {"form": form, "query": query, "page": page, "results": results},
    )
