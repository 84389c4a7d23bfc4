"""The newsroom's roles: which model permissions each desk group holds, and the partners'
group, which holds API tokens and has no desk access.

This table is the permission matrix the README prints and ``tests/editors/test_roles.py``
enforces. Groups are created by the data migration ``editors/0001_roles``; a change here
needs a migration that calls ``sync_role_groups`` again. Admins are superusers.
"""

from __future__ import annotations

REPORTER = "Reporter"
COPY_EDITOR = "Copy editor"
EDITOR = "Editor"
# Syndication partners and app developers: API tokens only (``api.tokens``), no desk. Not a
# ``newsroom_user`` role (that one gives every account a byline); an admin puts a partner's
# account in this group in the Django admin.
PARTNER = "Partner"

_DESK = [
    "articles.use_desk",
    "articles.view_article",
    "articles.add_reviewcomment",
    "api.hold_token",
]
_SOURCING = [
    "articles.view_source",
    "articles.add_source",
    "articles.add_attribution",
    "articles.change_attribution",
    "articles.delete_attribution",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    REPORTER: [
        *_DESK,
        *_SOURCING,
        "articles.add_article",
        "articles.change_article",
        "articles.submit_article",
        "articles.share_preview",
    ],
    COPY_EDITOR: [
        *_DESK,
        *_SOURCING,
        "articles.change_article",
        "articles.copyedit_article",
    ],
    EDITOR: [
        *_DESK,
        *_SOURCING,
        "articles.add_article",
        "articles.change_article",
        "articles.submit_article",
        "articles.copyedit_article",
        "articles.edit_any_article",
        "articles.review_article",
        "articles.publish_article",
        "articles.correct_article",
        "articles.retract_article",
        "articles.share_preview",
        "articles.add_correctionnote",
        "articles.view_correctionnote",
        "articles.change_source",
        "articles.add_section",
        "articles.change_section",
        "articles.view_section",
        "articles.add_author",
        "articles.change_author",
        "articles.view_author",
    ],
    PARTNER: ["api.hold_token"],
}

# The names `newsroom_user --role` accepts.
ROLE_CHOICES = {
    "reporter": REPORTER,
    "copy-editor": COPY_EDITOR,
    "editor": EDITOR,
    "admin": None,
}


def sync_role_groups(apps=None) -> None:
    """Make each role's group hold exactly its permissions (migrations pass ``apps``)."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        # NOTE: an early migration runs against an older model state in which a later
        # permission does not exist yet; the migration that adds it syncs again. The roles
        # test checks that the groups end up holding exactly ROLE_PERMISSIONS.
        wanted = Permission.objects.none()
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted |= Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.set(wanted)
