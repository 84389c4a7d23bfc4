"""Who may do what to which article: read-only predicates, used by services and the desk.

Model permissions say what a role may do at all (``publish_article``); these functions add
the per-article rules (a reporter edits only their own drafts). Services call them to
enforce; desk templates call them to decide what to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from articles.models import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

Status = Article.Status


@dataclass(frozen=True)
class Move:
    permission: str
    label: str
    event: str


# Who may take each move, what its button says and what the audit log calls it, keyed by
# (from, to); "*" stands for any origin. ``Article.TRANSITIONS`` says which moves exist.
MOVES: dict[tuple[str, str], Move] = {
    ("*", Status.IN_REVIEW): Move("articles.submit_article", "Submit for review", "article.submit"),
    (Status.IN_REVIEW, Status.DRAFT): Move(
        "articles.submit_article", "Withdraw from review", "article.withdraw_review"
    ),
    (Status.CHANGES_REQUESTED, Status.DRAFT): Move(
        "articles.submit_article", "Back to draft", "article.back_to_draft"
    ),
    ("*", Status.CHANGES_REQUESTED): Move(
        "articles.review_article", "Request changes", "article.request_changes"
    ),
    (Status.IN_REVIEW, Status.APPROVED): Move(
        "articles.review_article", "Approve", "article.approve"
    ),
    (Status.SCHEDULED, Status.APPROVED): Move(
        "articles.publish_article", "Unschedule", "article.unschedule"
    ),
    ("*", Status.SCHEDULED): Move("articles.publish_article", "Schedule", "article.schedule"),
    ("*", Status.PUBLISHED): Move("articles.publish_article", "Publish now", "article.publish"),
    (Status.UNPUBLISHED, Status.PUBLISHED): Move(
        "articles.publish_article", "Republish", "article.republish"
    ),
    ("*", Status.UNPUBLISHED): Move("articles.publish_article", "Unpublish", "article.unpublish"),
    ("*", Status.RETRACTED): Move("articles.retract_article", "Retract", "article.retract"),
}

# Moves a reporter makes on their own work; others need ``edit_any_article`` to make them.
OWN_WORK_PERMISSIONS = {"articles.submit_article"}


# Statuses whose wording no plain edit may change: readers saw them. Published stories change
# through ``services.article_correct``; unpublished and retracted ones do not change.
FROZEN_STATUSES = frozenset({Status.PUBLISHED, Status.UNPUBLISHED, Status.RETRACTED})


def move(source: str, target: str) -> Move:
    return MOVES.get((source, target)) or MOVES[("*", target)]


def is_own(user: AbstractBaseUser, article: Article) -> bool:
    """The user started the article or has a byline on it."""
    if not user.is_authenticated:
        return False
    if article.created_by_id == user.pk:
        return True
    return any(b.author.user_id == user.pk for b in article.bylines.all())


def can_take(user: AbstractBaseUser | None, article: Article, target: str) -> bool:
    """Whether ``user`` may move ``article`` to ``target`` now (None is the system)."""
    if not article.can_transition_to(target):
        return False
    if user is None:
        return True
    perm = move(article.status, target).permission
    if not user.has_perm(perm):
        return False
    if perm in OWN_WORK_PERMISSIONS and not user.has_perm("articles.edit_any_article"):
        return is_own(user, article)
    return True


def available_moves(user: AbstractBaseUser, article: Article) -> list[tuple[str, str]]:
    """(target status, button label) for every move this user may take now."""
    order = list(Status.values)
    return [
        (target, move(article.status, target).label)
        for target in sorted(article.TRANSITIONS.get(article.status, ()), key=order.index)
        if can_take(user, article, target)
    ]


def can_edit(user: AbstractBaseUser | None, article: Article) -> bool:
    """Whether ``user`` may change the article's wording in the desk now.

    Published and unpublished stories change only through a correction (the integrity
    workflow), never by a plain edit.
    """
    if article.status in FROZEN_STATUSES:
        return False
    if user is None or user.has_perm("articles.edit_any_article"):
        return True
    if article.status == Status.IN_REVIEW and user.has_perm("articles.copyedit_article"):
        return True
    return (
        article.status in {Status.DRAFT, Status.CHANGES_REQUESTED}
        and user.has_perm("articles.change_article")
        and is_own(user, article)
    )


def can_correct(user: AbstractBaseUser | None, article: Article) -> bool:
    """Whether ``user`` may change a live story, through ``services.article_correct``."""
    return article.is_published and (user is None or user.has_perm("articles.correct_article"))


def copy_editing(user: AbstractBaseUser | None, article: Article) -> bool:
    """Whether ``user`` edits this story only as its copy editor: the words, not its
    placement (section, kind, URL, bylines, lead image). In review that holds even for a
    copy editor who carries a byline on it."""
    if user is None or user.has_perm("articles.edit_any_article"):
        return False
    if article.status == Status.IN_REVIEW and user.has_perm("articles.copyedit_article"):
        return True
    return not is_own(user, article)


def in_the_room(user: AbstractBaseUser, article: Article) -> bool:
    """Whether ``user`` takes part in the story's review and may read its internal comments:
    its own reporters, copy editors and editors (not every reporter who can read it live)."""
    return (
        user.has_perm("articles.review_article")
        or user.has_perm("articles.copyedit_article")
        or is_own(user, article)
    )


def can_view_in_desk(user: AbstractBaseUser, article: Article) -> bool:
    return Article.objects.for_desk(user).filter(pk=article.pk).exists()
