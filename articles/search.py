"""Reader search: what is indexed, how it is kept current, and how a query is answered.

On PostgreSQL every article carries a stored ``search_vector`` (headline weighted above the
standfirst above the body, English stemming) behind a GIN index, refreshed by
``index_article`` whenever a service changes the article (``articles.signals.article_changed``).
On SQLite, the development default, the same page works on a plain fallback: every word of
the query must stand in the headline, standfirst or body, headline matches first.

Only ``Article.objects.published()`` is ever searched, so a draft, a scheduled story or an
unpublished one never turns up, whatever words it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, TextField, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles import body
from articles.models import Article, Block

if TYPE_CHECKING:
    from articles.models import Section
    from articles.querysets import ArticleQuerySet

CONFIG = "english"

# The snippet comes back from the database as plain text with these around each match;
# the text is escaped first and only then are they turned into <mark>, so nothing in a
# story can put markup on the results page.
START, STOP = "\x02", "\x03"

SNIPPET_WORDS = 30

# The fallback has no dictionary; these words would match nearly every story.
STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "she",
        "that",
        "the",
        "their",
        "they",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    }
)
MAX_FALLBACK_WORDS = 10


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def body_text(blocks: Iterable) -> str:
    """The numbered paragraphs as plain text, one blank line between them."""
    text = "\n\n".join(body.paragraph_texts(blocks).values())
    return text.replace(START, "").replace(STOP, "")


def index_article(article_id: int) -> None:
    """Recompute what search reads for one article: ``body_text`` and, on PostgreSQL,
    ``search_vector``.

    A queryset ``update()`` rather than ``save()``: indexing is not an editorial change, so
    it must not move ``modified_at``, write a revision or send another signal.
    """
    text = body_text(Block.objects.filter(article_id=article_id).only("kind", "text"))
    fields: dict = {"body_text": text}
    if _is_postgres():
        # The new body goes in as a value: inside one UPDATE, "body_text" is the old one.
        fields["search_vector"] = (
            SearchVector("headline", weight="A", config=CONFIG)
            + SearchVector("dek", weight="B", config=CONFIG)
            + SearchVector(Value(text, output_field=TextField()), weight="C", config=CONFIG)
        )
    Article.objects.filter(pk=article_id).update(**fields)


def reindex_on_change(sender, *, article_id: int, public: bool = True, **kwargs) -> None:
    """``article_changed`` receiver: every change readers could see leaves the index current.

    Only stories readers can read are searched, and every move into or out of that state is
    a public change, so a draft's edits need no reindexing until it is published.
    """
    if public:
        index_article(article_id)


def search(
    query: str,
    *,
    section: Section | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> ArticleQuerySet:
    """Published articles matching ``query``, best first, each annotated with ``snippet``.

    On PostgreSQL ``query`` is read as a web search (quoted phrases, ``-word``, ``or``), so
    stray quotes and operators never raise; ``snippet`` is the best passage of the body with
    each match between ``START`` and ``STOP``. The fallback leaves ``snippet`` to
    ``with_snippets``. Dates are publication days, inclusive.
    """
    articles = Article.objects.published()
    if section is not None:
        articles = articles.filter(section=section)
    if date_from is not None:
        articles = articles.filter(first_published_at__date__gte=date_from)
    if date_to is not None:
        articles = articles.filter(first_published_at__date__lte=date_to)
    if not query.strip():
        return articles.none()
    if _is_postgres():
        return _search_postgres(articles, query)
    return _search_fallback(articles, query)


def _search_postgres(articles: ArticleQuerySet, query: str) -> ArticleQuerySet:
    terms = SearchQuery(query, config=CONFIG, search_type="websearch")
    return (
        articles.filter(search_vector=terms)
        .annotate(
            rank=SearchRank(F("search_vector"), terms),
            snippet=SearchHeadline(
                "body_text",
                terms,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=15,
                # Fragments are cut around the matches, so a snippet starts with context.
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .defer("body_text", "search_vector")
        .order_by("-rank", "-first_published_at", "-pk")
    )


def _words(query: str) -> list[str]:
    """The fallback's search words: no stop words, no stray letters ("Millbrook’s" -> "s")."""
    words = [
        w
        for w in re.findall(r"\w+", query.casefold())
        if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())
    ]
    return list(dict.fromkeys(words))[:MAX_FALLBACK_WORDS]


def _search_fallback(articles: ArticleQuerySet, query: str) -> ArticleQuerySet:
    words = _words(query)
    if not words:
        return articles.none()
    in_headline = Q()
    for word in words:
        articles = articles.filter(
            Q(headline__icontains=word) | Q(dek__icontains=word) | Q(body_text__icontains=word)
        )
        in_headline |= Q(headline__icontains=word)
    return (
        articles.annotate(
            # An annotation, not the field: list querysets defer ``body_text``.
            snippet_source=F("body_text"),
            headline_match=Case(
                When(in_headline, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .defer("search_vector")
        .order_by("-headline_match", "-first_published_at", "-pk")
    )


def _window(text: str, words: list[str]) -> str:
    """About ``SNIPPET_WORDS`` words of ``text`` around the first match, matches marked."""
    tokens = text.split()
    if not tokens:
        return ""
    first = next(
        (i for i, token in enumerate(tokens) if any(w in token.casefold() for w in words)), 0
    )
    start = max(0, min(first - SNIPPET_WORDS // 3, len(tokens) - SNIPPET_WORDS))
    end = start + SNIPPET_WORDS
    passage = " ".join(tokens[start:end])
    if words:
        pattern = re.compile(
            r"\w*(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")\w*",
            re.IGNORECASE,
        )
        passage = pattern.sub(lambda m: START + m.group(0) + STOP, passage)
    return ("… " if start else "") + passage + (" …" if end < len(tokens) else "")


def snippet_html(raw: str) -> SafeString:
    """A snippet with its matches in ``<mark>``, everything else escaped."""
    html = escape(raw or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> tags added


def with_snippets(articles: Iterable[Article], query: str) -> list[Article]:
    """The results as a list, each with ``snippet_html``: the passage that matched."""
    results = list(articles)
    words = [] if _is_postgres() else _words(query)
    for article in results:
        raw = article.snippet if _is_postgres() else _window(article.snippet_source, words)
        article.snippet_html = snippet_html(raw)
    return results
