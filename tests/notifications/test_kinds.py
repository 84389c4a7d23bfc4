"""The README's table of kinds says what ``notifications.kinds`` declares."""

from __future__ import annotations

from pathlib import Path

from notifications import kinds

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_lists_every_kind_with_its_actions_and_default():
    text = README.read_text()
    section = text[text.index("## Notifications") :]
    section = section[: section.index("\n## ", 1)]
    rows = {
        line.split("|")[1].strip(): line
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| Kind")
    }
    assert set(rows) == {kind.label for kind in kinds.KINDS}
    for kind in kinds.KINDS:
        row = rows[kind.label]
        for action in kind.actions:
            assert f"`{action}`" in row, (kind.key, action)
        default = dict(kinds.DELIVERY_CHOICES)[kind.default_delivery].lower()
        assert row.rstrip(" |").endswith(default), (kind.key, default)
