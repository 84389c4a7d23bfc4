"""A story its reporter may not change (in review) is shown as text, not as a disabled form:
at desk width a three-paragraph story fits about one screen, not the ~3,200 px the disabled
form took."""

from __future__ import annotations

import pytest
from django.db import transaction

from articles import services
from tests.factories import ArticleFactory
from tests.helpers import edit_url, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = [
    ("paragraph", "The council met on Tuesday to vote on the budget for next year."),
    ("paragraph", "“We will balance the books,” the mayor said before the vote."),
    ("paragraph", "The vote is next week, after a second reading of the plan."),
]
#: The disabled form at 1280 px measured 3,194 px for this story (the issue).
FORM_HEIGHT = 3194


@pytest.fixture
def in_review(browser, live_server, client):
    reporter = user_with_role("reporter", "rita")
    article = ArticleFactory(created_by=reporter, blocks=BODY)
    with transaction.atomic():  # it locks the story's row, as every save does
        services.revision_create(article=article, actor=None)
    services.article_transition(article=article, actor=reporter, to="in_review")
    client.force_login(reporter)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + edit_url(article))
    yield page
    context.close()


def test_a_story_in_review_reads_as_text_in_about_one_screen(in_review):
    page = in_review
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"in-review story page height at 1280 px: {height} px")
    assert height < FORM_HEIGHT / 2
    assert page.locator("textarea[name=body]").count() == 0
    assert page.locator("form#article-form").count() == 0
    numbered = page.locator("#story [data-paragraph-number]")
    assert numbered.count() == 3
    assert numbered.nth(1).get_attribute("id") == "p2"
    assert "We will balance the books" in numbered.nth(1).inner_text()
    assert page.get_by_text("while it is in review").is_visible()
