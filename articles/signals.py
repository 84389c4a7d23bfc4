from __future__ import annotations

from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from articles.context_processors import NAV_CACHE_KEY
from articles.models import Section

# Sent after the transaction that changed an article commits, with ``article_id``, the
# audit ``action`` ("article.publish", "article.correct", ...) and ``public``: whether
# readers could see the change, and ``event_id``, the audit row (``ArticleEvent``).
# ``articles.services`` sends it for every write; the search index and the page cache
# listen, and act only on public changes; ``notifications`` tells the desk's people.
article_changed = Signal()


@receiver([post_save, post_delete], sender=Section)
def forget_navigation(**kwargs) -> None:
    caches["shared"].delete(NAV_CACHE_KEY)
