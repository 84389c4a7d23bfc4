"""The site's own error pages: 400, 403, 404, 500 and 503, in the reader's or the desk's style.

``newsroom.urls`` names these as Django's ``handler400/403/404/500`` and settings make
``csrf_failure`` the CSRF failure view; ``newsroom.outage`` answers 503 with
``service_unavailable``. Paths under ``DESK_PREFIXES`` get the desk's look, everything else
the reader site's.

They render with a plain context: no request, so no context processor runs. Nothing here
may query the database or read the cache (no section navigation, no ``user``), because the
500 and the 503 must render while PostgreSQL or Redis is down, and a 404 should cost
nothing. Tests pin that at zero queries.

The wording is data (``PAGES``): for each page, what happened and what to do next; the two
templates lay it out with the links that fit (front page, search, go back, sign in, try
again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

#: Paths shown in the desk's style; the rest of the site (previews included) is the reader's.
DESK_PREFIXES = ("/desk/", "/accounts/", "/admin/")


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    what: str  # what happened
    next: str  # what to do about it


_TOO_BIG = ErrorPage(
    400,
    "That form was too large",
    "The form was larger than we accept, so nothing in it was saved or kept here.",
    "Go back: your browser still has your text. Send it in smaller pieces (a long story "
    "split in two, pictures one at a time) and try again.",
)
_TOO_MANY = ErrorPage(
    400,
    "That form had too many parts",
    "The form had more fields or files than we accept, so nothing in it was saved.",
    "Go back: your browser still has your text. Save it in smaller steps.",
)
_CSRF = ErrorPage(
    403,
    "This form has expired",
    "The page you sent it from was out of date (or your browser refused our cookie), so "
    "for your safety nothing was saved.",
    "Go back and reload the page, then send the form again: your browser still has your "
    "text, and the editor keeps an autosaved copy. If you signed out in another tab, sign in "
    "again first.",
)

#: Every page, by (style, name). ``name`` is the status, or a status and a reason.
PAGES: dict[tuple[str, str], ErrorPage] = {
    ("reader", "400"): ErrorPage(
        400,
        "Bad request",
        "Your browser sent a request we could not understand.",
        "Go back and try again, or start from the front page.",
    ),
    ("desk", "400"): ErrorPage(
        400,
        "Bad request",
        "Your browser sent a request the desk could not understand, so nothing was saved.",
        "Go back and try again: your browser still has your text.",
    ),
    ("reader", "400-too-big"): _TOO_BIG,
    ("desk", "400-too-big"): _TOO_BIG,
    ("reader", "400-too-many"): _TOO_MANY,
    ("desk", "400-too-many"): _TOO_MANY,
    ("reader", "403"): ErrorPage(
        403,
        "Access denied",
        "This page is not open to readers.",
        "Start from the front page, or search for the story you were looking for.",
    ),
    ("desk", "403"): ErrorPage(
        403,
        "You can't do that",
        "Your account does not have permission for this page or this step.",
        "Go back, or ask an editor if you think you should be able to. If you are signed in "
        "as someone else, sign in again.",
    ),
    ("reader", "403-csrf"): _CSRF,
    ("desk", "403-csrf"): _CSRF,
    ("reader", "404"): ErrorPage(
        404,
        "Page not found",
        "We couldn't find that page. It may have moved, or the address may be mistyped.",
        "Search for the story, or start from the front page.",
    ),
    ("desk", "404"): ErrorPage(
        404,
        "Page not found",
        "There is no such page in the desk, or it belongs to a story you can't open.",
        "Find the story in the article list, or start from the dashboard.",
    ),
    ("reader", "500"): ErrorPage(
        500,
        "Something went wrong",
        "We're sorry: the page could not be shown because of an error on our side. It has "
        "been logged.",
        "Try again in a few minutes, or start from the front page.",
    ),
    ("desk", "500"): ErrorPage(
        500,
        "Something went wrong",
        "The desk hit an error on our side; it has been logged.",
        "If you were saving, open the story again to see whether your change is there before "
        "you repeat it: the editor keeps an autosaved copy of your text.",
    ),
    ("reader", "503"): ErrorPage(
        503,
        "We'll be back in a minute",
        "We can't reach our database just now, so this page can't be shown. Pages we showed "
        "recently are still available.",
        "Try again in a minute.",
    ),
    ("desk", "503"): ErrorPage(
        503,
        "The desk is unavailable",
        "The desk can't reach its database just now. Nothing has changed.",
        "Try again in a minute.",
    ),
    ("desk", "503-post"): ErrorPage(
        503,
        "Nothing was saved",
        "The desk lost its connection to the database, so nothing you sent was saved: a save "
        "is written all at once or not at all.",
        "What you typed is below. Copy it somewhere safe, or go back: your browser still has "
        "it in the form, and the editor keeps an autosaved copy. Then try again in a minute.",
    ),
}


def style_for(request: HttpRequest) -> str:
    """The look for ``request``: "desk" for the desk, accounts and admin, else "reader"."""
    return "desk" if request.path_info.startswith(DESK_PREFIXES) else "reader"


def _back_url(request: HttpRequest) -> str | None:
    """Where the visitor came from, when that was this site (never an outside address)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return None


