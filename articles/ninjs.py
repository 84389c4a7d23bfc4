"""A story as an IPTC ninjs 2.2 document (News in JSON), for syndication partners.

``document(article, request=...)`` builds it from an article loaded with
``Article.objects.with_syndication_data()`` (no query of its own); ``GET
/api/v1/articles/<id>/ninjs`` serves it (``api.views``). The documents validate against the
official schema (``tests/api/test_ninjs.py``, ``../shared/standards/ninjs-schema_2.2.json``),
which allows no property of our own (``unevaluatedProperties: false``), so everything below
sits in a property the schema defines:

- ``uri``: the story's page (absolute); ``altids`` its id and slug here.
- ``pubstatus``: ``usable`` while readers can read it, ``canceled`` once retracted (the page
  stays up under its notice, so the body is still sent, with the notice), ``withheld`` once
  unpublished (its page answers 410): then only what identifies the story, with no body, no
  people and no notes, so a partner learns to take it down. Stories readers never saw
  (drafts, scheduled, in review) have no document (``reader_outcome`` is 404).
- ``version``: ``"<revision>.<digest>"``. The revision is the story's latest ``Revision``
  number: every correction and every status move makes one. The digest (of the document
  itself, but for ``version``) changes with whatever else partners get that makes no
  revision: a note withdrawn, a source attributed or renamed, a tag. Two documents with the
  same version are the same document.
- ``versioncreated``: when readers last saw a change: the latest of first publication, the
  updated time, the latest revision, a note published or withdrawn, an attribution added.
- ``bodies``: one, ``text/html``: paragraphs and block quotes carry ``id="pN"``, the
  paragraph numbers the notes name (``articles.body``), as on the article page.
- **Correction notes**, twice, because ninjs has no notes of its own:
  ``descriptions`` holds each public note as plain text with its kind as the role
  (``correction``, ``clarification``, ``update``, ``editors_note``, ``retraction``; the
  standfirst is the one with role ``summary``), for a partner who shows descriptions; and
  ``associations`` holds each as a ninjs object of its own (``profile``
  ``"correction-note"``, ``uri`` the note's anchor on the page, ``versioncreated`` when it
  was published, its text in ``bodies``, and ``descriptions`` with roles ``paragraphs``
  (comma-separated numbers, as the story now stands), ``before`` and ``after``). ``ednote``
  tells the partner's editors to carry the notes, or not to use a canceled or withheld story.
- ``by`` and ``people`` (``rel`` ``"author"``): the bylines; ``infosources``: every source
  the story attributes words to, in the order readers meet them; ``subjects``: the tags;
  ``genres``: the story's kind; ``located``: the dateline; ``trustindicators``: the
  corrections policy.
"""

from __future__ import annotations

import hashlib
import html
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import to_locale

from articles import body
from articles.rendering import ORIGIN, origin_of
from articles.visibility import reader_outcome

if TYPE_CHECKING:
    from django.http import HttpRequest

    from articles.models import Article, CorrectionNote

SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"
NOTE_PROFILE = "correction-note"
# schema.org's property for a publisher's corrections policy, as the Trust Project uses it.
CORRECTIONS_POLICY_ROLE = "https://schema.org/correctionsPolicy"


def pubstatus(article: Article) -> str | None:
    """``usable``, ``canceled`` (retracted) or ``withheld`` (unpublished); None when readers
    never saw the story (it has no document)."""
    outcome = reader_outcome(article)
    if outcome.retracted:
        return "canceled"
    if outcome.readable:
        return "usable"
    if outcome.gone:
        return "withheld"
    return None


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _url(path: str) -> str:
    # Absolute under the placeholder origin, replaced by the one the client asked for, so
    # the digest in ``version`` is the same whatever the host.
    return ORIGIN + path


def _language() -> str:
    return to_locale(settings.LANGUAGE_CODE).replace("_", "-")


def public_notes(article: Article) -> list[CorrectionNote]:
    return [n for n in article.published_notes if n.withdrawn_at is None]


