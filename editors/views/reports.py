"""Readers' error reports in the desk: the queue, dismissing one, turning one into a
correction. The rules live in ``reports.services``; these views parse, call and report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.exceptions import InvalidTransition
from articles.pagination import keyset_page
from editors.views.common import desk_view, no_store, report_error
from reports import services
from reports.forms import DismissForm
from reports.models import ErrorReport

Status = ErrorReport.Status
PAGE_SIZE = 30
#: How a note prefilled from a report starts; the editor writes the rest.
NOTE_DRAFT = "An earlier version of this story "
#: The queue's tabs, in the order an editor works through them.
TABS = (Status.OPEN, Status.ACCEPTED, Status.DISMISSED, Status.CORRECTED)


def _require_handler(request: HttpRequest) -> None:
    if not services.can_handle(request.user):
        raise PermissionDenied("Only editors who correct stories handle error reports.")


def _status(value: str) -> str:
    return value if value in Status.values else Status.OPEN


def waiting_count() -> int:
    """Reports nobody has handled yet (one count on the ``report_queue`` index)."""
    return ErrorReport.objects.waiting().count()


def waiting_for(user) -> int | None:
    """The waiting count for someone who handles reports (the dashboard's line), else None
    without a query."""
    return waiting_count() if services.can_handle(user) else None


@desk_view
@no_store
def report_list(request: HttpRequest) -> HttpResponse:
    """One status at a time, newest first, paged by key (never counted but for the open
    ones): two queries after the request's own."""
    _require_handler(request)
    status = _status(request.GET.get("status", ""))
    page = keyset_page(
        request,
        ErrorReport.objects.for_queue(status),
        per_page=PAGE_SIZE,
        keys=("-created_at", "-pk"),
    )
    for report in page.object_list:
        if report.status in (Status.OPEN, Status.ACCEPTED):
            report.dismiss_form = DismissForm(prefix=f"dismiss-{report.pk}")
    tabs = [(value, Status(value).label) for value in TABS]
    return render(
        request,
        "reports/desk/report_list.html",
        {
            "page": page,
            "status": status,
            "status_label": Status(status).label,
            "tabs": tabs,
            "waiting": waiting_count(),
        },
    )


def _back(status: str) -> HttpResponse:
    return redirect(f"{reverse('editors:report_list')}?status={_status(status)}")


@desk_view
@require_POST
def report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    _require_handler(request)
    report = get_object_or_404(ErrorReport, pk=pk)
    form = DismissForm(request.POST, prefix=f"dismiss-{report.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Report {report.pk} was not dismissed: {error}")
        return _back(request.POST.get("back", ""))
    try:
        services.report_dismiss(report=report, actor=request.user, reason=form.reason)
    except (ValidationError, PermissionDenied, InvalidTransition) as exc:
        report_error(request, exc)
    else:
        messages.success(request, f"Report {report.pk} dismissed: {form.reason}")
    return _back(request.POST.get("back", ""))


@desk_view
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a report into a correction: the story's desk page, its correction fields
    prefilled from the report (``?report=``)."""
    _require_handler(request)
    report = get_object_or_404(ErrorReport, pk=pk)
    try:
        report = services.report_accept(report=report, actor=request.user)
    except (PermissionDenied, InvalidTransition) as exc:
        report_error(request, exc)
        return _back(request.POST.get("back", ""))
    url = reverse("editors:article_edit", kwargs={"pk": report.article_id})
    return redirect(f"{url}?report={report.pk}#correction")


def report_for_correction(request: HttpRequest, article) -> ErrorReport | None:
    """The report named by ``?report=`` on the desk page of ``article`` when it can still
    become this story's correction, else None (no query without the parameter)."""
    raw = request.GET.get("report", "")
    if not raw.isdigit() or not services.can_handle(request.user):
        return None
    return (
        ErrorReport.objects.filter(
            pk=int(raw), article=article, status__in=[Status.OPEN, Status.ACCEPTED]
        )
        .order_by()
        .first()
    )


def correction_initial(report: ErrorReport) -> dict:
    """The correction fields as a report leaves them: a correction of its paragraph, the
    note's wording begun. The choice stays the editor's: pressing "Publish correction"
    without one shows what changed first (``editors.views.articles.article_edit``)."""
    return {
        "kind": "correction",
        "paragraphs": str(report.paragraph) if report.paragraph else "",
        "text": NOTE_DRAFT,
    }
