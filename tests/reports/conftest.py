from __future__ import annotations

from types import SimpleNamespace

import pytest
from django_ratelimit import core

from tests.factories import PublishedArticleFactory


@pytest.fixture(autouse=True)
def one_window(monkeypatch):
    """django-ratelimit counts in fixed windows; pin its clock so no test straddles two."""
    monkeypatch.setattr(core, "time", SimpleNamespace(time=lambda: 1_750_000_000.0))


@pytest.fixture
def story(db):
    return PublishedArticleFactory(
        headline="Council approves the harbour budget",
        blocks=[
            ("paragraph", "The council approved the harbour budget on Tuesday night."),
            ("paragraph", "The vote was 7 to 2, the clerk said."),
            ("paragraph", "Work starts in March."),
        ],
    )
