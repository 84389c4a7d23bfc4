"""The body editor's document rules (editors/frontend/*.test.mjs) under node's test runner:
block uids through splits, joins, moves and pastes, paragraph numbers, the blocks sent."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_editors_node_tests_pass():
    """`npm test` passes (it needs the packages `npm ci` installs)."""
    npm = shutil.which("npm")
    missing = [
        what
        for what, there in [
            ("node", shutil.which("node")),
            ("npm", npm),
            ("node_modules (npm ci)", (ROOT / "node_modules" / "prosemirror-state").is_dir()),
        ]
        if not there
    ]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing; .ci/run installs them.")
        pytest.skip(f"needs {', '.join(missing)}")
    result = subprocess.run(  # noqa: S603 - npm from PATH, fixed arguments
        [npm, "test", "--silent"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
    assert "# pass 0" not in result.stdout
