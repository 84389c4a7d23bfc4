"""The only code that writes editorial state, one module per concern:

- ``base``: permission checks, the audit event, snapshots and revisions;
- ``editing``: creating and editing unpublished articles, restoring revisions, comments;
- ``workflow``: status changes (``article_transition`` and its named moves);
- ``correcting``: corrections to live stories, correction notes;
- ``saving``: the desk's save, routed to a draft edit or a correction (``article_save``);
- ``sources``: sources, attributions and quote-finder suggestions.

Every function here checks the actor's permission (``actor=None`` means the system: a
management command or a data import), validates, writes, and leaves an ``ArticleEvent``
(and a ``Revision`` where the article's content changed), all in one transaction. Desk
views, admin actions and management commands call these functions and nothing else.
"""

from articles.services.base import (
    BlockData,
    NoteData,
    Status,
    article_snapshot,
    latest_revision_number,
    revision_create,
    unique_slug,
)
from articles.services.correcting import (
    CorrectionChoice,
    article_correct,
    correction_note_create,
    correction_note_update,
    correction_note_withdraw,
)
from articles.services.editing import (
    COPY_FIELDS,
    EDITABLE_FIELDS,
    ArticleChanges,
    article_create,
    article_update,
    comment_create,
    revision_restore,
)
from articles.services.previews import (
    PREVIEW_LIFETIME,
    preview_link_create,
    preview_link_for_token,
    preview_link_revoke,
)
from articles.services.saving import SaveOutcome, SaveResult, article_save
from articles.services.sources import (
    SourceData,
    attribution_create,
    attribution_delete,
    attribution_update,
    source_create,
    source_merge,
    suggestion_accept,
    suggestion_reject,
)
from articles.services.workflow import (
    article_approve,
    article_publish,
    article_publish_due,
    article_publish_problems,
    article_request_changes,
    article_retract,
    article_schedule,
    article_submit,
    article_transition,
    article_unpublish,
)

__all__ = [
    "COPY_FIELDS",
    "EDITABLE_FIELDS",
    "PREVIEW_LIFETIME",
    "ArticleChanges",
    "BlockData",
    "CorrectionChoice",
    "NoteData",
    "SaveOutcome",
    "SaveResult",
    "SourceData",
    "Status",
    "article_approve",
    "article_correct",
    "article_create",
    "article_publish",
    "article_publish_due",
    "article_publish_problems",
    "article_request_changes",
    "article_retract",
    "article_save",
    "article_schedule",
    "article_snapshot",
    "article_submit",
    "article_transition",
    "article_unpublish",
    "article_update",
    "attribution_create",
    "attribution_delete",
    "attribution_update",
    "comment_create",
    "correction_note_create",
    "correction_note_update",
    "correction_note_withdraw",
    "latest_revision_number",
    "preview_link_create",
    "preview_link_for_token",
    "preview_link_revoke",
    "revision_create",
    "revision_restore",
    "source_create",
    "source_merge",
    "suggestion_accept",
    "suggestion_reject",
    "unique_slug",
]
