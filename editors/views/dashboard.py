"""The desk's front page: the queues a reporter or editor works from."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.models import Article, CorrectionNote
from articles.querysets import owned_q
from editors.views import reports as report_views
from editors.views.common import desk_view, no_store
from notifications import selectors as notifications

Status = Article.Status
QUEUE_LENGTH = 8


def _queues(user) -> list[dict]:
    """Each queue: a title, a filter over the user's desk articles, and where 'all' links."""
    mine = owned_q(user)
    queues = []
    if user.has_perm("articles.publish_article"):
        # Scheduled stories that failed their publish checks when they fell due: the
        # scheduler moved them back to approved and said why (``Article.held_reason``).
        queues.append(("held-back", "Held back by the scheduler", ~Q(held_reason=""), "approved"))
    queues += [
        ("my-drafts", "My drafts", mine & Q(status=Status.DRAFT), "draft"),
        (
            "changes-requested",
            "Changes requested",
            Q(status=Status.CHANGES_REQUESTED)
            & (Q() if user.has_perm("articles.review_article") else mine),
            "changes_requested",
        ),
    ]
    if user.has_perm("articles.review_article") or user.has_perm("articles.copyedit_article"):
        queues.append(
            ("awaiting-review", "Awaiting review", Q(status=Status.IN_REVIEW) & ~mine, "in_review")
        )
    else:
        queues.append(
            ("in-review", "My stories in review", mine & Q(status=Status.IN_REVIEW), "in_review")
        )
    queues += [
        ("approved", "Approved, not yet scheduled", Q(status=Status.APPROVED), "approved"),
        ("scheduled", "Scheduled", Q(status=Status.SCHEDULED), "scheduled"),
        ("published", "Recently published", Q(status=Status.PUBLISHED), "published"),
    ]
    return [
        {"key": key, "title": title, "filter": flt, "status": status}
        for key, title, flt, status in queues
    ]


@desk_view
@no_store
def dashboard(request: HttpRequest) -> HttpResponse:
    desk = Article.objects.for_desk(request.user)
    queues = _queues(request.user)
    counts = desk.aggregate(
        **{
            q["key"].replace("-", "_"): Count("pk", filter=q["filter"], distinct=True)
            for q in queues
        }
    )
    for queue in queues:
        queue["count"] = counts[queue["key"].replace("-", "_")]
        order = "-first_published_at" if queue["status"] == "published" else "-modified_at"
        if queue["status"] == "scheduled":
            order = "scheduled_at"
        queue["articles"] = (
            list(
                desk.filter(queue["filter"])
                .distinct()
                .select_related("section")
                .order_by(order)[:QUEUE_LENGTH]
            )
            if queue["count"]
            else []
        )
    corrections = (
        CorrectionNote.objects.filter(article__in=desk, published_at__isnull=False)
        .select_related("article", "issued_by")
        .order_by("-issued_at")[:QUEUE_LENGTH]
    )
    return render(
        request,
        "editors/dashboard.html",
        {
            "queues": queues,
            "recent_corrections": corrections,
            # One query: the newest unread and their count (the navigation's badge too).
            "waiting": notifications.waiting(request),
            # One count, for those who handle readers' error reports.
            "error_reports_waiting": report_views.waiting_for(request.user),
        },
    )
