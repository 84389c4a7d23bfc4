"""The reports app's background jobs (``newsroom.jobs``). Each is idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="reports.tasks.thank_reporter")
def thank_reporter(report_id: int) -> bool:
    """Thank the reader whose report a published correction resolved (once per report)."""
    from reports import services

    return services.report_thank(report_id=report_id)
