"""The webhooks in the Django admin, for administrators (superusers) only: subscribers hold
secrets and point our requests at other people's servers, so no desk role manages them.

Subscribers are added and changed through ``services.subscriber_save`` (the SSRF guard
checks the URL), their secret rotated through ``services.subscriber_rotate_secret``.
Deliveries and their attempts are records: read only, and replayed through
``services.delivery_replay``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import format_html

from webhooks import services
from webhooks.models import Attempt, Delivery, Kind, Subscriber

if TYPE_CHECKING:
    from django.http import HttpRequest

#: "Recent" failures, as the subscriber list counts them.
RECENT = timedelta(days=7)


class AdministratorsOnly:
    """Every permission needs a superuser (and whatever the admin itself asks)."""

    @staticmethod
    def _administrator(request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._administrator(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._administrator(request)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return self._administrator(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._administrator(request)


class SubscriberForm(forms.ModelForm):
    # The SSRF guard checks it in ``Subscriber.clean``.
    url = forms.URLField(
        max_length=500, assume_scheme="https", widget=forms.URLInput(attrs={"size": 80})
    )
    events = forms.MultipleChoiceField(
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The kinds of change this subscriber is told of.",
    )

    class Meta:
        model = Subscriber
        fields = ["name", "url", "events", "active"]


@admin.register(Subscriber)
class SubscriberAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = SubscriberForm
    list_display = ["name", "url", "active", "kinds", "failed_recently", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret", "created_at"]
    actions = ["rotate_secret"]

    def get_queryset(self, request: HttpRequest):
        since = timezone.now() - RECENT
        return (
            super()
            .get_queryset(request)
            .annotate(
                failed_count=Count(
                    "deliveries",
                    filter=Q(
                        deliveries__status=Delivery.Status.FAILED,
                        deliveries__created_at__gte=since,
                    ),
                )
            )
        )

    @admin.display(description="Kinds")
    def kinds(self, obj: Subscriber) -> str:
        labels = dict(Kind.choices)
        return ", ".join(str(labels[kind]) for kind in obj.events if kind in labels)

    @admin.display(description="Failed (7 days)", ordering="failed_count")
    def failed_recently(self, obj: Subscriber) -> int:
        return obj.failed_count

    def save_model(self, request: HttpRequest, obj: Subscriber, form, change: bool) -> None:
        services.subscriber_save(subscriber=obj, actor=request.user)

    @admin.action(description="Rotate the secret of selected subscribers")
    def rotate_secret(self, request: HttpRequest, queryset) -> None:
        for subscriber in queryset:
            services.subscriber_rotate_secret(subscriber=subscriber, actor=request.user)
            self.log_change(request, subscriber, "Rotated the secret.")
        self.message_user(
            request,
            f"New secrets for {queryset.count()} subscriber(s): tell them before the next "
            "delivery, which is signed with it.",
            messages.WARNING,
        )


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ["at", "duration_ms", "status_code", "error", "response_excerpt"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "subscriber",
        "article",
        "version",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "kind", "subscriber"]
    list_select_related = ["subscriber", "article"]
    search_fields = ["id", "version", "article__headline"]
    date_hierarchy = "created_at"
    fields = [
        "id",
        "subscriber",
        "kind",
        "article",
        "version",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "created_at",
        "delivered_at",
        "sent_body",
    ]
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["replay"]

    @admin.display(description="Body")
    def sent_body(self, obj: Delivery) -> str:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', obj.body)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return self._administrator(request)

    @admin.action(description="Replay selected deliveries", permissions=["replay"])
    def replay(self, request: HttpRequest, queryset) -> None:
        replayed = 0
        for delivery in queryset:
            try:
                services.delivery_replay(delivery=delivery, actor=request.user)
            except services.NotReplayable as exc:
                self.message_user(request, f"{delivery} was not replayed: {exc}", messages.ERROR)
            else:
                replayed += 1
                self.log_change(request, delivery, "Replayed.")
        if replayed:
            self.message_user(request, f"Replaying {replayed} delivery(ies).", messages.SUCCESS)
