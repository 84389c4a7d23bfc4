"""The notifications in a browser: an editor sends Rita's story back, Rita sees it waiting,
opens it from her inbox, and changes how she is told; the pages pass axe-core."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, Byline
from notifications.models import Notification, Preference
from tests.browser.pages import AXE, require_tool, serious_axe_violations
from tests.factories import ArticleFactory
from tests.helpers import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sent_back():
    """Rita's story, sent back by Ed (through the workflow, so the dispatcher told her)."""
    rita = user_with_role("reporter", "rita")
    ed = user_with_role("editor", "ed")
    article = ArticleFactory(created_by=rita, status=Article.Status.IN_REVIEW, bylines=0)
    Byline.objects.create(article=article, author=rita.author)
    services.article_request_changes(article=article, actor=ed, comment="Source the quote.")
    return rita, article


def log_in(page, live_server, client, user) -> None:
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def test_rita_opens_the_story_from_her_inbox(page, live_server, client, sent_back):
    rita, article = sent_back
    log_in(page, live_server, client, rita)

    page.goto(live_server.url + reverse("editors:dashboard"))
    card = page.locator("#queue-waiting")
    assert "ed asked for changes to" in card.inner_text()
    assert page.get_by_role("link", name="Inbox (1 unread)").is_visible()

    page.get_by_role("link", name="Inbox (1 unread)").click()
    line = f"ed asked for changes to “{article.headline}”."
    page.locator("#notifications").get_by_role("button", name=line, exact=True).click()

    page.wait_for_url(live_server.url + reverse("editors:article_edit", kwargs={"pk": article.pk}))
    assert Notification.objects.get(recipient=rita).read_at is not None
    assert page.get_by_role("link", name="Inbox", exact=True).is_visible()


def test_rita_chooses_desk_only_for_changes_requested(page, live_server, client, sent_back):
    rita, _article = sent_back
    log_in(page, live_server, client, rita)

    page.goto(live_server.url + reverse("editors:notification_settings"))
    page.get_by_role("radio", name="Changes requested Desk only").check()
    page.get_by_role("button", name="Save settings").click()

    assert "Your notification settings are saved." in page.content()
    assert Preference.objects.get(user=rita, kind="changes_requested").delivery == "desk"


@pytest.mark.parametrize(
    "name", ["editors:notification_list", "editors:notification_settings", "editors:dashboard"]
)
def test_the_pages_pass_axe(page, live_server, client, sent_back, name):
    require_tool(AXE, what="axe-core", how="npm ci")
    rita, _article = sent_back
    log_in(page, live_server, client, rita)

    response = page.goto(live_server.url + reverse(name))

    assert response.status == 200
    problems = serious_axe_violations(page)
    assert not problems, "\n".join(problems)
