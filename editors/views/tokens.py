"""API tokens in the desk: a holder lists, creates and revokes their own (``api.tokens``).

Open to anyone who may hold tokens (``api.hold_token``): every desk role, and partners, who
have no other desk page. A new token's secret is in the response to the form that created
it and nowhere else: not in a redirect, the session or a message, which would store it.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from api import tokens
from editors.views.common import no_store, report_error

#: How many of the holder's token events the page shows.
HISTORY_LENGTH = 30


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What it is for, so you can tell your tokens apart: “Apple News feed”.",
    )
    expires_in_days = forms.IntegerField(
        label="Expires after (days)",
        required=False,
        min_value=1,
        max_value=tokens.MAX_EXPIRY_DAYS,
        help_text="Leave empty for a token that works until you revoke it.",
    )


def token_view(view):
    """Login required (anonymous users go to the login page); then ``api.hold_token``."""
    return login_required(permission_required(tokens.HOLD_PERMISSION, raise_exception=True)(view))


def _page(
    request: HttpRequest, form: TokenCreateForm, *, created=None, secret: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "tokens": tokens.tokens_for(request.user),
        "events": tokens.token_events_for(request.user)[:HISTORY_LENGTH],
        "created": created,
        "secret": secret,
        "schema_url": reverse("api:schema"),
        "example_url": request.build_absolute_uri(reverse("api:article_ninjs", kwargs={"pk": 123})),
        "user_rate": settings.NEWSROOM_API_USER_RATE,
        "max_active": tokens.MAX_ACTIVE_TOKENS,
    }
    return render(request, "editors/tokens.html", context)


@token_view
@require_http_methods(["GET", "HEAD", "POST"])
@no_store
def token_list(request: HttpRequest) -> HttpResponse:
    """The holder's tokens, the form for a new one and what happened to them."""
    if request.method == "POST":
        return _create(request)
    return _page(request, TokenCreateForm())


def _create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    days = form.cleaned_data["expires_in_days"]
    try:
        token, secret = tokens.api_token_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            expires_in=timedelta(days=days) if days else None,
        )
    except (ValidationError, PermissionDenied) as exc:
        report_error(request, exc)
        return _page(request, form)
    return _page(request, TokenCreateForm(), created=token, secret=secret)


@token_view
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the holder's own tokens; another person's is a 404."""
    token = get_object_or_404(tokens.tokens_for(request.user), pk=pk)
    try:
        tokens.api_token_revoke(token=token, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        report_error(request, exc)
    else:
        messages.success(request, f"Revoked “{token.name}”: it no longer works.")
    return redirect("editors:token_list")
