from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from articles import search, signals

        # NOTE: connected before the page cache's receivers (receivers run in connection
        # order): the search index must be current before the cache generation moves on, or
        # a search rendered in between would be stored under the new generation, stale.
        signals.article_changed.connect(
            search.reindex_on_change, dispatch_uid="articles.search.reindex_on_change"
        )

        # Imported for their receivers, the prepared renderings before the page cache's
        # generation bumps (so the first page rendered after a change finds them ready).
        from articles import caching, rendering, surrogates  # noqa: F401
        from articles.renditions import connect as connect_renditions

        # Front cache purges last: after the page cache's bump and the renderings.
        surrogates.connect()

        # Lead and body images get cleaned and their renditions made after the save commits.
        connect_renditions()
