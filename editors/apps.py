from django.apps import AppConfig


class EditorsConfig(AppConfig):
    name = "editors"
    verbose_name = "Newsroom desk"
