from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Subscriber endpoints told of every public change to a story (``webhooks.events``)."""

    name = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"
