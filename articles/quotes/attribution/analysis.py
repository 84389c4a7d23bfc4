"""One reading of a body: its passages, the cue of each, and the suggested sources.

Advisory layer, built on the rule layer's quote spans (``articles.quotes.spans``): every
quote finding is exactly a span from there; this module only adds its cue, whether it is
anonymous, and the reported claims (a cue that no quote of its own sentence used makes its
sentence a ``"claim"``).

Which cue a quote takes:

1. a cue of its own sentence (a person's said-clause before an outlet's report clause, then
   the nearest);
2. for a quote that runs over several paragraphs, the cue of any of its parts ("“…" /
   "“…," Roe said.");
3. for a paragraph that is nothing but quotes (the corpus's ``paragraph_quote``), whoever
   spoke last in the paragraph before (the cue its last quote took, else its last
   speaker's cue);
4. else the nearest cue of its paragraph.

``Reading`` holds one analysis, so the desk lists passages and suggests their sources from a
single pass (``read``), however many questions it asks of it.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from articles.quotes.attribution.cast import Entity
from articles.quotes.attribution.cues import Cue, CueReader, Subject
from articles.quotes.attribution.registry import EXACT, SHORT, SourceIndex, match_source
from articles.quotes.attribution.resolve import Resolver
from articles.quotes.attribution.text import Para
from articles.quotes.spans import QuoteSpan, body_spans
from articles.quotes.values import Finding, Suggestion


@dataclass
class Analysis:
    paras: dict[int, Para]
    findings: list[Finding]
    cue_of: dict[Finding, Cue]
    resolver: Resolver


def analyse(paragraphs: dict[int, str], quoted_paragraphs: Collection[int] = ()) -> Analysis:
    spans = body_spans(paragraphs, quoted_paragraphs)
    paras: dict[int, Para] = {}
    for number, quotes in spans.items():
        para = Para.read(number, paragraphs[number] or "", quotes)
        para.set_cues(CueReader(para).read() if para.tokens else [])
        paras[number] = para
    resolver = Resolver(paras)
    for para in paras.values():
        if any(c.weak for c in para.cues):
            para.set_cues([c for c in para.cues if _keeps(c, para, resolver)])
    anonymous = {
        cue
        for cue, entity in resolver.resolved.items()
        if cue.subject.form == "anonymous" or (entity is not None and entity.kind == "anonymous")
    }

    findings: list[Finding] = []
    cue_of: dict[Finding, Cue] = {}
    used: set[Cue] = set()
    chosen: dict[tuple[int, int], Cue] = {}  # (paragraph, quote index) -> its cue
    numbers = sorted(paras)
    for number in numbers:
        para = paras[number]
        previous = paras.get(number - 1)
        for index, span in enumerate(para.quotes):
            sentence = para.sentence_of[para.quote_token[index]]
            cue, level = _cue_for(para, sentence, span.outer_start, span.outer_end)
            if level != "sentence":
                chained = _chained_cue(paras, number, index, span)
                if chained is not None:
                    cue, level = chained, "chain"
            if para.only_quotes and level != "chain" and (cue is None or level == "paragraph"):
                inherited = _previous_speaker(previous, chosen)
                if inherited is not None:
                    cue, level = inherited, "previous"
            if cue is not None:
                chosen[(number, index)] = cue
                if level == "sentence" or (level == "previous" and cue.lead_in):
                    used.add(cue)
            findings.append(_quote_finding(para, span, cue, paras, anonymous))
            if cue is not None:
                cue_of[findings[-1]] = cue
    claimed: set[tuple[int, int]] = set()
    for para in paras.values():
        for cue in sorted(para.cues, key=_claim_rank):
            if cue in used or (para.number, cue.sentence) in claimed:
                continue
            claimed.add((para.number, cue.sentence))
            start, end = para.sentence_span(cue.sentence)
            finding = Finding(
                "claim",
                para.number,
                para.text[start:end],
                start,
                end,
                _cue_text(paras, cue),
                anonymous=cue in anonymous,
            )
            cue_of[finding] = cue
            findings.append(finding)
    findings.sort(key=lambda f: (f.paragraph, f.start, f.end, f.kind))
    return Analysis(paras, findings, cue_of, resolver)


def _keeps(cue: Cue, para: Para, resolver: Resolver) -> bool:
    """A weak cue (a body or "they" with a document's verb: "The institute found") holds
    only when it names someone the story introduced and its sentence has no other cue."""
    if not cue.weak:
        return True
    if any(c is not cue and not c.weak for c in para.by_sentence.get(cue.sentence, ())):
        return False
    return resolver.resolved.get(cue) is not None and resolver.known(resolver.resolved[cue])


def _claim_rank(cue: Cue) -> tuple:
    """Which cue of a sentence its claim goes to: the first, which holds the main clause
    ("The Post reported that the office had warned …" is the Post's)."""
    return (cue.start,)


def _quote_finding(
    para: Para, span: QuoteSpan, cue: Cue | None, paras: dict[int, Para], anonymous: set[Cue]
) -> Finding:
    finding = Finding(
        "quote",
        para.number,
        para.text[span.inner_start : span.inner_end],
        span.inner_start,
        span.inner_end,
    )
    if cue is None:
        return finding
    return replace(finding, cue=_cue_text(paras, cue), anonymous=cue in anonymous)


def _cue_text(paras: dict[int, Para], cue: Cue) -> str:
    return paras[cue.paragraph].text[cue.start : cue.end]


def _distance(cue: Cue, start: int, end: int) -> int:
    if cue.end <= start:
        return start - cue.end
    if cue.start >= end:
        return cue.start - end
    return 0


def _cue_for(para: Para, sentence: int, start: int, end: int) -> tuple[Cue | None, str]:
    """The cue of the passage's own sentence, else the nearest of its paragraph."""
    same = para.by_sentence.get(sentence)
    if same:
        return min(
            same, key=lambda c: (c.outlet, not c.speech, _distance(c, start, end))
        ), "sentence"
    if para.cues:
        # Cues never overlap, so the nearest is the last one before or the first one after.
        at = bisect.bisect_left(para.cue_starts, start)
        near = para.cues[max(at - 1, 0) : at + 1]
        return min(near, key=lambda c: _distance(c, start, end)), "paragraph"
    return None, ""


def _sentence_cue(para: Para, index: int) -> Cue | None:
    span = para.quotes[index]
    sentence = para.sentence_of[para.quote_token[index]]
    cue, level = _cue_for(para, sentence, span.outer_start, span.outer_end)
    return cue if level == "sentence" else None


def _chained_cue(paras: dict[int, Para], number: int, index: int, span: QuoteSpan) -> Cue | None:
    """For a quote running over paragraphs, the sentence cue of any part of it."""
    parts: list[tuple[int, int]] = []
    # Back: this quote continues one left open at the end of the paragraph before.
    n, i = number, index
    while i == 0 and (prev := paras.get(n - 1)) and prev.quotes and prev.quotes[-1].runs_on:
        n, i = n - 1, len(prev.quotes) - 1
        parts.append((n, i))
    # On: this quote is left open and continues in the next paragraph.
    n, i, current = number, index, span
    while current.runs_on and (nxt := paras.get(n + 1)) and nxt.quotes:
        n, i = n + 1, 0
        current = nxt.quotes[0]
        parts.append((n, i))
    for n, i in parts:
        cue = _sentence_cue(paras[n], i)
        if cue is not None:
            return cue
    return None


def _previous_speaker(previous: Para | None, chosen: dict[tuple[int, int], Cue]) -> Cue | None:
    if previous is None:
        return None
    if previous.quotes:
        cue = chosen.get((previous.number, len(previous.quotes) - 1))
        if cue is not None and cue.speech:
            return cue
    speaking = [c for c in previous.cues if c.speech]
    if speaking:
        return speaking[-1]
    return previous.cues[-1] if previous.cues else None


def cue_for_finding(analysis: Analysis, finding: Finding) -> Cue | None:
    """The cue of a finding made elsewhere (the desk's own selection), by the same rule."""
    para = analysis.paras.get(finding.paragraph)
    if para is None or not para.tokens:
        return None
    sentence = 0
    for tok, number in zip(para.tokens, para.sentence_of, strict=True):
        if tok.start > finding.start:
            break
        sentence = number
    cue, _ = _cue_for(para, sentence, finding.start, finding.end)
    if cue is None and para.only_quotes:
        return _previous_speaker(analysis.paras.get(finding.paragraph - 1), {})
    return cue


# --- Suggestions ------------------------------------------------------------------------


def attribution_kind(finding: Finding, cue: Cue, entity: Entity) -> str:
    subject = cue.subject
    if subject.form in ("document", "sourced"):
        return "data" if subject.data else "document"
    if entity.kind == "publication":
        return "report"
    if entity.kind == "document":
        return "document"
    return "quote" if finding.kind == "quote" else "paraphrase"


def candidates(subject: Subject, entity: Entity | None) -> list[tuple[str, str, str]]:
    """Names to look up among known sources, best first: the resolved name (a person's full
    name by name or alias only; a one-word name or a body's short name may extend a fuller
    one on file); for a one-word name the story never introduced, that word as a person's
    surname too; for a document, the organisation its words name ("council report" → the
    council); and the cue's own words, by name or alias only ("the US ambassador")."""
    out: list[tuple[str, str, str]] = []
    if entity is not None:
        one_word = len(entity.name.split()) == 1
        out.append(
            (entity.name, entity.kind, SHORT if one_word or entity.kind != "person" else EXACT)
        )
        if entity.kind == "organisation" and one_word:
            out.append((entity.name, "person", SHORT))
        if entity.kind == "document" and entity.owner_words:
            out.append((" ".join(entity.owner_words), "organisation", SHORT))
    if subject.form in ("name", "title"):
        out.append((" ".join(subject.words), "", EXACT))
    return out


class Reading:
    """One analysis of a body, asked as often as needed (see the module docstring)."""

    def __init__(self, paragraphs: dict[int, str], quoted_paragraphs: Collection[int] = ()):
        self.paragraphs = paragraphs
        self.analysis = analyse(paragraphs, quoted_paragraphs)

    @property
    def findings(self) -> list[Finding]:
        return self.analysis.findings

    @property
    def resolver(self) -> Resolver:
        return self.analysis.resolver

    def anonymous(self, findings: Iterable[Finding] | None = None) -> list[Finding]:
        """The passages attributed to an anonymous source."""
        return [f for f in (self.findings if findings is None else findings) if f.anonymous]

    def suggest(
        self, findings: Sequence[Finding] | None = None, *, sources: Iterable[Any] = ()
    ) -> list[Suggestion]:
        analysis = self.analysis
        resolved = self.resolver.resolved
        known = sources if isinstance(sources, SourceIndex) else SourceIndex(sources)
        if findings is None:
            findings = analysis.findings
        by_span = {(f.paragraph, f.start, f.end, f.kind): cue for f, cue in analysis.cue_of.items()}
        suggestions: list[Suggestion] = []
        for finding in findings:
            cue = by_span.get((finding.paragraph, finding.start, finding.end, finding.kind))
            if cue is None:
                cue = cue_for_finding(analysis, finding)
            if cue is None or cue.subject.form == "anonymous":
                continue
            entity = resolved.get(cue)
            if entity is not None and entity.kind == "anonymous":
                continue
            match = match_source(candidates(cue.subject, entity), known) if known else None
            if entity is None and match is None:
                continue
            if entity is None:
                # Only a known source's alias ("the US ambassador") names this speaker.
                entity = Entity(match.name, match.kind or "person")
            suggestions.append(
                Suggestion(
                    finding=finding,
                    source_name=match.name if match else entity.name,
                    source_kind=(match.kind if match and match.kind else entity.kind),
                    attribution_kind=attribution_kind(finding, cue, entity),
                    source_id=match.id if match else None,
                    role=entity.role,
                )
            )
        return suggestions
