"""The desk's People page, for admins: who has an account, their role, their stories."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.pagination import keyset_page
from editors import accounts, selectors
from editors.views.common import desk_view, no_store

PEOPLE_PAGE = 50


@desk_view
@no_store
def person_list(request: HttpRequest) -> HttpResponse:
    """Each person's name, username, role, last login, bylined stories and active flag, with
    a link to their admin page; paged by username. 403 for anyone but an admin."""
    people = selectors.person_list(actor=request.user)
    page = keyset_page(request, people, per_page=PEOPLE_PAGE, keys=selectors.PEOPLE_KEYS)
    rows = [
        (person, accounts.ROLE_LABELS.get(accounts.role_of(person) or "", "—"))
        for person in page.object_list
    ]
    return render(request, "editors/people.html", {"page": page, "rows": rows})
