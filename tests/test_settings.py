"""Production settings: a deploy check passes from the environment alone, and a missing
secret stops the site at startup instead of running with a guessable key.

Each test starts a fresh interpreter, because settings are read once at import.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python <args>`` in the repo with only the given DJANGO_* variables set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_passes_with_production_environment():
    """With debug off, a strong secret and a host, `check --deploy` reports nothing."""
    secret = secrets.token_urlsafe(48)
    assert len(secret) == 64

    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secret,
        DJANGO_ALLOWED_HOSTS="news.example.org",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "?: (" not in output, output
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_stops_startup_with_debug_off():
    """With debug off and no DJANGO_SECRET_KEY, loading settings fails and says what to set."""
    result = run(
        ["-c", "import newsroom.settings"],
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="news.example.org",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr
