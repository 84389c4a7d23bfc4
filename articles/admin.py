"""The Django admin: the records, for administrators. It is not a second way to write a story.

The desk (``editors``) is where stories are written, edited and corrected, under the rules
the services enforce: who may edit what (``permissions.can_edit``), what a copy editor may
change, the revision an edit started from, the note or logged reason every change to a live
story needs. The admin has no way round them:

- An article's editorial content is read-only here, whatever its status: every field of the
  one field spec (``articles.fields.SPEC``), its bylines, body and attributions, and its
  workflow fields. The article page links to the story in the desk. Articles are not added
  here: a story starts in the desk (or an import). Only a story readers never saw may be
  deleted; one they saw (``Article.Status.FROZEN``) comes down by unpublishing it.
- Status never changes here by hand. "Publish selected articles" calls
  ``services.article_publish`` per article, so admin publishes are checked and logged like
  desk publishes.
- Attributions are added, changed and removed through ``services.attribution_create``,
  ``attribution_update`` and ``attribution_delete``, and only while the story can be edited:
  a live story's attributions change through a correction.
- Correction notes are added through ``services.correction_note_create``, and a pending note
  (on a story not yet out) is reworded through ``services.correction_note_update``. A
  published note can be neither changed nor deleted; a holder of
  ``articles.withdraw_correctionnote`` may withdraw it with a reason, through
  ``services.correction_note_withdraw``, which keeps the note and the trace.
- Revisions, events, review comments and preview links are immutable records: view only.
- Sections, authors and sources are plain records, edited here (sources merge through
  ``services.source_merge``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from articles import fields, permissions, services
from articles.models import (
    Article,
    ArticleEvent,
    Attribution,
    Author,
    Block,
    Byline,
    CorrectionNote,
    PreviewLink,
    ReviewComment,
    Revision,
    Section,
    Source,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def _is_article_field(name: str) -> bool:
    try:
        return isinstance(Article._meta.get_field(name), models.Field)
    except FieldDoesNotExist:
        return False


#: The story's editorial content, as the field spec declares it: every entry of
#: ``articles.fields.SPEC`` that is a field of ``Article`` itself (the body is its blocks).
EDITORIAL_FIELDS: tuple[str, ...] = tuple(
    spec.name for spec in fields.SPEC if _is_article_field(spec.name)
)

#: What the workflow and the services record about the story (``fields.MANAGED``).
PUBLICATION_FIELDS = [
    "status",
    "scheduled_at",
    "first_published_at",
    "updated_at",
    "created_by",
    "created_at",
    "modified_at",
]

# Links typed without a scheme are taken as https (Django 6's default; silences its warning).
URL_FIELD = {models.URLField: {"assume_scheme": "https"}}


def readers_saw(article: Article | None) -> bool:
    """Readers saw the story: its wording no longer changes but through a correction."""
    return (
        article is not None and article.pk is not None and article.status in Article.Status.FROZEN
    )


def desk_url(article: Article) -> str:
    """Where the story is edited (or corrected): its page in the desk."""
    return reverse("editors:article_edit", kwargs={"pk": article.pk})


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


class StoryRowsInline(admin.TabularInline):
    """Rows that belong to the story (bylines, body, attributions, notes): shown with the
    article, never changed from its page. Bylines and the body change in the desk;
    attributions and notes on their own admin pages, through their services."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        # Part of the article's record: whoever may see the article sees them.
        article_admin = self.admin_site.get_model_admin(self.parent_model)
        return article_admin.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class BylineInline(StoryRowsInline):
    model = Byline
    fields = ["author", "position"]


class BlockInline(StoryRowsInline):
    model = Block
    fields = ["position", "kind", "text", "image", "image_alt", "image_caption", "image_credit"]


class AttributionInline(StoryRowsInline):
    model = Attribution
    fields = ["source", "kind", "text", "paragraph", "url"]
    formfield_overrides = URL_FIELD
    show_change_link = True


