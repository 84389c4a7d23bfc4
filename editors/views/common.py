"""What every desk view shares: the access rule and how service errors become messages."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from articles.models import Article


def desk_view(view):
    """Login required (anonymous users go to the login page); then the desk permission."""
    return login_required(permission_required("articles.use_desk", raise_exception=True)(view))


def desk_article(request: HttpRequest, pk: int, queryset=None) -> Article:
    """The article if this user may open it in the desk, else 404 (never a hint it exists)."""
    queryset = queryset if queryset is not None else Article.objects.all()
    return get_object_or_404(queryset.for_desk(request.user), pk=pk)


def report_error(request: HttpRequest, exc: Exception) -> None:
    """Show a service's refusal as a message the user can act on."""
    if isinstance(exc, ValidationError):
        for text in exc.messages:
            messages.error(request, text)
    elif isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "You do not have permission to do that.")
    else:
        messages.error(request, str(exc))


def no_store(view):
    """Desk pages hold unpublished work: never cache them anywhere."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper
