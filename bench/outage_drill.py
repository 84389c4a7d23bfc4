"""Outage drill: the reader site under load while Redis is stopped for ten seconds.

    .venv/bin/python bench/outage_drill.py [--seconds 30] [--outage 10] [--threads 8]

Builds a PostgreSQL database (``newsroom_drill`` on DATABASE_URL's server, default
``postgres://postgres@127.0.0.1:5432``) with the demo content, starts its own redis-server on
a free loopback port and the site under gunicorn with two workers as production runs it
(``DJANGO_DEBUG=0``), then sends reader requests from several threads. Redis is stopped for
``--outage`` seconds in the middle; during the outage a story is published from another
process. It prints the responses by status for each phase, whether the publish reported
success, and whether readers saw the story during and after the outage. Only loopback
addresses are used; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _procs import GUNICORN, PY, REPO, free_port, wait_for  # bench/, run as a script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--outage", type=float, default=10)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x").rsplit("/", 1)[
        0
    ]
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-drill-"))
    redis_port, web_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": f"{server}/newsroom_drill",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", "newsroom_drill"], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "newsroom_drill"], check=True)
    for command in (["migrate", "--noinput"], ["load_demo"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [PY, "manage.py", *command], cwd=REPO, env=env, check=True, capture_output=True
        )

    def start_redis() -> subprocess.Popen:
        proc = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(redis_port)
        return proc

    redis_proc = start_redis()
    log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115
    web = subprocess.Popen(
        [
            GUNICORN,
            "--workers=2",
            f"--bind=127.0.0.1:{web_port}",
            "--no-control-socket",
            "newsroom.wsgi",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=log,
    )
    wait_for(web_port)
    slug = (
        subprocess.run(
            [
                PY,
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                "from articles.models import Article;"
                "print(Article.objects.published().first().slug)",
            ],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    paths = ["/", f"/articles/{slug}/", "/corrections/", "/search/?q=council", "/feeds/latest/"]

    phase = ["before"]
    counts: dict[str, Counter] = {"before": Counter(), "outage": Counter(), "after": Counter()}
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds

    def hammer(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", web_port, timeout=10)
        i = n
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = str(response.status)
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", web_port, timeout=10)
            with lock:
                counts[phase[0]][status] += 1

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(args.threads)]
    for t in threads:
        t.start()
    before = (args.seconds - args.outage) / 2
    time.sleep(before)
    redis_proc.terminate()
    redis_proc.wait()
    phase[0] = "outage"
    publish = subprocess.run(
        [
            PY,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from articles import services; from articles.models import Article, Section;"
            "from articles.services import BlockData;"
            "a = services.article_create(actor=None, section=Section.objects.first(),"
            " headline='Published while Redis was down', authors=[],"
            " blocks=[BlockData(kind='paragraph', text='It went out.')]);"
            "from articles.models import Author; a.bylines.create(author=Author.objects.first());"
            "services.article_publish(article=a, actor=None); print('published')",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    time.sleep(1)
    seen_during = "Published while Redis was down" in _get(web_port, "/")
    time.sleep(max(0.0, args.outage - 1))
    redis_proc = start_redis()
    phase[0] = "after"
    for t in threads:
        t.join()
    seen_after = "Published while Redis was down" in _get(web_port, "/")
    web.terminate()
    web.wait()
    redis_proc.terminate()
    log.close()

    print(f"{args.threads} threads, {len(paths)} reader pages, Redis down for {args.outage:.0f} s")
    for name, counter in counts.items():
        total = sum(counter.values())
        errors = sum(v for k, v in counter.items() if not k.startswith(("2", "3")))
        print(
            f"  {name:7} {total:6} requests  {dict(sorted(counter.items()))}  non-2xx/3xx: {errors}"
        )
    ok = publish.returncode == 0 and "published" in publish.stdout
    print(f"  publish during the outage reported success: {ok}")
    print(f"  readers saw it during the outage: {seen_during}; after: {seen_after}")
    lines = (tmp / "gunicorn.log").read_text().splitlines()
    warnings = [line for line in lines if "further failures are not logged" in line]
    print(f"  cache warnings logged by the site (2 workers): {len(warnings)}")
    for line in warnings[:2]:
        print(f"    {line[:150]}")
    errors = [line for line in lines if "Traceback" in line]
    print(f"  tracebacks in the site's log: {len(errors)}")
    shutil.rmtree(tmp, ignore_errors=True)


def _get(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    return conn.getresponse().read().decode()


if __name__ == "__main__":
    main()
