"""How the read API's lists page: by cursor, never by counting.

Django REST framework's ``CursorPagination`` orders by a fixed key and hands out an opaque
``cursor`` for the next and previous pages: no ``COUNT(*)``, no page numbers, and a walk
through every page sees each row once even while new rows arrive at the top. Each list names
an order that an index serves and that ends in the primary key, so it is total (the cursor
holds the first key's value, and an offset among rows that share it).

A cursor that was not handed out (bad base64, a position that is not a value of the key) is a
400, never a 500 or a silently different list. ``page_size`` asks for fewer or more rows, up
to ``max_page_size``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.pagination import Cursor, CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_cursor_message = "Invalid cursor: use the next or previous link of a page."

    def paginate_queryset(self, queryset, request, view=None):
        self._position_field = self._field(queryset.model, self.ordering[0].lstrip("-"))
        return super().paginate_queryset(queryset, request, view)

    @staticmethod
    def _field(model, name: str):
        return model._meta.pk if name == "pk" else model._meta.get_field(name)

    def decode_cursor(self, request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise ParseError(self.invalid_cursor_message) from error
        if cursor is not None and cursor.position is not None:
            try:
                self._position_field.to_python(cursor.position)
            except (ValidationError, TypeError, ValueError) as error:
                raise ParseError(self.invalid_cursor_message) from error
        return cursor


class LatestStoriesPagination(ApiCursorPagination):
    """Stories newest first, as the reader's lists (the ``article_readable_*`` indexes)."""

    ordering = ("-first_published_at", "-pk")


class CorrectionsLogPagination(ApiCursorPagination):
    """Notes newest first, as the reader's corrections log (``correctionnote_public_latest``)."""

    ordering = ("-issued_at", "-pk")


class SourcesPagination(ApiCursorPagination):
    ordering = ("name", "pk")


class AuthorsPagination(ApiCursorPagination):
    ordering = ("display_name", "pk")


class SectionsPagination(ApiCursorPagination):
    """Sections in the site navigation's order."""

    page_size = 100
    ordering = ("position", "name", "pk")
