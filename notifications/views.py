"""The desk's notification pages: the inbox, reading, and how each kind arrives.

Everything here is about the signed-in user's own notifications: another person's is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from articles.pagination import AFTER, BEFORE
from editors.views.common import desk_view, no_store
from notifications import kinds, selectors, services
from notifications.forms import PreferencesForm
from notifications.models import Notification


def _inbox_url(request: HttpRequest) -> str:
    """The inbox at the position the form was posted from (only the list's own cursor)."""
    url = reverse("editors:notification_list")
    position = {name: request.POST[name] for name in (BEFORE, AFTER) if request.POST.get(name)}
    return f"{url}?{urlencode(position)}" if position else url


@desk_view
@require_http_methods(["GET", "HEAD"])
@no_store
def notification_list(request: HttpRequest) -> HttpResponse:
    """The inbox: unread first, newest first, a page at a time."""
    page = selectors.inbox_page(request)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "position": {name: request.GET.get(name, "") for name in (BEFORE, AFTER)},
        },
    )


@desk_view
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with ``open``, go on to its story in the desk."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    if "open" in request.POST:
        return redirect(notification.get_article_url())
    return redirect(_inbox_url(request))


@desk_view
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    messages.success(
        request,
        f"Marked {count} notification{'' if count == 1 else 's'} as read."
        if count
        else "Nothing was unread.",
    )
    return redirect("editors:notification_list")


@desk_view
@require_http_methods(["GET", "HEAD", "POST"])
@no_store
def notification_settings(request: HttpRequest) -> HttpResponse:
    """How each kind reaches the user: by mail and in the inbox, or in the inbox only."""
    current = services.delivery_for(request.user)
    form = PreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user=request.user, deliveries=form.cleaned_data)
        messages.success(request, "Your notification settings are saved.")
        return redirect("editors:notification_settings")
    return render(
        request,
        "notifications/notification_settings.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "kinds": kinds.KINDS,
        },
    )
