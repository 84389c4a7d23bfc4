"""The article's fields, declared once: who sees each, who may change it, how it is kept.

Every list that used to be written by hand is derived from ``SPEC``:

- ``FORM_FIELDS``: the article's own fields on the desk form (bylines, tags and the body come
  in their own widgets); ``services.article_update`` writes exactly these.
- ``COPY_FIELDS``: what a copy editor may change on someone else's story (the words, not its
  placement).
- ``READER_FIELDS``: everything readers see besides the body; any change to a live story
  needs a public note or a logged reason (``corrections.analyse``). The admin shows every
  field of ``SPEC`` read-only: articles change in the desk, through the services.
- ``FIXED_ONCE_PUBLISHED``: what never changes once readers saw it, not even by correction.
- ``snapshot(article)``: the plain-JSON record a ``Revision`` keeps, one key per field.
- ``changes(old, new)``: what differs between two snapshots, labelled for people (revision
  compare, the correction review, the conflict page).

``MANAGED`` names every other field of ``Article`` and who writes it; ``tests/articles/
test_fields.py`` fails when the model gains a field that neither lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from articles.models import Article


def _attr(name: str) -> Callable[[Article], Any]:
    return lambda article: getattr(article, name)


def _file(name: str) -> Callable[[Article], str]:
    def read(article: Article) -> str:
        value = getattr(article, name)
        return value.name if value else ""

    return read


def _section(article: Article) -> dict:
    return {"id": article.section_id, "slug": article.section.slug}


def _authors(article: Article) -> list[dict]:
    prefetched = "bylines" in getattr(article, "_prefetched_objects_cache", {})
    bylines = article.bylines.all() if prefetched else article.bylines.select_related("author")
    return [{"id": b.author_id, "name": b.author.display_name} for b in bylines]


def _tags(article: Article) -> list[str]:
    return sorted(article.tags.names())


def _blocks(article: Article) -> list[dict]:
    return [
        {
            "uid": b.uid,
            "kind": b.kind,
            "text": b.text,
            "image": b.image.name if b.image else "",
            "image_alt": b.image_alt,
            "image_caption": b.image_caption,
            "image_credit": b.image_credit,
        }
        for b in article.blocks.all()
    ]


def _show_text(value: Any) -> str:
    return str(value) if value not in (None, "") else ""


def _show_section(value: Any) -> str:
    return (value or {}).get("slug", "")


def _show_authors(value: Any) -> str:
    return ", ".join(a.get("name", "") for a in value or [])


def _show_tags(value: Any) -> str:
    return ", ".join(value or [])


@dataclass(frozen=True)
class FieldSpec:
    """One editorial field of an article."""

    name: str
    label: str
    #: Readers see it: a change to a live story needs a public note or a logged reason.
    reader: bool
    #: A copy editor may change it on someone else's story.
    copy: bool
    #: A plain field of the desk's article form (the rest have widgets of their own).
    form: bool
    #: How a revision records it.
    snapshot: Callable[[Article], Any]
    #: How people read a recorded value.
    show: Callable[[Any], str] = _show_text
    #: Never changes once readers saw the story, not even through a correction.
    fixed_once_published: bool = False
    #: Diffed word by word on its own (the body), not listed with the fields.
    diffed_apart: bool = False


SPEC: tuple[FieldSpec, ...] = (
    FieldSpec(
        "headline", "Headline", reader=True, copy=True, form=True, snapshot=_attr("headline")
    ),
    FieldSpec(
        "slug",
        "URL slug",
        reader=True,
        copy=False,
        form=True,
        snapshot=_attr("slug"),
        fixed_once_published=True,
    ),
    FieldSpec("dek", "Standfirst", reader=True, copy=True, form=True, snapshot=_attr("dek")),
    FieldSpec(
        "dateline", "Dateline", reader=True, copy=True, form=True, snapshot=_attr("dateline")
    ),
    FieldSpec("kind", "Kind", reader=True, copy=False, form=True, snapshot=_attr("kind")),
    FieldSpec(
        "section",
        "Section",
        reader=True,
        copy=False,
        form=True,
        snapshot=_section,
        show=_show_section,
    ),
    FieldSpec(
        "authors",
        "Bylines",
        reader=True,
        copy=False,
        form=False,
        snapshot=_authors,
        show=_show_authors,
    ),
    FieldSpec(
        "credit_line",
        "Credit line",
        reader=True,
        copy=True,
        form=True,
        snapshot=_attr("credit_line"),
    ),
    FieldSpec("tags", "Tags", reader=True, copy=True, form=False, snapshot=_tags, show=_show_tags),
    FieldSpec(
        "lead_image", "Lead image", reader=True, copy=False, form=True, snapshot=_file("lead_image")
    ),
    FieldSpec(
        "lead_image_caption",
        "Lead image caption",
        reader=True,
        copy=True,
        form=True,
        snapshot=_attr("lead_image_caption"),
    ),
    FieldSpec(
        "lead_image_alt",
        "Lead image alt text",
        reader=True,
        copy=True,
        form=True,
        snapshot=_attr("lead_image_alt"),
    ),
    FieldSpec(
        "lead_image_credit",
        "Lead image credit",
        reader=True,
        copy=True,
        form=True,
        snapshot=_attr("lead_image_credit"),
    ),
    FieldSpec(
        "blocks",
        "Body",
        reader=True,
        copy=True,
        form=False,
        snapshot=_blocks,
        diffed_apart=True,
    ),
)

BY_NAME: dict[str, FieldSpec] = {spec.name: spec for spec in SPEC}

#: Every other field of ``Article`` (and its related rows), and the one code path that writes it.
MANAGED: dict[str, str] = {
    "id": "the database",
    "status": "services.article_transition (the workflow)",
    "scheduled_at": "services.article_transition (schedule)",
    "first_published_at": "services.article_transition (publish)",
    "updated_at": "services: substantive corrections and notes",
    "held_reason": "services.article_publish_due (the scheduler's checks)",
    "note_anchors": "services.article_correct (notes follow renumbered paragraphs)",
    "created_at": "services.article_create",
    "modified_at": "every save (auto_now)",
    "created_by": "services.article_create",
    "body_text": "articles.search.index_article",
    "search_vector": "articles.search.index_article",
    "rendering": "articles.rendering.prepare (the reader HTML, after every change)",
    # Related rows with their own write paths.
    "bylines": "the authors field above (services write Byline rows)",
    "tagged_items": "the tags field above",
    "attributions": "services: attribution_create / attribution_update / attribution_delete",
    "corrections": "services: correction notes",
    "revisions": "services.revision_create",
    "comments": "services.comment_create",
    "events": "services (the audit trail)",
    "preview_links": "services: preview links",
    "webhook_deliveries": "webhooks.events.record (from the audit trail, services._event)",
    "error_reports": "reports.services (readers' error reports and their handling)",
    "notifications": "notifications.dispatch (from the audit trail, article_changed)",
}

FORM_FIELDS: tuple[str, ...] = tuple(s.name for s in SPEC if s.form)
COPY_FIELDS: frozenset[str] = frozenset(s.name for s in SPEC if s.copy)
READER_FIELDS: tuple[str, ...] = tuple(s.name for s in SPEC if s.reader and not s.diffed_apart)
FIXED_ONCE_PUBLISHED: frozenset[str] = frozenset(s.name for s in SPEC if s.fixed_once_published)
#: The fields listed (not diffed word by word) when two versions are compared.
LISTED_FIELDS: tuple[str, ...] = tuple(s.name for s in SPEC if not s.diffed_apart)


def snapshot(article: Article) -> dict:
    """Every editorial field, the bylines, the tags and the blocks, as plain JSON."""
    return {spec.name: spec.snapshot(article) for spec in SPEC}


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


def changes(old: dict, new: dict, names: tuple[str, ...] = LISTED_FIELDS) -> list[FieldChange]:
    """What differs between two snapshots (or partial ones), in words people read."""
    result = []
    for name in names:
        if name not in new or old.get(name) == new.get(name):
            continue
        spec = BY_NAME[name]
        result.append(FieldChange(name, spec.label, spec.show(old.get(name)), spec.show(new[name])))
    return result
