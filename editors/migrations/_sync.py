"""Shared by the role migrations: bring the role groups in line with ``editors.roles``."""

from django.contrib.auth.management import create_permissions


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations run; create them now so the
    # groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    from editors.roles import sync_role_groups

    sync_role_groups(apps)
