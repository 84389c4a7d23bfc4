from __future__ import annotations

import pytest

from tests.helpers import seed_article


@pytest.fixture
def seed(db):
    """The published seed story, its editor's note on paragraph 11 and its six sources."""
    return seed_article()
