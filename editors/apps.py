from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(**kwargs) -> None:
    from editors.roles import sync_role_groups

    sync_role_groups()


class EditorsConfig(AppConfig):
    name = "editors"
    verbose_name = "Newsroom desk"

    def ready(self) -> None:
        # The roles migration creates the groups; this restores them after a test flushes
        # the database. Once the last app with models has migrated: post_migrate creates
        # each app's permissions in turn, and roles hold permissions of several apps
        # (``api.hold_token`` among them).
        last = [config for config in self.apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(_sync_roles, sender=last, dispatch_uid="editors.sync_roles")
