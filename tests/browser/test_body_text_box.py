"""The body without JavaScript, in Chromium: one text box in the plain-text grammar, saved
back to the same blocks (the same identities) and shown again exactly as typed."""

from __future__ import annotations

import pytest
from django.db import transaction

from articles import body, services
from tests.factories import ArticleFactory
from tests.helpers import edit_url, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = [
    ("paragraph", "The council met on Tuesday."),
    ("paragraph", "The mayor said the books would balance."),
    ("paragraph", "The vote is next week."),
]


@pytest.fixture
def story(browser, live_server, client):
    reporter = user_with_role("reporter", "rita")
    article = ArticleFactory(created_by=reporter, blocks=BODY)
    with transaction.atomic():  # it locks the story's row, as every save does
        services.revision_create(article=article, actor=None)
    client.force_login(reporter)
    # Reduced motion: Bootstrap scrolls smoothly otherwise, and a focused field would still
    # be on its way when measured.
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + edit_url(article))
    yield article, page
    context.close()


def test_typing_in_the_text_box_saves_blocks_and_keeps_their_identity(story):
    article, page = story
    uids = [b.uid for b in article.blocks.all()]
    box = page.get_by_label("Body text")
    assert box.is_visible()
    assert box.input_value() == "\n\n".join(text for _kind, text in BODY)

    # The save bar sticks to the bottom of the window, below the body's first paragraph.
    bar = page.locator(".desk-save-bar").bounding_box()
    first_line = box.bounding_box()["y"] + 24
    assert bar["y"] > first_line
    assert bar["y"] + bar["height"] <= 900 + 1
    # A field further down that takes focus from the keyboard stops clear of the bar.
    page.get_by_label("Credit line").evaluate("(el) => el.focus()")
    field = page.get_by_label("Credit line").bounding_box()
    bar = page.locator(".desk-save-bar").bounding_box()
    assert field["y"] + field["height"] <= bar["y"]

    typed = (
        "The council met on Tuesday.\n\n## What happens next\n\n"
        "The mayor said the books would balance.\n\n> We will.\n\nThe vote is next week."
    )
    box.fill(typed)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{edit_url(article)}")

    assert page.get_by_text("Saved.", exact=True).is_visible()
    blocks = list(article.blocks.all())
    assert [(b.kind, body.plain_text(b.text)) for b in blocks] == [
        ("paragraph", "The council met on Tuesday."),
        ("subheading", "What happens next"),
        ("paragraph", "The mayor said the books would balance."),
        ("blockquote", "We will."),
        ("paragraph", "The vote is next week."),
    ]
    assert [blocks[0].uid, blocks[2].uid, blocks[4].uid] == uids
    assert page.get_by_label("Body text").input_value() == typed
