"""Reads that combine several models for the desk (HackSoft's selectors): no writes here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from articles import quotes
from articles.models import Article, Author, Byline, Section, Source

if TYPE_CHECKING:
    from articles.querysets import ArticleQuerySet

CONTEXT_CHARS = 70

#: The desk list's order, newest change first, and so its keyset (``articles.pagination``);
#: migration 0010 indexes it, alone and after a status or a section.
DESK_LIST_KEYS = ("-modified_at", "-pk")
#: The columns the desk list shows.
DESK_LIST_FIELDS = ("pk", "headline", "status", "modified_at", "section__name")


def desk_articles(
    *,
    user,
    status: str = "",
    section: Section | None = None,
    author: str = "",
    changed_from: date | None = None,
    changed_to: date | None = None,
    q: str = "",
) -> ArticleQuerySet:
    """The desk's article list: what ``user`` may open (``for_desk``), narrowed by each
    filter given, in one query whatever the filters; unordered (it is paged by
    ``DESK_LIST_KEYS``).

    ``author`` is an author's slug or part of their name: stories with any such byline.
    ``changed_from`` and ``changed_to`` are days in the site's time zone, both included.
    ``q`` is part of the headline, any case (on PostgreSQL a trigram index, migration 0010,
    answers it: ``UPPER(headline) LIKE UPPER('%…%')`` is exactly the indexed expression).
    """
    articles = Article.objects.for_desk(user).select_related("section").only(*DESK_LIST_FIELDS)
    if status:
        articles = articles.filter(status=status)
    if section is not None:
        articles = articles.filter(section=section)
    if author:
        authors = Author.objects.filter(Q(slug=author.lower()) | Q(display_name__icontains=author))
        bylined = Byline.objects.filter(article=OuterRef("pk"), author__in=authors)
        articles = articles.filter(Exists(bylined))
    if changed_from is not None:
        articles = articles.filter(modified_at__gte=_start_of(changed_from))
    if changed_to is not None:
        articles = articles.filter(modified_at__lt=_start_of(changed_to + timedelta(days=1)))
    if q:
        articles = articles.filter(headline__icontains=q)
    return articles


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def unattributed_quotes(article: Article) -> list[quotes.Finding]:
    """Quoted passages in the body that no attribution covers (the publish gate).

    Rule layer only (``quotes.quoted_passages``, ``quotes.uncovered``): what the gate counts
    never depends on the advisory attribution layer.
    """
    paragraphs = article.paragraph_texts()
    passages = quotes.quoted_passages(paragraphs, quoted_paragraphs=_block_quotes(article))
    return quotes.uncovered(passages, _attributions(article))


def _attributions(article: Article) -> list[tuple[int | None, str]]:
    return [(a.paragraph, a.text) for a in article.attributions.all()]


def _block_quotes(article: Article) -> set[int]:
    return {n.number for n in article.numbered_blocks() if n.block.kind == "blockquote"}


def _reading(article: Article) -> quotes.Reading:
    """One analysis of the body per article instance and wording: the desk's panel and
    ``anonymous_sources`` on the same page share it."""
    paragraphs = article.paragraph_texts()
    block_quotes = _block_quotes(article)
    key = (tuple(paragraphs.items()), frozenset(block_quotes))
    cached = getattr(article, "_quote_reading", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    reading = quotes.read(paragraphs, quoted_paragraphs=block_quotes)
    article._quote_reading = (key, reading)
    return reading


def rejected_suggestions(article: Article) -> set[tuple[int, str, str]]:
    """(paragraph, text, source name) of every suggestion an editor rejected."""
    return {
        (e.data.get("paragraph"), e.data.get("text"), e.data.get("source"))
        for e in article.events.filter(action="suggestion.reject")
    }


def anonymous_sources(article: Article) -> list[quotes.Finding]:
    """Passages the story attributes to an anonymous source ("an official who spoke on
    condition of anonymity") that no attribution covers yet, in body order.

    Advisory (the quote finder's attribution layer): for an editor to weigh, never a
    suggestion to accept with one click.
    """
    reading = _reading(article)
    return quotes.uncovered(reading.anonymous(), _attributions(article))


@dataclass(frozen=True)
class OpenFinding:
    """An unattributed passage, highlighted in its paragraph, with a suggested source."""

    finding: quotes.Finding
    suggestion: quotes.Suggestion | None
    before: str
    after: str

    @property
    def anonymous(self) -> bool:
        """The story attributes it to an unnamed source: no suggestion, a flag instead."""
        return self.finding.anonymous


def open_findings(article: Article) -> list[OpenFinding]:
    """What the quote finder still wants attributed, in body order, for the desk's panel.

    One analysis of the body (``quotes.read``) gives the passages, their suggested sources
    and their anonymous flags.
    """
    reading = _reading(article)
    paragraphs = reading.paragraphs
    findings = quotes.uncovered(reading.findings, _attributions(article))
    rejected = rejected_suggestions(article)
    suggestions = {
        (s.finding.paragraph, s.finding.start): s
        for s in reading.suggest(
            findings, sources=Source.objects.only("pk", "name", "aliases", "kind")
        )
        if (s.finding.paragraph, s.finding.text, s.source_name) not in rejected
    }
    result = []
    for finding in findings:
        text = paragraphs[finding.paragraph]
        before = text[max(0, finding.start - CONTEXT_CHARS) : finding.start]
        after = text[finding.end : finding.end + CONTEXT_CHARS]
        result.append(
            OpenFinding(
                finding=finding,
                suggestion=suggestions.get((finding.paragraph, finding.start)),
                before=("…" if finding.start > CONTEXT_CHARS else "") + before,
                after=after + ("…" if finding.end + CONTEXT_CHARS < len(text) else ""),
            )
        )
    return result


#: How many sources one search offers (the desk's type-ahead and its no-JS page).
SOURCE_SEARCH_LIMIT = 10


def source_search(query: str, *, limit: int = SOURCE_SEARCH_LIMIT) -> QuerySet[Source]:
    """Sources whose name, one of their aliases or their role contains ``query``, ignoring
    case: first those in which a word begins with it, then the rest, each group by name
    (case ignored); at most ``limit``. Each carries ``stories``, how many stories quote it,
    and its affiliation: one query, however many sources match.

    Aliases are a JSON list, matched as its JSON text (``icontains`` on SQLite and
    PostgreSQL alike); a word begins after a space or the alias's opening quote mark.
    """
    query = " ".join(query.split())
    if not query:
        return Source.objects.none()
    # NOTE: SQLite keeps JSON's non-ASCII letters as \u escapes ("Zo\u00eb"), PostgreSQL's
    # jsonb as letters: look for the aliases both ways.
    spellings = {query, json.dumps(query)[1:-1]}
    contains, word_starts = Q(), Q()
    for text in spellings:
        contains |= Q(aliases__icontains=text)
        word_starts |= Q(aliases__icontains=f'"{text}') | Q(aliases__icontains=f" {text}")
    for field in ("name", "role"):
        contains |= Q(**{f"{field}__icontains": query})
        word_starts |= Q(**{f"{field}__istartswith": query}) | Q(
            **{f"{field}__icontains": f" {query}"}
        )
    return (
        source_search_results()
        .filter(contains)
        .annotate(word_start=Case(When(word_starts, then=Value(0)), default=Value(1)))
        .order_by("word_start", Lower("name"), "pk")[:limit]
    )


def source_search_results() -> QuerySet[Source]:
    """Sources as a search lists them: with their affiliation, and ``stories``, how many
    stories quote each."""
    return Source.objects.select_related("affiliation").annotate(
        stories=Count("attributions__article", distinct=True)
    )
