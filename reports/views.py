"""The reader's side: the report form of a live story, and the thanks after it.

The story page itself is cached for anonymous readers and carries no form (no CSRF token);
it links here. These pages are never cached (``never_cache``: the reader page cache skips
any response marked no-cache, and one that uses the CSRF token).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from articles.exceptions import InvalidTransition
from articles.models import Article
from articles.visibility import reader_outcome
from editors.security import client_address
from reports import services, spam
from reports.forms import MESSAGES, ErrorReportForm

log = logging.getLogger("newsroom.reports")

RATE_GROUP = "newsroom.error_report"
#: The fields a refused report keeps for the reader, whatever the refusal.
KEPT_FIELDS = ("paragraph", "text", "email")


def _story(request: HttpRequest, slug: str) -> tuple[Article | None, HttpResponse | None]:
    """The story readers may report on, or the answer its page gives instead: 404 when
    readers cannot read it, the story page's 410 when it was taken down, and a note that
    a retracted story is no longer corrected."""
    article = Article.objects.filter(slug=slug).select_related("section").first()
    outcome = reader_outcome(article) if article is not None else None
    if outcome is None or outcome.status_code == 404:
        raise Http404("No such story.")
    if outcome.gone:
        context = {"article": article, "outcome": outcome}
        return None, render(request, "articles/gone.html", context, status=410)
    if not services.reportable(article):
        context = {"article": article, "corrections_email": settings.NEWSROOM_CORRECTIONS_EMAIL}
        return None, render(request, "reports/closed.html", context, status=410)
    return article, None


def _rate_limited(request: HttpRequest) -> bool:
    """Count this report against the client's rate; whether it is over. A cache that cannot
    count lets the report through (logged), as ``RATELIMIT_FAIL_OPEN`` does."""
    try:
        return is_ratelimited(
            request,
            group=RATE_GROUP,
            key="ip",
            rate=settings.NEWSROOM_ERROR_REPORT_RATE,
            increment=True,
        )
    except Exception:
        log.warning("Error reports: the rate could not be counted.", exc_info=True)
        return False


def _preselected(request: HttpRequest, paragraphs: dict[int, str]) -> int | None:
    raw = request.GET.get("p", "")
    return int(raw) if raw.isdigit() and int(raw) in paragraphs else None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """The form; a report that passes goes to the desk queue, then to the thanks page."""
    article, answer = _story(request, slug)
    if answer is not None:
        return answer
    paragraphs = services.paragraph_choices(article)
    form_kwargs = {"article_id": article.pk, "paragraphs": paragraphs}
    status, refusal, token = 200, "", ""
    if request.method != "POST":
        initial = {"paragraph": _preselected(request, paragraphs)}
        form = ErrorReportForm(initial=initial, **form_kwargs)
    elif _rate_limited(request):
        # Not even checked: shown again as typed, with the reason.
        form = ErrorReportForm(
            initial={name: request.POST.get(name, "") for name in KEPT_FIELDS}, **form_kwargs
        )
        status, refusal, token = 429, "rate", request.POST.get("started", "")
    else:
        form = ErrorReportForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_create(
                    article=article,
                    paragraph=data["paragraph"],
                    text=data["text"],
                    email=data["email"],
                    client=client_address(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except InvalidTransition as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("reports:thanks", slug=article.slug)
        status, refusal = 400, form.refusal
        # A form that expired (or lost its signature) gets a fresh one: sending it again
        # works. Any other refusal keeps the time it was first shown.
        if refusal not in {"expired", "invalid"}:
            token = request.POST.get("started", "")
    context = {
        "article": article,
        "form": form,
        "token": token or spam.form_token(article.pk),
        # The rate limit's refusal; the form's own are among its errors.
        "refusal": MESSAGES["rate"] if refusal == "rate" else "",
        "honeypot_name": spam.HONEYPOT_FIELD,
    }
    return render(request, "reports/report_form.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """After a report: what happens next (POST/redirect/GET)."""
    article, answer = _story(request, slug)
    if answer is not None:
        return answer
    return render(request, "reports/report_thanks.html", {"article": article})
