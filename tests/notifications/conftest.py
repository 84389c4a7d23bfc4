"""The people a story's notifications concern: its bylined reporter, the editors who review
it, a copy editor (who reviews nothing), and the story itself at each step."""

from __future__ import annotations

import pytest

from articles.models import Article, Byline
from tests.factories import ArticleFactory
from tests.helpers import user_with_role

Status = Article.Status


@pytest.fixture
def reporter(db):
    return user_with_role("reporter", "rita")


@pytest.fixture
def editor(db):
    return user_with_role("editor", "ed")


@pytest.fixture
def second_editor(db):
    return user_with_role("editor", "eve")


@pytest.fixture
def copy_editor(db):
    return user_with_role("copy-editor", "cora")


@pytest.fixture
def story(reporter):
    """Rita's draft, bylined to her alone."""
    return bylined(ArticleFactory(created_by=reporter), reporter)


def bylined(article: Article, *people) -> Article:
    """``article`` with exactly ``people``'s bylines."""
    article.bylines.all().delete()
    for position, person in enumerate(people):
        Byline.objects.create(article=article, author=person.author, position=position)
    return article


def at(article: Article, status: str, **fields) -> Article:
    """``article`` put in ``status`` directly (the workflow's earlier steps are not under
    test)."""
    Article.objects.filter(pk=article.pk).update(status=status, **fields)
    article.refresh_from_db()
    return article


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """``with run_on_commit():`` runs what the block's commits schedule (``article_changed``,
    the mail jobs), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
