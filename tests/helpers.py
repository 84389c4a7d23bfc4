"""Plain helpers shared by test modules: people with a role or permissions, the demo seed story,
and small builders for data and URLs. Fixtures built on them live in ``conftest.py``."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.management.commands.load_demo import DEMO_DIR
from articles.models import Article
from editors.accounts import account_set_role
from tests.factories import UserFactory

SEED_FILE = DEMO_DIR / "seed-article.txt"
SEED_SLUG = "haley-confronts-russia-at-the-un-over-civilian-deaths-in-syria"


def user_with_role(role: str, username: str | None = None):
    """A desk account holding exactly ``role``, made the way ``newsroom_user`` makes one (so it
    has an author profile); the username defaults to the role's name."""
    user, _created = account_set_role(username=username or role, role=role, password=None)
    return user


def user_with(*perms: str, **fields):
    """A desk user holding exactly ``perms`` (dotted names), fetched fresh so checks see them."""
    user = UserFactory(**fields)
    for dotted in perms:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return get_user_model().objects.get(pk=user.pk)


def seed_article() -> Article:
    """The published seed story, with its attributions, as ``load_demo`` leaves it."""
    call_command("load_demo", stdout=StringIO())
    return Article.objects.get(slug=SEED_SLUG)


def published_ago(**delta) -> dict:
    """Factory fields for a story first published (and last updated) ``delta`` ago."""
    at = timezone.now() - timezone.timedelta(**delta)
    return {"first_published_at": at, "updated_at": at}


def edit_url(article: Article) -> str:
    """The desk editor's page for ``article``."""
    return reverse("editors:article_edit", kwargs={"pk": article.pk})


def correct_headline(article: Article, actor, *, headline: str, note: str) -> Article:
    """Correct the headline with a public note, as the desk's correct form does."""
    from articles import services
    from articles.services import CorrectionChoice, NoteData
    from tests.factories import article_changes

    return services.article_correct(
        article=article,
        actor=actor,
        changes=article_changes(article, headline=headline),
        base_revision=services.latest_revision_number(article),
        choice=CorrectionChoice(note=NoteData(kind="correction", text=note)),
    )
