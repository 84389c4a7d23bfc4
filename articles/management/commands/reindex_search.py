"""``manage.py reindex_search``: rebuild what search reads for every article.

Services keep the index current on every write; this is for data that arrived some other
way (a restored dump, rows written in a shell, a change to how articles are indexed).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.search import index_article


class Command(BaseCommand):
    help = "Recompute the search text (and on PostgreSQL the search vector) of every article."

    def handle(self, *args, **options) -> None:
        count = 0
        for article_id in Article.objects.order_by("pk").values_list("pk", flat=True).iterator():
            index_article(article_id)
            count += 1
        self.stdout.write(
            self.style.SUCCESS(f"Reindexed {count} article{'s' if count != 1 else ''}.")
        )
