"""The desk's attribution form: one service call, a new source made with the attribution."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Source
from tests.factories import ArticleFactory
from tests.helpers import edit_url

pytestmark = pytest.mark.django_db


def post(client, article, **data):
    return client.post(
        reverse("editors:attribution_create", kwargs={"pk": article.pk}),
        {"new_source": "Mayor Jane Roe", "new_source_kind": "person", "kind": "quote"} | data,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_new_source_is_made_with_the_attribution(client, reporter):
    """Naming a new source attributes the words to it and says so."""
    draft = ArticleFactory(created_by=reporter)
    client.force_login(reporter)

    response = post(client, draft, text="We will balance the books,", paragraph="2")

    assert response["Location"] == edit_url(draft) + "#attributions"
    assert "Attributed to Mayor Jane Roe." in messages_of(response)
    assert draft.attributions.get().source == Source.objects.get(name="Mayor Jane Roe")


def test_a_refused_attribution_leaves_no_new_source(client, reporter):
    """Words that are not in the paragraph are refused, and the new source is not kept."""
    draft = ArticleFactory(created_by=reporter)
    client.force_login(reporter)

    response = post(client, draft, text="We will balance the books,", paragraph="3")

    assert "These words do not stand in paragraph 3." in messages_of(response)
    assert not Source.objects.exists()
    assert not draft.attributions.exists()
