"""Presence in a real browser: the heartbeat script, the goodbye on pagehide, the expiry.

The expiry is shortened through the setting (the live server runs in this process), so a
test waits seconds, not a minute."""

from __future__ import annotations

import pytest
from django.db import transaction
from playwright.sync_api import expect

from articles import services
from tests.factories import ArticleFactory
from tests.helpers import edit_url, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YOU = "You, in another window"


@pytest.fixture
def expiry_s():
    return 2  # the script beats every 2/3 s


@pytest.fixture
def two_pages(browser, live_server, client, settings, expiry_s):
    """The same editor with the same story open in two pages of one browser."""
    settings.NEWSROOM_PRESENCE_EXPIRY_S = expiry_s
    editor = user_with_role("editor", "elena")
    article = ArticleFactory()
    with transaction.atomic():  # it locks the article row, as services do
        services.revision_create(article=article, actor=None)
    client.force_login(editor)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    url = f"{live_server.url}{edit_url(article)}"
    first = context.new_page()
    first.goto(url)
    second = context.new_page()
    second.goto(url)
    yield first, second
    context.close()


@pytest.mark.parametrize("expiry_s", [9])  # a beat every 3 s
def test_your_other_page_is_you_and_leaves_when_closed(two_pages):
    """Both pages name the other "You, in another window"; closing one says goodbye, and
    the other's next heartbeat, long before the expiry, shows nobody."""
    first, second = two_pages
    expect(second.locator("#presence")).to_contain_text(YOU)
    expect(first.locator("#presence")).to_contain_text(YOU)

    first.close()

    expect(second.locator("#presence")).not_to_contain_text("also editing", timeout=4500)


def test_a_page_whose_goodbye_is_lost_drops_out_within_the_expiry(two_pages, expiry_s):
    """A tab that vanishes without a goodbye (a crash, the network) stops beating, and the
    server lets it go once the expiry has passed."""
    first, second = two_pages
    expect(second.locator("#presence")).to_contain_text(YOU)
    first.evaluate("navigator.sendBeacon = () => true")  # the goodbye never leaves

    first.close()

    expect(second.locator("#presence")).not_to_contain_text(
        "also editing", timeout=(expiry_s + 2) * 1000
    )
