"""The permission matrix (README "Roles and permissions"), enforced through the real services.

``MATRIX`` is the README table: each action is run for each role through the service a desk
view would call (or ``permissions.can_edit`` / the model permission where no service exists),
and the outcome must match the table.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles import permissions, services
from articles.models import Article, ArticleEvent, Attribution, CorrectionNote, Revision
from articles.services import BlockData, NoteData
from editors.roles import ROLE_CHOICES, ROLE_PERMISSIONS
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SectionFactory,
    UserFactory,
    article_changes,
)
from tests.helpers import user_with_role

Status = Article.Status
ROLES = ["reporter", "copy-editor", "editor", "admin"]

# The README matrix, row by row: action -> role -> allowed.
Y, N = True, False
MATRIX: dict[str, dict[str, bool]] = {
    #                                  reporter  copy-editor  editor  admin
    "create article": dict(zip(ROLES, [Y, N, Y, Y], strict=True)),
    "edit own draft": dict(zip(ROLES, [Y, Y, Y, Y], strict=True)),
    "edit another's draft": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "edit text in review (copy edit)": dict(zip(ROLES, [N, Y, Y, Y], strict=True)),
    "submit for review": dict(zip(ROLES, [Y, N, Y, Y], strict=True)),
    "withdraw from review": dict(zip(ROLES, [Y, N, Y, Y], strict=True)),
    "request changes": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "approve": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "schedule": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "unschedule": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "publish": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "unpublish": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "republish": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "issue corrections": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "retract": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "share a preview link": dict(zip(ROLES, [Y, N, Y, Y], strict=True)),
    "withdraw a published note": dict(zip(ROLES, [N, N, N, Y], strict=True)),
    "add attributions/sources": dict(zip(ROLES, [Y, Y, Y, Y], strict=True)),
    "manage sections & authors": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "manage users (admin)": dict(zip(ROLES, [N, N, N, Y], strict=True)),
    "byline someone else": dict(zip(ROLES, [N, N, Y, Y], strict=True)),
    "see the people page": dict(zip(ROLES, [N, N, N, Y], strict=True)),
}


# --- Each action, as the desk performs it. Refusal is a PermissionDenied. ----------------------


def _transition(user, *, start: str, to: str, own: bool = False, **kwargs) -> None:
    owner = user if own else user_with_role("reporter", "someone-else")
    extra = {}
    if start == Status.SCHEDULED:
        extra["scheduled_at"] = timezone.now() + timedelta(hours=2)
    if start in {Status.PUBLISHED, Status.UNPUBLISHED}:
        extra["first_published_at"] = timezone.now() - timedelta(days=1)
    article = ArticleFactory(created_by=owner, status=start, **extra)
    services.article_transition(article=article, actor=user, to=to, **kwargs)
    article.refresh_from_db()
    assert article.status == to


def _edit(user, *, owner, status: str) -> None:
    article = ArticleFactory(created_by=owner, status=status)
    changes = article_changes(article, blocks=[("paragraph", "The council met on Wednesday.")])
    services.article_update(article=article, actor=user, changes=changes, base_revision=0)
    assert article.blocks.get().text == "The council met on Wednesday."


def create_article(user) -> None:
    article = services.article_create(
        actor=user,
        section=SectionFactory(),
        headline="Council approves budget",
        blocks=[BlockData(kind="paragraph", text="The council approved the budget.")],
    )
    assert article.revisions.count() == 1


def edit_own_draft(user) -> None:
    # "Own" is a draft the user carries a byline on (a copy editor cannot start one).
    article = ArticleFactory(created_by=None, bylines=0)
    article.bylines.create(author=getattr(user, "author", None) or AuthorFactory(user=user))
    changes = article_changes(article, blocks=[("paragraph", "The council met on Wednesday.")])
    services.article_update(article=article, actor=user, changes=changes, base_revision=0)
    assert article.blocks.get().text == "The council met on Wednesday."


def edit_anothers_draft(user) -> None:
    _edit(user, owner=user_with_role("reporter", "someone-else"), status=Status.DRAFT)


def copy_edit_in_review(user) -> None:
    _edit(user, owner=user_with_role("reporter", "someone-else"), status=Status.IN_REVIEW)


def submit(user) -> None:
    _transition(user, start=Status.DRAFT, to=Status.IN_REVIEW, own=True)


def withdraw(user) -> None:
    _transition(user, start=Status.IN_REVIEW, to=Status.DRAFT, own=True)


def request_changes(user) -> None:
    _transition(
        user, start=Status.IN_REVIEW, to=Status.CHANGES_REQUESTED, comment="Source the figure."
    )


def approve(user) -> None:
    _transition(user, start=Status.IN_REVIEW, to=Status.APPROVED)


def schedule(user) -> None:
    at = timezone.now() + timedelta(hours=1)
    _transition(user, start=Status.APPROVED, to=Status.SCHEDULED, at=at)


def unschedule(user) -> None:
    _transition(user, start=Status.SCHEDULED, to=Status.APPROVED)


def publish(user) -> None:
    _transition(user, start=Status.APPROVED, to=Status.PUBLISHED)


def unpublish(user) -> None:
    _transition(user, start=Status.PUBLISHED, to=Status.UNPUBLISHED, comment="Legal hold.")


def republish(user) -> None:
    _transition(user, start=Status.UNPUBLISHED, to=Status.PUBLISHED)


def issue_correction(user) -> None:
    article = PublishedArticleFactory()
    services.correction_note_create(
        article=article,
        actor=user,
        note=NoteData(kind="correction", text="The meeting was on Tuesday.", paragraphs=[1]),
    )
    assert CorrectionNote.objects.public().filter(article=article).count() == 1


def add_attribution_and_source(user) -> None:
    article = ArticleFactory(created_by=user)
    source = services.source_create(actor=user, name="Jane Mayor")
    services.attribution_create(
        article=article,
        actor=user,
        source=source,
        kind=Attribution.Kind.DIRECT_QUOTE,
        text="We will balance the books,",
        paragraph=2,
    )
    assert article.attributions.get().source == source


def _require_perms(user, perms: list[str]) -> None:
    # NOTE: no service manages sections, authors or users (the Django admin does); the
    # model permissions the admin checks are the rule.
    if not all(user.has_perm(p) for p in perms):
        raise PermissionDenied


def manage_sections_and_authors(user) -> None:
    _require_perms(
        user,
        [
            "articles.add_section",
            "articles.change_section",
            "articles.add_author",
            "articles.change_author",
        ],
    )


def retract(user) -> None:
    _transition(user, start=Status.PUBLISHED, to=Status.RETRACTED, comment="Fabricated.")


def share_preview(user) -> None:
    """On the user's own draft (a copy editor's own: a draft they carry a byline on)."""
    article = ArticleFactory(created_by=user)
    link, token = services.preview_link_create(article=article, actor=user)
    assert link.pk and token


def withdraw_note(user) -> None:
    note = CorrectionNoteFactory()
    services.correction_note_withdraw(note=note, actor=user, reason="Issued on the wrong story.")
    note.refresh_from_db()
    assert note.withdrawn_at is not None


def manage_users(user) -> None:
    if not user.is_staff:
        raise PermissionDenied
    _require_perms(user, ["auth.add_user", "auth.change_user", "auth.change_group"])


def byline_someone_else(user) -> None:
    """On a draft the user carries a byline on: adding a freelancer's byline."""
    article = ArticleFactory(created_by=None, bylines=0)
    mine = getattr(user, "author", None) or AuthorFactory(user=user)
    article.bylines.create(author=mine)
    changes = article_changes(article, authors=[mine, AuthorFactory()])
    services.article_update(article=article, actor=user, changes=changes, base_revision=0)
    assert article.bylines.count() == 2


