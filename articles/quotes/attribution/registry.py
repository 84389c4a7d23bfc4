"""Known sources: matching what a story names against the sources already on file.

Advisory layer. The registry comes after the story: a name the story resolved is looked up
by that full name or an alias only, so "Lopez said" after "Maria Lopez" never becomes
another story's Avery Lopez. Only a short name the story leaves unresolved (one word, or an
organisation's or document's short form) may match a fuller name on file, and only when it
extends exactly one: "the Gazette" → "The Millbrook Gazette", "Haley" → "Nikki Haley", so
no duplicate source is created beside the full one. A tie is no match: the editor decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from articles.quotes.attribution.names import fold_name
from articles.quotes.attribution.vocabulary import word_set
from articles.quotes.values import KnownSource, as_known_source

EXACT = "exact"  # match by name or alias only
SHORT = "short"  # may also match a fuller name on file that it alone extends

_COMPATIBLE = {
    "person": {"person"},
    "organisation": {"organisation", "publication"},
    "publication": {"publication", "organisation"},
    "document": {"document"},
}
_MATCH_FILLER = word_set("the a an of on in for and to at by own")
_DOC_FORMS = {"commissioned": "commission"}


def key_words(name: str) -> frozenset[str]:
    """The words that identify a name, for matching: lower case, no possessives, no filler."""
    words = re.findall(r"[^\W_][\w'-]*", name.replace("’", "'").lower())
    out = set()
    for word in words:
        word = word[:-2] if word.endswith("'s") else word
        word = _DOC_FORMS.get(word, word)
        if word not in _MATCH_FILLER:
            out.add(word)
    return frozenset(out)


def _compatible(source: KnownSource, kind: str) -> bool:
    return not source.kind or not kind or source.kind in _COMPATIBLE.get(kind, {kind})


def _mode(candidate: Sequence[str]) -> str:
    if len(candidate) > 2:
        return candidate[2]
    name, kind = candidate[0], candidate[1]
    return SHORT if kind != "person" or len(name.split()) == 1 else EXACT


class SourceIndex:
    """Known sources indexed once by folded name and alias, surname and word, so matching a
    story's worth of suggestions against thousands of sources stays cheap."""

    def __init__(self, sources: Iterable[Any]) -> None:
        self.sources = [as_known_source(s) for s in sources]
        self.exact: dict[str, list[KnownSource]] = {}
        self.surnames: dict[str, list[KnownSource]] = {}
        self.words: dict[str, set[int]] = {}
        self.keys: list[list[frozenset[str]]] = []
        for index, source in enumerate(self.sources):
            names = (source.name, *source.aliases)
            for name in names:
                self.exact.setdefault(fold_name(name), []).append(source)
            if source.kind in ("", "person") and source.name.split():
                self.surnames.setdefault(source.name.split()[-1].lower(), []).append(source)
            keys = [key_words(name) for name in names]
            self.keys.append(keys)
            for word in set().union(*keys):
                self.words.setdefault(word, set()).add(index)

    def __bool__(self) -> bool:
        return bool(self.sources)

    @staticmethod
    def _pick(matches: list[KnownSource], kind: str) -> KnownSource | None:
        fitting = {m.id: m for m in matches if _compatible(m, kind)}
        return next(iter(fitting.values())) if len(fitting) == 1 else None

    def match(self, candidates: Sequence[Sequence[str]]) -> KnownSource | None:
        """See ``match_source``."""
        for candidate in candidates:
            name, kind = candidate[0], candidate[1]
            found = self._pick(self.exact.get(fold_name(name), []), kind)
            if found:
                return found
        short = [c for c in candidates if _mode(c) == SHORT]
        for name, kind, *_ in short:
            words = name.split()
            if kind in ("person", "") and len(words) == 1:
                found = self._pick(self.surnames.get(words[0].lower(), []), "person")
                if found:
                    return found
        for name, kind, *_ in short:
            if kind == "person":
                continue
            found = self._by_words(key_words(name), kind)
            if found:
                return found
        return None

    def _by_words(self, keys: frozenset[str], kind: str) -> KnownSource | None:
        if not keys:
            return None
        postings = [self.words.get(word, set()) for word in keys]
        scored: list[tuple[int, KnownSource]] = []
        for index in set.intersection(*postings) if postings else ():
            source = self.sources[index]
            if not _compatible(source, kind) or source.kind == "person":
                continue
            extra = [len(k - keys) for k in self.keys[index] if keys <= k]
            if extra:
                scored.append((min(extra), source))
        if not scored:
            return None
        best = min(extra for extra, _ in scored)
        top = {s.id: s for extra, s in scored if extra == best}
        # One shared word ("council") is only trusted when a single source has it at all.
        if len(top) == 1 and (len(keys) > 1 or len(scored) == 1):
            return next(iter(top.values()))
        return None


def match_source(
    candidates: Sequence[Sequence[str]], sources: Iterable[Any] | SourceIndex
) -> KnownSource | None:
    """The existing source for a proposed (name, kind), trying each candidate in turn.

    In order: a case-insensitive match on a source's name or any alias (a leading "the"
    ignored); then, for a short name only (one word, or a name of anything but a person;
    a third element ``"exact"`` or ``"short"`` says so explicitly), a surname against a
    known person's full name ("Haley" → "Nikki Haley"), or every word of the proposal
    standing in one source's name or alias ("UN commission report" → "UN Commission report
    on Aleppo", "the Gazette" → "The Millbrook Gazette"). Only sources of a compatible kind
    count (a report is not the commission that wrote it), and a tie is no match, so the
    editor decides.
    """
    index = sources if isinstance(sources, SourceIndex) else SourceIndex(sources)
    return index.match(candidates) if index else None
