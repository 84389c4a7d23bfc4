"""``permissions.is_own``: right with or without the bylines loaded, and free when they are."""

from __future__ import annotations

import pytest
from django.db.models import Prefetch

from articles import permissions
from articles.models import Article, Author, Byline
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bylined(reporter):
    """A story someone else started, with five bylines, the reporter's last."""
    article = ArticleFactory(bylines=4)
    Byline.objects.create(article=article, author=Author.objects.get(user=reporter), position=9)
    return article


def test_a_byline_makes_it_ones_own_without_a_prefetch(bylined, reporter, colleague):
    """Asked of a story loaded bare, it asks the database once."""
    article = Article.objects.get(pk=bylined.pk)
    assert permissions.is_own(reporter, article)
    assert not permissions.is_own(colleague, article)


def test_without_a_prefetch_it_costs_one_query(bylined, reporter, django_assert_num_queries):
    """One query however many bylines, not one per byline's author."""
    article = Article.objects.get(pk=bylined.pk)
    with django_assert_num_queries(1):
        assert permissions.is_own(reporter, article)


def test_with_the_desk_prefetch_it_costs_nothing(
    bylined, reporter, colleague, django_assert_num_queries
):
    """The desk's queryset loads bylines with authors: the check reads them."""
    article = Article.objects.with_desk_data().get(pk=bylined.pk)
    with django_assert_num_queries(0):
        assert permissions.is_own(reporter, article)
        assert not permissions.is_own(colleague, article)


def test_bylines_prefetched_without_authors_still_answer_right(
    bylined, reporter, colleague, django_assert_num_queries
):
    """Bylines loaded without their authors are not read author by author."""
    article = Article.objects.prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.all())
    ).get(pk=bylined.pk)
    with django_assert_num_queries(1):
        assert permissions.is_own(reporter, article)
    assert not permissions.is_own(colleague, article)


def test_starting_it_is_enough(reporter, django_assert_num_queries):
    """The one who started a story owns it, byline or not, without a query."""
    article = ArticleFactory(created_by=reporter, bylines=0)
    AuthorFactory()
    with django_assert_num_queries(0):
        assert permissions.is_own(reporter, article)
