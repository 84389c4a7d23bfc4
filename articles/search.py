"""Reader search: what is indexed, how it is kept current, and how a query is answered.

On PostgreSQL every article carries a stored ``search_vector`` (headline weighted above the
standfirst above the body, English stemming) behind a GIN index, refreshed by
``index_article`` whenever a service changes the article (``articles.signals.article_changed``).
On SQLite, the development default, the same page works on a plain fallback: every word of
the query must stand in the headline, standfirst or body, headline matches first.

A query is answered in two steps, so that it costs the same for a word in every story as
for a word in none: ``search`` ranks the ``NEWEST_MATCHES`` newest matches and returns their
ids, best first (never counting the rest), and ``results`` loads one page of them, with the
snippets made for that page only.

The vector is kept in the row (``STORAGE MAIN``, migration 0009): every story a search
looks at is one page read, not four.

Only ``Article.objects.published()`` is ever searched, so a draft, a scheduled story or an
unpublished one never turns up, whatever words it holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles import body
from articles.models import Article, Block
from newsroom import jobs

if TYPE_CHECKING:
    from django.http import HttpRequest

    from articles.models import Section
    from articles.querysets import ArticleQuerySet

CONFIG = "english"

# The snippet comes back from the database as plain text with these around each match;
# the text is escaped first and only then are they turned into <mark>, so nothing in a
# story can put markup on the results page.
START, STOP = "\x02", "\x03"

SNIPPET_WORDS = 30

# How many of the newest matching stories a query ranks. A word in most stories matches
# hundreds of thousands of them; ranking them all costs seconds, and so does counting them.
# So a query takes its newest matches (after the section and date filters), this many at
# most, and ranks only those; the page says so when there were more, and the filters reach
# the older ones. Enough for twenty-five pages of results; few enough that the search costs
# about the same for any word at any size of archive.
NEWEST_MATCHES = 500

# When a word is in fewer than one story in twenty (PostgreSQL), the newest stories that
# probably hold twice the matches needed are searched first, if they are not so many that
# reading the GIN index's matches alone costs less. See ``_window_start``.
WINDOW_MAX_SHARE = 0.05
WINDOW_MARGIN = 2
WINDOW_MAX_STORIES = 100_000

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
    """``article_changed`` receiver (after commit): every change readers could see leaves
    the index current, through a background job (``articles.tasks.index_article``).

    Only stories readers can read are searched, and every move into or out of that state is
    a public change, so a draft's edits need no reindexing until it is published.
    """
    if public:
        from articles.tasks import index_article as index_job

        jobs.send(index_job, (article_id,))


@dataclass(frozen=True)
class Matches:
    """What a query found: the ids of the stories it ranked, best first.

    ``capped``: more stories match than the ``limit`` newest that were ranked, so the page
    must not claim a total; the stories beyond it are older and reached through the filters.
    """

    ids: list[int]
    capped: bool
    limit: int

    def __len__(self) -> int:
        return len(self.ids)


def search(
    query: str,
    *,
    section: Section | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Matches:
    """Published articles matching ``query``: the ``NEWEST_MATCHES`` newest matches (after
    the filters), best first.

    On PostgreSQL ``query`` is read as a web search (quoted phrases, ``-word``, ``or``), so
    stray quotes and operators never raise, and "best" is ``ts_rank`` (headline above
    standfirst above body); the fallback puts headline matches first. Ties, and equal ranks,
    go newest first. Dates are publication days in the newsroom's time zone, inclusive.
    ``results`` loads a page of them.
    """
    limit = NEWEST_MATCHES
    if not query.strip():
        return Matches(ids=[], capped=False, limit=limit)
    articles = Article.objects.published()
    if section is not None:
        articles = articles.filter(section=section)
    # Ranges on the column, not ``__date`` lookups, so the recency index serves them.
    if date_from is not None and (start := _day_start(date_from)) is not None:
        articles = articles.filter(first_published_at__gte=start)
    if date_to is not None and (end := _day_start(date_to, days_later=1)) is not None:
        articles = articles.filter(first_published_at__lt=end)
    if _is_postgres():
        dated = date_from is not None or date_to is not None
        rows = _newest_postgres(articles, query, limit + 1, windowed=not dated)
    else:
        rows = _newest_fallback(articles, query, limit + 1)
    # ``rows`` come newest first: a stable sort leaves equal scores in that order.
    ranked = sorted(rows[:limit], key=lambda row: -row[1])
    return Matches(ids=[pk for pk, _score in ranked], capped=len(rows) > limit, limit=limit)


def _day_start(day: date, *, days_later: int = 0) -> datetime | None:
    """Midnight at the start of ``day`` (or so many days later) in the current time zone;
    None past the calendar's ends (a date field accepts 9999-12-31, which has no next day)."""
    try:
        start = datetime.combine(day + timedelta(days=days_later), time.min)
        return timezone.make_aware(start).astimezone(UTC)
    except OverflowError:
        return None


