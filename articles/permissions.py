"""Who may do what to which article: read-only predicates, used by services and the desk.

Model permissions say what a role may do at all (``publish_article``); these functions add
the per-article rules (a reporter edits only their own drafts). Services call them to
enforce; desk templates call them to decide what to show.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from articles.models import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from articles.models import PreviewLink

Status = Article.Status


@dataclass(frozen=True)
class Move:
    """One workflow move and its side rules: the service enforces them, the desk's forms,
    buttons and confirmation page read them; nothing restates them."""

    permission: str
    label: str
    event: str
    #: What the confirmation page tells the editor the move does.
    explanation: str
    #: The button's tone: primary, success, warning, danger or secondary.
    tone: str = "primary"
    #: The actor must say why; the comment joins the story's review thread.
    needs_comment: bool = False
    comment_label: str = "Comment"
    #: The story must be complete (``services.article_publish_problems``).
    needs_ready: bool = False
    #: Direct quotes without a source stop it, unless an editor records a reason; the
    #: scheduler re-checks when the story falls due.
    quote_gate: bool = False
    #: It goes to readers without an editor's approval; the audit log says so.
    skips_review: bool = False
    #: It asks when (a schedule).
    asks_time: bool = False
    #: The comment is published to readers as the story's prominent retraction notice.
    comment_is_notice: bool = False

    @property
    def button_class(self) -> str:
        """The desk page's button for this move (loud tones solid, the rest outlined)."""
        solid = self.tone in {"primary", "success"}
        return f"btn-{self.tone}" if solid else f"btn-outline-{self.tone}"

    @property
    def confirm_class(self) -> str:
        """The confirmation page's submit button."""
        return f"btn-{self.tone}"


_TO_DRAFT = "The story goes back to draft, where its reporter can change it again."
_SCHEDULE = Move(
    "articles.publish_article",
    "Schedule",
    "article.schedule",
    explanation="The story goes live by itself at the time you choose.",
    needs_ready=True,
    quote_gate=True,
    asks_time=True,
)
_PUBLISH = Move(
    "articles.publish_article",
    "Publish now",
    "article.publish",
    explanation="The story goes live on the public site now.",
    tone="success",
    needs_ready=True,
    quote_gate=True,
)
_SKIPPING = " It skips review: the log records that an editor published it unreviewed."

# Who may take each move, what its button says, what the audit log calls it and its side
# rules, keyed by (from, to); "*" stands for any other origin. ``Article.TRANSITIONS`` says
# which moves exist; ``tests/articles/test_permissions.py`` checks each has an entry here.
MOVES: dict[tuple[str, str], Move] = {
    ("*", Status.IN_REVIEW): Move(
        "articles.submit_article",
        "Submit for review",
        "article.submit",
        explanation="The story goes to the editors’ review queue. Copy editors may tidy "
        "the wording while it is there.",
        needs_ready=True,
    ),
    (Status.IN_REVIEW, Status.DRAFT): Move(
        "articles.submit_article",
        "Withdraw from review",
        "article.withdraw_review",
        explanation=_TO_DRAFT,
        tone="secondary",
    ),
    (Status.CHANGES_REQUESTED, Status.DRAFT): Move(
        "articles.submit_article",
        "Back to draft",
        "article.back_to_draft",
        explanation=_TO_DRAFT,
        tone="secondary",
    ),
    ("*", Status.CHANGES_REQUESTED): Move(
        "articles.review_article",
        "Request changes",
        "article.request_changes",
        explanation="The story goes back to its reporter. Say what needs to change: your "
        "comment appears with the story’s review comments.",
        tone="warning",
        needs_comment=True,
        comment_label="What needs to change?",
    ),
    (Status.IN_REVIEW, Status.APPROVED): Move(
        "articles.review_article",
        "Approve",
        "article.approve",
        explanation="The story is approved and waits for an editor to schedule or publish it.",
        needs_ready=True,
    ),
    # Unscheduling only takes it off the clock: it was approved, and asks nothing again.
    (Status.SCHEDULED, Status.APPROVED): Move(
        "articles.publish_article",
        "Unschedule",
        "article.unschedule",
        explanation="The story comes off the schedule and waits, approved, for an editor to "
        "schedule or publish it.",
        tone="secondary",
    ),
    (Status.APPROVED, Status.SCHEDULED): _SCHEDULE,
    ("*", Status.SCHEDULED): replace(
        _SCHEDULE, skips_review=True, explanation=_SCHEDULE.explanation + _SKIPPING
    ),
    (Status.APPROVED, Status.PUBLISHED): _PUBLISH,
    (Status.SCHEDULED, Status.PUBLISHED): _PUBLISH,
    ("*", Status.PUBLISHED): replace(
        _PUBLISH, skips_review=True, explanation=_PUBLISH.explanation + _SKIPPING
    ),
    (Status.UNPUBLISHED, Status.PUBLISHED): replace(
        _PUBLISH,
        label="Republish",
        event="article.republish",
        explanation="The story goes back on the public site as it was when it came down.",
    ),
    ("*", Status.UNPUBLISHED): Move(
        "articles.publish_article",
        "Unpublish",
        "article.unpublish",
        explanation="The story comes off the public site; readers get a notice that it was "
        "taken down (410 Gone). Say why: the reason is kept in the story’s history.",
        tone="danger",
        needs_comment=True,
        comment_label="Why?",
    ),
    ("*", Status.RETRACTED): Move(
        "articles.retract_article",
        "Retract",
        "article.retract",
        explanation="The story is retracted for good: readers see it under a retraction "
        "notice and it can no longer be changed.",
        tone="danger",
        needs_comment=True,
        comment_label="Retraction notice (readers see this above the story)",
        comment_is_notice=True,
    ),
}