def see_people(user) -> None:
    from editors import selectors

    assert selectors.person_list(actor=user).filter(pk=user.pk).exists()


ACTIONS = {
    "create article": create_article,
    "edit own draft": edit_own_draft,
    "edit another's draft": edit_anothers_draft,
    "edit text in review (copy edit)": copy_edit_in_review,
    "submit for review": submit,
    "withdraw from review": withdraw,
    "request changes": request_changes,
    "approve": approve,
    "schedule": schedule,
    "unschedule": unschedule,
    "publish": publish,
    "unpublish": unpublish,
    "republish": republish,
    "issue corrections": issue_correction,
    "retract": retract,
    "share a preview link": share_preview,
    "withdraw a published note": withdraw_note,
    "add attributions/sources": add_attribution_and_source,
    "manage sections & authors": manage_sections_and_authors,
    "manage users (admin)": manage_users,
    "byline someone else": byline_someone_else,
    "see the people page": see_people,
}


def test_every_action_in_the_matrix_is_exercised():
    """The README matrix and the exercised actions name the same rows."""
    assert list(ACTIONS) == list(MATRIX)


# --- The groups --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(ROLE_PERMISSIONS))
def test_role_group_holds_exactly_its_permissions(name):
    """After migrating, each role's group exists and holds exactly the permissions listed."""
    group = Group.objects.get(name=name)
    held = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert held == set(ROLE_PERMISSIONS[name])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "copy-editor", "editor"])
def test_a_role_gives_the_user_its_groups_permissions_only(role):
    """A user given a role holds that role's permissions and nothing more."""
    user = user_with_role(role)
    assert user.get_all_permissions() == set(ROLE_PERMISSIONS[ROLE_CHOICES[role]])
    assert user.is_staff == (role == "editor")
    assert not user.is_superuser


