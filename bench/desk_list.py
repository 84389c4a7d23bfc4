"""What the desk's article list costs against a big archive: its one query, per filter.

    DATABASE_URL=postgres://…/desk_scale .venv/bin/python bench/desk_list.py EDITOR REPORTER
        [--runs 20] [--explain]

For each case (the default list, a deep page, one status, one section, an author, a date
range, headline searches, and a reporter's default list) it builds the page the way the view
does (form, ``selectors.desk_articles``, ``pagination.keyset_page``) and prints, in
milliseconds, the p50 and the slowest of ``--runs`` runs of that, then of the page's one SQL
query alone; with ``--explain`` also the plan PostgreSQL ran (``EXPLAIN (ANALYZE,
BUFFERS)``). ``EDITOR`` and ``REPORTER`` are desk usernames. Fill the
database first (``manage.py generate_corpus``), and ``ANALYZE`` it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles import selectors  # noqa: E402
from articles.models import Article, Author, Section  # noqa: E402
from articles.pagination import keyset_page  # noqa: E402
from editors.forms import ArticleFilterForm  # noqa: E402
from editors.views.articles import ARTICLE_LIST_PAGE  # noqa: E402


def cases(editor, reporter) -> list[tuple[str, object, dict]]:
    section = Section.objects.order_by("pk").first()
    author = Author.objects.filter(bylines__isnull=False).order_by("pk").first()
    middle = Article.objects.order_by("-modified_at", "-pk")[Article.objects.count() // 2]
    deep = f"{middle.modified_at.strftime('%Y%m%dT%H%M%S.%fZ')}_{middle.pk}"
    return [
        ("default, first page", editor, {}),
        ("default, half-way down", editor, {"before": deep}),
        ("status=in_review", editor, {"status": "in_review"}),
        (f"section={section.slug}", editor, {"section": section.slug}),
        (f"author={author.slug}", editor, {"author": author.slug}),
        (
            "changed in March 2020",
            editor,
            {"changed_from": "2020-03-01", "changed_to": "2020-03-31"},
        ),
        ("q=ferry (rare)", editor, {"q": "ferry"}),
        ("q=council (common)", editor, {"q": "council"}),
        ("status=draft + q=budget", editor, {"status": "draft", "q": "budget"}),
        ("reporter, default", reporter, {}),
    ]


def page_for(user, params: dict):
    request = RequestFactory().get("/desk/articles/", params)
    form = ArticleFilterForm(request.GET)
    assert form.is_valid(), form.errors
    articles = selectors.desk_articles(user=user, **form.cleaned_data)
    return keyset_page(request, articles, per_page=ARTICLE_LIST_PAGE, keys=selectors.DESK_LIST_KEYS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("editor")
    parser.add_argument("reporter")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    users = get_user_model().objects
    editor, reporter = users.get(username=args.editor), users.get(username=args.reporter)
    print(f"{Article.objects.count():,} stories; p50 and max of {args.runs} runs, ms")
    print(f"{'case':32} {'page p50':>9} {'max':>7} {'SQL p50':>8} {'max':>7}")
    for name, user, params in cases(editor, reporter):
        page_for(user, params)  # warm the cache and the connection
        pages = []
        for _ in range(args.runs):
            start = time.perf_counter()
            page = page_for(user, params)
            pages.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as captured:
            page_for(user, params)
        (query,) = [q["sql"] for q in captured.captured_queries if "articles_article" in q["sql"]]
        sql = []
        with connection.cursor() as cursor:
            for _ in range(args.runs):
                start = time.perf_counter()
                cursor.execute(query)
                cursor.fetchall()
                sql.append((time.perf_counter() - start) * 1000)
            print(
                f"{name:32} {statistics.median(pages):9.1f} {max(pages):7.1f}"
                f" {statistics.median(sql):8.2f} {max(sql):7.2f}  ({len(page)} rows)"
            )
            if args.explain:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}")
                for (line,) in cursor.fetchall():
                    print("    " + line)


if __name__ == "__main__":
    main()
