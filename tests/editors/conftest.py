"""The desk's staff for the page tests: short personal names, because desk pages print the
username ("ed is also editing since ...", "<strong>ed</strong>" on a review comment) and the
tests read them there. They replace the role-named people of ``tests/conftest.py`` here."""

from __future__ import annotations

import pytest

from tests.helpers import user_with_role


@pytest.fixture
def reporter(db):
    return user_with_role("reporter", "rita")


@pytest.fixture
def other_reporter(db):
    return user_with_role("reporter", "otto")


@pytest.fixture
def copy_editor(db):
    return user_with_role("copy-editor", "cora")


@pytest.fixture
def editor(db):
    return user_with_role("editor", "ed")
