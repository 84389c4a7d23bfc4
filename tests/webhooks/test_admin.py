"""The webhooks in the admin: administrators register subscribers (the SSRF guard checks the
URL, the kinds are checkboxes), see deliveries with their attempts and replay them; desk
roles see none of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.webhooks.conftest import subscribe
from tests.webhooks.test_events import correct
from webhooks.models import Delivery, Kind, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(editor, partner, receiver, django_capture_on_commit_callbacks):
    from articles import services
    from tests.factories import PublishedArticleFactory

    live = PublishedArticleFactory()
    services.revision_create(article=live, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        correct(live, editor)
    return Delivery.objects.get()


def test_an_administrator_registers_a_subscriber(client, superuser, receiver):
    """The form offers one checkbox per kind; the secret is made and shown."""
    client.force_login(superuser)
    add = reverse("admin:webhooks_subscriber_add")
    page = client.get(add).content.decode()
    for kind in Kind.values:
        assert f'value="{kind}"' in page

    response = client.post(
        add, {"name": "Wire partner", "url": receiver.url, "events": ["corrected", "retracted"]}
    )

    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.events == ["corrected", "retracted"]
    assert len(subscriber.secret) >= 40
    change = client.get(reverse("admin:webhooks_subscriber_change", args=[subscriber.pk]))
    assert subscriber.secret in change.content.decode()


def test_the_form_refuses_an_inside_address(client, superuser, settings):
    settings.NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS = []
    client.force_login(superuser)
    response = client.post(
        reverse("admin:webhooks_subscriber_add"),
        {"name": "Metadata", "url": "http://169.254.169.254/", "events": ["published"]},
    )
    assert response.status_code == 200
    assert "link-local" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_rotating_the_secret(client, superuser, partner):
    client.force_login(superuser)
    old = partner.secret
    client.post(
        reverse("admin:webhooks_subscriber_changelist"),
        {"action": "rotate_secret", "_selected_action": [partner.pk]},
    )
    partner.refresh_from_db()
    assert partner.secret != old


def test_the_list_counts_recent_failures(client, superuser, partner):
    Delivery.objects.create(
        subscriber=partner, kind="updated", version="1.a", body="{}", status="failed"
    )
    client.force_login(superuser)
    response = client.get(reverse("admin:webhooks_subscriber_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_list[0].failed_count == 1


def test_replay_sends_the_same_body_and_signature_again(
    client, superuser, delivered, receiver, django_capture_on_commit_callbacks
):
    """Replaying a delivered delivery sends identical bytes, recorded as a new attempt."""
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:webhooks_delivery_changelist"),
            {"action": "replay", "_selected_action": [str(delivered.pk)]},
            follow=True,
        )

    assert "Replaying 1" in response.content.decode()
    first, second = receiver.received
    assert first.body == second.body
    assert first.headers["X-Newsroom-Signature"] == second.headers["X-Newsroom-Signature"]
    assert second.headers["X-Newsroom-Delivery"] == str(delivered.pk)
    delivered.refresh_from_db()
    assert delivered.status == "delivered"
    assert delivered.attempt_log.count() == 2


def test_a_delivery_page_shows_its_attempts_escaped(
    client, superuser, partner, receiver, editor, django_capture_on_commit_callbacks
):
    receiver.answers = [(500, {}, b"<script>alert(1)</script>")]
    from articles import services
    from tests.factories import PublishedArticleFactory

    live = PublishedArticleFactory()
    services.revision_create(article=live, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        correct(live, editor)
    delivery = Delivery.objects.get()
    client.force_login(superuser)

    page = client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)</script>" not in text
    assert "HTTP 500" in text


@pytest.mark.parametrize("role", ["editor", "copy_editor", "reporter"])
def test_desk_roles_cannot_see_the_webhooks(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for name in (
        "admin:webhooks_subscriber_changelist",
        "admin:webhooks_delivery_changelist",
        "admin:webhooks_subscriber_add",
    ):
        assert client.get(reverse(name)).status_code in {302, 403}
    if user.is_staff:
        assert "Webhooks" not in client.get(reverse("admin:index")).content.decode()


def test_deliveries_are_read_only(client, superuser, delivered):
    client.force_login(superuser)
    page = client.get(reverse("admin:webhooks_delivery_change", args=[delivered.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:webhooks_delivery_add")).status_code == 403


def test_a_subscriber_saved_elsewhere_goes_through_the_service(receiver):
    """``subscribe`` (tests) and the admin both save through ``services.subscriber_save``,
    which keeps the kinds in their declared order."""
    subscriber = subscribe(receiver.url, Kind.RETRACTED, Kind.PUBLISHED)
    assert subscriber.events == ["published", "retracted"]
