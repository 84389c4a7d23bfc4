"""Presence on the editor page (``editors.presence``) and the conflict page's wording: who is
named, for how long, and what happens when a tab leaves or the cache is down."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import importing, services
from articles.models import ArticleEvent
from editors import presence
from tests.editors.test_editor_form import form_data
from tests.factories import ArticleFactory
from tests.helpers import edit_url

pytestmark = pytest.mark.django_db

YOU = "You, in another window, are also editing since"


@pytest.fixture
def draft(reporter):
    article = ArticleFactory(created_by=reporter)
    services.revision_create(article=article, actor=None)
    return article


@pytest.fixture
def clock(monkeypatch):
    """The presence clock, moved by hand."""

    class Clock:
        now = timezone.now()

        def advance(self, seconds: float) -> None:
            self.now += timedelta(seconds=seconds)

    clock = Clock()
    monkeypatch.setattr(presence, "_now", lambda: clock.now)
    return clock


def tab_of(response) -> str:
    return re.search(r'data-presence-tab="([^"]+)"', response.content.decode()).group(1)


def beat(client, article, tab: str):
    return client.post(reverse("editors:presence_beat", args=[article.pk]), {"tab": tab})


def leave(client, article, tab: str):
    return client.post(reverse("editors:presence_leave", args=[article.pk]), {"tab": tab})


def page(client, article) -> str:
    return client.get(edit_url(article)).content.decode()


class TestExpiry:
    def test_a_tab_not_heard_from_within_the_expiry_is_gone(
        self, client, settings, clock, reporter, editor, draft
    ):
        """An open tab is named until the expiry has passed since its last heartbeat."""
        settings.NEWSROOM_PRESENCE_EXPIRY_S = 45
        editors_client = Client()
        editors_client.force_login(editor)
        tab = tab_of(editors_client.get(edit_url(draft)))
        client.force_login(reporter)

        clock.advance(44)
        assert "ed is also editing since" in page(client, draft)
        beat(editors_client, draft, tab)
        clock.advance(44)
        assert "ed is also editing since" in page(client, draft)
        clock.advance(1)
        assert "also editing" not in page(client, draft)

    def test_the_heartbeat_answers_with_who_is_there_now(
        self, client, clock, reporter, editor, draft
    ):
        """The page's script swaps in the heartbeat's answer: people leave it without a reload."""
        client.force_login(reporter)
        tab = tab_of(client.get(edit_url(draft)))
        other = Client()
        other.force_login(editor)
        other.get(edit_url(draft))

        assert "ed is also editing since" in beat(client, draft, tab).content.decode()
        clock.advance(presence.expiry().total_seconds())
        response = beat(client, draft, tab)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert "also editing" not in response.content.decode()

    def test_the_script_beats_three_times_within_the_expiry(
        self, client, settings, reporter, draft
    ):
        """The interval the page's script uses comes from the one setting."""
        settings.NEWSROOM_PRESENCE_EXPIRY_S = 6
        client.force_login(reporter)
        assert 'data-presence-every-ms="2000"' in page(client, draft)


