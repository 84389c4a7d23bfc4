from __future__ import annotations

import pytest

from tests.helpers import seed_article


@pytest.fixture
def seed(db):
    """The published seed story, its editor's note on paragraph 11 and its seven sources
    (four people, two outlets and the UN report)."""
    return seed_article()
