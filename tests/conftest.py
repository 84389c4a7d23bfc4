from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from hypothesis import settings as hypothesis_settings

from articles import caching
from tests.helpers import user_with_role

# Property tests assert behaviour, never speed: no per-example deadline, so a loaded CI
# machine cannot turn them into flaky timing tests.
hypothesis_settings.register_profile("newsroom", deadline=None)
hypothesis_settings.load_profile("newsroom")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets empty caches (the shared one in its own folder, as the embedded
    default keeps it in files) and its own media folder. Jobs run in the asking request (no
    thread aside), so a test sees their effect when the request returns."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSROOM_JOBS_ASIDE = False
    if settings.CACHES["shared"]["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES = {
            **settings.CACHES,
            "shared": {**settings.CACHES["shared"], "LOCATION": str(tmp_path / "shared-cache")},
        }
    cache.clear()
    caches["shared"].clear()
    caching._pending_bump.clear()
    caching._down_until = 0.0
    yield
    cache.clear()
    caches["shared"].clear()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-admin-1")


# The desk's people, one per role, named after their role. tests/editors/conftest.py replaces
# them with the named staff whose names its pages show.


@pytest.fixture
def reporter(db):
    return user_with_role("reporter")


@pytest.fixture
def colleague(db):
    """Another reporter: not the one whose story is under test."""
    return user_with_role("reporter", "colleague")


@pytest.fixture
def copy_editor(db):
    return user_with_role("copy-editor")


@pytest.fixture
def editor(db):
    return user_with_role("editor")


@pytest.fixture
def admin(db):
    """Username "admin", like ``superuser``: a test needs one or the other, never both."""
    return user_with_role("admin")


@pytest.fixture
def no_page_cache(settings):
    """Read (and measure) the views themselves, not the reader page cache in front of them."""
    settings.NEWSROOM_PAGE_CACHE = False