class TestLeaving:
    def test_leaving_removes_the_tab_at_once(self, client, reporter, editor, draft):
        """The goodbye (sendBeacon on pagehide) takes the tab out before the expiry."""
        editors_client = Client()
        editors_client.force_login(editor)
        tab = tab_of(editors_client.get(edit_url(draft)))
        client.force_login(reporter)
        assert "ed is also editing since" in page(client, draft)

        assert leave(editors_client, draft, tab).status_code == 204

        assert "also editing" not in page(client, draft)

    def test_a_heartbeat_after_the_goodbye_does_not_bring_the_tab_back(
        self, client, reporter, editor, draft
    ):
        """A beat still on its way when the tab closed is not a tab coming back."""
        editors_client = Client()
        editors_client.force_login(editor)
        tab = tab_of(editors_client.get(edit_url(draft)))
        leave(editors_client, draft, tab)
        beat(editors_client, draft, tab)
        client.force_login(reporter)

        assert "also editing" not in page(client, draft)

    def test_the_goodbye_carries_the_csrf_token_in_its_form_data(self, reporter, editor, draft):
        """sendBeacon cannot set a header: the token in the body is enough, and needed."""
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(editor)
        response = browser.get(edit_url(draft))
        tab = tab_of(response)
        token = re.search(r'csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]
        url = reverse("editors:presence_leave", args=[draft.pk])

        assert browser.post(url, {"tab": tab}).status_code == 403
        assert browser.post(url, {"tab": tab, "csrfmiddlewaretoken": token}).status_code == 204
        other = Client()
        other.force_login(reporter)
        assert "also editing" not in page(other, draft)

    def test_saving_retires_the_tab_that_posted(self, client, reporter, draft):
        """After a save's round trip the new page does not count the page that posted, even
        without JavaScript to say goodbye."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        data["headline"] = ["A headline after the round trip"]

        response = client.post(edit_url(draft), data, follow=True)

        assert response.redirect_chain
        assert "also editing" not in beat(client, draft, tab_of(response)).content.decode()

    def test_a_heartbeat_needs_a_tab_and_an_article_the_user_may_open(
        self, client, other_reporter, reporter, draft
    ):
        client.force_login(reporter)
        assert beat(client, draft, "no").status_code == 400
        client.force_login(other_reporter)
        assert beat(client, draft, "a-good-tab-id").status_code == 404


class TestWording:
    def test_your_other_window_is_you_not_someone_else(self, client, reporter, draft):
        """The same user with the story open twice sees "You, in another window"."""
        client.force_login(reporter)
        client.get(edit_url(draft))
        second = client.get(edit_url(draft))

        shown = beat(client, draft, tab_of(second)).content.decode()

        assert YOU in shown
        assert "rita is also editing" not in shown

    def test_the_render_leaves_your_own_tabs_to_the_heartbeat(self, client, reporter, draft):
        """A reload is rendered before the page it replaces says goodbye: the render cannot
        tell it from another window, so only the script's first heartbeat names your tabs."""
        client.force_login(reporter)
        client.get(edit_url(draft))

        assert "also editing" not in page(client, draft)

    def test_others_are_named_and_you_are_listed_once(self, client, reporter, editor, draft):
        """One line per person, however many tabs each has open."""
        other = Client()
        other.force_login(editor)
        other.get(edit_url(draft))
        other.get(edit_url(draft))
        client.force_login(reporter)
        client.get(edit_url(draft))
        tab = tab_of(client.get(edit_url(draft)))

        shown = beat(client, draft, tab).content.decode()

        assert shown.count("ed is also editing since") == 1
        assert shown.count(YOU) == 1


class TestCacheDown:
    @pytest.fixture
    def broken_cache(self, monkeypatch):
        def fail(*args, **kwargs):
            raise ConnectionError("the cache is down")

        shared = caches["shared"]
        for name in ("get", "get_many", "set", "delete"):
            monkeypatch.setattr(shared, name, fail)

    def test_the_editor_renders_without_presence(self, client, reporter, draft, broken_cache):
        """Presence degrades to nothing: the page, the heartbeat and the goodbye still answer."""
        client.force_login(reporter)
        response = client.get(edit_url(draft))

        assert response.status_code == 200
        assert "also editing" not in response.content.decode()
        assert beat(client, draft, tab_of(response)).status_code == 200
        assert leave(client, draft, tab_of(response)).status_code == 204


class TestConflictWording:
    def _conflict(self, client, user, draft, *, saved_by):
        """``user`` opens the story, ``saved_by`` saves first, then ``user`` saves."""
        client.force_login(user)
        mine = form_data(client.get(edit_url(draft)))
        saved_by(draft)
        mine["headline"] = ["My headline"]
        response = client.post(edit_url(draft), mine)
        assert response.status_code == 409
        return response.content.decode()

    def test_the_same_user_in_another_window(self, client, reporter, draft):
        """Your own save in another window is yours, not "someone else's"."""
        other_window = Client()
        other_window.force_login(reporter)

        def save(article):
            data = form_data(other_window.get(edit_url(article)))
            data["headline"] = ["Saved in the other window"]
            assert other_window.post(edit_url(article), data).status_code == 302

        shown = self._conflict(client, reporter, draft, saved_by=save)

        assert "by you, in another window, while you were editing here" in shown
        assert "Someone else" not in shown

    def test_another_user_by_name(self, client, reporter, editor, draft):
        def save(article):
            services.revision_create(article=article, actor=editor, message="Edited")

        shown = self._conflict(client, reporter, draft, saved_by=save)

        assert "by ed while you were editing" in shown

    @pytest.mark.parametrize(
        ("event", "message", "named"),
        [
            ("article.publish.scheduled", "Publish", "by scheduled publishing while"),
            ("", importing.IMPORT_MESSAGE, "by an import while"),
            ("", "", "by the system while"),
        ],
    )
    def test_the_system_by_what_it_is(self, client, reporter, draft, event, message, named):
        def save(article):
            revision = services.revision_create(article=article, actor=None, message=message)
            if event:
                ArticleEvent.objects.create(
                    article=article, action=event, data={"revision": revision.number}
                )

        assert named in self._conflict(client, reporter, draft, saved_by=save)
