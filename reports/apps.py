from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Readers' error reports and the desk's queue of them (README, Reader error reports)."""

    name = "reports"
    verbose_name = "Reader error reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from articles.signals import article_changed
        from reports import services

        # After commit, like every article_changed receiver: a published correction note
        # resolves the story's reports being corrected and thanks their readers.
        article_changed.connect(
            services.resolve_on_change, dispatch_uid="reports.services.resolve_on_change"
        )
