"""What a reader gets for a story: the one place that decides it.

``reader_outcome`` answers, for any article, what its public URL serves: the story (200), the
story under its retraction notice and asking not to be indexed (200, ``noindex``), a notice
that it was taken down (410 Gone), or nothing at all (404: it never went out, or its time has
not come). The article view, the sitemaps, the feeds, search, the JSON-LD, shared previews and
the templates all ask it (or ``published_q``, the same rule as a database condition, for
lists); the status sets it reads are declared on ``Article.Status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from articles.models import Article, PreviewLink


@dataclass(frozen=True)
class ReaderOutcome:
    """What a story's public URL serves."""

    status_code: int
    #: The page asks search engines not to index it, and sitemaps leave it out.
    noindex: bool = False
    #: Shown under a retraction notice; feeds retitle it.
    retracted: bool = False

    @property
    def readable(self) -> bool:
        return self.status_code == 200

    @property
    def gone(self) -> bool:
        return self.status_code == 410


STORY = ReaderOutcome(200)
RETRACTED = ReaderOutcome(200, noindex=True, retracted=True)
GONE = ReaderOutcome(410, noindex=True)
NOT_FOUND = ReaderOutcome(404, noindex=True)


def _statuses():
    from articles.models import Article

    return Article.Status


def reader_outcome(article: Article, *, now: datetime | None = None) -> ReaderOutcome:
    """What a reader gets at ``article``'s URL now."""
    Status = _statuses()
    now = now or timezone.now()
    went_out = article.first_published_at is not None and article.first_published_at <= now
    if not went_out:
        return NOT_FOUND
    if article.status in Status.READABLE:
        return STORY if article.status in Status.INDEXABLE else RETRACTED
    if article.status in Status.GONE:
        return GONE
    return NOT_FOUND


def published_q(prefix: str = "", *, indexable: bool = False) -> Q:
    """``reader_outcome(article).readable`` as a database condition, for lists.

    With ``indexable``, only stories whose page may be indexed (what sitemaps list).
    """
    Status = _statuses()
    statuses = Status.INDEXABLE if indexable else Status.READABLE
    return Q(
        **{
            f"{prefix}status__in": sorted(statuses),
            f"{prefix}first_published_at__lte": timezone.now(),
        }
    )


@dataclass(frozen=True)
class PreviewOutcome:
    """What a shared preview link shows: the story, the live page, or that it is dead."""

    show: bool = False
    redirect_to_live: bool = False
    reason: str = ""


def preview_outcome(link: PreviewLink, *, now: datetime | None = None) -> PreviewOutcome:
    """A link shows the story until it expires or is revoked; once the story is out it sends
    readers to the live page, and once readers can no longer read it, it is dead too."""
    now = now or timezone.now()
    if link.revoked_at is not None:
        return PreviewOutcome(reason="This preview link was revoked.")
    if link.expires_at <= now:
        return PreviewOutcome(reason="This preview link has expired.")
    outcome = reader_outcome(link.article, now=now)
    if outcome.readable and not outcome.retracted:
        return PreviewOutcome(redirect_to_live=True)
    if outcome.status_code != 404:
        # Readers saw it and it came down (410) or was retracted: a link must not keep
        # showing what the newsroom withdrew.
        return PreviewOutcome(reason="This story is no longer available.")
    return PreviewOutcome(show=True)
