"""Search reads each candidate story's ``search_vector``: keep it in the row (PostgreSQL).

A vector is about 2 kB, so PostgreSQL's default storage moves it out to the TOAST table, and
every story a search looks at costs three or four more page reads (the TOAST index and its
chunks), twice: once to test the match, once to rank it. With ``STORAGE MAIN`` it stays in
the row, compressed, and the body text (read only for the page's snippets) moves out
instead. See ``articles.search``.

``SET STORAGE`` changes how rows are written from now on; rows already stored keep their
layout until they are written again (``reindex_search``, ``generate_corpus``), or all at once
with ``UPDATE articles_article SET search_vector = search_vector || ''::tsvector`` in batches
followed by ``VACUUM``, or with ``VACUUM FULL``.

The recency index search walks, ``article_readable_latest``, comes with 0008.
"""

from django.db import migrations


def set_storage(storage):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name('articles_article')} "
            f"ALTER COLUMN {schema_editor.quote_name('search_vector')} SET STORAGE {storage}"
        )

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_list_indexes"),
    ]

    operations = [
        migrations.RunPython(set_storage("MAIN"), set_storage("EXTENDED")),
    ]
