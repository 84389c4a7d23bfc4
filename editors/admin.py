"""The Django admin's user pages, for the newsroom's people.

Adding a user asks, on the one page, for everything a desk person needs: username and
password, their one role (``editors.roles.ROLE_CHOICES``), their name and email. Saving
goes through ``accounts.person_create``, which also gives them their byline (an Author
profile named after them), in the admin's transaction. A user's role changes through one
choice as well (``accounts.person_set_role``): the desk roles are not offered in the groups
picker, which keeps only the other groups (API partners), and superuser and staff status
follow the role (admins are superusers) instead of being ticked by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group

from editors import accounts

if TYPE_CHECKING:
    from django.http import HttpRequest

User = get_user_model()

_ROLE_HELP = "Admins are superusers; editors also reach the admin pages their role covers."


class PersonCreationForm(AdminUserCreationForm):
    role = forms.ChoiceField(choices=list(accounts.ROLE_LABELS.items()), help_text=_ROLE_HELP)

    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "first_name", "last_name", "email")


class PersonChangeForm(UserChangeForm):
    role = forms.ChoiceField(
        choices=[("", "No desk role"), *accounts.ROLE_LABELS.items()],
        required=False,
        help_text=_ROLE_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = accounts.role_of(self.instance) or ""
        if "groups" in self.fields:
            groups = self.fields["groups"]
            groups.queryset = Group.objects.exclude(name__in=accounts.DESK_GROUPS)
            groups.label = "Other groups"
            groups.help_text = "Groups that are not desk roles, such as API partners."


@admin.display(description="Role")
def _role(user) -> str:
    role = accounts.role_of(user)
    return accounts.ROLE_LABELS[role] if role else "—"


class PersonAdmin(UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    add_form_template = "admin/editors/person_add_form.html"
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        ("Role and name", {"fields": ("role", "first_name", "last_name", "email")}),
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Role", {"fields": ("role", "is_active", "is_superuser", "is_staff", "groups")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("is_superuser", "is_staff", "last_login", "date_joined")
    filter_horizontal = ("groups",)
    list_display = ("username", "first_name", "last_name", "email", _role, "is_active")
    list_filter = ("is_active", "is_superuser", "groups")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("groups")

    def save_form(self, request: HttpRequest, form, change: bool):
        if change:
            return super().save_form(request, form, change)
        data = form.cleaned_data
        # The creation form says whether the account signs in with a password at all.
        usable = data.get("usable_password", "true") != "false"
        return accounts.person_create(
            username=data["username"],
            role=data["role"],
            password=data.get("password1") if usable else None,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            email=data.get("email", ""),
            actor=request.user,
        )

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        # A new person was saved whole by ``person_create`` (``save_form``).
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        if not change:
            return
        super().save_related(request, form, formsets, change)
        # After the groups picker's save, which only knows the groups that are not roles.
        accounts.person_set_role(
            user=form.instance, role=form.cleaned_data.get("role") or None, actor=request.user
        )


admin.site.unregister(User)
admin.site.register(User, PersonAdmin)
