"""Error reports in the Django admin: listed and filtered for looking things up, never
added, changed or deleted there (the desk queue handles them)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports import services

pytestmark = pytest.mark.django_db


def test_the_admin_lists_reports_read_only(client, superuser, story):
    report = services.report_create(article=story, paragraph=2, text="The vote was 6 to 3.")
    client.force_login(superuser)

    listing = client.get(reverse("admin:reports_errorreport_changelist"), {"status": "open"})
    detail = client.get(reverse("admin:reports_errorreport_change", args=[report.pk]))

    assert listing.status_code == detail.status_code == 200
    assert story.headline in listing.text
    assert client.get(reverse("admin:reports_errorreport_add")).status_code == 403
    delete = reverse("admin:reports_errorreport_delete", args=[report.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    report.refresh_from_db()
