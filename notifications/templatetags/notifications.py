from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> str:
    """How many notifications wait unread for the signed-in user, as the badge says it ("",
    "3", "99+"). One query per request, shared with the dashboard's card
    (``selectors.waiting``)."""
    from notifications import selectors

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return selectors.badge(selectors.unread_count(request))
