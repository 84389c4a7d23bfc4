"""The floor, for ``bench/run.py``: what a request costs this stack before the newsroom does
anything. Settings module and URLconf in one (``DJANGO_SETTINGS_MODULE=newsroom.floor``).

Everything in ``newsroom.settings`` (the apps, ``DJANGO_DEBUG=0``, the same gunicorn), but
only the middleware ``django-admin startproject`` writes and one view that answers "ok"
without touching the database or the cache. A reader page's share of the floor's rate says
how much of its cost is the page itself rather than Python, Django and gunicorn.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from newsroom.settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "newsroom.floor"


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("", ok)]
