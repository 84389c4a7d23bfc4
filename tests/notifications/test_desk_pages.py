"""The desk's inbox, its settings page, the dashboard's "Waiting for you" card and the
navigation's badge: each person sees and changes only their own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleEvent
from notifications import kinds
from notifications.models import Notification, Preference
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("editors:notification_list")
SETTINGS = reverse("editors:notification_settings")
READ_ALL = reverse("editors:notification_read_all")
DASHBOARD = reverse("editors:dashboard")


def read_url(notification: Notification) -> str:
    return reverse("editors:notification_read", kwargs={"pk": notification.pk})


def notify(recipient, *, actor=None, kind="changes_requested", minutes_ago=0, read=False, **kw):
    """A notification as the dispatcher writes it, on its own story and event."""
    article = kw.pop("article", None) or ArticleFactory()
    when = timezone.now() - timedelta(minutes=minutes_ago)
    event = ArticleEvent.objects.create(
        article=article,
        action=kinds.BY_KEY[kind].actions[0],
        actor=actor,
        message=kw.pop("message", ""),
        created_at=when,
    )
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        article=article,
        event=event,
        actor=actor,
        created_at=when,
        read_at=when if read else None,
    )


@pytest.fixture
def rita(client, reporter):
    client.force_login(reporter)
    return reporter


class TestInbox:
    def test_shows_only_my_notifications_unread_first_then_newest(
        self, client, rita, editor, second_editor
    ):
        """Rita's inbox: her unread ones newest first, then the read one; never Ed's."""
        old_unread = notify(rita, actor=editor, minutes_ago=30)
        new_unread = notify(rita, actor=editor, kind="approved", minutes_ago=10)
        newest_read = notify(rita, actor=editor, kind="published", minutes_ago=1, read=True)
        not_mine = notify(editor, actor=second_editor, kind="submitted")

        response = client.get(INBOX)

        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        listed = list(response.context["page"].object_list)
        assert listed == [new_unread, old_unread, newest_read]
        html = response.content.decode()
        assert not_mine.article.headline not in html
        assert f"ed asked for changes to “{old_unread.article.headline}”." in html

    def test_escapes_what_people_typed(self, client, rita, editor):
        article = ArticleFactory(headline="<script>alert(1)</script>")
        notify(rita, actor=editor, article=article, message="<img src=x onerror=alert(2)>")

        html = client.get(INBOX).content.decode()

        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x" not in html

    def test_pages_by_key_and_walks_every_notification_once(self, client, rita, editor):
        """Thirty notifications, 25 a page: "Older" shows the rest, none twice."""
        made = [notify(rita, actor=editor, minutes_ago=i) for i in range(30)]

        first = client.get(INBOX).context["page"]
        second = client.get(INBOX + first.older_url).context["page"]

        assert len(first.object_list) == 25
        assert not second.has_older
        assert [n.pk for n in [*first, *second]] == [n.pk for n in made]

    def test_a_malformed_position_is_a_bad_request(self, client, rita):
        assert client.get(INBOX + "?before=nonsense").status_code == 400

    def test_needs_a_desk_login(self, client):
        response = client.get(INBOX)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


class TestMarkRead:
    def test_mark_as_read_marks_it_and_returns_to_the_inbox(self, client, rita, editor):
        notification = notify(rita, actor=editor)

        response = client.post(read_url(notification))

        assert response.status_code == 302
        assert response["Location"] == INBOX
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_opening_the_story_marks_it_read_and_goes_to_the_desk_page(self, client, rita, editor):
        notification = notify(rita, actor=editor)

        response = client.post(read_url(notification), {"open": "1"})

        assert response["Location"] == reverse(
            "editors:article_edit", kwargs={"pk": notification.article_id}
        )
        notification.refresh_from_db()
        assert notification.is_read

    def test_keeps_the_inbox_position(self, client, rita, editor):
        notification = notify(rita, actor=editor)
        position = "20261130T100000.123456Z_1_7"

        response = client.post(read_url(notification), {"before": position, "next": "//evil"})

        assert response["Location"] == f"{INBOX}?before={position}"

    def test_someone_elses_notification_is_not_found(self, client, rita, editor, second_editor):
        """Ed's notification, asked for by Rita: 404, and it stays unread."""
        eds = notify(editor, actor=second_editor, kind="submitted")

        assert client.post(read_url(eds)).status_code == 404
        assert client.post(read_url(eds), {"open": "1"}).status_code == 404
        eds.refresh_from_db()
        assert eds.read_at is None

    def test_reading_takes_a_post(self, client, rita, editor):
        """A link cannot mark anything read (a GET is refused)."""
        notification = notify(rita, actor=editor)

        assert client.get(read_url(notification)).status_code == 405
        notification.refresh_from_db()
        assert notification.read_at is None

    def test_the_forms_carry_a_csrf_token(self, rita, editor):
        from django.test import Client

        notification = notify(rita, actor=editor)
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(rita)

        html = strict.get(INBOX).content.decode()
        assert html.count('name="csrfmiddlewaretoken"') >= 3  # read, open, read all
        assert strict.post(read_url(notification)).status_code == 403

    def test_mark_all_as_read_marks_only_mine(self, client, rita, editor, second_editor):
        mine = [notify(rita, actor=editor, minutes_ago=i) for i in range(3)]
        eds = notify(editor, actor=second_editor, kind="submitted")

        response = client.post(READ_ALL, follow=True)

        assert "Marked 3 notifications as read." in response.content.decode()
        assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
        eds.refresh_from_db()
        assert eds.read_at is None


