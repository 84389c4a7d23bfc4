"""Indexes for the desk's article list (``articles.selectors.desk_articles``), paged by key
newest change first (``DESK_LIST_KEYS``): the whole list, one status's and one section's each
read as a range of an index in list order, so a page reads its rows and stops.

The headline search (``headline__icontains``, which PostgreSQL runs as ``UPPER(headline)
LIKE UPPER('%…%')``) gets a pg_trgm GIN index on exactly that expression. It is PostgreSQL
only, so like 0004's search index it is kept out of ``Article.Meta`` and the migration state
(a GIN index there would be built on SQLite too, and fail); ``TrigramExtension`` does nothing
on SQLite.

On PostgreSQL every index is built ``CONCURRENTLY``: the desk keeps saving while they are
made (hence ``atomic = False``). A run that fails half-way keeps the indexes it finished and
leaves the one it was building invalid; drop those (``DROP INDEX CONCURRENTLY name``) and
migrate again.
"""

from django.contrib.postgres import operations as postgres
from django.db import migrations, models


class AddIndexConcurrently(postgres.AddIndexConcurrently):
    """Django's ``AddIndexConcurrently`` on PostgreSQL; a plain ``AddIndex`` elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )


class TrigramExtension(postgres.TrigramExtension):
    """pg_trgm on PostgreSQL. Django's skips other databases going forwards but not back."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


TRIGRAM_INDEX = "article_headline_trgm"


def create_trigram_index(apps, schema_editor):
    # NOTE: written out because Django only places an operator class outside an indexed
    # expression's parentheses (``(UPPER(headline)) gin_trgm_ops``) when
    # django.contrib.postgres is an installed app, which this project does not need.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {schema_editor.quote_name(TRIGRAM_INDEX)} "
        f"ON {schema_editor.quote_name('articles_article')} "
        f"USING gin ((UPPER({schema_editor.quote_name('headline')})) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(TRIGRAM_INDEX)}"
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0009_search_vector_storage"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="article",
            index=models.Index(fields=["-modified_at", "-id"], name="article_desk_latest"),
        ),
        AddIndexConcurrently(
            model_name="article",
            index=models.Index(
                fields=["status", "-modified_at", "-id"], name="article_desk_status"
            ),
        ),
        AddIndexConcurrently(
            model_name="article",
            index=models.Index(
                fields=["section", "-modified_at", "-id"], name="article_desk_section"
            ),
        ),
        TrigramExtension(),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
