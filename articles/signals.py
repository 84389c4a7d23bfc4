from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.context_processors import NAV_CACHE_KEY
from articles.models import Section


@receiver([post_save, post_delete], sender=Section)
def forget_navigation(**kwargs) -> None:
    cache.delete(NAV_CACHE_KEY)
