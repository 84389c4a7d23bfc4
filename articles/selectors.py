"""Reads that combine several models for the desk (HackSoft's selectors): no writes here."""

from __future__ import annotations

from dataclasses import dataclass

from articles import quotes
from articles.models import Article, Source

CONTEXT_CHARS = 70


def unattributed_quotes(article: Article) -> list[quotes.Finding]:
    """Quoted passages in the body that no attribution covers (the publish gate)."""
    return [f for f in _unattributed(article) if f.kind == "quote"]


def _unattributed(article: Article) -> list[quotes.Finding]:
    paragraphs = article.paragraph_texts()
    attributions = [(a.paragraph, a.text) for a in article.attributions.all()]
    return quotes.unattributed(paragraphs, attributions, quoted_paragraphs=_block_quotes(article))


def _block_quotes(article: Article) -> set[int]:
    return {n.number for n in article.numbered_blocks() if n.block.kind == "blockquote"}


def rejected_suggestions(article: Article) -> set[tuple[int, str, str]]:
    """(paragraph, text, source name) of every suggestion an editor rejected."""
    return {
        (e.data.get("paragraph"), e.data.get("text"), e.data.get("source"))
        for e in article.events.filter(action="suggestion.reject")
    }


@dataclass(frozen=True)
class OpenFinding:
    """An unattributed passage, highlighted in its paragraph, with a suggested source."""

    finding: quotes.Finding
    suggestion: quotes.Suggestion | None
    before: str
    after: str


def open_findings(article: Article) -> list[OpenFinding]:
    """What the quote finder still wants attributed, in body order, for the desk's panel."""
    paragraphs = article.paragraph_texts()
    findings = _unattributed(article)
    rejected = rejected_suggestions(article)
    suggestions = {
        (s.finding.paragraph, s.finding.start): s
        for s in quotes.suggest(
            paragraphs,
            findings,
            sources=Source.objects.only("pk", "name", "aliases", "kind"),
            quoted_paragraphs=_block_quotes(article),
        )
        if (s.finding.paragraph, s.finding.text, s.source_name) not in rejected
    }
    result = []
    for finding in findings:
        text = paragraphs[finding.paragraph]
        before = text[max(0, finding.start - CONTEXT_CHARS) : finding.start]
        after = text[finding.end : finding.end + CONTEXT_CHARS]
        result.append(
            OpenFinding(
                finding=finding,
                suggestion=suggestions.get((finding.paragraph, finding.start)),
                before=("…" if finding.start > CONTEXT_CHARS else "") + before,
                after=after + ("…" if finding.end + CONTEXT_CHARS < len(text) else ""),
            )
        )
    return result
