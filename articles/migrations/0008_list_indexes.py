"""Indexes for the reader lists paged by key (``articles.pagination``), the feeds and the
sitemaps: each matches a list's filter and order, so a page reads its rows and stops.

On PostgreSQL they are built ``CONCURRENTLY``: a newsroom with a million stories keeps
publishing while they are made (hence ``atomic = False``). A build that fails half-way leaves
an invalid index behind; drop it (``DROP INDEX CONCURRENTLY name``) and migrate again.
"""

from django.db import migrations, models


class AddIndexConcurrently(migrations.AddIndex):
    """``AddIndex``, without locking the table against writes on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            concurrently = schema_editor.connection.vendor == "postgresql"
            options = {"concurrently": True} if concurrently else {}
            schema_editor.add_index(model, self.index, **options)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            concurrently = schema_editor.connection.vendor == "postgresql"
            options = {"concurrently": True} if concurrently else {}
            schema_editor.remove_index(model, self.index, **options)


READABLE = models.Q(("status__in", ["published", "retracted"]))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0007_renderings"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="article",
            index=models.Index(
                condition=READABLE,
                fields=["-first_published_at", "-id"],
                name="article_readable_latest",
            ),
        ),
        AddIndexConcurrently(
            model_name="article",
            index=models.Index(
                condition=READABLE,
                fields=["section", "-first_published_at", "-id"],
                name="article_readable_section",
            ),
        ),
        AddIndexConcurrently(
            model_name="correctionnote",
            index=models.Index(
                condition=models.Q(("published_at__isnull", False), ("withdrawn_at__isnull", True)),
                fields=["-issued_at", "-id"],
                name="correctionnote_public_latest",
            ),
        ),
    ]
