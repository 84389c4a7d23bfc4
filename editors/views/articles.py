"""Desk views for one article: edit, move through the workflow, comment, history, preview.

Each view parses input, calls one service and reports the outcome; the rules live in
``articles.services`` and ``articles.permissions``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles import diffing, fields, importing, permissions, selectors, services
from articles.exceptions import CorrectionChoiceRequired, EditConflict
from articles.models import Article, Attribution, Author
from editors import presence
from editors.forms import (
    ArticleFilterForm,
    ArticleForm,
    AttributionForm,
    BlockFormSet,
    BylineFormSet,
    CommentForm,
    CorrectionForm,
    ImportForm,
    SuggestionForm,
    TransitionForm,
    block_initial,
    byline_initial,
    changes_from_forms,
)
from editors.views.common import desk_article, desk_view, no_store, report_error

Status = Article.Status
PREVIEW_SALT = "newsroom.preview"
PREVIEW_MAX_AGE = 7 * 24 * 3600


@desk_view
@no_store
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET)
    articles = Article.objects.for_desk(request.user).select_related("section")
    if form.is_valid():
        if form.cleaned_data["q"]:
            articles = articles.filter(headline__icontains=form.cleaned_data["q"])
        if form.cleaned_data["status"]:
            articles = articles.filter(status=form.cleaned_data["status"])
    page = Paginator(articles.order_by("-modified_at"), 25).get_page(request.GET.get("page"))
    return render(request, "editors/article_list.html", {"form": form, "page": page})


def _back_to(article_id: int, panel: str) -> HttpResponse:
    """Back to the editor, scrolled to the panel the form was posted from."""
    return redirect(reverse("editors:article_edit", kwargs={"pk": article_id}) + f"#{panel}")


def _locked_fields(user, article: Article | None) -> frozenset[str]:
    """Fields shown but not changeable: a published story's URL, and for a copy editor on
    someone else's story everything but the words."""
    if article is None:
        return frozenset()
    locked = set(fields.FIXED_ONCE_PUBLISHED) if article.first_published_at else set()
    if permissions.copy_editing(user, article):
        locked |= set(services.EDITABLE_FIELDS) - services.COPY_FIELDS
    return frozenset(locked)


def _editor_context(request: HttpRequest, article: Article | None, **forms) -> dict:
    context = {"article": article, **forms}
    if article is not None:
        correcting = permissions.can_correct(request.user, article)
        context.setdefault("correction_form", CorrectionForm() if correcting else None)
        context.update(
            {
                "moves": permissions.available_moves(request.user, article),
                "can_edit": permissions.can_edit(request.user, article) or correcting,
                "correcting": correcting,
                "open_findings": selectors.open_findings(article),
                "notes": article.corrections.select_related(
                    "issued_by", "withdrawn_by", "revision"
                ).order_by("-issued_at"),
                "in_the_room": permissions.in_the_room(request.user, article),
                "comments": article.comments.select_related("author"),
                "comment_form": CommentForm(),
                "attributions": article.attributions.select_related("source"),
                "attribution_form": AttributionForm(),
                "numbered_blocks": article.numbered_blocks(),
                "others_editing": presence.touch(article_id=article.pk, user=request.user),
                "problems": services.article_publish_problems(article),
                # The log holds editors' reasons (non-substantive changes, overrides).
                "events": (
                    article.events.select_related("actor")[:10]
                    if request.user.has_perm("articles.correct_article")
                    else []
                ),
                "editorial": request.user.has_perm("articles.correct_article"),
            }
        )
    return context