def _newest_postgres(
    articles: ArticleQuerySet, query: str, count: int, *, windowed: bool = True
) -> list[tuple]:
    """``(id, rank)`` of the ``count`` newest matches, newest first.

    A word in most stories is best found by walking the recency index newest first until
    ``count`` match, and a rare one by reading its few matches from the GIN index; the
    planner picks between them from the word's frequency (the statistics of
    ``search_vector`` hold the common lexemes). In between, a word in fewer than one story
    in twenty but in too many to read them all, both cost thousands of page reads at a
    million stories: such a word is looked for first among the newest stories that
    probably hold enough matches (``_window_start``; not with date filters, a window
    already), and among every story only if those fall short.
    """
    terms = SearchQuery(query, config=CONFIG, search_type="websearch")
    matching = articles.filter(search_vector=terms)
    since = _window_start(articles, matching, count) if windowed else None
    if since is not None:
        rows = _rank_newest(matching.filter(first_published_at__gte=since), query, count)
        if len(rows) == count:
            return rows
    return _rank_newest(matching, query, count)


def _window_start(
    articles: ArticleQuerySet, matching: ArticleQuerySet, count: int
) -> datetime | None:
    """Where the newest stories likely to hold ``count`` matches begin, or None when the
    planner does better over every story (common words, rare words, small archives)."""
    # NOTE: estimates only, so it costs the same at any size: the planner's row estimates
    # (two EXPLAINs, not executed) say what share of the stories match, and its histogram
    # of publication times when the newest stories holding twice ``count`` matches begin.
    # That time goes into the query as a literal, so the planner knows how narrow the
    # window is: it intersects the GIN index's matches with a range of the recency index
    # before reading a row. A wrong estimate only costs time: a window short of ``count``
    # matches is searched again without it.
    stories, matches = _estimated_rows(articles), _estimated_rows(matching)
    if matches <= WINDOW_MARGIN * count or matches >= WINDOW_MAX_SHARE * stories:
        return None
    newest_share = WINDOW_MARGIN * count / matches
    if newest_share * stories > WINDOW_MAX_STORIES:
        return None
    return _published_since(newest_share=newest_share)


def _published_since(*, newest_share: float) -> datetime | None:
    """About when the newest ``newest_share`` of the stories began to be published, read
    off the planner's histogram of publication times (as many stories between each two
    bounds); None before ``ANALYZE`` has made one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT histogram_bounds::text::timestamptz[] FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            [Article._meta.db_table, Article._meta.get_field("first_published_at").column],
        )
        row = cursor.fetchone()
    bounds = row[0] if row else None
    if not bounds or len(bounds) < 2:
        return None
    position = (1 - newest_share) * (len(bounds) - 1)
    below = min(int(position), len(bounds) - 2)
    return bounds[below] + (bounds[below + 1] - bounds[below]) * (position - below)


def _estimated_rows(articles: ArticleQuerySet) -> float:
    """The planner's estimate of how many rows ``articles`` holds."""
    sql, params = articles.order_by().values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        [(plan,)] = cursor.fetchall()
    if isinstance(plan, str):  # psycopg returns json as text unless told otherwise
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


