"""The values the quote finder hands out: plain frozen data, no logic but conversion.

Shared by both layers: a ``Finding`` of kind ``"quote"`` is placed by the rule layer
(``articles.quotes.spans``); its ``cue`` and ``anonymous`` and every ``Suggestion`` come
from the advisory layer (``articles.quotes.attribution``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    """A passage of the body that needs a source.

    ``kind`` is ``"quote"`` (the words inside quote marks, without the marks) or ``"claim"``
    (the sentence of a said/report/document clause that no quote used). ``text`` is always
    ``paragraph_text[start:end]``, so the desk can highlight it in place.

    ``cue`` is the clause that attributes it, as written, and ``anonymous`` says that clause
    names nobody on purpose ("an official who spoke on condition of anonymity"): advisory,
    like every suggestion; no rule reads them.
    """

    kind: str
    paragraph: int
    text: str
    start: int
    end: int
    cue: str = ""
    anonymous: bool = False


@dataclass(frozen=True)
class Suggestion:
    """A proposed source for one finding; the editor accepts or rejects it on the desk.

    ``source_kind`` is a ``Source.Kind`` value and ``attribution_kind`` an
    ``Attribution.Kind`` value. ``source_id`` is set when the source already exists, and then
    ``source_name`` is that source's own name.
    """

    finding: Finding
    source_name: str
    source_kind: str
    attribution_kind: str
    source_id: int | None = None
    role: str = ""


@dataclass(frozen=True)
class KnownSource:
    """What the finder needs to know about an existing ``Source``."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = ""


def as_known_source(item: Any) -> KnownSource:
    """A ``KnownSource`` from a ``Source`` row, a ``KnownSource`` or an ``(id, name,
    aliases[, kind])`` tuple. Aliases that are not strings (hand-edited JSON) are dropped."""
    if isinstance(item, KnownSource):
        return item
    if isinstance(item, tuple | list):
        source_id, name, *rest = item
        aliases = rest[0] if rest else ()
        kind = rest[1] if len(rest) > 1 else ""
    else:
        source_id = getattr(item, "pk", None) or getattr(item, "id", None)
        name = item.name
        aliases = getattr(item, "aliases", ()) or ()
        kind = getattr(item, "kind", "") or ""
    if isinstance(aliases, str):
        aliases = (aliases,)
    return KnownSource(
        id=source_id,
        name=str(name),
        aliases=tuple(a for a in aliases if isinstance(a, str) and a.strip()),
        kind=str(kind),
    )
