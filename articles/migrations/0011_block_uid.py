"""A stable identity for every body block (``Block.uid``), unique within its story.

Existing rows get random 8-character ids. The fill reads the blocks in story order, only
their keys, in chunks of ``BATCH``, and writes each chunk back with one ``bulk_update``: a
million blocks are 500 round trips of a few thousand rows each, with memory bounded by one
chunk, on SQLite and PostgreSQL alike. A story's ids are checked unique as they are made.
The unique constraint is added after the fill.
"""

import secrets
import string

from django.db import migrations, models

import articles.models

BATCH = 2000
ALPHABET = string.ascii_letters + string.digits


def fill_uids(apps, schema_editor):
    Block = apps.get_model("articles", "Block")
    rows = Block.objects.filter(uid="").order_by("article_id", "pk").only("pk", "article_id")
    batch, seen, article_id = [], set(), None
    for block in rows.iterator(chunk_size=BATCH):
        if block.article_id != article_id:
            article_id, seen = block.article_id, set()
        uid = "".join(secrets.choice(ALPHABET) for _ in range(8))
        while uid in seen:
            uid = "".join(secrets.choice(ALPHABET) for _ in range(8))
        seen.add(uid)
        block.uid = uid
        batch.append(block)
        if len(batch) >= BATCH:
            Block.objects.bulk_update(batch, ["uid"])
            batch = []
    if batch:
        Block.objects.bulk_update(batch, ["uid"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_desk_list_indexes")]

    operations = [
        migrations.AddField(
            model_name="block",
            name="uid",
            field=models.CharField(db_index=True, default="", editable=False, max_length=32),
        ),
        migrations.RunPython(fill_uids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="block",
            name="uid",
            field=models.CharField(
                db_index=True,
                default=articles.models.new_block_uid,
                editable=False,
                max_length=32,
            ),
        ),
        migrations.AddConstraint(
            model_name="block",
            constraint=models.UniqueConstraint(fields=("article", "uid"), name="block_unique_uid"),
        ),
    ]
