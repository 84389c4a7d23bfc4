"""Every desk URL for every kind of visitor: the status each one gets, and no escalation."""

from __future__ import annotations

import pytest

from tests.factories import ArticleFactory, SourceFactory
from tests.helpers import user_with_role

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "reporter", "other_reporter", "copy_editor", "editor", "admin"]
LOGIN = "login"  # anonymous visitors are sent to the login page

# URL template -> expected status per visitor, in VISITORS order. {a} is the reporter's draft.
MATRIX = {
    "/desk/": [LOGIN, 200, 200, 200, 200, 200],
    "/desk/articles/": [LOGIN, 200, 200, 200, 200, 200],
    "/desk/articles/new/": [LOGIN, 200, 200, 403, 200, 200],
    "/desk/articles/{a}/": [LOGIN, 200, 404, 200, 200, 200],
    "/desk/articles/{a}/revisions/": [LOGIN, 200, 404, 200, 200, 200],
    "/desk/articles/{a}/preview/": [LOGIN, 200, 404, 200, 200, 200],
    "/desk/articles/{a}/move/in_review/": [LOGIN, 200, 404, 403, 200, 200],
    "/desk/articles/{a}/move/published/": [LOGIN, 403, 404, 403, 200, 200],
    "/desk/articles/{a}/move/scheduled/": [LOGIN, 403, 404, 403, 200, 200],
    "/desk/sources/": [LOGIN, 200, 200, 200, 200, 200],
    "/desk/sources/{s}/": [LOGIN, 200, 200, 200, 200, 200],
    "/desk/people/": [LOGIN, 403, 403, 403, 403, 200],
    "/accounts/password_change/": [LOGIN, 200, 200, 200, 200, 200],
    "/admin/": ["admin-login", "admin-login", "admin-login", "admin-login", 200, 200],
    "/admin/articles/section/": [
        "admin-login", "admin-login", "admin-login", "admin-login", 200, 200,
    ],
    "/admin/auth/user/": ["admin-login", "admin-login", "admin-login", "admin-login", 403, 200],
}  # fmt: skip

# POSTs that change state: (URL template, data) -> does it take effect, per visitor.
WRITES = {
    ("/desk/articles/{a}/move/in_review/", ()): [False, True, False, False, True, True],
    ("/desk/articles/{a}/move/published/", ()): [False, False, False, False, True, True],
}


@pytest.fixture
def people():
    names = {
        "reporter": "reporter",
        "other_reporter": "reporter",
        "copy_editor": "copy-editor",
        "editor": "editor",
        "admin": "admin",
    }
    return {v: user_with_role(role, v) for v, role in names.items()}


@pytest.fixture
def draft(people):
    return ArticleFactory(created_by=people["reporter"])


def _visit(client, people, visitor):
    if visitor != "anonymous":
        client.force_login(people[visitor])


@pytest.mark.parametrize("url", list(MATRIX))
@pytest.mark.parametrize("visitor", VISITORS)
def test_desk_url_status(client, people, draft, url, visitor):
    """Each visitor gets exactly the expected answer from each desk URL."""
    _visit(client, people, visitor)
    source = SourceFactory()
    response = client.get(url.format(a=draft.pk, s=source.pk))
    expected = MATRIX[url][VISITORS.index(visitor)]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif expected == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("url", "data"), list(WRITES))
@pytest.mark.parametrize("visitor", VISITORS)
def test_desk_writes_take_effect_only_for_those_allowed(client, people, draft, url, data, visitor):
    """A POST from someone without the right changes nothing."""
    _visit(client, people, visitor)
    before = draft.status
    client.post(url.format(a=draft.pk), dict(data))
    draft.refresh_from_db()
    allowed = WRITES[(url, data)][VISITORS.index(visitor)]
    assert (draft.status != before) is allowed
