"""Refuse requests whose parameters carry control characters, before any view reads them.

No text a reader or an editor types needs NUL or the other C0 control characters (U+0000 to
U+001F) besides tab, line feed and carriage return. They only arrive from scripts, fuzzers or
broken clients, and they break things far from where they came in: PostgreSQL refuses NUL in
any text value (a 500 from a search box), and the rest end up stored in a story, in a feed
(XML 1.0 forbids them) or in a log line. One check at the door covers every form field and
query parameter, reader and desk alike, so no view has to remember it.

The answer is the site's 400 page (``newsroom.errors``), saying which parameter holds which
character.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse

#: C0 controls except tab (U+0009), line feed (U+000A) and carriage return (U+000D).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _shown(name: str) -> str:
    """A parameter name as it can be printed: control characters escaped, cut short."""
    escaped = name.encode("unicode_escape").decode("ascii")
    return escaped if len(escaped) <= 60 else escaped[:57] + "..."


def _problem(where: str, items: Iterable[tuple[str, list[str]]]) -> str | None:
    for name, values in items:
        for part, text in [("name", name), *(("value", value) for value in values)]:
            found = CONTROL_CHARACTERS.search(text)
            if found:
                return (
                    f"The {where} “{_shown(name)}” has a control character "
                    f"(U+{ord(found.group()):04X}) in its {part}. Text sent to this site may "
                    "hold tabs and line breaks but no other control characters: remove it "
                    "and try again."
                )
    return None


def request_problem(request: HttpRequest) -> str | None:
    """Why the request's parameters are refused, or None when they are fine."""
    problem = _problem("query parameter", request.GET.lists())
    if problem is None and request.method == "POST":
        problem = _problem("form field", request.POST.lists())
        if problem is None:
            # Django already drops unprintable characters from upload file names; the
            # field names are checked all the same.
            problem = _problem(
                "file field",
                ((name, [f.name or "" for f in files]) for name, files in request.FILES.lists()),
            )
    return problem


class ControlCharacterMiddleware:
    """Answer 400, in plain words, for a parameter name or value with a control character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_problem(request)
        if problem is not None:
            from newsroom.errors import render_error

            return render_error(request, "400", detail=problem)
        return self.get_response(request)
