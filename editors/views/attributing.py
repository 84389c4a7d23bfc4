"""Attributing by hand: find a source as you type, and tie words to it (or to a new one).

The story page's popover (``attribute.js``) and the page without JavaScript share one
search (``selectors.source_search``), one form (``AttributionPickForm``) and one service
(``services.attribution_create``): the popover posts the page's form and asks for JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from articles import permissions, selectors, services
from articles.models import Article
from editors.forms import AttributionPickForm
from editors.views.common import desk_article, desk_view, no_store
from editors.views.sources import SourceFilterForm

if TYPE_CHECKING:
    from articles.models import Source

#: Where a service's refusal of a field belongs on the form (the attribution's own fields
#: keep their names; the new source's are prefixed).
SERVICE_FIELDS = {
    "text": "text",
    "paragraph": "paragraph",
    "kind": "kind",
    "url": "url",
    "name": "new_name",
    "role": "new_role",
    "affiliation": "new_affiliation_name",
}


def source_as_json(source: Source) -> dict:
    """One search result as the type-ahead shows it."""
    return {
        "id": source.pk,
        "name": source.name,
        "kind": source.kind,
        "kind_label": source.get_kind_display(),
        "role": source.role,
        "affiliation": source.affiliation.name if source.affiliation_id else "",
        "stories": source.stories,
    }


@desk_view
@no_store
def source_search(request: HttpRequest) -> JsonResponse:
    """``?q=``: up to ten sources by name, alias or role, for the type-ahead."""
    form = SourceFilterForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = [source_as_json(source) for source in selectors.source_search(query)]
    return JsonResponse({"q": query, "results": results})


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _report(form: AttributionPickForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(SERVICE_FIELDS.get(field), errors)
    else:
        form.add_error(None, exc.messages)


def _messages_of(form: AttributionPickForm) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


def attribution_cards(request: HttpRequest, article: Article) -> dict[str, str]:
    """The story page's cards that an attribution changes, rendered afresh for the popover
    to put in place: the attributions and the quote finder's open findings."""
    article = Article.objects.with_editor_data().get(pk=article.pk)
    correcting = permissions.can_correct(request.user, article)
    context = {
        "article": article,
        "attributions": article.attributions.all(),
        "attribute_form": AttributionPickForm(paragraphs=article.paragraph_texts()),
        "correcting": correcting,
        "can_edit": correcting or permissions.can_edit(request.user, article),
        "open_findings": selectors.open_findings(article),
    }
    return {
        "attributions": render_to_string(
            "editors/includes/_attributions.html", context, request=request
        ),
        "quotes": render_to_string("editors/includes/_quote_finder.html", context, request=request),
    }


@desk_view
@no_store
def attribution_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """Attribute words to a source, without JavaScript.

    A GET (the story page's "Attribute words to a source", a finding's "Attribute…") and
    the page's Search button show the form with what was typed and the sources matching
    the search as choices; they write nothing. Posting "Attribute" creates the attribution
    (and a new source with it) and goes back to the story's attributions; a refusal shows
    the page again with everything as typed. Asked for JSON (the popover), it answers with
    the outcome and the refreshed cards instead.
    """
    article = desk_article(request, pk)
    paragraphs = article.paragraph_texts()
    status = 200
    searching = request.method != "POST" or "search" in request.POST
    if searching:
        data = (request.POST if request.method == "POST" else request.GET).dict()
        form = AttributionPickForm(initial=data, paragraphs=paragraphs)
    else:
        form = AttributionPickForm(request.POST, paragraphs=paragraphs)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                attribution = services.attribution_create(
                    article=article,
                    actor=request.user,
                    source=data["source"],
                    new_source=form.new_source_data(),
                    kind=data["kind"],
                    text=data["text"],
                    paragraph=data["paragraph"],
                    url=data["url"],
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "You may not attribute words in this story.")
                status = 403
            except ValidationError as exc:
                _report(form, exc)
            else:
                message = f"Attributed to {attribution.source.name}."
                if _wants_json(request):
                    return JsonResponse(
                        {
                            "message": message,
                            "attribution": attribution.pk,
                            "cards": attribution_cards(request, article),
                        },
                        status=201,
                    )
                messages.success(request, message)
                return redirect(
                    reverse("editors:article_edit", kwargs={"pk": article.pk}) + "#attributions"
                )
        if _wants_json(request):
            return JsonResponse({"errors": _messages_of(form)}, status=status)
        data = request.POST.dict()
    return render(
        request,
        "editors/attribution_pick.html",
        {
            "article": article,
            "form": form,
            "query": " ".join(data.get("q", "").split()),
            "results": _search(data.get("q", ""), chosen=_chosen(form, "source")),
            "chosen": _chosen(form, "source"),
            "affiliation_query": " ".join(data.get("new_affiliation_name", "").split()),
            "affiliations": _search(
                data.get("new_affiliation_name", ""), chosen=_chosen(form, "new_affiliation")
            ),
            "chosen_affiliation": _chosen(form, "new_affiliation"),
        },
        status=status,
    )


def _search(query: str, *, chosen: str) -> list[Source]:
    """The sources matching ``query``, and the one already ticked if the search left it out
    (so a refused post keeps the choice on the page)."""
    form = SourceFilterForm({"q": query})
    results = list(selectors.source_search(form.cleaned_data["q"])) if form.is_valid() else []
    if chosen.isdigit() and int(chosen) not in {source.pk for source in results}:
        results[:0] = selectors.source_search_results().filter(pk=int(chosen))
    return results


def _chosen(form: AttributionPickForm, name: str) -> str:
    """The id ticked for ``name`` when the page was posted, to tick it again."""
    value = form[name].value()
    return "" if value is None else str(value)
