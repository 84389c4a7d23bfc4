"""Sending error reports as a reader does, for the tests in this folder."""

from __future__ import annotations

import time

from django.urls import reverse

from reports import spam

READER = "198.51.100.7"


def report_url(article) -> str:
    return reverse("reports:report", kwargs={"slug": article.slug})


def token(article, *, seconds_ago: float = 60) -> str:
    """The form's signed timestamp as if the form had been shown ``seconds_ago``."""
    return spam.form_token(article.pk, now=lambda: time.time() - seconds_ago)


def report_data(article, **fields) -> dict:
    """A report as a person sends it, a minute after opening the form."""
    return {
        "paragraph": "2",
        "text": "The vote was 6 to 3, not 7 to 2: see the minutes.",
        "email": "",
        "started": token(article),
        spam.HONEYPOT_FIELD: "",
        **fields,
    }


def send(client, article, *, address: str = READER, **fields):
    return client.post(report_url(article), report_data(article, **fields), REMOTE_ADDR=address)