class CorrectionNoteInline(StoryRowsInline):
    """The story's notes as they stand; pending notes are edited on their own page."""

    model = CorrectionNote
    verbose_name_plural = "correction notes"
    fields = ["kind", "text", "paragraphs", "issued_at", "published_at", "withdrawn_at"]
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    """An article's record, to look at. Its content is written and corrected in the desk and
    its status moved by the workflow, so nothing on this page saves: it shows the story, with
    a link to the desk."""

    list_display = [
        "headline",
        "section",
        "status",
        "kind",
        "byline_names",
        "first_published_at",
        "updated_at",
        "desk_link",
    ]
    list_filter = ["status", "kind", "section"]
    search_fields = ["headline", "slug", "dek"]
    actions = ["publish_selected"]
    inlines = [BylineInline, BlockInline, AttributionInline, CorrectionNoteInline]
    fieldsets = [
        (
            "Story (written and corrected in the desk)",
            {"fields": list(EDITORIAL_FIELDS)},
        ),
        (
            "Publication (changes only through the desk or the publish action)",
            {"fields": PUBLICATION_FIELDS},
        ),
    ]
    readonly_fields = [*EDITORIAL_FIELDS, *PUBLICATION_FIELDS]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).with_list_data()

    @admin.display(description="byline")
    def byline_names(self, obj: Article) -> str:
        return ", ".join(b.author.display_name for b in obj.bylines.all())

    @admin.display(description="desk")
    def desk_link(self, obj: Article) -> str:
        return format_html('<a href="{}">Edit in the desk</a>', desk_url(obj))

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A story starts in the desk (or an import), with its first revision and event.
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # NOTE: an admin save would skip what the desk's services enforce (who may edit,
        # copy-edit limits, the base revision, the note a live change needs); the page is
        # view only and links to the desk instead.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Readers may have linked to it; a story they saw comes down by unpublishing it.
        return not readers_saw(obj) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.publish_article")

    def render_change_form(self, request: HttpRequest, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["desk_url"] = desk_url(obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

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
        if readers_saw(article):
            raise ValidationError(
                "This story is published; its attributions change only through a correction."
            )
        return article


@admin.register(Attribution)
class AttributionAdmin(NoBulkDeleteMixin, admin.ModelAdmin):
    """Adds, changes and deletes go through the attribution services, and only while the
    story can be edited. The form checks the model first: the words must stand in the
    paragraph."""

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

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # An attribution stays with its story; what it says about the story may change.
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "article"] if obj is not None else readonly

    def _story_editable(self, request: HttpRequest, obj: Attribution | None) -> bool:
        # The services' rule: a live story's attributions change through a correction.
        return obj is None or permissions.can_edit(request.user, obj.article)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._story_editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._story_editable(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Attribution, form, change: bool) -> None:
        values = {
            "actor": request.user,
            "source": obj.source,
            "kind": obj.kind,
            "text": obj.text,
            "paragraph": obj.paragraph,
            "url": obj.url,
        }
        if change:
            services.attribution_update(attribution=obj, **values)
            return
        created = services.attribution_create(article=obj.article, **values)
        obj.pk, obj.created_at = created.pk, created.created_at
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Attribution) -> None:
        services.attribution_delete(attribution=obj, actor=request.user)


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
    """Notes are added through ``correction_note_create`` and pending ones reworded through
    ``correction_note_update``; published or withdrawn ones are a permanent record."""

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

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # A note stays on the story it was issued for.
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "article"] if obj is not None else readonly

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
        return request.user.has_perm("articles.withdraw_correctionnote")

    def save_model(self, request: HttpRequest, obj: CorrectionNote, form, change: bool) -> None:
        note = services.NoteData(
            kind=obj.kind,
            text=obj.text,
            paragraphs=obj.paragraphs or (),
            before=obj.before,
            after=obj.after,
            prominent=obj.prominent,
        )
        if change:
            services.correction_note_update(note=obj, actor=request.user, changes=note)
            return
        created = services.correction_note_create(
            article=obj.article, actor=request.user, note=note
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


@admin.register(PreviewLink)
class PreviewLinkAdmin(ReadOnlyAdmin):
    """Shared previews, as a record: minted and revoked in the desk, through the services.
    The token itself is never stored, so it is not shown."""

    list_display = ["article", "created_by", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__headline"]
    date_hierarchy = "created_at"
    fields = ["article", "created_by", "created_at", "expires_at", "revoked_at", "revoked_by"]
