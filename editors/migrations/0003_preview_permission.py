from django.db import migrations

from editors.migrations._sync import create_role_groups


class Migration(migrations.Migration):
    """Reporters and editors may share previews: the role table gained
    ``articles.share_preview``."""

    dependencies = [("editors", "0002_retract_permission"), ("articles", "0006_previews_and_holds")]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