@desk_view
@no_store
def article_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("articles.add_article"):
        raise PermissionDenied
    author = Author.objects.filter(user=request.user).first()
    status = 200
    if request.method == "POST":
        status = 400  # unless the draft is created and we redirect
        form = ArticleForm(request.POST, request.FILES)
        blocks = BlockFormSet(request.POST, request.FILES, prefix="blocks")
        bylines = BylineFormSet(request.POST, prefix="bylines")
        if form.is_valid() and blocks.is_valid() and bylines.is_valid():
            changes = changes_from_forms(form, blocks, bylines)
            try:
                article = services.article_create(
                    actor=request.user,
                    blocks=changes.blocks,
                    authors=changes.authors,
                    tags=changes.tags,
                    message=form.cleaned_data.get("message") or "Created",
                    **changes.fields,
                )
            except (ValidationError, PermissionDenied) as exc:
                report_error(request, exc)
            else:
                messages.success(request, "Draft created.")
                return redirect("editors:article_edit", pk=article.pk)
    else:
        form = ArticleForm(initial={"base_revision": 0})
        blocks = BlockFormSet(prefix="blocks")
        bylines = BylineFormSet(
            prefix="bylines", initial=[{"author": author.pk, "ORDER": 1}] if author else []
        )
    return render(
        request,
        "editors/article_form.html",
        _editor_context(request, None, form=form, blocks=blocks, bylines=bylines),
        status=status,
    )


