"""What the desk shows to whom, and odd input it must survive."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import services
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    PublishedArticleFactory,
    SourceFactory,
)
from tests.helpers import edit_url

pytestmark = pytest.mark.django_db


def test_editors_reasons_in_the_log_are_not_shown_to_reporters(client, reporter, editor):
    """The reasons editors record (unpublishing, non-substantive changes) and the review
    thread of someone else's story are not shown to every reporter who can read it."""
    article = PublishedArticleFactory()
    services.revision_create(article=article, actor=None)
    services.article_unpublish(article=article, actor=editor, comment="SECRET-LEGAL-REASON")
    services.article_publish(article=article, actor=editor)
    client.force_login(reporter)
    page = client.get(edit_url(article)).content.decode()
    assert "SECRET-LEGAL-REASON" not in page
    client.force_login(editor)
    assert "SECRET-LEGAL-REASON" in client.get(edit_url(article)).content.decode()


def test_desk_source_pages_list_only_stories_the_user_may_open(client, reporter, other_reporter):
    """A colleague's draft quoting a source stays invisible from the source's desk page."""
    source = SourceFactory()
    AttributionFactory(
        source=source, article=ArticleFactory(created_by=reporter, headline="Secret draft")
    )
    client.force_login(other_reporter)
    page = client.get(reverse("editors:source_detail", kwargs={"pk": source.pk}))
    assert "Secret draft" not in page.content.decode()
    client.force_login(reporter)
    page = client.get(reverse("editors:source_detail", kwargs={"pk": source.pk}))
    assert "Secret draft" in page.content.decode()


@pytest.mark.parametrize("value", ["²", "-1", "x", ""])
def test_comparing_odd_revision_numbers_is_not_a_server_error(client, editor, value):
    """Hand-edited compare links get a message, never a 500."""
    article = ArticleFactory()
    services.revision_create(article=article, actor=None)
    client.force_login(editor)
    url = reverse("editors:revision_compare", kwargs={"pk": article.pk})
    response = client.get(url, {"a": "1", "b": value})
    assert response.status_code in {302, 404}