def withdrawn_notes(article: Article) -> list[CorrectionNote]:
    """Notes readers saw and no longer see, oldest withdrawal first: a partner that carried
    one learns from these to take it down (their words are no longer served)."""
    gone = [n for n in article.published_notes if n.withdrawn_at is not None]
    return sorted(gone, key=lambda n: (n.withdrawn_at, n.pk))


def version_created(article: Article) -> datetime:
    """When readers last saw something change in the story."""
    moments = [
        article.first_published_at,
        article.updated_at,
        article.revised_at,
        article.last_attributed_at,
    ]
    for note in article.published_notes:
        moments += [note.published_at, note.withdrawn_at]
    return max(m for m in moments if m is not None)


def _body_html(article: Article) -> tuple[str, str]:
    """The body as HTML, and as the plain text readers read (for the counts)."""
    parts, words = [], []
    for item in article.numbered_blocks():
        block = item.block
        text = body.sanitize_inline(block.text)
        if block.kind == "paragraph":
            parts.append(f'<p id="{item.anchor}">{text}</p>')
        elif block.kind == "blockquote":
            parts.append(f'<blockquote id="{item.anchor}"><p>{text}</p></blockquote>')
        elif block.kind == "subheading":
            parts.append(f"<h2>{text}</h2>")
        elif block.kind == "image" and block.image:
            credit = f"({block.image_credit})" if block.image_credit else ""
            caption = " ".join(p for p in (block.image_caption, credit) if p)
            parts.append(
                f'<figure><img src="{html.escape(_url(block.image.url))}" '
                f'alt="{html.escape(block.image_alt)}">'
                + (f"<figcaption>{html.escape(caption)}</figcaption>" if caption else "")
                + "</figure>"
            )
            continue
        if item.number is not None or block.kind == "subheading":
            words.append(body.plain_text(block.text))
    return "\n".join(parts), " ".join(words)


def _note_association(article_url: str, note: CorrectionNote) -> dict[str, Any]:
    descriptions = [{"role": "paragraphs", "value": ",".join(map(str, note.anchors))}]
    descriptions += [
        {"role": role, "value": value}
        for role, value in (("before", note.before), ("after", note.after))
        if value
    ]
    return {
        "name": f"note-{note.pk}",
        "uri": f"{article_url}#correction-{note.pk}",
        "type": "text",
        "profile": NOTE_PROFILE,
        "pubstatus": "usable",
        "firstcreated": _iso(note.issued_at),
        "versioncreated": _iso(note.published_at),
        "title": str(note.get_kind_display()),
        "genres": [{"name": str(note.get_kind_display()), "literal": note.kind}],
        "bodies": [{"role": "main", "contenttype": "text/plain", "value": note.text}],
        "descriptions": descriptions,
    }


def _infosources(article: Article) -> list[dict[str, Any]]:
    attributions = sorted(
        article.attributions.all(), key=lambda a: (a.paragraph is None, a.paragraph or 0, a.pk)
    )
    sources: dict[int, dict[str, Any]] = {}
    for attribution in attributions:
        source = attribution.source
        sources.setdefault(
            source.pk,
            {
                "name": source.name,
                "uri": _url(source.get_absolute_url()),
                "literal": source.slug,
            },
        )
    return list(sources.values())


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _ednote(status: str, notes: list[CorrectionNote], withdrawn: list[CorrectionNote]) -> str:
    if status == "withheld":
        return "Withdrawn by the publisher: do not use this story, and take down copies of it."
    if status == "canceled":
        return "Retracted by the publisher: do not use this story."
    said = []
    if notes:
        count = _plural(len(notes), "published note")
        said.append(
            f"This story carries {count} (descriptions and associations): publish them with it."
        )
    if withdrawn:
        ids = ", ".join(str(n.pk) for n in withdrawn)
        said.append(
            f"The publisher withdrew {_plural(len(withdrawn), 'earlier note')} (id {ids}): "
            "take down copies of them."
        )
    return " ".join(said)


