"""API tokens in the Django admin: admins see everyone's and revoke them; nobody reads a secret.

knox registers an admin for its own token model, which ``KNOX_TOKEN_MODEL`` swaps out, so
the admin skips it; this one replaces it. Read-only, with one action: revoking goes through
``api.tokens.api_token_revoke`` (the permission check and the audit event), never a delete,
which would lose the token's history (and the admin's deletion log entry purges every
reader page). Tokens are created by their holders in the desk, where the secret is shown.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from api import tokens
from api.models import ApiToken, ApiTokenEvent


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created", "expiry", "last_used_at", "state_display")
    list_filter = ("created", "expiry", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("name", "user__username", "user__email")
    # Never the digest or the token_key: the key is the first characters of the secret.
    fields = (
        "name",
        "user",
        "created",
        "expiry",
        "last_used_at",
        "state_display",
        "revoked_at",
        "revoked_by",
    )
    readonly_fields = fields
    actions = ["revoke_selected"]

    @admin.display(description="State")
    def state_display(self, obj: ApiToken) -> str:
        return obj.state.capitalize()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm(tokens.MANAGE_PERMISSION)

    @admin.action(description="Revoke selected API tokens", permissions=["revoke"])
    def revoke_selected(self, request, queryset) -> None:
        revoked = 0
        for token in queryset.select_related("user"):
            try:
                tokens.api_token_revoke(token=token, actor=request.user)
            except tokens.TokenRevoked:
                continue
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{token}: {exc}", messages.ERROR)
                continue
            revoked += 1
        self.message_user(request, f"Revoked {revoked} API token(s).", messages.SUCCESS)


@admin.register(ApiTokenEvent)
class ApiTokenEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only."""

    list_display = ("created_at", "action", "token", "holder", "actor")
    list_filter = ("action",)
    list_select_related = ("token", "token__user", "holder", "actor")
    search_fields = ("token__name", "holder__username", "actor__username")
    readonly_fields = ("created_at", "action", "token", "holder", "actor", "data")
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
