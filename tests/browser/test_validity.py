"""Every representative reader and desk page is valid HTML, as the Nu HTML Checker sees it.

The checker is ``vnu.jar`` from the ``vnu-jar`` npm package (``npm ci`` installs it; see
``package.json``), run with Java. One JVM checks all the pages at once: starting it takes
longer than checking a page.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.browser.pages import (
    EDITOR,
    ERROR_PAGES,
    LOGGED_IN,
    NODE_MODULES,
    build_site,
    error_page,
    expected_status,
    require_tool,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def run_vnu(files: list[Path]) -> list[dict]:
    """The checker's errors for ``files``, from one run of vnu.jar (it reports on stderr)."""
    # Fixed arguments and our own temporary files: nothing untrusted reaches the command.
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("java") or "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stderr.strip() or result.stdout.strip()
    try:
        report = json.loads(output)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar did not answer with JSON (exit {result.returncode}):\n{output}")
    return report["messages"]


def describe(message: dict) -> str:
    where = Path(message.get("url", "?")).name
    line = message.get("lastLine", "?")
    extract = " ".join(message.get("extract", "").split())
    return f"{where}:{line}: {message.get('message')}\n    {extract}"


def test_reader_and_desk_pages_are_valid_html(client, tmp_path):
    """Every representative page passes the Nu HTML Checker with no errors."""
    require_tool("java", what="Java", how="apt-get install default-jre-headless")
    require_tool(VNU_JAR, what="the Nu HTML Checker", how="npm ci")
    paths = build_site()
    editor = get_user_model().objects.get(username=EDITOR)

    files = []
    for name, path in paths.items():
        if name in LOGGED_IN:
            client.force_login(editor)
        else:
            client.logout()
        response = client.get(path)
        assert response.status_code == expected_status(name), f"{name}: {path}"
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(file)

    errors = [m for m in run_vnu(files) if m.get("type") == "error"]
    checked = {Path(m.get("url", "")).name for m in errors}
    assert not errors, f"{len(errors)} HTML errors in {sorted(checked)}:\n" + "\n".join(
        describe(m) for m in errors
    )


def test_error_pages_are_valid_html(tmp_path):
    """Every error page, in the reader's look and the desk's, passes the Nu HTML Checker."""
    require_tool("java", what="Java", how="apt-get install default-jre-headless")
    require_tool(VNU_JAR, what="the Nu HTML Checker", how="npm ci")
    files = []
    for name in ERROR_PAGES:
        _path, response = error_page(name)
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(file)

    errors = [m for m in run_vnu(files) if m.get("type") == "error"]
    checked = {Path(m.get("url", "")).name for m in errors}
    assert not errors, f"{len(errors)} HTML errors in {sorted(checked)}:\n" + "\n".join(
        describe(m) for m in errors
    )