# Moves a reporter makes on their own work; others need ``edit_any_article`` to make them.
OWN_WORK_PERMISSIONS = {"articles.submit_article"}

#: Who puts other people's bylines on a story or takes them off: editors. Everyone else
#: bylines only themselves (``can_byline_others``); the services enforce it.
BYLINE_OTHERS_PERMISSION = "articles.edit_any_article"


def move(source: str, target: str) -> Move:
    return MOVES.get((source, target)) or MOVES[("*", target)]


def is_own(user: AbstractBaseUser, article: Article) -> bool:
    """The user started the article or has a byline on it."""
    if not user.is_authenticated:
        return False
    if article.created_by_id == user.pk:
        return True
    # A desk page asks this many times per story: read the bylines it loaded with their
    # authors (``ArticleQuerySet.with_desk_data``) when it did, else ask the database once.
    bylines = getattr(article, "_prefetched_objects_cache", {}).get("bylines")
    if bylines is not None and all(type(b).author.is_cached(b) for b in bylines):
        return any(b.author.user_id == user.pk for b in bylines)
    return article.bylines.filter(author__user_id=user.pk).exists()


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


def available_moves(user: AbstractBaseUser, article: Article) -> list[tuple[str, Move]]:
    """(target status, the move) for every move this user may take now, in workflow order."""
    order = list(Status.values)
    return [
        (target, move(article.status, target))
        for target in sorted(article.TRANSITIONS.get(article.status, ()), key=order.index)
        if can_take(user, article, target)
    ]


def can_edit(user: AbstractBaseUser | None, article: Article) -> bool:
    """Whether ``user`` may change the article's wording in the desk now.

    Published and unpublished stories change only through a correction (the integrity
    workflow), never by a plain edit.
    """
    if article.status in Status.FROZEN:
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


def can_byline_others(user: AbstractBaseUser | None) -> bool:
    """Whether ``user`` may add or remove bylines other than their own (None is the system).

    A reporter adds only their own author profile; the bylines an editor put on their story
    stay as they are when the reporter saves it.
    """
    return user is None or user.has_perm(BYLINE_OTHERS_PERMISSION)


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


def can_share_preview(user: AbstractBaseUser | None, article: Article) -> bool:
    """Whether ``user`` may mint a shared preview link for ``article`` now (None is the system).

    Only for a story readers cannot read yet (never published, or its time has not come):
    a published story has its own URL, and one that was taken down or retracted must not be
    passed around. Holders of ``share_preview`` share their own stories; others' stories
    need ``edit_any_article`` too.
    """
    from articles.visibility import reader_outcome

    if reader_outcome(article).status_code != 404:
        return False
    if user is None:
        return True
    if not user.has_perm("articles.share_preview"):
        return False
    return user.has_perm("articles.edit_any_article") or is_own(user, article)


def can_revoke_preview(user: AbstractBaseUser | None, link: PreviewLink) -> bool:
    """Whether ``user`` may revoke ``link``: whoever made it, or an editor of any story."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    return link.created_by_id == user.pk or user.has_perm("articles.edit_any_article")