class TestSettings:
    def test_lists_every_kind_with_its_current_delivery(self, client, rita):
        Preference.objects.create(user=rita, kind="approved", delivery=kinds.EMAIL)

        response = client.get(SETTINGS)

        html = response.content.decode()
        for kind in kinds.KINDS:
            assert kind.label in html
        form = response.context["form"]
        assert form["approved"].value() == kinds.EMAIL
        assert form["changes_requested"].value() == kinds.EMAIL  # its default
        assert form["submitted"].value() == kinds.DESK  # its default
        assert html.count('type="radio"') == 2 * len(kinds.KINDS)

    def test_saving_writes_a_preference_per_kind(self, client, rita):
        choices = {kind.key: kinds.DESK for kind in kinds.KINDS} | {"published": kinds.EMAIL}

        response = client.post(SETTINGS, choices, follow=True)

        assert "Your notification settings are saved." in response.content.decode()
        saved = dict(Preference.objects.filter(user=rita).values_list("kind", "delivery"))
        assert saved == choices

    def test_a_bad_choice_saves_nothing(self, client, rita):
        choices = {kind.key: kinds.DESK for kind in kinds.KINDS} | {"published": "pigeon"}

        response = client.post(SETTINGS, choices)

        assert response.status_code == 200
        assert response.context["form"].errors["published"]
        assert not Preference.objects.exists()

    def test_saving_again_changes_the_rows_in_place(self, client, rita):
        all_email = {kind.key: kinds.EMAIL for kind in kinds.KINDS}
        client.post(SETTINGS, {kind.key: kinds.DESK for kind in kinds.KINDS})
        client.post(SETTINGS, all_email)

        saved = dict(Preference.objects.filter(user=rita).values_list("kind", "delivery"))
        assert saved == all_email

    def test_says_when_there_is_no_address_to_mail(self, client, rita):
        assert rita.email == ""
        assert "no email address" in client.get(SETTINGS).content.decode()


class TestDashboardAndBadge:
    def test_the_dashboard_shows_the_newest_five_unread_and_the_count(self, client, rita, editor):
        made = [notify(rita, actor=editor, minutes_ago=i) for i in range(7)]
        notify(rita, actor=editor, kind="approved", read=True)

        response = client.get(DASHBOARD)

        assert response.context["waiting"] == made[:5]
        html = response.content.decode()
        card = html[html.index('id="queue-waiting"') :]
        card = card[: card.index("</section>")]
        assert "Waiting for you" in card
        assert '7<span class="visually-hidden"> unread</span>' in card
        assert made[0].article.headline in card
        assert made[5].article.headline not in card

    def test_the_navigation_badge_counts_my_unread(self, client, rita, editor):
        for i in range(3):
            notify(rita, actor=editor, minutes_ago=i)
        notify(rita, actor=editor, read=True)
        notify(editor, kind="submitted")

        html = client.get(reverse("editors:article_list")).content.decode()

        assert "(3 unread)" in html
        assert f'href="{INBOX}"' in html

    def test_no_badge_when_nothing_is_unread(self, client, rita, editor):
        notify(rita, actor=editor, read=True)

        html = client.get(reverse("editors:article_list")).content.decode()

        assert f'href="{INBOX}"' in html
        assert "unread)" not in html

    def test_a_full_inbox_says_99_plus(self, client, rita, editor):
        article = ArticleFactory()
        Notification.objects.bulk_create(
            Notification(recipient=rita, kind="approved", article=article) for _ in range(120)
        )

        html = client.get(reverse("editors:article_list")).content.decode()

        assert "(99+ unread)" in html


class TestQueries:
    """Session, user, the user's and their groups' permissions (4), then the page's own."""

    # The inbox: one page of notifications with story, actor and event joined; the badge's
    # unread count.
    INBOX_QUERIES = 4 + 2
    # The dashboard: the editor queues and corrections are tests/editors' to pin; the card
    # adds one query (the newest unread with their count, which the badge reuses).
    CARD_QUERIES = 1

    @pytest.mark.parametrize("n", [3, 30])
    def test_the_inbox_costs_the_same_however_many(
        self, client, rita, editor, django_assert_num_queries, n
    ):
        for i in range(n):
            notify(rita, actor=editor, minutes_ago=i, read=i % 2 == 0)

        with django_assert_num_queries(self.INBOX_QUERIES):
            response = client.get(INBOX)

        assert len(response.context["page"].object_list) == min(n, 25)

    def test_the_waiting_card_costs_one_query_however_many(
        self, client, rita, editor, django_assert_num_queries, monkeypatch
    ):
        """The dashboard with the card costs one query more than without it, with 3 unread
        notifications or 30."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from notifications import selectors

        for i in range(3):
            notify(rita, actor=editor, minutes_ago=i)
        client.get(DASHBOARD)
        with CaptureQueriesContext(connection) as with_card:
            client.get(DASHBOARD)
        for i in range(27):
            notify(rita, actor=editor, minutes_ago=10 + i)
        with django_assert_num_queries(len(with_card)):
            response = client.get(DASHBOARD)
        assert len(response.context["waiting"]) == 5

        def no_card(request, **kwargs):
            setattr(request, selectors._COUNT_ATTR, 0)
            return []

        monkeypatch.setattr(selectors, "waiting", no_card)
        with CaptureQueriesContext(connection) as without:
            client.get(DASHBOARD)

        assert len(with_card) == len(without) + self.CARD_QUERIES
        notification_queries = [
            q["sql"] for q in with_card.captured_queries if "notifications_notification" in q["sql"]
        ]
        assert len(notification_queries) == 1