def _rank_newest(matching: ArticleQuerySet, query: str, count: int) -> list[tuple]:
    """``(id, rank)`` of the ``count`` newest of ``matching``, newest first."""
    # NOTE: two phases in one statement. The inner query finds the newest matches and
    # stops; only its rows are ranked. ``ts_rank`` must sit outside it: in the same
    # SELECT, a plan that sorts (a rare word's, from the GIN index) would rank every
    # match before the LIMIT, since PostgreSQL only postpones costlier functions past a
    # sort. The inner query carries row addresses, not vectors, so its sort stays small;
    # the outer one reads each ranked row again by address (a TID scan, one page).
    table = connection.ops.quote_name(Article._meta.db_table)
    newest = (
        matching.annotate(tid=RawSQL(f"{table}.ctid", ()))  # noqa: S611 - no values
        .order_by("-first_published_at", "-pk")
        .values_list("tid", "pk", "first_published_at")[:count]
    )
    sql, params = newest.query.sql_with_params()
    # The ORM's own SQL inside; every value is a parameter.
    ranked = (
        "SELECT newest.id, ts_rank(story.search_vector, websearch_to_tsquery(%s::regconfig, %s)) "  # noqa: S608
        f"FROM ({sql}) AS newest (tid, id, first_published_at) "
        f"JOIN {table} AS story ON story.ctid = newest.tid "
        "ORDER BY newest.first_published_at DESC, newest.id DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(ranked, [CONFIG, query, *params])
        return cursor.fetchall()


def _words(query: str) -> list[str]:
    """The fallback's search words: no stop words, no stray letters ("Millbrook’s" -> "s")."""
    words = [
        w
        for w in re.findall(r"\w+", query.casefold())
        if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())
    ]
    return list(dict.fromkeys(words))[:MAX_FALLBACK_WORDS]


def _newest_fallback(articles: ArticleQuerySet, query: str, count: int) -> list[tuple]:
    """``(id, 1 if a word is in the headline else 0)`` of the ``count`` newest stories
    holding every word, newest first."""
    words = _words(query)
    if not words:
        return []
    in_headline = Q()
    for word in words:
        articles = articles.filter(
            Q(headline__icontains=word) | Q(dek__icontains=word) | Q(body_text__icontains=word)
        )
        in_headline |= Q(headline__icontains=word)
    return list(
        articles.annotate(
            headline_match=Case(
                When(in_headline, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-first_published_at", "-pk")
        .values_list("pk", "headline_match")[:count]
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


def results(ids: Sequence[int], query: str, request: HttpRequest) -> list[Article]:
    """The stories ``ids`` (a page of ``Matches.ids``), in that order, each with
    ``snippet_html`` (the passage that matched ``query``) and ``teaser_html`` (its prepared
    teaser, ``articles.rendering``, with the snippet in it).

    One query, whatever the page size, when the teasers are prepared: on PostgreSQL
    ``ts_headline`` runs here, for these stories only, never for every match ranked.
    """
    articles = Article.objects.published().filter(pk__in=list(ids)).with_teasers("teaser_html")
    if _is_postgres():
        articles = articles.annotate(
            snippet=SearchHeadline(
                "body_text",
                SearchQuery(query, config=CONFIG, search_type="websearch"),
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=15,
                # Fragments are cut around the matches, so a snippet starts with context.
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
    else:
        # An annotation, not the field: list querysets defer ``body_text``.
        articles = articles.annotate(snippet_source=F("body_text"))
    by_id = {article.pk: article for article in articles}
    # A story unpublished since the ranking query is left out, not shown.
    found = [by_id[pk] for pk in ids if pk in by_id]
    words = [] if _is_postgres() else _words(query)
    for article in found:
        raw = article.snippet if _is_postgres() else _window(article.snippet_source, words)
        article.snippet_html = snippet_html(raw)
    # Imported here: ``articles.apps`` connects the receivers of this module and of
    # ``rendering`` in a set order.
    from articles import rendering

    teasers = rendering.for_list(found, "teaser_html", request)
    for article, teaser in zip(found, teasers, strict=True):
        article.teaser_html = _with_snippet(teaser, article)
    return found


# The prepared teaser is ``articles/includes/_teaser.html`` rendered without a snippet;
# the snippet goes where that template puts it, before the byline and date.
SNIPPET_BEFORE = '<div class="teaser-meta">'


def _with_snippet(teaser: SafeString, article: Article) -> SafeString:
    """``teaser`` with the article's snippet in it, as the teaser template places one."""
    if not article.snippet_html:
        return teaser
    head, seam, tail = teaser.partition(SNIPPET_BEFORE)
    if not seam:
        # The template changed its markup: render this teaser whole (tests catch this).
        return render_to_string(
            "articles/includes/_teaser.html",
            {"article": article, "level": 3, "snippet": article.snippet_html},
        )
    snippet = format_html('<p class="teaser-snippet">{}</p>\n    ', article.snippet_html)
    return mark_safe(head + snippet + seam + tail)  # noqa: S308 - all parts already safe
