"""The Django admin: raw records for administrators, held to the same rules as the desk.

The admin edits rows directly, but it does not get a back door round the editorial rules:

- Status never changes here by hand. "Publish selected articles" calls
  ``services.article_publish`` per article, so admin publishes are checked and logged like
  desk publishes.
- A published (or unpublished) story's wording is read-only: headline, standfirst, body,
  bylines and attributions change only through the desk's correction flow. Every admin save
  of an article leaves a ``Revision``.
- New correction notes and attributions are written by their services (a note on a live
  story is public at once and moves the story's updated time). A published note can be
  neither changed nor deleted; an administrator may withdraw it with a reason, through
  ``services.correction_note_withdraw``, which keeps the note and the trace.
- Revisions, events and review comments are immutable records: view only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils.text import Truncator

from articles import permissions, services
from articles.models import (
    Article,
    ArticleEvent,
    Attribution,
    Author,
    Block,
    Byline,
    CorrectionNote,
    ReviewComment,
    Revision,
    Section,
    Source,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

# Stories whose wording readers have seen. The desk's ``permissions.can_edit`` refuses plain
# edits in the same states: from here on, wording changes only through a correction.
FROZEN_STATUSES = permissions.FROZEN_STATUSES

# Article fields readers read as the story's wording; read-only once it is frozen.
WORDING_FIELDS = (
    "headline",
    "slug",
    "dek",
    "dateline",
    "credit_line",
    "lead_image",
    "lead_image_caption",
    "lead_image_alt",
    "lead_image_credit",
)


# Links typed without a scheme are taken as https (Django 6's default; silences its warning).
URL_FIELD = {models.URLField: {"assume_scheme": "https"}}


def wording_frozen(article: Article | None) -> bool:
    return article is not None and article.pk is not None and article.status in FROZEN_STATUSES


def explain(exc: Exception) -> str:
    """The words of a service error, for an admin message."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def short(text: str, words: int = 12) -> str:
    return Truncator(text).words(words)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Immutable records: listed and viewable, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "title", "user", "slug"]
    list_select_related = ["user"]
    search_fields = ["display_name", "slug", "title", "user__username"]
    prepopulated_fields = {"slug": ("display_name",)}
    autocomplete_fields = ["user"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "role", "affiliation", "url"]
    list_filter = ["kind"]
    list_select_related = ["affiliation"]
    search_fields = ["name", "slug", "role", "aliases"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["affiliation"]
    formfield_overrides = URL_FIELD
    readonly_fields = ["former_slugs"]
    actions = ["merge_sources"]

    @admin.action(description="Merge selected sources into one", permissions=["change"])
    def merge_sources(self, request: HttpRequest, queryset) -> HttpResponse | None:
        """Pick the source to keep on an intermediate page; the others merge into it."""
        sources = list(queryset)
        if len(sources) < 2:
            self.message_user(request, "Select at least two sources to merge.", messages.WARNING)
            return None
        keep_id = request.POST.get("keep")
        if "confirm" in request.POST and keep_id:
            keep = next((s for s in sources if str(s.pk) == keep_id), None)
            if keep is None:
                self.message_user(request, "Choose one of the selected sources.", messages.ERROR)
                return None
            try:
                with transaction.atomic():  # all the selected sources merge, or none
                    for other in sources:
                        if other.pk != keep.pk:
                            keep = services.source_merge(keep=keep, merge=other, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"Not merged: {explain(exc)}", messages.ERROR)
                return None
            self.message_user(
                request, f"Merged {len(sources) - 1} source(s) into {keep}.", messages.SUCCESS
            )
            return None
        return action_page(
            self, request, "merge_sources", "Merge sources", "source/merge.html", sources=sources
        )


class NoBulkDeleteMixin:
    """No "delete selected" action: its bulk delete skips the per-object checks (frozen
    stories, published notes) that ``has_delete_permission`` makes; delete one at a time."""

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


def action_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    action_name: str,
    title: str,
    template: str,
    **extra,
) -> TemplateResponse:
    """The intermediate page of an admin action that asks before it acts (a reason, a
    choice); the page posts the selection back with ``confirm`` set."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action_name": action_name,
        "media": model_admin.media,
        **extra,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, f"admin/articles/{template}", context)


class FrozenWithArticleMixin:
    """Inline rows that are part of the story's wording: read-only once the story is frozen.

    Django passes inlines the parent article as ``obj``.
    """

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return not wording_frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not wording_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not wording_frozen(obj) and super().has_delete_permission(request, obj)


class BylineInline(FrozenWithArticleMixin, admin.TabularInline):
    model = Byline
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    extra = 0


class BlockInline(FrozenWithArticleMixin, admin.TabularInline):
    model = Block
    fields = ["position", "kind", "text", "image", "image_alt", "image_caption", "image_credit"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}


class AttributionInline(FrozenWithArticleMixin, admin.TabularInline):
    model = Attribution
    fields = ["source", "kind", "text", "paragraph", "url"]
    autocomplete_fields = ["source"]
    extra = 0
    formfield_overrides = {
        **URL_FIELD,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})},
    }


class CorrectionNoteInline(admin.TabularInline):
    """The story's notes as they stand. Pending notes are edited on their own page."""

    model = CorrectionNote
    verbose_name_plural = "correction notes"
    fields = ["kind", "text", "paragraphs", "issued_at", "published_at", "withdrawn_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class NewCorrectionNoteInline(admin.StackedInline):
    """Blank forms for new notes; ``ArticleAdmin.save_formset`` hands them to the service."""

    model = CorrectionNote
    verbose_name = "new correction note"
    verbose_name_plural = "add correction notes"
    fields = ["kind", "text", "paragraphs", "before", "after"]
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).none()

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("articles.correct_article") and super().has_add_permission(
            request, obj
        )

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = [
        "headline",
        "section",
        "status",
        "kind",
        "byline_names",
        "first_published_at",
        "updated_at",
    ]
    list_filter = ["status", "kind", "section"]
    search_fields = ["headline", "slug", "dek"]
    autocomplete_fields = ["section"]
    prepopulated_fields = {"slug": ("headline",)}
    actions = ["publish_selected"]
    # Inline order is save order: the body is saved before the attributions and notes that
    # are validated against it.
    inlines = [
        BylineInline,
        BlockInline,
        AttributionInline,
        CorrectionNoteInline,
        NewCorrectionNoteInline,
    ]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "dateline", "kind", "section"]}),
        ("Credits and tags", {"fields": ["credit_line", "tags"]}),
        (
            "Lead image",
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
        (
            "Publication (changes only through the desk or the publish action)",
            {
                "fields": [
                    "status",
                    "scheduled_at",
                    "first_published_at",
                    "updated_at",
                    "created_by",
                    "created_at",
                    "modified_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "status",
        "scheduled_at",
        "first_published_at",
        "updated_at",
        "created_by",
        "created_at",
        "modified_at",
    ]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).with_list_data()

    @admin.display(description="byline")
    def byline_names(self, obj: Article) -> str:
        return ", ".join(b.author.display_name for b in obj.bylines.all())

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if wording_frozen(obj):
            fields += WORDING_FIELDS
        return fields

    def get_prepopulated_fields(self, request: HttpRequest, obj=None):
        # A frozen slug is a read-only field, which cannot be prepopulated.
        return {} if wording_frozen(obj) else super().get_prepopulated_fields(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Readers may have linked to it; a live story comes down by unpublishing it.
        return not wording_frozen(obj) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.publish_article")

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is CorrectionNote:
            self._save_new_notes(request, form.instance, formset)
        elif formset.model is Attribution:
            self._save_attributions(request, form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _save_new_notes(self, request: HttpRequest, article: Article, formset) -> None:
        # Only the new-note inline yields instances: the existing-notes inline is read-only.
        for note in formset.save(commit=False):
            if note.pk is not None:
                continue
            try:
                created = services.correction_note_create(
                    article=article,
                    actor=request.user,
                    note=services.NoteData(
                        kind=note.kind,
                        text=note.text,
                        paragraphs=note.paragraphs or (),
                        before=note.before,
                        after=note.after,
                    ),
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, f"The note was not added: {explain(exc)}", messages.ERROR
                )
                formset.new_objects.remove(note)
            else:
                note.pk = created.pk

    def _save_attributions(self, request: HttpRequest, article: Article, formset) -> None:
        instances = formset.save(commit=False)
        for attribution in formset.deleted_objects:
            services.attribution_delete(attribution=attribution, actor=request.user)
        for attribution in instances:
            if attribution.pk is not None:
                attribution.save()
                continue
            try:
                created = services.attribution_create(
                    article=article,
                    actor=request.user,
                    source=attribution.source,
                    kind=attribution.kind,
                    text=attribution.text,
                    paragraph=attribution.paragraph,
                    url=attribution.url,
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, f"An attribution was not added: {explain(exc)}", messages.ERROR
                )
                formset.new_objects.remove(attribution)
            else:
                attribution.pk = created.pk

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        article = form.instance
        services.article_admin_saved(article=article, actor=request.user, created=not change)
        # Attributions were validated against the body as it stood before this save; say so
        # when an edit to the body left one pointing at words that are no longer there.
        for attribution in article.attributions.all():
            try:
                attribution.clean()
            except ValidationError as exc:
                self.message_user(
                    request,
                    f"Check the attribution to {attribution.source}: {explain(exc)}",
                    messages.WARNING,
                )

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset) -> None:
        published = 0
        for article in queryset:
            try:
                services.article_publish(article=article, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, f"“{article}” was not published: {explain(exc)}", messages.ERROR
                )
            else:
                published += 1
        if published:
            self.message_user(request, f"Published {published} article(s).", messages.SUCCESS)


class AttributionAdminForm(forms.ModelForm):
    class Meta:
        model = Attribution
        # The admin builds the rest of the fields (with its widgets) from ``fields``.
        fields = ["article"]

    def clean_article(self) -> Article:
        article = self.cleaned_data["article"]
        if wording_frozen(article):
            raise ValidationError(
                "This story is published; its attributions change only through a correction."
            )
        return article


@admin.register(Attribution)
class AttributionAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    """Saving validates the model through the form: the words must stand in the paragraph."""

    form = AttributionAdminForm
    list_display = ["source", "article", "kind", "paragraph", "excerpt"]
    list_filter = ["kind"]
    list_select_related = ["source", "article"]
    search_fields = ["text", "source__name", "article__headline"]
    autocomplete_fields = ["article", "source"]
    fields = ["article", "source", "kind", "text", "paragraph", "url", "created_at"]
    readonly_fields = ["created_at"]
    formfield_overrides = URL_FIELD

    @admin.display(description="text")
    def excerpt(self, obj: Attribution) -> str:
        return short(obj.text)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not (obj and wording_frozen(obj.article)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not (obj and wording_frozen(obj.article)) and super().has_delete_permission(
            request, obj
        )

    def save_model(self, request: HttpRequest, obj: Attribution, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.attribution_create(
            article=obj.article,
            actor=request.user,
            source=obj.source,
            kind=obj.kind,
            text=obj.text,
            paragraph=obj.paragraph,
            url=obj.url,
        )
        obj.pk, obj.created_at = created.pk, created.created_at
        obj._state.adding = False


class NoteStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin):
        return [("pending", "Pending"), ("published", "Published"), ("withdrawn", "Withdrawn")]

    def queryset(self, request: HttpRequest, queryset):
        if self.value() == "pending":
            return queryset.filter(published_at__isnull=True, withdrawn_at__isnull=True)
        if self.value() == "published":
            return queryset.filter(published_at__isnull=False, withdrawn_at__isnull=True)
        if self.value() == "withdrawn":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text="Kept with the note and in the article's log.",
    )


@admin.register(CorrectionNote)
class CorrectionNoteAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    """Pending notes are editable; published or withdrawn ones are a permanent record."""

    list_display = [
        "article",
        "kind",
        "state",
        "excerpt",
        "issued_at",
        "published_at",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason_short",
    ]
    list_filter = [NoteStateFilter, "kind"]
    list_select_related = ["article", "withdrawn_by"]
    search_fields = ["text", "article__headline", "withdrawal_reason"]
    autocomplete_fields = ["article"]
    actions = ["withdraw_notes"]
    readonly_fields = [
        "issued_by",
        "issued_at",
        "published_at",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason",
    ]
    fieldsets = [
        (None, {"fields": ["article", "kind", "text", "paragraphs", "before", "after"]}),
        ("Record", {"fields": ["issued_by", "issued_at", "published_at"]}),
        ("Withdrawal", {"fields": ["withdrawn_at", "withdrawn_by", "withdrawal_reason"]}),
    ]

    @admin.display(description="state")
    def state(self, obj: CorrectionNote) -> str:
        if obj.withdrawn_at:
            return "Withdrawn"
        return "Published" if obj.is_published else "Pending"

    @admin.display(description="text")
    def excerpt(self, obj: CorrectionNote) -> str:
        return short(obj.text)

    @admin.display(description="withdrawal reason")
    def withdrawal_reason_short(self, obj: CorrectionNote) -> str:
        return short(obj.withdrawal_reason)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets[:1] if obj is None else fieldsets

    def _frozen(self, obj: CorrectionNote | None) -> bool:
        return obj is not None and (obj.is_published or obj.withdrawn_at is not None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.correct_article") and super().has_add_permission(
            request
        )

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)

    def has_withdraw_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: CorrectionNote, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.correction_note_create(
            article=obj.article,
            actor=request.user,
            note=services.NoteData(
                kind=obj.kind,
                text=obj.text,
                paragraphs=obj.paragraphs or (),
                before=obj.before,
                after=obj.after,
            ),
        )
        obj.pk, obj._state.adding = created.pk, False
        obj.issued_by, obj.issued_at, obj.published_at = (
            created.issued_by,
            created.issued_at,
            created.published_at,
        )

    @admin.action(description="Withdraw selected notes", permissions=["withdraw"])
    def withdraw_notes(self, request: HttpRequest, queryset) -> HttpResponse | None:
        """Ask for a reason on an intermediate page, then withdraw each note through the service."""
        form = WithdrawForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            withdrawn = 0
            for note in queryset.select_related("article"):
                try:
                    services.correction_note_withdraw(
                        note=note, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                except (ValidationError, PermissionDenied) as exc:
                    self.message_user(
                        request, f"{note} was not withdrawn: {explain(exc)}", messages.ERROR
                    )
                else:
                    withdrawn += 1
            if withdrawn:
                self.message_user(request, f"Withdrew {withdrawn} note(s).", messages.SUCCESS)
            return None
        return action_page(
            self,
            request,
            "withdraw_notes",
            "Withdraw correction notes",
            "correctionnote/withdraw.html",
            notes=queryset.select_related("article"),
            form=form,
        )


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["article", "number", "created_at", "created_by", "message"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__headline", "message"]
    date_hierarchy = "created_at"
    fields = ["article", "number", "created_at", "created_by", "message", "snapshot"]


@admin.register(ArticleEvent)
class ArticleEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "article", "actor", "from_status", "to_status"]
    list_filter = ["action"]
    list_select_related = ["article", "actor"]
    search_fields = ["article__headline", "action", "message"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "action",
        "article",
        "actor",
        "from_status",
        "to_status",
        "message",
        "data",
    ]


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "article", "author", "revision_number", "excerpt"]
    list_select_related = ["article", "author"]
    search_fields = ["article__headline", "text"]
    fields = ["article", "author", "revision_number", "created_at", "text"]

    @admin.display(description="text")
    def excerpt(self, obj: ReviewComment) -> str:
        return short(obj.text)
