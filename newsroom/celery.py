"""The job engine: Celery, with Redis as the broker (``DJANGO_CELERY_BROKER_URL``).

Workers run ``celery -A newsroom worker``; the periodic jobs (``CELERY_BEAT_SCHEDULE`` in
the settings) run from ``celery -A newsroom beat``. Without a broker (``make run``, the
tests) every job runs in the process that asked for it, right after its transaction
commits (``task_always_eager``), and ``manage.py run_periodic`` runs the periodic ones.
Code never calls ``delay`` directly: ``newsroom.jobs.enqueue`` does, after the commit, and
copes with a broker that is down.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Finds each installed app's tasks.py.
app.autodiscover_tasks()
