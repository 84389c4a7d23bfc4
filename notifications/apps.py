from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The desk's notifications: who is told of what happens to a story (``kinds``)."""

    name = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from articles.signals import article_changed
        from notifications import dispatch

        article_changed.connect(
            dispatch.on_article_changed, dispatch_uid="notifications.dispatch.on_article_changed"
        )