@desk_view
@no_store
def article_import(request: HttpRequest) -> HttpResponse:
    """Start a draft from a plain-text story (wire copy, a reporter's notes file)."""
    if not request.user.has_perm("articles.add_article"):
        raise PermissionDenied
    bound = request.method == "POST"
    form = ImportForm(request.POST if bound else None, request.FILES if bound else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        author = Author.objects.filter(user=request.user).first()
        try:
            text = (
                importing.decode_story(upload.read(importing.MAX_BYTES + 1), name=upload.name)
                if upload
                else data["text"]
            )
            article = importing.import_story(
                text=text,
                section=data["section"],
                actor=request.user,
                headline=data["headline"] or None,
                bylines=[author] if author else (),
            )
        except importing.StoryImportError as exc:
            form.add_error(None, str(exc))
        except (ValidationError, PermissionDenied) as exc:
            report_error(request, exc)
        else:
            messages.success(request, "Imported as a draft. Check the quotes panel for sources.")
            return redirect("editors:article_edit", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "editors/article_import.html", {"form": form}, status=status)


@desk_view
@no_store
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = desk_article(request, pk, Article.objects.select_related("section"))
    locked = _locked_fields(request.user, article)
    status = 200
    conflict = None
    correcting = permissions.can_correct(request.user, article)
    correction_form = (
        CorrectionForm(request.POST if request.method == "POST" else None) if correcting else None
    )
    analysis = None
    if request.method == "POST":
        if not (correcting or permissions.can_edit(request.user, article)):
            raise PermissionDenied("You may not edit this article now.")
        form = ArticleForm(request.POST, request.FILES, instance=article, locked=locked)
        blocks = BlockFormSet(request.POST, request.FILES, prefix="blocks")
        bylines = BylineFormSet(request.POST, prefix="bylines")
        forms_valid = form.is_valid() and blocks.is_valid() and bylines.is_valid()
        if forms_valid and (correction_form is None or correction_form.is_valid()):
            changes = changes_from_forms(form, blocks, bylines)
            try:
                if correcting:
                    services.article_correct(
                        article=article,
                        actor=request.user,
                        changes=changes,
                        base_revision=form.cleaned_data["base_revision"],
                        choice=correction_form.to_choice(),
                        message=form.cleaned_data.get("message", ""),
                    )
                else:
                    services.article_update(
                        article=article,
                        actor=request.user,
                        changes=changes,
                        base_revision=form.cleaned_data["base_revision"],
                        message=form.cleaned_data.get("message", ""),
                    )
            except EditConflict as exc:
                conflict = _conflict(exc, changes)
                # Keep every word they typed; the new base makes "Save" a deliberate overwrite.
                data = request.POST.copy()
                data["base_revision"] = str(exc.revision.number)
                article.refresh_from_db()
                form = ArticleForm(data, instance=article, locked=locked)
                blocks = BlockFormSet(data, prefix="blocks")
                bylines = BylineFormSet(data, prefix="bylines")
                status = 409
            except CorrectionChoiceRequired as exc:
                # Nothing went live: show what changed and a note drafted from the diff.
                analysis = exc.analysis
                correction_form = CorrectionForm(initial=_note_initial(analysis))
                article.refresh_from_db()
                status = 400
            except (ValidationError, PermissionDenied) as exc:
                report_error(request, exc)
                status = 400
            else:
                messages.success(request, "Correction published." if correcting else "Saved.")
                return redirect("editors:article_edit", pk=article.pk)
        else:
            status = 400
    else:
        form = ArticleForm(
            instance=article,
            locked=locked,
            initial={"base_revision": services.latest_revision_number(article)},
        )
        blocks = BlockFormSet(prefix="blocks", initial=block_initial(article))
        bylines = BylineFormSet(prefix="bylines", initial=byline_initial(article))
    context = _editor_context(
        request,
        article,
        form=form,
        blocks=blocks,
        bylines=bylines,
        conflict=conflict,
        correction_form=correction_form,
        analysis=analysis,
    )
    return render(request, "editors/article_form.html", context, status=status)


def _note_initial(analysis) -> dict:
    return {
        "choice": CorrectionForm.NOTE if analysis.needs_public_note else "",
        "kind": "correction",
        "text": analysis.suggested_text(),
        "paragraphs": ", ".join(map(str, analysis.paragraphs)),
        "before": analysis.before[:500],
        "after": analysis.after[:500],
    }


def _conflict(exc: EditConflict, changes: services.ArticleChanges) -> dict:
    """Their saved version against the text this user tried to save."""
    theirs = exc.revision.snapshot
    yours_blocks = [{"kind": b.kind, "text": b.text} for b in changes.blocks]
    yours_fields = {k: v for k, v in changes.fields.items() if isinstance(v, str)}
    return {
        "revision": exc.revision,
        "fields": fields.changes(theirs, yours_fields, tuple(sorted(yours_fields))),
        "blocks": diffing.changed_only(diffing.diff_blocks(theirs["blocks"], yours_blocks)),
    }


@desk_view
@no_store
def article_transition(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    article = desk_article(request, pk)
    if to not in Status.values or not article.can_transition_to(to):
        raise Http404("No such move.")
    if not permissions.can_take(request.user, article, to):
        raise PermissionDenied("You may not take this step.")
    step = permissions.move(article.status, to)
    unattributed = (
        selectors.unattributed_quotes(article) if to in {Status.PUBLISHED, Status.SCHEDULED} else []
    )
    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        target=to,
        needs_override=bool(unattributed),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.article_transition(
                article=article,
                actor=request.user,
                to=to,
                comment=form.cleaned_data.get("comment", ""),
                at=form.cleaned_data.get("at"),
                override_reason=form.cleaned_data.get("override_reason", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            report_error(request, exc)
        else:
            messages.success(
                request,
                f"{step.label}: done. “{article.headline}” is now {Status(to).label.lower()}.",
            )
            return redirect("editors:article_edit", pk=article.pk)
    return render(
        request,
        "editors/confirm_transition.html",
        {
            "article": article,
            "step": step,
            "target": to,
            "form": form,
            "problems": services.article_publish_problems(article),
            "unattributed": unattributed,
        },
    )


@desk_view
@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    article = desk_article(request, pk)
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That suggestion could not be read; attribute it by hand.")
    else:
        try:
            attribution = services.suggestion_accept(
                article=article, actor=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            report_error(request, exc)
        else:
            messages.success(request, f"Attributed to {attribution.source.name}.")
    return _back_to(article.pk, "quotes")


@desk_view
@require_POST
def suggestion_reject(request: HttpRequest, pk: int) -> HttpResponse:
    article = desk_article(request, pk)
    form = SuggestionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.suggestion_reject(
                article=article,
                actor=request.user,
                paragraph=data["paragraph"],
                text=data["text"],
                source_name=data["source_name"],
            )
        except PermissionDenied as exc:
            report_error(request, exc)
        else:
            messages.info(request, "Suggestion rejected; attribute the passage by hand.")
    return _back_to(article.pk, "quotes")


@desk_view
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    article = desk_article(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_create(
                article=article, actor=request.user, text=form.cleaned_data["text"]
            )
        except (ValidationError, PermissionDenied) as exc:
            report_error(request, exc)
        else:
            messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment first.")
    return _back_to(article.pk, "comments")


@desk_view
@require_POST
def attribution_create(request: HttpRequest, pk: int) -> HttpResponse:
    article = desk_article(request, pk)
    form = AttributionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # no orphan source when the attribution is refused
                source = data["source"] or services.source_create(
                    actor=request.user,
                    name=data["new_source"],
                    kind=data.get("new_source_kind") or "person",
                )
                services.attribution_create(
                    article=article,
                    actor=request.user,
                    source=source,
                    kind=data["kind"],
                    text=data["text"],
                    paragraph=data["paragraph"],
                    url=data["url"],
                )
        except (ValidationError, PermissionDenied) as exc:
            report_error(request, exc)
        else:
            messages.success(request, f"Attributed to {source.name}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _back_to(article.pk, "attributions")


@desk_view
@require_POST
def attribution_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attribution = get_object_or_404(
        Attribution.objects.select_related("article", "source"),
        pk=pk,
        article__in=Article.objects.for_desk(request.user),
    )
    try:
        services.attribution_delete(attribution=attribution, actor=request.user)
    except PermissionDenied as exc:
        report_error(request, exc)
    else:
        messages.success(request, "Attribution removed.")
    return _back_to(attribution.article_id, "attributions")


@desk_view
@no_store
def revision_list(request: HttpRequest, pk: int) -> HttpResponse:
    article = desk_article(request, pk)
    revisions = article.revisions.select_related("created_by").defer("snapshot")
    return render(
        request,
        "editors/revision_list.html",
        {
            "article": article,
            "revisions": revisions,
            "can_edit": permissions.can_edit(request.user, article),
        },
    )


@desk_view
@no_store
def revision_compare(request: HttpRequest, pk: int) -> HttpResponse:
    article = desk_article(request, pk)
    numbers = [request.GET.get("a"), request.GET.get("b")]
    if not all(n and n.isdecimal() and n.isascii() for n in numbers):
        messages.error(request, "Choose two revisions to compare.")
        return redirect("editors:revision_list", pk=article.pk)
    a, b = sorted(int(n) for n in numbers)
    old = get_object_or_404(article.revisions, number=a)
    new = get_object_or_404(article.revisions, number=b)
    diffs = diffing.diff_blocks(old.snapshot["blocks"], new.snapshot["blocks"])
    changed_fields = fields.changes(old.snapshot, new.snapshot)
    return render(
        request,
        "editors/revision_compare.html",
        {"article": article, "old": old, "new": new, "diffs": diffs, "fields": changed_fields},
    )


@desk_view
@require_POST
def revision_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article = desk_article(request, pk)
    revision = get_object_or_404(article.revisions, number=number)
    try:
        services.revision_restore(article=article, revision=revision, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        report_error(request, exc)
        return redirect("editors:revision_list", pk=article.pk)
    messages.success(request, f"Revision {number} restored as the newest revision.")
    return redirect("editors:article_edit", pk=article.pk)


def _render_preview(request: HttpRequest, article: Article, **extra) -> HttpResponse:
    response = render(
        request, "articles/article.html", {"article": article, "preview": True, **extra}
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@desk_view
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    article = desk_article(request, pk, Article.objects.with_page_data())
    return _render_preview(request, article)


@desk_view
@require_POST
def preview_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    article = desk_article(request, pk)
    token = signing.dumps({"article": article.pk}, salt=PREVIEW_SALT)
    url = request.build_absolute_uri(reverse("preview", kwargs={"token": token}))
    return render(
        request,
        "editors/preview_link.html",
        {"article": article, "url": url, "days": PREVIEW_MAX_AGE // 86400},
    )


def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    """A signed, expiring preview for someone without a desk account."""
    try:
        payload = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        return render(request, "editors/preview_expired.html", status=410)
    except signing.BadSignature as exc:
        raise Http404("No such preview.") from exc
    article = get_object_or_404(Article.objects.with_page_data(), pk=payload["article"])
    return _render_preview(request, article, shared_preview=True)