# --- The matrix --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(action, role):
    """Each role may take exactly the actions the README matrix gives it."""
    user = user_with_role(role)
    if MATRIX[action][role]:
        ACTIONS[action](user)
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](user)
        assert not ArticleEvent.objects.exists()
        assert not Revision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(MATRIX))
def test_a_user_without_a_role_can_do_nothing(action):
    """A signed-in user with no role is refused every action in the matrix."""
    user = UserFactory()
    with pytest.raises(PermissionDenied):
        ACTIONS[action](user)
    assert not ArticleEvent.objects.exists()


@pytest.mark.django_db
def test_a_user_without_a_role_sees_nothing_in_the_desk():
    """The desk lists nothing for a user with no role, not even published or their own work."""
    user = UserFactory()
    ArticleFactory(created_by=user)
    PublishedArticleFactory()
    assert not Article.objects.for_desk(user).exists()


@pytest.mark.django_db
def test_a_user_without_a_role_cannot_edit_their_own_draft():
    """Having started a draft gives no editing right without a role."""
    user = UserFactory()
    assert not permissions.can_edit(user, ArticleFactory(created_by=user))


# --- No escalation -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.DRAFT, Status.PUBLISHED),
        (Status.DRAFT, Status.SCHEDULED),
        (Status.IN_REVIEW, Status.APPROVED),
        (Status.IN_REVIEW, Status.CHANGES_REQUESTED),
        (Status.IN_REVIEW, Status.PUBLISHED),
        (Status.APPROVED, Status.PUBLISHED),
        (Status.APPROVED, Status.SCHEDULED),
    ],
)
def test_a_reporter_cannot_review_schedule_or_publish_their_own_story(start, to):
    """Owning a story does not let a reporter approve, schedule or publish it."""
    reporter = user_with_role("reporter")
    article = ArticleFactory(created_by=reporter, status=start)
    with pytest.raises(PermissionDenied):
        services.article_transition(
            article=article,
            actor=reporter,
            to=to,
            comment="Looks fine to me.",
            at=timezone.now() + timedelta(hours=1),
        )
    article.refresh_from_db()
    assert article.status == start
    assert not article.events.exists()


@pytest.mark.django_db
def test_a_reporter_cannot_edit_another_reporters_draft():
    """A reporter is refused an edit of a colleague's draft, and the draft is untouched."""
    reporter = user_with_role("reporter")
    article = ArticleFactory(created_by=user_with_role("reporter", "colleague"))
    changes = article_changes(article, headline="Rewritten by someone else")
    with pytest.raises(PermissionDenied):
        services.article_update(article=article, actor=reporter, changes=changes, base_revision=0)
    article.refresh_from_db()
    assert article.headline != "Rewritten by someone else"
    assert not article.revisions.exists()


@pytest.mark.django_db
def test_a_reporter_cannot_submit_another_reporters_draft():
    """Only the reporter who owns a draft (or an editor) sends it to review."""
    reporter = user_with_role("reporter")
    article = ArticleFactory(created_by=user_with_role("reporter", "colleague"))
    assert not permissions.can_take(reporter, article, Status.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        services.article_submit(article=article, actor=reporter)
    article.refresh_from_db()
    assert article.status == Status.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.DRAFT, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.PUBLISHED),
        (Status.APPROVED, Status.PUBLISHED),
        (Status.IN_REVIEW, Status.APPROVED),
    ],
)
def test_a_copy_editor_cannot_submit_approve_or_publish(start, to):
    """A copy editor fixes words; moving a story along is someone else's call."""
    copy_editor = user_with_role("copy-editor")
    article = ArticleFactory(created_by=copy_editor, status=start)
    with pytest.raises(PermissionDenied):
        services.article_transition(article=article, actor=copy_editor, to=to)
    article.refresh_from_db()
    assert article.status == start


@pytest.mark.django_db
def test_only_an_admin_manages_users():
    """Admins are superusers; editors are staff for sections and authors, not for users."""
    admin, editor = user_with_role("admin"), user_with_role("editor")
    assert admin.is_superuser
    assert admin.is_staff
    assert editor.is_staff
    assert not editor.is_superuser
    assert not editor.has_perm("auth.change_user")


@pytest.mark.django_db
def test_an_editor_manages_sections_in_the_admin_but_not_users(client):
    """Editors reach the admin pages for sections and authors; users stay admin-only."""
    client.force_login(user_with_role("editor"))
    assert client.get("/admin/articles/section/").status_code == 200
    assert client.get("/admin/articles/author/add/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


@pytest.mark.django_db
def test_a_reporter_cannot_see_the_admin(client):
    """A reporter who opens the admin is sent to its login page."""
    client.force_login(user_with_role("reporter"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