def _actions(request: HttpRequest, style: str, page: ErrorPage, name: str) -> list[dict]:
    """The links under the message: what the visitor can do next, most useful first."""
    actions = []
    back = _back_url(request)
    posted = request.method == "POST"
    if page.status >= 500 and not posted:
        actions.append({"label": "Try again", "url": request.get_full_path()})
    sent_a_form = posted or page.status == 400 or name == "403-csrf"
    if back or (style == "desk" and sent_a_form):
        # The link is for browsers without JavaScript; desk.js makes it the Back button,
        # which returns to the form with what was typed still in it.
        actions.append(
            {"label": "Go back", "url": back or reverse("editors:dashboard"), "back": True}
        )
    if page.status == 403 and style == "desk":
        actions.append({"label": "Sign in", "url": reverse("login")})
    if style == "desk":
        if page.status == 404:
            actions.append({"label": "Article list", "url": reverse("editors:article_list")})
        actions.append({"label": "Dashboard", "url": reverse("editors:dashboard")})
    else:
        actions.append({"label": "Front page", "url": reverse("articles:home")})
        if page.status == 404:
            actions.append({"label": "Corrections log", "url": reverse("articles:corrections")})
    seen: set[str] = set()
    return [a for a in actions if not (a["url"] in seen or seen.add(a["url"]))]


# --- What the visitor sent --------------------------------------------------------------

#: Never shown back: passwords, tokens (the CSRF token among them), secrets.
SECRET_NAME = re.compile(r"pass|secret|token|csrf", re.IGNORECASE)
#: Form plumbing rather than words someone typed: formset management fields, order and
#: delete boxes, ids, the revision an edit started from, the editor tab's presence id, choices
#: from a list.
PLUMBING_NAME = re.compile(
    r"(^|-)(TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS|ORDER|DELETE|id"
    r"|current_image|base_revision|presence_tab|[a-z_]*kind|choice)$"
)
_FORMSET_FIELD = re.compile(r"(?P<prefix>[a-z_]+)-(?P<index>\d+)-(?P<field>\w+)")
_PREFIXED_FIELD = re.compile(r"(?P<prefix>[a-z_]+)-(?P<field>\w+)")


def _label(name: str) -> str:
    """A form field's name as a person reads it: "blocks-2-text" is "Block 3: text"."""
    if match := _FORMSET_FIELD.fullmatch(name):
        prefix = match["prefix"].removesuffix("s").replace("_", " ").capitalize()
        field = match["field"].replace("_", " ")
        return f"{prefix} {int(match['index']) + 1}: {field}"
    if match := _PREFIXED_FIELD.fullmatch(name):
        prefix = match["prefix"].replace("_", " ").capitalize()
        return f"{prefix}: {match['field'].replace('_', ' ')}"
    return name.replace("_", " ").capitalize()


def posted_text(request: HttpRequest) -> list[dict]:
    """The text fields of a POST, in the order the form sent them, for a page that must say
    "nothing was saved" without losing what was typed. Empty values, numbers (ids, choices),
    checkboxes, form plumbing and anything secret are left out; files are never read."""
    if request.method != "POST":
        return []
    try:
        items = list(request.POST.lists())
    except (
        BadRequest,
        MultiPartParserError,
        SuspiciousOperation,
        UnreadablePostError,
    ):
        return []
    fields = []
    for name, values in items:
        if SECRET_NAME.search(name) or PLUMBING_NAME.search(name):
            continue
        for value in values:
            if not value.strip() or value.strip().isdecimal() or value == "on":
                continue
            lines = value.count("\n") + 1 + len(value) // 80
            fields.append({"label": _label(name), "value": value, "rows": min(15, max(2, lines))})
    return fields


# --- Rendering ----------------------------------------------------------------------------


def render_error(
    request: HttpRequest,
    name: str,
    *,
    detail: str = "",
    posted: list[dict] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The error page ``name`` (a key of ``PAGES`` without the style) for ``request``."""
    style = style_for(request)
    page = PAGES[(style, name)]
    context = {
        "site_name": settings.SITE_NAME,
        "status": page.status,
        "page": page,
        "detail": detail,
        "actions": _actions(request, style, page, name),
        "search": style == "reader" and page.status == 404,
        "posted": posted or [],
    }
    html = render_to_string(f"errors/{style}.html", context)
    response = HttpResponse(html, status=page.status, headers=headers)
    if style == "desk" or page.status >= 500:
        # A desk page can hold unpublished words; an outage page must not outlive the outage.
        response["Cache-Control"] = "private, no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400. Never reads the body: after RequestDataTooBig it cannot be read, and whatever the
    cause, nothing the visitor sent is echoed back."""
    if isinstance(exception, RequestDataTooBig):
        return render_error(request, "400-too-big")
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return render_error(request, "400-too-many")
    return render_error(request, "400")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403. On the desk, a refusal's own message ("You may not edit this article now.") is
    written for the person refused, so it is shown."""
    detail = str(exception or "") if style_for(request) == "desk" else ""
    return render_error(request, "403", detail=detail)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form whose CSRF check failed (settings ``CSRF_FAILURE_VIEW``): usually a
    page left open past a sign-out. Django logs the reason; the page does not show it."""
    return render_error(request, "403-csrf")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404."""
    return render_error(request, "404")


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or the outage page when the error is the database being unreachable (raised
    somewhere ``newsroom.outage``'s middleware does not see, such as a session save)."""
    from newsroom import outage

    if response := outage.response_for_current_exception(request):
        return response
    return render_error(request, "500")
