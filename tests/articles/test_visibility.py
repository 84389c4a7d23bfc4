"""``articles.visibility.reader_outcome``: the one answer to "what does a reader get"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import visibility
from articles.models import Article
from tests.factories import ArticleFactory

Status = Article.Status
NOW = timezone.now()
PAST = NOW - timedelta(days=1)
FUTURE = NOW + timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "first_published_at", "code", "noindex"),
    [
        (Status.DRAFT, None, 404, True),
        (Status.IN_REVIEW, None, 404, True),
        (Status.APPROVED, None, 404, True),
        (Status.SCHEDULED, None, 404, True),
        (Status.PUBLISHED, PAST, 200, False),
        (Status.PUBLISHED, FUTURE, 404, True),  # an import dated later: not out yet
        (Status.RETRACTED, PAST, 200, True),
        (Status.UNPUBLISHED, PAST, 410, True),
        (Status.UNPUBLISHED, None, 404, True),
    ],
)
def test_every_state_has_one_answer(status, first_published_at, code, noindex):
    article = Article(status=status, first_published_at=first_published_at)
    outcome = visibility.reader_outcome(article, now=NOW)
    assert (outcome.status_code, outcome.noindex) == (code, noindex)
    assert outcome.retracted == (status == Status.RETRACTED and code == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Status.values))
def test_the_list_rule_agrees_with_the_page_rule(status, no_page_cache, client):
    """``published()`` lists exactly the stories whose page ``reader_outcome`` serves, and
    the page answers with the outcome's status code."""
    article = ArticleFactory(status=status, first_published_at=PAST)
    outcome = visibility.reader_outcome(article)
    listed = Article.objects.published().filter(pk=article.pk).exists()
    assert listed == outcome.readable
    assert Article.objects.indexable().filter(pk=article.pk).exists() == (
        outcome.readable and not outcome.noindex
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == outcome.status_code
    if outcome.readable:
        assert (b'name="robots" content="noindex"' in response.content) == outcome.noindex
