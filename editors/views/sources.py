"""Sources in the desk: find them, and merge duplicates without losing an attribution."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from articles import services
from articles.models import Article, Source
from editors.views.common import desk_view, no_store, report_error


class SourceFilterForm(forms.Form):
    """The source search box. A query the form refuses (too long, a NUL) lists everything
    rather than reaching the database."""

    q = forms.CharField(label="Search sources", required=False, max_length=200)


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        queryset=Source.objects.all(),
        label="Merge this duplicate into it",
        help_text="Its attributions move here, its name becomes an alias and its page redirects.",
    )

    def __init__(self, *args, keep: Source, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].queryset = Source.objects.exclude(pk=keep.pk).order_by(
            Lower("name"), "pk"
        )


@desk_view
@no_store
def source_list(request: HttpRequest) -> HttpResponse:
    form = SourceFilterForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    sources = Source.objects.select_related("affiliation").annotate(quoted=Count("attributions"))
    if query:
        sources = sources.filter(
            Q(name__icontains=query) | Q(role__icontains=query) | Q(aliases__icontains=query)
        )
    page = Paginator(sources.order_by(Lower("name"), "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "editors/source_list.html", {"page": page, "q": query})


@desk_view
@no_store
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.select_related("affiliation"), pk=pk)
    attributions = (
        source.attributions.filter(article__in=Article.objects.for_desk(request.user))
        .select_related("article")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "editors/source_detail.html",
        {
            "source": source,
            "attributions": attributions,
            "merge_form": MergeForm(keep=source),
            "can_merge": request.user.has_perm("articles.change_source"),
        },
    )


@desk_view
@require_POST
def source_merge(request: HttpRequest, pk: int) -> HttpResponse:
    keep = get_object_or_404(Source, pk=pk)
    form = MergeForm(request.POST, keep=keep)
    if not form.is_valid():
        messages.error(request, "Choose the duplicate to merge.")
        return redirect("editors:source_detail", pk=keep.pk)
    duplicate = form.cleaned_data["duplicate"]
    try:
        services.source_merge(keep=keep, merge=duplicate, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        report_error(request, exc)
    else:
        messages.success(request, f"Merged “{duplicate.name}” into “{keep.name}”.")
    return redirect("editors:source_detail", pk=keep.pk)
