"""Desk views for one article: edit, move through the workflow, comment, history, preview.

Each view parses input, calls one service and reports the outcome; the rules live in
``articles.services`` and ``articles.permissions``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles import diffing, fields, importing, permissions, selectors, services
from articles.exceptions import CorrectionChoiceRequired, EditConflict
from articles.models import Article, Attribution, Author
from articles.pagination import keyset_page, redirect_legacy_page
from articles.services.workflow import HELD_EVENT
from articles.visibility import preview_outcome
from editors import presence
from editors.forms import (
    ArticleFilterForm,
    ArticleForm,
    AttributionPickForm,
    BodyForm,
    CommentForm,
    CorrectionForm,
    ImportForm,
    SuggestionForm,
    TransitionForm,
    article_initial,
    byline_formset,
    changes_from_forms,
)
from editors.views import reports as report_views
from editors.views.common import desk_article, desk_view, no_store, report_error

Status = Article.Status
ARTICLE_LIST_PAGE = 25


@desk_view
@no_store
@redirect_legacy_page
def article_list(request: HttpRequest) -> HttpResponse:
    """The stories this user may open, newest change first, filtered and paged by key: one
    query for the page whatever the archive's size, and never a count."""
    form = ArticleFilterForm(request.GET)
    if not form.is_valid():
        # Filters that cannot be read narrow nothing: say so beside them, list nothing.
        return render(
            request, "editors/article_list.html", {"form": form, "page": None}, status=400
        )
    articles = selectors.desk_articles(user=request.user, **form.cleaned_data)
    page = keyset_page(request, articles, per_page=ARTICLE_LIST_PAGE, keys=selectors.DESK_LIST_KEYS)
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


def _presence(request: HttpRequest, article: Article) -> dict:
    """This load of the page is a new tab: record it, and who else has the story open."""
    tab = presence.new_tab()
    others = presence.touch(article_id=article.pk, user=request.user, tab=tab, own_tabs=False)
    return {
        "presence": {"tab": tab, "every_ms": presence.heartbeat_every_ms()},
        "others_editing": others,
    }


