from django.db import migrations

from editors.migrations._sync import create_role_groups


class Migration(migrations.Migration):
    """Every desk role and the new Partner group may hold API tokens: the role table gained
    ``api.hold_token``."""

    dependencies = [("editors", "0003_preview_permission"), ("api", "0001_tokens")]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
