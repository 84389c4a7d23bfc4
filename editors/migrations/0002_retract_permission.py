from django.db import migrations

from editors.migrations._sync import create_role_groups


class Migration(migrations.Migration):
    """Editors may retract: the role table gained ``articles.retract_article``."""

    dependencies = [("editors", "0001_roles"), ("articles", "0003_integrity")]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
