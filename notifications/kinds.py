"""What the desk tells whom: every kind of notification, declared once.

Each ``Kind`` says which audit events (``ArticleEvent.action``, written by
``articles.services``) produce it, who is told, how by default, and what the message says.
The dispatcher (``notifications.dispatch``), the preferences page, the inbox's labels, the
mail and the README's table all read this list; nothing restates it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Who is told. ``EDITORS``: everyone who holds ``REVIEW_PERMISSION`` (the desk's editors
#: and the admins). ``BYLINES``: the desk accounts behind the story's bylined authors
#: (``Author.user``).
EDITORS = "editors"
BYLINES = "bylines"

#: The permission editors review with (``articles.permissions.MOVES``: request changes,
#: approve): holding it makes someone one of the "editors" told of a submission.
REVIEW_PERMISSION = "articles.review_article"

#: How a notification reaches someone: always in their desk inbox, and by mail too when
#: they (or the kind's default) say ``EMAIL`` and they have an address.
EMAIL = "email"
DESK = "desk"
DELIVERY_CHOICES = [(EMAIL, "Email"), (DESK, "Desk only")]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    #: The audit actions that produce it (``articles.permissions.MOVES`` events and the
    #: correction service's ``article.correct``).
    actions: tuple[str, ...]
    #: Who is told (``EDITORS``, ``BYLINES``, or both: someone in both is told once).
    recipients: tuple[str, ...]
    default_delivery: str
    #: One sentence, with ``{actor}`` and ``{headline}``: the inbox line and the mail's opening.
    message: str
    #: What the settings page says the kind is about.
    help_text: str

    def summary(self, *, actor: str, headline: str) -> str:
        return self.message.format(actor=actor, headline=headline)


KINDS: tuple[Kind, ...] = (
    Kind(
        key="submitted",
        label="Submitted for review",
        actions=("article.submit",),
        recipients=(EDITORS,),
        default_delivery=DESK,
        message="{actor} submitted “{headline}” for review.",
        help_text="A story reaches the review queue (editors).",
    ),
    Kind(
        key="changes_requested",
        label="Changes requested",
        actions=("article.request_changes",),
        recipients=(BYLINES,),
        default_delivery=EMAIL,
        message="{actor} asked for changes to “{headline}”.",
        help_text="An editor sends your story back with what needs to change.",
    ),
    Kind(
        key="approved",
        label="Approved",
        actions=("article.approve",),
        recipients=(BYLINES,),
        default_delivery=DESK,
        message="{actor} approved “{headline}”.",
        help_text="Your story is approved and waits to be scheduled or published.",
    ),
    Kind(
        key="published",
        label="Published",
        # By an editor, by the scheduler when its time came (no actor), or put back up.
        actions=("article.publish", "article.publish.scheduled", "article.republish"),
        recipients=(BYLINES,),
        default_delivery=DESK,
        message="{actor} published “{headline}”.",
        help_text="Your story goes live on the public site.",
    ),
    Kind(
        key="scheduled",
        label="Scheduled",
        actions=("article.schedule",),
        recipients=(BYLINES,),
        default_delivery=DESK,
        message="{actor} scheduled “{headline}”.",
        help_text="Your story is given a publication time.",
    ),
    Kind(
        key="corrected",
        label="Corrected",
        actions=("article.correct",),
        recipients=(BYLINES,),
        default_delivery=EMAIL,
        message="{actor} corrected “{headline}”.",
        help_text="Your live story is changed, with a public note or a logged reason.",
    ),
    Kind(
        key="retracted",
        label="Retracted",
        actions=("article.retract",),
        recipients=(BYLINES,),
        default_delivery=EMAIL,
        message="{actor} retracted “{headline}”.",
        help_text="Your story is retracted: readers see it under a retraction notice.",
    ),
)

BY_KEY: dict[str, Kind] = {kind.key: kind for kind in KINDS}
BY_ACTION: dict[str, Kind] = {action: kind for kind in KINDS for action in kind.actions}
CHOICES = [(kind.key, kind.label) for kind in KINDS]

#: Who a notification names when the system did it (the scheduler, an import).
SYSTEM_ACTOR = "The newsroom"


def for_action(action: str) -> Kind | None:
    """The kind an audit action produces, or None (most writes tell nobody)."""
    return BY_ACTION.get(action)
