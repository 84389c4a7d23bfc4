"""Every page carries the Content-Security-Policy and the Permissions-Policy: the reader,
desk and admin pages of the representative lists, error and lockout pages, pages the reader
cache serves; and DJANGO_CSP_REPORT_ONLY turns the policy into a report-only one."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from articles.models import CorrectionNote, Source
from tests.browser.pages import (
    ADMIN,
    ADMIN_LOGGED_OUT,
    ADMIN_PAGES,
    EDITOR,
    LOGGED_IN,
    admin_paths,
    build_site,
    expected_status,
)
from tests.test_settings import run

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
DENIED = ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"]


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(parts)


def problems(name: str, response) -> list[str]:
    """What is missing from ``response``'s policies (empty when nothing)."""
    found = []
    csp = response.get("Content-Security-Policy")
    if csp is None:
        found.append(f"{name}: no Content-Security-Policy")
    elif directives(csp) != POLICY:
        found.append(f"{name}: Content-Security-Policy is {csp!r}")
    if "Content-Security-Policy-Report-Only" in response:
        found.append(f"{name}: the policy is only reported")
    permissions = response.get("Permissions-Policy", "")
    found += [f"{name}: {f} not denied" for f in DENIED if f"{f}=()" not in permissions]
    return found


def test_every_reader_desk_and_admin_page_carries_both_policies(client):
    """The pages the HTML and accessibility checkers cover, and the admin's, enforce the CSP
    and deny the browser features."""
    paths = build_site()
    admin = admin_paths()
    people = get_user_model().objects.in_bulk([EDITOR, ADMIN], field_name="username")
    found = []
    for name, path in [*paths.items(), *admin.items()]:
        client.logout()
        if name in LOGGED_IN:
            client.force_login(people[EDITOR])
        elif name in ADMIN_PAGES and name not in ADMIN_LOGGED_OUT:
            client.force_login(people[ADMIN])
        response = client.get(path)
        assert response.status_code == expected_status(name), f"{name}: {path}"
        found += problems(name, response)
    assert not found, "\n".join(found)


def test_admin_action_pages_carry_both_policies(client):
    """The admin's intermediate action pages (merge sources, withdraw notes) too."""
    build_site()
    admin_paths()
    client.force_login(get_user_model().objects.get(username=ADMIN))
    sources = list(Source.objects.values_list("pk", flat=True)[:2])
    notes = list(CorrectionNote.objects.values_list("pk", flat=True)[:1])
    actions = {
        "merge": (reverse("admin:articles_source_changelist"), "merge_sources", sources),
        "withdraw": (reverse("admin:articles_correctionnote_changelist"), "withdraw_notes", notes),
    }
    found = []
    for name, (url, action, selected) in actions.items():
        response = client.post(url, {"action": action, "_selected_action": selected})
        assert response.status_code == 200, name
        assert b'name="confirm"' in response.content, name
        found += problems(name, response)
    assert not found, "\n".join(found)


def test_account_error_and_cached_pages_carry_both_policies(client):
    """Password pages; a 404, a 400 (a host not ours) and a CSRF 403; and a reader page
    served from the page cache (twice: the second answer comes from the cache, which stores
    no headers of ours)."""
    build_site()
    found = []
    for url in [reverse("password_reset"), reverse("password_reset_done"), "/nowhere/"]:
        found += problems(url, client.get(url))
    bad_request = client.get("/", HTTP_HOST="not-ours.example")
    assert bad_request.status_code == 400
    found += problems("400", bad_request)
    forged = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert forged.status_code == 403
    found += problems("403", forged)
    first, second = client.get("/"), client.get("/")
    assert first["ETag"] == second["ETag"]
    found += problems("home", first) + problems("home from the cache", second)
    assert not found, "\n".join(found)


def test_the_lockout_page_carries_both_policies(client, settings):
    """The page a locked login gets is a page like any other."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for _ in range(10):
        response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert not problems("lockout", response)


@pytest.mark.parametrize(
    ("value", "enforced", "reported"), [("", True, False), ("0", True, False), ("1", False, True)]
)
def test_report_only_is_a_setting(value, enforced, reported):
    """DJANGO_CSP_REPORT_ONLY=1 makes the same policy report-only; by default it is enforced."""
    result = run(
        [
            "-c",
            "from newsroom import settings as s; "
            "print(hasattr(s, 'CONTENT_SECURITY_POLICY'), "
            "hasattr(s, 'CONTENT_SECURITY_POLICY_REPORT_ONLY'))",
        ],
        DJANGO_CSP_REPORT_ONLY=value,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(enforced), str(reported)]
