"""The README's screenshots of the desk's body editor, at 1280 and 375 px wide.

Serves the demo on a throwaway SQLite database (as ``make run`` does), logs in as the demo
reporter in Debian's Chromium and saves ``docs/screenshots/editor-<width>.png``:

    .venv/bin/python docs/screenshots.py

Needs /usr/bin/chromium and the built editor (``make run`` or ``make test`` builds it).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
# The throwaway demo accounts' password, new each run.
PASSWORD = secrets.token_urlsafe(12)
WIDTHS = (1280, 375)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(*args: str, env: dict) -> None:
    # Our own manage.py with fixed arguments: nothing untrusted reaches the command line.
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-shots-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "NEWSROOM_PASSWORD": PASSWORD,
        "DJANGO_DEBUG": "1",
    }
    env.pop("DJANGO_CELERY_BROKER_URL", None)
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("load_demo", env=env)
    manage("demo_accounts", env=env)
    # A draft of the reporter's with a subheading and a block quote, written through the
    # import path the desk uses, so the shot shows the editor on a real story.
    manage(
        "shell",
        "-c",
        "from docs.screenshots import make_draft; make_draft()",
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our runserver, fixed arguments)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        shoot(base)
    finally:
        server.terminate()
        server.wait(10)


def make_draft() -> None:
    from django.contrib.auth import get_user_model

    from articles import importing
    from articles.models import Section

    reporter = get_user_model().objects.get(username="reporter")
    text = (ROOT / "docs" / "screenshot-story.txt").read_text()
    importing.import_story(
        text=text,
        actor=reporter,
        headline="Harbour wall repairs will close the east quay until June",
        section=Section.objects.order_by("position").first(),
    )


def shoot(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 1100})
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("Username").fill("reporter")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.goto(f"{base}/desk/articles/")
            page.get_by_role("link", name="Harbour wall").first.click()
            page.wait_for_selector("[data-body-editor] .ProseMirror")
            # From the Body heading down: the toolbar, the margin numbers, the subheading.
            page.locator("#body-title").evaluate("(el) => el.scrollIntoView()")
            page.screenshot(path=str(OUT / f"editor-{width}.png"))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
