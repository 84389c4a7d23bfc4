from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read API at /api/v1/ (Django REST framework, OpenAPI schema by drf-spectacular)."""

    name = "api"
    verbose_name = "Read API"
