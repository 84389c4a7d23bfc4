"""The editor page's heartbeat and goodbye (``editors.presence``; the script is
``editors/static/editors/presence.js``). Both are POSTs with the CSRF token in the form
data: ``navigator.sendBeacon``, which sends the goodbye, cannot set a header."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_POST

from editors import presence
from editors.views.common import desk_article, desk_view, no_store


@desk_view
@require_POST
@no_store
def presence_beat(request: HttpRequest, pk: int) -> HttpResponse:
    """The tab is still open: record it, and answer with who else is there (the page swaps
    the fragment in)."""
    article = desk_article(request, pk)
    tab = request.POST.get("tab", "")
    if not presence.valid_tab(tab):
        return HttpResponseBadRequest("No such tab.")
    others = presence.touch(article_id=article.pk, user=request.user, tab=tab)
    return render(request, "editors/includes/_presence.html", {"others_editing": others})


@desk_view
@require_POST
@no_store
def presence_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """The tab closed or left the page. Only the user's own tab can be named, so no lookup
    of the article is needed."""
    presence.leave(article_id=pk, user=request.user, tab=request.POST.get("tab", ""))
    return HttpResponse(status=204)
