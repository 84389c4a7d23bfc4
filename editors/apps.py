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
        # the database. ``editors`` has no models, so listen to ``articles``' migrations.
        post_migrate.connect(
            _sync_roles,
            sender=self.apps.get_app_config("articles"),
            dispatch_uid="editors.sync_roles",
        )
