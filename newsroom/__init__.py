# The job engine's app, loaded with Django so tasks bind to it (``newsroom.celery``).
from newsroom.celery import app as celery_app

__all__ = ("celery_app",)
