"""Error reports in the Django admin: read only. The desk queue (``/desk/reports/``) is
where they are handled, through ``reports.services``; the admin is for looking things up
(every report of a story, a flood from one client)."""

from __future__ import annotations

from django.contrib import admin

from articles.admin import ReadOnlyAdmin
from reports.models import ErrorReport


# Read-only: reports never vanish silently; the queue dismisses them with a reason.
@admin.register(ErrorReport)
class ErrorReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "article", "paragraph", "status", "has_email", "handled_by")
    list_filter = ("status", "created_at", "thanked_at")
    list_select_related = ("article", "handled_by")
    search_fields = ("text", "article__headline", "article__slug", "email")
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [field.name for field in ErrorReport._meta.fields]

    @admin.display(boolean=True, description="email")
    def has_email(self, report: ErrorReport) -> bool:
        return bool(report.email)