def _full(article: Article, notes: list[CorrectionNote]) -> dict[str, Any]:
    article_url = _url(article.get_absolute_url())
    html_body, plain = _body_html(article)
    authors = [byline.author for byline in article.bylines.all()]
    descriptions = [{"role": "summary", "value": article.dek}] if article.dek else []
    descriptions += [
        {"role": note.kind, "contenttype": "text/plain", "value": note.text} for note in notes
    ]
    doc: dict[str, Any] = {
        "representationtype": "full",
        "descriptions": descriptions,
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/html",
                "value": html_body,
                "charcount": len(plain),
                "wordcount": len(plain.split()),
            }
        ],
        "genres": [{"name": str(article.get_kind_display()), "literal": article.kind}],
        "subjects": [
            {
                "name": tag.name,
                "literal": tag.slug,
                "uri": _url(reverse("articles:tag", kwargs={"slug": tag.slug})),
            }
            for tag in article.tags.all()
        ],
        "people": [
            {
                "name": author.display_name,
                "rel": "author",
                "uri": _url(author.get_absolute_url()),
                "literal": author.slug,
            }
            for author in authors
        ],
        "infosources": _infosources(article),
        "associations": [_note_association(article_url, note) for note in notes],
        "trustindicators": [
            {
                "role": CORRECTIONS_POLICY_ROLE,
                "title": "Corrections policy",
                "href": _url(reverse("articles:corrections_policy")),
            }
        ],
    }
    by = " and ".join(a.display_name for a in authors) or article.credit_line
    if by:
        doc["by"] = by
    if article.dateline:
        doc["located"] = article.dateline
    # Empty lists say nothing; leave them out.
    return {key: value for key, value in doc.items() if value != []}


def document(article: Article, *, request: HttpRequest) -> dict[str, Any]:
    """``article`` as a ninjs 2.2 document, its URLs absolute under the host ``request``
    asked for. ``article`` comes from ``Article.objects.with_syndication_data()`` and is one
    readers saw (``pubstatus(article)`` is not None)."""
    return at_origin(json.dumps(_document(article)), request)


def at_origin(encoded: str, request: HttpRequest) -> dict[str, Any]:
    """A document encoded under ``ORIGIN`` (as ``prepared`` stores it), under the host
    ``request`` asked for. ORIGIN is left as it is by JSON encoding, so the swap is exact."""
    return json.loads(encoded.replace(ORIGIN, origin_of(request)))


def prepared(article: Article) -> tuple[str, str]:
    """The document encoded under ``ORIGIN`` and its version, for
    ``articles.rendering`` to keep with the story's other prepared forms; ("", "") for a
    story readers never saw. ``article`` is loaded as for ``document``."""
    if pubstatus(article) is None:
        return "", ""
    doc = _document(article)
    return json.dumps(doc, ensure_ascii=False), doc["version"]


def version(article: Article) -> str:
    """The document's version (loaded as for ``document``)."""
    return _document(article)["version"]


def _document(article: Article) -> dict[str, Any]:
    status = pubstatus(article)
    if status is None:
        raise ValueError("Readers never saw this story: it has no ninjs document.")
    notes = public_notes(article) if status != "withheld" else []
    doc: dict[str, Any] = {
        "uri": _url(article.get_absolute_url()),
        "standard": {"name": "ninjs", "version": "2.2", "schema": SCHEMA_URI},
        "type": "text",
        "profile": f"newsroom-{article.kind}",
        "pubstatus": status,
        "firstcreated": _iso(article.first_published_at),
        "versioncreated": _iso(version_created(article)),
        "contentcreated": _iso(article.created_at),
        "language": _language(),
        "slugline": article.slug,
        "altids": [
            {"role": "newsroom-id", "value": str(article.pk)},
            {"role": "slug", "value": article.slug},
        ],
        "headlines": [{"role": "main", "value": article.headline}],
        "copyrightholder": settings.SITE_NAME,
    }
    if status == "withheld":
        doc["representationtype"] = "partial"
    else:
        doc.update(_full(article, notes))
    ednote = _ednote(status, notes, withdrawn_notes(article) if status == "usable" else [])
    if ednote:
        doc["ednote"] = ednote
    encoded = json.dumps(doc, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(encoded.encode()).hexdigest()[:12]
    doc["version"] = f"{article.latest_revision or 0}.{digest}"
    return doc