def _editor_context(request: HttpRequest, article: Article | None, **forms) -> dict:
    """What the editor page shows beside the forms. ``article`` comes loaded with
    ``with_editor_data()``: everything here reads its bylines, blocks, attributions and tags
    from that, so the page costs the same number of queries however long the story."""
    context = {"article": article, **forms}
    if article is not None:
        correcting = permissions.can_correct(request.user, article)
        editable = permissions.can_edit(request.user, article) or correcting
        context.setdefault("correction_form", CorrectionForm() if correcting else None)
        context.update(
            {
                "moves": permissions.available_moves(request.user, article),
                "can_edit": editable,
                "correcting": correcting,
                "open_findings": selectors.open_findings(article),
                "notes": article.corrections.select_related(
                    "issued_by", "withdrawn_by", "revision"
                ).order_by("-issued_at"),
                "in_the_room": permissions.in_the_room(request.user, article),
                "comments": article.comments.select_related("author"),
                "comment_form": CommentForm(),
                "attributions": article.attributions.all(),
                "attribute_form": AttributionPickForm(paragraphs=article.paragraph_texts()),
                **_presence(request, article),
                "problems": services.article_publish_problems(article),
                "preview_links": _preview_links(request.user, article),
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
    status = 200
    if request.method == "POST":
        status = 400  # unless the draft is created and we redirect
        form = ArticleForm(request.POST, request.FILES)
        body_form = BodyForm(request.POST, request.FILES)
        bylines = byline_formset(request.user, data=request.POST)
        if form.is_valid() and body_form.is_valid() and bylines.is_valid():
            changes = changes_from_forms(form, body_form, bylines)
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
                _report_to_form(request, exc, form)
            else:
                messages.success(request, "Draft created.")
                return redirect("editors:article_edit", pk=article.pk)
    else:
        form = ArticleForm(initial={"base_revision": 0})
        body_form = BodyForm()
        # A new story carries the user's own byline (their author profile) from the start.
        bylines = byline_formset(request.user)
    return render(
        request,
        "editors/article_form.html",
        _editor_context(request, None, form=form, body_form=body_form, bylines=bylines),
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
                importing.decode_story(
                    upload.read(importing.max_bytes() + 1), name=upload.name, size=upload.size
                )
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
    """The editor. Saving hands the whole edit to ``services.article_save``, which makes it
    a draft edit or a correction; the page reports what it did."""
    article = desk_article(request, pk, Article.objects.with_editor_data())
    locked = _locked_fields(request.user, article)
    initial = article_initial(article)
    stored = list(article.blocks.all())
    status = 200
    conflict = None
    # Whether the page shows the correction fields (a live story, an editor who corrects).
    correcting = permissions.can_correct(request.user, article)
    correction_form = (
        CorrectionForm(request.POST if request.method == "POST" else None) if correcting else None
    )
    # A reader's report this correction answers (reports/): shown above the note fields,
    # which it prefills when the page opens.
    reader_report = report_views.report_for_correction(request, article) if correcting else None
    if reader_report is not None and request.method != "POST":
        correction_form = CorrectionForm(initial=report_views.correction_initial(reader_report))
    analysis = None
    if request.method == "POST":
        # The page that posted is being replaced: the one this answers with (or redirects
        # to) must not show it as another window. Without JavaScript nobody else says so.
        presence.leave(
            article_id=article.pk, user=request.user, tab=request.POST.get("presence_tab", "")
        )
        # A page shown read-only takes no edits (and the service would refuse them).
        if not (correcting or permissions.can_edit(request.user, article)):
            raise PermissionDenied("You may not edit this article now.")
        status = 400  # unless it saves and we redirect
        form = ArticleForm(request.POST, request.FILES, initial=initial, locked=locked)
        body_form = BodyForm(request.POST, request.FILES, stored=stored)
        bylines = byline_formset(request.user, article, data=request.POST)
        forms_valid = form.is_valid() and body_form.is_valid() and bylines.is_valid()
        if forms_valid and (correction_form is None or correction_form.is_valid()):
            changes = changes_from_forms(form, body_form, bylines)
            try:
                outcome = services.article_save(
                    article=article,
                    actor=request.user,
                    changes=changes,
                    base_revision=form.cleaned_data["base_revision"],
                    choice=correction_form.to_choice() if correction_form else None,
                    message=form.cleaned_data.get("message", ""),
                )
            except EditConflict as exc:
                conflict = _conflict(exc, changes, viewer=request.user)
                # Keep every word they typed; the new base makes "Save" a deliberate overwrite.
                data = request.POST.copy()
                data["base_revision"] = str(exc.revision.number)
                form = ArticleForm(data, initial=initial, locked=locked)
                body_form = BodyForm(data, stored=stored)
                bylines = byline_formset(request.user, article, data=data)
                status = 409
            except CorrectionChoiceRequired as exc:
                # Nothing went live: show what changed and a note drafted from the diff. This
                # is the flow's review step, not a refusal of the input: 200.
                status = 200
                analysis = exc.analysis
                correction_form = CorrectionForm(initial=_note_initial(analysis))
            except (ValidationError, PermissionDenied) as exc:
                _report_to_form(request, exc, form)
            else:
                _report_saved(request, outcome)
                return redirect("editors:article_edit", pk=article.pk)
    else:
        form = ArticleForm(
            initial={**initial, "base_revision": services.latest_revision_number(article)},
            locked=locked,
        )
        body_form = BodyForm(stored=stored)
        bylines = byline_formset(request.user, article)
    context = _editor_context(
        request,
        article,
        form=form,
        body_form=body_form,
        bylines=bylines,
        conflict=conflict,
        correction_form=correction_form,
        analysis=analysis,
        reader_report=reader_report,
    )
    return render(request, "editors/article_form.html", context, status=status)


def _report_saved(request: HttpRequest, outcome: services.SaveOutcome) -> None:
    """Say what the save did, and only that."""
    Result = services.SaveResult
    if outcome.result == Result.UNCHANGED:
        messages.info(request, "No changes to save.")
    elif outcome.result == Result.CORRECTED:
        messages.success(
            request,
            f"{outcome.note.get_kind_display()} published: note on {_where(outcome.note)}.",
        )
    elif outcome.result == Result.CORRECTED_QUIETLY:
        messages.success(
            request,
            f"Change saved without a public note (non-substantive: {outcome.reason}).",
        )
    else:
        messages.success(request, "Saved.")


def _where(note) -> str:
    """What a published note concerns, as readers count it: "paragraph 11", "paragraphs
    3, 4", or "the story" when it names no paragraph."""
    numbers = note.paragraphs or []
    if not numbers:
        return "the story"
    label = "paragraph" if len(numbers) == 1 else "paragraphs"
    return f"{label} {', '.join(map(str, numbers))}"


def _report_to_form(request: HttpRequest, exc: Exception, form: ArticleForm) -> None:
    """A service's refusal, shown where it belongs: an error about one of the article form's
    fields (a slug another story already has) beside that field, anything else as a message."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        others = {}
        for name, errors in exc.error_dict.items():
            if name in form.fields:
                form.add_error(name, errors)
            else:
                others[name] = errors
        if not others:
            return
        exc = ValidationError(others)
    report_error(request, exc)


def _note_initial(analysis) -> dict:
    return {
        "choice": CorrectionForm.NOTE if analysis.needs_public_note else "",
        "kind": "correction",
        "text": analysis.suggested_text(),
        "paragraphs": ", ".join(map(str, analysis.paragraphs)),
        "before": analysis.before[:500],
        "after": analysis.after[:500],
    }


# Saves no person made, named by the event logged with their revision.
_SYSTEM_SAVES = {
    "article.publish.scheduled": "scheduled publishing",
    HELD_EVENT: "the scheduler",
}


def _saved_by(revision, *, viewer) -> str:
    """Who saved ``revision``, in the words of ``presence.who``; for the system, what it was."""
    if revision.created_by is not None:
        return presence.who(user=revision.created_by, viewer=viewer)
    if revision.message == importing.IMPORT_MESSAGE:
        return "an import"
    action = (
        revision.article.events.filter(actor=None, data__revision=revision.number)
        .values_list("action", flat=True)
        .first()
    )
    return _SYSTEM_SAVES.get(action, "the system")


def _conflict(exc: EditConflict, changes: services.ArticleChanges, *, viewer) -> dict:
    """Their saved version against the text this user tried to save, and who saved it."""
    theirs = exc.revision.snapshot
    yours_blocks = [{"kind": b.kind, "text": b.text} for b in changes.blocks]
    yours_fields = {k: v for k, v in changes.fields.items() if isinstance(v, str)}
    return {
        "revision": exc.revision,
        "by": _saved_by(exc.revision, viewer=viewer),
        "by_you": exc.revision.created_by_id == viewer.pk,
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
    unattributed = selectors.unattributed_quotes(article) if step.quote_gate else []
    anonymous = selectors.anonymous_sources(article) if step.quote_gate else []
    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        move=step,
        needs_override=bool(unattributed or anonymous),
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
            "problems": services.article_publish_problems(article) if step.needs_ready else [],
            "unattributed": unattributed,
            "anonymous": anonymous,
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
    article = desk_article(request, pk, Article.objects.with_desk_data())
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
    # Nine digits at most: int() refuses 4,300 and more (and no article has a billion).
    if not all(n and n.isdecimal() and n.isascii() and len(n) <= 9 for n in numbers):
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


def _private(response: HttpResponse) -> HttpResponse:
    """Previews are for whoever holds the link: never indexed, never cached anywhere."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def _render_preview(request: HttpRequest, article: Article, **extra) -> HttpResponse:
    return _private(
        render(
            request,
            "articles/article.html",
            {"article": article, "outcome": article.reader_outcome, "preview": True, **extra},
        )
    )


@desk_view
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    article = desk_article(request, pk, Article.objects.with_page_data())
    return _render_preview(request, article)


def _preview_links(user, article: Article) -> dict:
    """The story's preview-links panel: whether ``user`` may share one, and every link with
    what it does now and whether they may revoke it. One query, however many links."""
    links = []
    for link in article.preview_links.select_related("created_by", "revoked_by"):
        link.article = article  # what preview_outcome reads, without a query per link
        outcome = preview_outcome(link)
        if link.revoked_at is not None:
            state = "revoked"
        elif not link.is_active:
            state = "expired"
        elif outcome.redirect_to_live:
            state = "live"
        elif outcome.show:
            state = "active"
        else:
            state = "dead"
        revocable = state not in {"revoked", "expired"}
        links.append(
            {
                "link": link,
                "state": state,
                "can_revoke": revocable and permissions.can_revoke_preview(user, link),
            }
        )
    return {"can_share": permissions.can_share_preview(user, article), "links": links}


@desk_view
@require_POST
@no_store
def preview_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Mint a preview link and show it, this once: only its hash is kept."""
    article = desk_article(request, pk)
    try:
        link, token = services.preview_link_create(article=article, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        report_error(request, exc)
        return _back_to(article.pk, "preview-links")
    url = request.build_absolute_uri(reverse("preview", kwargs={"token": token}))
    return render(
        request, "editors/preview_link.html", {"article": article, "link": link, "url": url}
    )


@desk_view
@require_POST
def preview_link_revoke(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    article = desk_article(request, pk)
    link = get_object_or_404(article.preview_links, pk=link_id)
    try:
        services.preview_link_revoke(link=link, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        report_error(request, exc)
    else:
        messages.success(request, "Preview link revoked: it no longer opens the story.")
    return _back_to(article.pk, "preview-links")


def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    """A preview link someone without a desk account was sent: the unreleased story, the live
    page once it is out (302), or 410 once the link is revoked or expired or the story was
    taken down. A token no link has is a 404."""
    link = services.preview_link_for_token(token)
    if link is None:
        raise Http404("No such preview.")
    outcome = preview_outcome(link)
    if outcome.redirect_to_live:
        return _private(redirect(link.article.get_absolute_url()))
    if not outcome.show:
        return _private(
            render(request, "editors/preview_expired.html", {"reason": outcome.reason}, status=410)
        )
    article = get_object_or_404(Article.objects.with_page_data(), pk=link.article_id)
    return _render_preview(request, article, shared_preview=True)
