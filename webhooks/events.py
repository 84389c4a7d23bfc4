"""Which audit events subscribers hear of, and the deliveries they make (``record``).

``articles.services.base._event`` calls ``record`` for every audit event, inside the write's
transaction. An event that maps to a kind (``ACTIONS``) and that readers could see writes a
``Delivery`` per subscriber of that kind, with the body to sign and send, in the same
transaction (an outbox): the deliveries commit with the change, and are handed to the job
engine once it has.

NOTE: one editor's action is one transaction, and often several audit events: a desk
correction with a note is ``correction.create`` then ``article.correct``, and may delete an
attribution before either; a retraction issues its notice (``correction.create``) before
``article.retract``. Subscribers hear of the action once. Deliveries are kept per
transaction and article (``_Batch``): each later event replaces the transaction's earlier
deliveries with ones for the weightiest kind seen so far (``PRECEDENCE``) and the document
as it stands now; only the last are sent. Across transactions a change is reported once per
ninjs ``version`` (the unique constraint on ``Delivery``): two documents with the same
version are the same document.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles import ninjs
from articles.models import Article, CorrectionNote
from webhooks.models import Delivery, Kind, Subscriber

if TYPE_CHECKING:
    from datetime import datetime

log = logging.getLogger("newsroom.webhooks")

Status = Article.Status


def _substantive(article: Article, data: dict) -> bool:
    return bool(data.get("substantive"))


def _readable(article: Article, data: dict) -> bool:
    return article.status in Status.READABLE


@dataclass(frozen=True)
class Fires:
    """The kind an audit action fires, when readers could see the change."""

    kind: Kind
    #: Only when this holds of the article and the event's data; otherwise ``otherwise``.
    when: Callable[[Article, dict], bool] | None = None
    otherwise: Kind | None = None

    def kind_for(self, article: Article, data: dict) -> Kind | None:
        if self.when is None or self.when(article, data):
            return self.kind
        return self.otherwise


#: Audit action -> what it fires. The one mapping; an action not here fires nothing.
ACTIONS: dict[str, Fires] = {
    "article.publish": Fires(Kind.PUBLISHED),
    "article.publish.scheduled": Fires(Kind.PUBLISHED),
    "article.republish": Fires(Kind.PUBLISHED),
    # With a public note: corrected; a non-substantive fix (a typo, a link) is an update.
    "article.correct": Fires(Kind.CORRECTED, when=_substantive, otherwise=Kind.UPDATED),
    # A note on a story readers can read is public at once (on a draft it waits for the
    # publication, which reports it).
    "correction.create": Fires(Kind.CORRECTED, when=_readable),
    "correction.update": Fires(Kind.UPDATED),
    "correction.withdraw": Fires(Kind.UPDATED),
    "attribution.create": Fires(Kind.UPDATED),
    "attribution.update": Fires(Kind.UPDATED),
    "attribution.delete": Fires(Kind.UPDATED),
    "source.merge": Fires(Kind.UPDATED),
    "article.edit": Fires(Kind.UPDATED),
    "article.unpublish": Fires(Kind.UNPUBLISHED),
    "article.retract": Fires(Kind.RETRACTED),
}

#: Audit actions that never fire: nothing readers get changes (review, scheduling, previews).
SILENT: frozenset[str] = frozenset(
    {
        "article.create",
        "article.submit",
        "article.withdraw_review",
        "article.back_to_draft",
        "article.request_changes",
        "article.approve",
        "article.schedule",
        "article.unschedule",
        "comment.create",
        "suggestion.reject",
        "preview.create",
        "preview.revoke",
    }
)

#: When one transaction fires several kinds for a story, the first of these it fired is the
#: one subscribers hear of (a retraction's notice is part of the retraction).
PRECEDENCE: tuple[Kind, ...] = (
    Kind.RETRACTED,
    Kind.UNPUBLISHED,
    Kind.PUBLISHED,
    Kind.CORRECTED,
    Kind.UPDATED,
)


@dataclass
class _Recorded:
    kind: Kind
    version: str
    deliveries: list[UUID] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)


class _Batch:
    """The deliveries one transaction recorded, per article; sent once it commits."""

    def __init__(self) -> None:
        self.open = True
        self.articles: dict[int, _Recorded] = {}

    def committed(self) -> None:
        from newsroom import jobs
        from webhooks.tasks import deliver

        self.open = False
        for recorded in self.articles.values():
            for delivery_id in recorded.deliveries:
                jobs.send(deliver, (str(delivery_id),))


def _current_batch() -> _Batch | None:
    """This transaction's batch, if it has one. A batch is current while its commit callback
    is still waiting on the connection: a rollback (of the transaction, or of the savepoint
    that made it) drops the callback, and a commit runs it; either way the next event starts
    anew."""
    connection = transaction.get_connection()
    batch = getattr(connection, "_webhooks_batch", None)
    if batch is None or not batch.open:
        return None
    waiting = any(
        getattr(callback, "__self__", None) is batch for _, callback, _ in connection.run_on_commit
    )
    return batch if waiting else None


def _new_batch() -> _Batch:
    batch = _Batch()
    transaction.get_connection()._webhooks_batch = batch
    transaction.on_commit(batch.committed, robust=True)
    return batch


def _weightier(a: Kind, b: Kind | None) -> Kind:
    if b is None:
        return a
    return a if PRECEDENCE.index(a) <= PRECEDENCE.index(b) else b


class _Site:
    """What ``ninjs.document`` asks of a request: the site's origin
    (``NEWSROOM_WEBHOOKS_SITE_URL``), as there is no request behind a delivery."""

    def build_absolute_uri(self, location: str = "/") -> str:
        return settings.NEWSROOM_WEBHOOKS_SITE_URL.rstrip("/") + "/" + location.lstrip("/")


def site_url(path: str) -> str:
    return _Site().build_absolute_uri(path)


def record(*, article: Article, action: str, data: dict, public: bool) -> None:
    """Record the deliveries an audit event makes (see the module's docstring). Call in the
    write's transaction. Costs nothing for an action that fires nothing and one query when
    no active subscriber wants its kind; never raises: the editor's write goes through
    whatever happens here (failures are logged)."""
    fires = ACTIONS.get(action)
    if fires is None or not public:
        return
    kind = fires.kind_for(article, data)
    if kind is None:
        return
    # Inside the write's transaction this adds nothing (no savepoint, no query); called
    # outside one, the deliveries get a transaction of their own, sent once it commits.
    with transaction.atomic(savepoint=False):
        try:
            batch = _current_batch()
            recorded = batch.articles.get(article.pk) if batch else None
            kind = _weightier(kind, recorded.kind if recorded else None)
            subscribers = [s for s in Subscriber.objects.filter(active=True) if s.wants(kind)]
            if not subscribers and recorded is None:
                return
            batch = batch or _new_batch()
            with transaction.atomic():
                _record(batch, article.pk, kind, subscribers, data.get("note"), action)
        except Exception:
            log.exception("Could not record the webhooks for %s on article %s", action, article.pk)


def _record(
    batch: _Batch,
    article_id: int,
    kind: Kind,
    subscribers: list[Subscriber],
    note_id: int | None,
    action: str,
) -> None:
    article = Article.objects.with_syndication_data().filter(pk=article_id).order_by().first()
    if article is None or ninjs.pubstatus(article) is None:
        return
    document = ninjs.document(article, request=_Site())
    version = document["version"]
    recorded = batch.articles.get(article_id)
    if recorded is None:
        recorded = batch.articles[article_id] = _Recorded(kind=kind, version=version)
    if action == "correction.create" and note_id is not None:
        recorded.notes.append(note_id)
    if action == "correction.withdraw" and note_id is not None:
        recorded.withdrawn.append(note_id)
    if recorded.deliveries and (recorded.kind, recorded.version) == (kind, version):
        return
    Delivery.objects.filter(pk__in=recorded.deliveries).delete()
    recorded.kind, recorded.version, recorded.deliveries = kind, version, []
    told = set(
        Delivery.objects.filter(article_id=article_id, version=version).values_list(
            "subscriber_id", flat=True
        )
    )
    now = timezone.now()
    notes = _notes(recorded.notes)
    withdrawn = _withdrawn(recorded.withdrawn)
    for subscriber in subscribers:
        if subscriber.pk in told:
            continue
        delivery = Delivery(
            subscriber=subscriber, kind=kind, article_id=article_id, version=version
        )
        delivery.body = body_for(
            delivery, article, document, occurred_at=now, notes=notes, withdrawn=withdrawn
        )
        delivery.created_at = delivery.next_attempt_at = now
        delivery.save(force_insert=True)
        recorded.deliveries.append(delivery.pk)


def _notes(note_ids: list[int]) -> list[dict[str, Any]]:
    notes = CorrectionNote.objects.filter(pk__in=note_ids).order_by("pk")
    return [
        {"id": note.pk, "kind": note.kind, "text": note.text, "paragraphs": note.paragraphs}
        for note in notes
    ]


def _withdrawn(note_ids: list[int]) -> list[dict[str, Any]]:
    """Withdrawn notes as the read API names them: no words (readers no longer read them)."""
    notes = CorrectionNote.objects.filter(pk__in=note_ids).order_by("pk")
    return [
        {"id": note.pk, "kind": note.kind, "withdrawn_at": note.withdrawn_at.isoformat()}
        for note in notes
        if note.withdrawn_at is not None
    ]


def body_for(
    delivery: Delivery,
    article: Article,
    document: dict[str, Any],
    *,
    occurred_at: datetime,
    notes: list[dict[str, Any]],
    withdrawn: list[dict[str, Any]],
) -> str:
    """The JSON text a delivery sends (stored, signed and sent as it is, every time)."""
    payload: dict[str, Any] = {
        "event": delivery.kind,
        "delivery": str(delivery.pk),
        "occurred_at": occurred_at.isoformat(),
        "article": {"id": article.pk, "url": site_url(article.get_absolute_url())},
        "version": document["version"],
    }
    if notes:
        payload["notes"] = notes
    if withdrawn:
        payload["withdrawn_notes"] = withdrawn
    payload["ninjs"] = document
    return json.dumps(payload, ensure_ascii=False)
