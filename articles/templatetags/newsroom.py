"""Template helpers for the reader site.

Everything here works on what the views already loaded (``with_page_data()``), so a tag
never adds a query to the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from articles import body, jsonld

if TYPE_CHECKING:
    from articles.models import Article, Attribution, CorrectionNote, Source

register = template.Library()


@register.filter
def inline_html(text: str) -> SafeString:
    """Block text as HTML: only links and emphasis survive.

    The database already holds sanitised text; sanitising again on the way out means a row
    written some other way (a shell, a bad migration) still can't put markup in the page.
    """
    return mark_safe(body.sanitize_inline(str(text or "")))  # noqa: S308 - sanitised by nh3


@dataclass(frozen=True)
class BodyItem:
    """One block of the body as the article page renders it."""

    block: Any
    number: int | None
    notes: list[CorrectionNote] = field(default_factory=list)
    dateline: str = ""

    @property
    def anchor(self) -> str:
        return f"p{self.number}" if self.number else ""


@register.simple_tag
def article_body(article: Article) -> list[BodyItem]:
    """The numbered body, each paragraph with the public notes that concern it.

    The article's dateline is carried by the first plain paragraph, where readers expect it.
    """
    notes_by_paragraph: dict[int, list[CorrectionNote]] = {}
    for note in article.public_corrections:
        for number in note.anchors:
            notes_by_paragraph.setdefault(number, []).append(note)
    items = []
    dateline = article.dateline.strip()
    for numbered in article.numbered_blocks():
        is_paragraph = numbered.block.kind == "paragraph"
        items.append(
            BodyItem(
                block=numbered.block,
                number=numbered.number,
                notes=notes_by_paragraph.get(numbered.number, []) if numbered.number else [],
                dateline=dateline if is_paragraph else "",
            )
        )
        if is_paragraph:
            dateline = ""
    return items


@register.simple_tag
def prominent_notes(article: Article) -> list[CorrectionNote]:
    """Notes shown above the story too: retractions and those an editor marked prominent."""
    return [n for n in article.public_corrections if n.prominent or n.kind == "retraction"]


@dataclass
class SourceGroup:
    source: Source
    attributions: list[Attribution] = field(default_factory=list)


@register.simple_tag
def source_groups(article: Article) -> list[SourceGroup]:
    """Attributions grouped by source, sources in the order readers meet them in the body.

    Attributions without a paragraph (a photo credit) come last; sorting here rather than in
    SQL keeps the order the same on databases that sort NULL first and those that sort it last.
    """
    attributions = sorted(
        article.attributions.all(),
        key=lambda a: (a.paragraph is None, a.paragraph or 0, a.pk),
    )
    groups: dict[int, SourceGroup] = {}
    for attribution in attributions:
        group = groups.setdefault(attribution.source_id, SourceGroup(attribution.source))
        group.attributions.append(attribution)
    return list(groups.values())


@dataclass(frozen=True)
class AttributedWords:
    """How the reader site shows an attribution's words: ``quoted`` words go in quote marks,
    as the source's own; anything else is shown as what it is, after its ``lead``, with no
    quote marks (a paraphrase is the story's words, a report another outlet's account)."""

    lead: str
    text: str
    quoted: bool


# The one table of how each kind of attribution reads (``Attribution.Kind``).
ATTRIBUTION_LEADS = {
    "quote": "",
    "paraphrase": "Said, in the story’s words:",
    "report": "Reported:",
    "document": "According to the document:",
    "data": "According to the data:",
    "photo": "",
}
_PAIRS = {"“": "”", '"': '"”', "‘": "’", "'": "'’", "«": "»", "„": "“”"}


def _unquoted(text: str) -> str:
    """``text`` without one pair of quote marks around the whole of it, if it has one."""
    text = text.strip()
    if len(text) > 1 and text[0] in _PAIRS and text[-1] in _PAIRS[text[0]]:
        inner = text[1:-1].strip()
        # “A” and “B” is two quotes, not one quoted passage.
        if not any(mark in inner for mark in (text[0], text[-1])):
            return inner
    return text


@register.filter
def attributed_words(attribution: Attribution) -> AttributedWords:
    """An attribution's words as the Sources block and the source page show them."""
    kind = str(attribution.kind)
    if kind == "quote":
        return AttributedWords(lead="", text=_unquoted(attribution.text), quoted=True)
    return AttributedWords(
        lead=ATTRIBUTION_LEADS.get(kind, ""), text=attribution.text.strip(), quoted=False
    )


@register.simple_tag(takes_context=True)
def article_jsonld(context: template.Context, article: Article) -> SafeString:
    """The article's ``NewsArticle`` structured data as a ready ``<script>`` element."""
    return jsonld.script_tag(jsonld.article_jsonld(article, request=context["request"]))


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, path: str) -> str:
    """``path`` as an absolute URL on the host the reader asked for."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """A link to page ``number`` of the current list that keeps the other query parameters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def http_url(url: str) -> str:
    """``url`` if it is an http(s) link, else "".

    Autoescaping does nothing against a ``javascript:`` URL, and model validation only runs
    on writes that call ``full_clean()``.
    """
    url = str(url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""
