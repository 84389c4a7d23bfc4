"""Keyset ("older stories") pagination for reader lists that can grow to millions of rows.

Django's ``Paginator`` counts the whole list (``COUNT(*)``) to number its pages and skips to
page N with ``OFFSET``, which reads every row before it: both grow with the archive. A keyset
page instead remembers where it stopped, the sort keys of its last row, and asks for the rows
past them (``WHERE (first_published_at, id) < (…)``, ``ORDER BY … LIMIT n + 1``), which an
index that matches the filter and the order answers by reading n + 1 rows, however deep the
page. It never counts, so a list has "Newer stories" and "Older stories", not "page 3 of 9"
(Django REST framework's ``CursorPagination`` makes the same trade).

The position is the query parameter ``before`` (the rows after it in list order: older) or
``after`` (the rows before it: newer), holding each key's value of the row the reader came
from, joined by ``_``: ``?before=20261130T100000.123456Z_1234`` is "older than the story
first published at 10:00:00.123456 UTC on 30 November 2026, with id 1234 breaking the tie".
A text key (an alphabetical list's ``Lower("name")``, annotated on the queryset) is its
UTF-8 in base64 with ``-`` and ``.`` for ``+`` and ``/`` and no padding. Nothing in it needs
escaping in a URL, and it is read strictly: anything else is the site's 400 page, never a
500 or a silently different list. Keys must never be NULL for the rows listed
(``first_published_at`` is set on every story readers can see).

Old links with ``?page=N`` (from when lists counted) redirect permanently to the list without
it: ``redirect_legacy_page`` on the view.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import BadRequest, ImproperlyConfigured
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.lookups import GreaterThan, LessThan, Lookup
from django.http import HttpResponsePermanentRedirect

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.http import HttpRequest, HttpResponse

#: Newest first; the id breaks ties between stories published in the same microsecond.
LATEST_FIRST = ("-first_published_at", "-pk")
BEFORE, AFTER, LEGACY_PAGE = "before", "after", "page"
SEPARATOR = "_"
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%S.%fZ"
# ASCII digits only: ``\d`` and ``int()`` would take other scripts' digits too.
_TIMESTAMP = re.compile(r"[0-9]{8}T[0-9]{6}\.[0-9]{6}Z")
_INTEGER = re.compile(r"0|[1-9][0-9]{0,18}")
_MAX_INTEGER = 2**63 - 1
_TEXT = re.compile(r"[A-Za-z0-9.\-]{0,2000}")
_TEXT_ALTCHARS = b"-."


@dataclass(frozen=True)
class KeysetPage:
    """One page of a keyset-paginated list.

    ``object_list`` holds at most ``per_page`` rows in list order; ``older_url`` and
    ``newer_url`` are query strings (``"?before=…"``) keeping the list's other parameters, or
    "" when there is nothing that way. ``is_first`` is the top of the list (no cursor).
    """

    object_list: list
    is_first: bool
    older_url: str = ""
    newer_url: str = ""

    @property
    def has_older(self) -> bool:
        return bool(self.older_url)

    @property
    def has_newer(self) -> bool:
        return bool(self.newer_url)

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


@dataclass(frozen=True)
class _Key:
    """One sort key: a field path (``pk``, ``issued_at``, ``article__first_published_at``)
    and its direction."""

    path: str
    descending: bool
    field: models.Field

    @classmethod
    def parse(cls, queryset: QuerySet, key: str) -> _Key:
        path = key.removeprefix("-")
        annotation = queryset.query.annotations.get(path)
        if annotation is not None:
            field = annotation.output_field
        else:
            field = _resolve(queryset.model, path)
        if isinstance(field, models.ForeignKey):
            field = field.target_field
        if not isinstance(
            field,
            (models.DateTimeField, models.IntegerField, models.AutoField, models.CharField),
        ):
            raise ImproperlyConfigured(
                f"Keyset key {key!r} is neither a timestamp, a number nor text."
            )
        return cls(path=path, descending=key.startswith("-"), field=field)

    @property
    def order(self) -> str:
        return f"-{self.path}" if self.descending else self.path

    @property
    def reversed_order(self) -> str:
        return self.path if self.descending else f"-{self.path}"

    def value_of(self, row: Model) -> Any:
        value = row
        for part in self.path.split("__"):
            value = value.pk if part == "pk" else getattr(value, part)
        if value is None:
            raise ValueError(f"Keyset key {self.path!r} is NULL on {row!r}.")
        return value

    def encode(self, value: Any) -> str:
        if isinstance(self.field, models.DateTimeField):
            return value.astimezone(UTC).strftime(TIMESTAMP_FORMAT)
        if isinstance(self.field, models.CharField):
            return _encode_text(value)
        return str(int(value))

    def decode(self, text: str) -> Any:
        """The value ``encode`` wrote, or ``ValueError`` for anything else."""
        if isinstance(self.field, models.DateTimeField):
            if not _TIMESTAMP.fullmatch(text):
                raise ValueError(text)
            return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
        if isinstance(self.field, models.CharField):
            return _decode_text(text)
        if not _INTEGER.fullmatch(text) or int(text) > _MAX_INTEGER:
            raise ValueError(text)
        return int(text)


def _encode_text(value: str) -> str:
    return base64.b64encode(value.encode(), altchars=_TEXT_ALTCHARS).decode().rstrip("=")


def _decode_text(text: str) -> str:
    """The text ``_encode_text`` wrote, and only that spelling of it (``ValueError`` for any
    other: bad characters or length, stray bits, invalid UTF-8, a NUL)."""
    if not _TEXT.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError(text)
    try:
        value = base64.b64decode(
            text + "=" * (-len(text) % 4), altchars=_TEXT_ALTCHARS, validate=True
        ).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise ValueError(text) from error
    if "\x00" in value or _encode_text(value) != text:
        raise ValueError(text)
    return value


def _resolve(model: type[Model], path: str) -> models.Field:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


class _Row(Func):
    """``(a, b, …)``: a row value, compared as a whole."""

    function = ""
    output_field = models.Field()


def _past(keys: Sequence[_Key], values: Sequence[Any], *, forward: bool) -> Q | Lookup:
    """Rows that come after ``values`` in list order (``forward``) or before them.

    Keys all in one direction compare as a row, ``(a, b) < (x, y)``: one condition, which
    PostgreSQL reads as a range of the matching index and estimates by its first column.
    Mixed directions spell it out, ``a <= x AND (a < x OR (a = x AND b > y))``; the lone
    ``a <= x`` lets the database start reading at the position rather than at the top.
    """
    if len({key.descending for key in keys}) == 1:
        lookup = LessThan if keys[0].descending == forward else GreaterThan
        return lookup(
            _Row(*(F(key.path) for key in keys)),
            _Row(*(Value(v, output_field=k.field) for k, v in zip(keys, values, strict=True))),
        )
    condition, equal = Q(), Q()
    for key, value in zip(keys, values, strict=True):
        lookup = "lt" if key.descending == forward else "gt"
        condition |= equal & Q(**{f"{key.path}__{lookup}": value})
        equal &= Q(**{key.path: value})
    first = "lte" if keys[0].descending == forward else "gte"
    return Q(**{f"{keys[0].path}__{first}": values[0]}) & condition


def _cursor_of(keys: Sequence[_Key], row: Model) -> str:
    return SEPARATOR.join(key.encode(key.value_of(row)) for key in keys)


def _read_cursor(request: HttpRequest, name: str, keys: Sequence[_Key]) -> list | None:
    texts = request.GET.getlist(name)
    if not texts:
        return None
    parts = texts[0].split(SEPARATOR)
    try:
        if len(texts) != 1 or len(parts) != len(keys):
            raise ValueError(texts)
        return [key.decode(part) for key, part in zip(keys, parts, strict=True)]
    except (ValueError, OverflowError) as error:
        raise BadRequest(f"Malformed list position {name}={texts!r}.") from error


def _url(request: HttpRequest, **position: str) -> str:
    query = request.GET.copy()
    for name in (BEFORE, AFTER, LEGACY_PAGE):
        query.pop(name, None)
    query.update(position)
    return f"?{query.urlencode()}" if query else request.path


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    per_page: int,
    keys: Sequence[str] = LATEST_FIRST,
) -> KeysetPage:
    """The page of ``queryset``, ordered by ``keys``, that ``request`` asks for.

    One query on every page: ``per_page + 1`` rows, the extra one saying whether there is
    more. (Going back to the top with "Newer stories" costs a second: the first page's.)
    A malformed ``before``/``after`` raises ``BadRequest`` (400).
    """
    parsed = [_Key.parse(queryset, key) for key in keys]
    before = _read_cursor(request, BEFORE, parsed)
    after = _read_cursor(request, AFTER, parsed)
    if before is not None and after is not None:
        raise BadRequest("A list position is either before or after, not both.")
    if after is not None:
        newer = queryset.filter(_past(parsed, after, forward=False))
        rows = list(newer.order_by(*(key.reversed_order for key in parsed))[: per_page + 1])
        if len(rows) > per_page:
            rows = rows[:per_page][::-1]
            return KeysetPage(
                object_list=rows,
                is_first=False,
                older_url=_url(request, before=_cursor_of(parsed, rows[-1])),
                newer_url=_url(request, after=_cursor_of(parsed, rows[0])),
            )
        # Back at the top: show the first page as it is now, not the few rows above the
        # position.
    if before is not None:
        queryset = queryset.filter(_past(parsed, before, forward=True))
    rows = list(queryset.order_by(*(key.order for key in parsed))[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    newer_url = ""
    if before is not None:
        # Past the end (an old or hand-made link), "newer" is the top of the list.
        newer_url = _url(request, after=_cursor_of(parsed, rows[0])) if rows else _url(request)
    return KeysetPage(
        object_list=rows,
        is_first=before is None,
        older_url=_url(request, before=_cursor_of(parsed, rows[-1])) if more else "",
        newer_url=newer_url,
    )


def redirect_legacy_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send ``?page=N`` (any N, 1 too) permanently to the same list without it: old links
    and bookmarks keep working, and no request asks for a page by number."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if LEGACY_PAGE in request.GET:
            query = request.GET.copy()
            query.pop(LEGACY_PAGE)
            target = f"{request.path}?{query.urlencode()}" if query else request.path
            return HttpResponsePermanentRedirect(target)
        return view(request, *args, **kwargs)

    return wrapper
