"""Benchmark: the reader site at a corpus size, against the floor of the same stack.

    make bench [BENCH_ARTICLES=2000] [BENCH_REUSE=1]
    .venv/bin/python bench/run.py [--articles 2000] [--reuse] [--database NAME] [--rounds 12]
                                  [--slice 1] [--connections 8] [--sequential 100] [--save F]

1. The database ``newsroom_bench_<N>`` (``--database`` names another) on DATABASE_URL's
   server (default ``postgres://postgres@127.0.0.1:5432``) is dropped and made again:
   migrations, ``generate_corpus --articles N`` (timed), the demo (``load_demo``, so the seed
   story is there too). With ``--reuse`` (``BENCH_REUSE=1``) a database that already holds N
   generated stories plus the demo's is kept (and migrated). The renderings of the sampled
   stories are prepared (``prepare_renderings``), as publishing through the services would
   have done; lists prepare theirs on their warm-up request.
2. Its own ``redis-server`` on a free loopback port is the cache, and three gunicorn servers
   run with 2 sync workers each, as production runs them (``DJANGO_DEBUG=0``, a generated
   secret key, ``DJANGO_ALLOWED_HOSTS=127.0.0.1``):
   - **site**: the newsroom, page cache on (Redis);
   - **rendered**: the same with ``DJANGO_PAGE_CACHE=0``, so every page is rendered by its
     view, exactly as for an anonymous reader whose page is not in the cache (the cookie
     that makes the cache step aside would also load a session and change the headers);
   - **floor**: ``newsroom.floor``, the same settings and apps with only the middleware
     ``startproject`` writes and a view that answers "ok".
   The read API (``/api/v1/``: the story list, a story's document, its ninjs, and a ninjs
   revalidated with ``If-None-Match``, answered 304) is measured on **rendered** too, with
   its anonymous throttle raised out of the way (its cache round trip is still made).
3. The pages are measured interleaved: in each of ``--rounds`` rounds every target gets one
   slice of ``--slice`` seconds (longer for a page slower than a tenth of that, so a slice
   always holds many requests), with ``--connections`` concurrent keep-alive connections
   from ``wrk`` (installed with apt-get when missing; else a Python client with threads).
   After each slice the server is drained (requests the client gave up on are finished)
   before the next target starts. Latencies are merged over all slices of a target.
4. Then every page gets ``--sequential`` requests one at a time (nothing else running): the
   p95 a reader gets from an idle server, the figure to compare across sizes.
5. It prints a table (req/s, p50, p99 under load, share of the floor's rate, sequential p95)
   and every gunicorn worker's resident memory (VmRSS); ``--save FILE`` also writes it to a
   file. Whatever it started is stopped, Ctrl-C included; the database stays, for ``--reuse``.

Load goes to 127.0.0.1 only, and every loop is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from _procs import GUNICORN, PY, REPO, free_port, wait_for  # bench/, run as a script

LUA = Path(__file__).with_name("wrk_slice.lua")
COMMON_WORD = "council"
# One of generate_corpus.RARE_WORDS: in about one story in a thousand.
RARE_WORD = "zeppelin"
MAX_SLICE_S = 30
REQUEST_TIMEOUT_S = 60

STARTED: list[tuple[str, subprocess.Popen]] = []


# --- Processes ---------------------------------------------------------------------------


def start(name: str, command: list[str], **kwargs) -> subprocess.Popen:
    proc = subprocess.Popen(command, **kwargs)
    STARTED.append((name, proc))
    return proc


def stop_all() -> None:
    for _name, proc in reversed(STARTED):
        if proc.poll() is None:
            proc.terminate()
    for _name, proc in reversed(STARTED):
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    STARTED.clear()


def _sigterm(signum, frame) -> None:
    raise KeyboardInterrupt


# --- The database --------------------------------------------------------------------------


@dataclass
class Database:
    server: str  # postgres://user@host:port, no database name
    name: str

    @property
    def url(self) -> str:
        return f"{self.server}/{self.name}"

    def _args(self) -> list[str]:
        parts = urlsplit(self.server)
        args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
        return [*args, "-U", parts.username or "postgres"]

    def _env(self) -> dict:
        password = urlsplit(self.server).password
        return {**os.environ, **({"PGPASSWORD": password} if password else {})}

    def value(self, sql: str, database: str | None = None) -> str:
        result = subprocess.run(
            ["psql", *self._args(), "-d", database or self.name, "-tAXq", "-c", sql],
            env=self._env(),
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    def exists(self) -> bool:
        sql = f"SELECT count(*) FROM pg_database WHERE datname = '{self.name}'"  # noqa: S608
        return self.value(sql, database="postgres") == "1"

    def recreate(self) -> None:
        env = self._env()
        for command in (["dropdb", "--if-exists"], ["createdb"]):
            subprocess.run(
                [*command, *self._args(), self.name], env=env, check=True, capture_output=True
            )


def demo_story_count() -> int:
    manifest = json.loads((REPO / "articles" / "demo" / "demo.json").read_text(encoding="utf-8"))
    return len(manifest["stories"])


def manage(env: dict, *command: str, show: bool = False) -> None:
    subprocess.run(
        [PY, "manage.py", *command],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=not show,
    )


def prepare_database(db: Database, env: dict, articles: int, reuse: bool) -> str:
    """Make (or keep) the bench database; says what was done."""
    expected = articles + demo_story_count()
    if reuse and db.exists():
        try:
            held = int(db.value("SELECT count(*) FROM articles_article"))
        except subprocess.CalledProcessError:
            held = -1
        if held == expected:
            manage(env, "migrate", "--noinput")
            return f"reused {db.name} ({articles:,} generated stories + the demo)"
        print(f"{db.name} holds {held:,} stories, not {expected:,}: making it again")
    db.recreate()
    manage(env, "migrate", "--noinput")
    print(f"Generating {articles:,} stories...", flush=True)
    started = time.monotonic()
    manage(env, "generate_corpus", "--articles", str(articles), show=True)
    took = time.monotonic() - started
    manage(env, "load_demo")
    rate = articles / took if took else 0
    return f"generated {articles:,} stories in {took:.1f} s ({rate:,.0f}/s, VACUUM included)"


# --- Measuring ---------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    server: str
    port: int
    path: str
    paths_file: Path | None = None
    #: Request headers (e.g. ``If-None-Match`` for a revalidation) and the status expected.
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200
    slice_s: int = 1
    latencies: Counter = field(default_factory=Counter)  # microseconds -> count
    requests: int = 0
    duration_s: float = 0.0
    errors: Counter = field(default_factory=Counter)
    sequential: list = field(default_factory=list)  # milliseconds, one request at a time

    @property
    def rate(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    def percentile(self, p: float) -> float | None:
        total = sum(self.latencies.values())
        if not total:
            return None
        rank, seen = math.ceil(total * p / 100), 0
        for value in sorted(self.latencies):
            seen += self.latencies[value]
            if seen >= rank:
                return value / 1000
        return None

    def sequential_p95(self) -> float | None:
        if not self.sequential:
            return None
        ranked = sorted(self.sequential)
        return ranked[min(len(ranked) - 1, math.ceil(len(ranked) * 0.95) - 1)]


@dataclass
class Slice:
    requests: int
    duration_s: float
    latencies: Counter
    errors: Counter


def wrk_slice(target: Target, seconds: int, connections: int, offset: int, tmp: Path) -> Slice:
    out = tmp / "wrk.out"
    out.unlink(missing_ok=True)
    env = {
        **os.environ,
        "WRK_OUT": str(out),
        "WRK_PATHS": str(target.paths_file or ""),
        "WRK_OFFSET": str(offset),
    }
    subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            f"--timeout={REQUEST_TIMEOUT_S}s",
            "-s",
            str(LUA),
            *(f"-H{name}: {value}" for name, value in target.headers.items()),
            f"http://127.0.0.1:{target.port}{target.path}",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=seconds + REQUEST_TIMEOUT_S + 30,
    )
    lines = out.read_text().splitlines()
    head = {line.split()[0]: line.split()[1:] for line in lines[:3]}
    names = ("connect", "read", "write", "status", "timeout")
    errors = Counter(dict(zip(names, map(int, head["errors"]), strict=True)))
    latencies = Counter()
    for line in lines[3:]:
        value, count = line.split()
        latencies[int(value)] += int(count)
    return Slice(int(head["requests"][0]), int(head["duration"][0]) / 1e6, latencies, errors)


def python_slice(target: Target, seconds: int, connections: int, offset: int, tmp: Path) -> Slice:
    """The fallback client: threads with keep-alive connections; in-flight requests finish."""
    paths = (target.paths_file.read_text().split() if target.paths_file else [target.path]) or [
        target.path
    ]
    lock = threading.Lock()
    latencies: Counter = Counter()
    errors: Counter = Counter()
    started = time.monotonic()
    deadline = started + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=REQUEST_TIMEOUT_S)
        mine: Counter = Counter()
        failed: Counter = Counter()
        i = offset + n
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += connections
            begun = time.perf_counter()
            try:
                conn.request("GET", path, headers=target.headers)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    failed["status"] += 1
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                failed["read"] += 1
                conn.close()
                continue
            mine[int((time.perf_counter() - begun) * 1e6)] += 1
        conn.close()
        with lock:
            latencies.update(mine)
            errors.update(failed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.monotonic() - started
    return Slice(sum(latencies.values()), duration, latencies, errors)


def get(
    port: int, path: str, timeout: float = REQUEST_TIMEOUT_S, headers: dict | None = None
) -> int:
    return fetch(port, path, timeout, headers)[0]


def fetch(
    port: int, path: str, timeout: float = REQUEST_TIMEOUT_S, headers: dict | None = None
) -> tuple[int, http.client.HTTPMessage]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, response.headers
    finally:
        conn.close()


def sequential(target: Target, count: int) -> None:
    """``count`` requests one after another, nothing else running: the latency a reader
    gets from an idle server (the issue's p95 figures are of this kind)."""
    paths = (
        target.paths_file.read_text().split()[: max(count, 1)]
        if target.paths_file
        else [target.path]
    )
    for n in range(count):
        started = time.perf_counter()
        get(target.port, paths[n % len(paths)], headers=target.headers)
        target.sequential.append((time.perf_counter() - started) * 1000)


def drain(port: int, path: str) -> None:
    """Wait until both workers have finished what the client left behind: one probe per
    worker, sent together, each queued behind those requests."""

    def probe() -> None:
        with contextlib.suppress(OSError, http.client.HTTPException):
            get(port, path, timeout=2 * REQUEST_TIMEOUT_S)

    probes = [threading.Thread(target=probe) for _ in range(2)]
    for t in probes:
        t.start()
    for t in probes:
        t.join()


def ensure_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is missing: installing it from Debian (apt-get install wrk)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
            subprocess.run(install, env=env, capture_output=True)
    return bool(shutil.which("wrk"))


# --- Reporting ---------------------------------------------------------------------------


def workers_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return sorted(children)


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def table(targets: list[Target]) -> str:
    floor = targets[0].rate or 1.0
    rows = [
        "| Page | Server | req/s | p50 ms | p99 ms | Share of floor | p95 ms, one at a time "
        "| Requests | Errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for t in targets:
        errors = sum(t.errors.values())
        rows.append(
            f"| {t.name} | {t.server} | {t.rate:,.1f} | {fmt_ms(t.percentile(50))} | "
            f"{fmt_ms(t.percentile(99))} | {100 * t.rate / floor:.1f}% | "
            f"{fmt_ms(t.sequential_p95())} | {t.requests:,} | {errors:,} |"
        )
    return "\n".join(rows)


# --- Main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--articles", type=int, default=int(os.environ.get("BENCH_ARTICLES") or 2000)
    )
    parser.add_argument(
        "--reuse", action="store_true", default=os.environ.get("BENCH_REUSE", "") == "1"
    )
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--slice", type=int, default=1, help="Seconds per slice (at least).")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE", ""),
        help="The database to make (or reuse); default newsroom_bench_<articles>.",
    )
    parser.add_argument(
        "--sequential",
        type=int,
        default=100,
        help="Requests per page sent one at a time after the load, for the p95 column.",
    )
    parser.add_argument(
        "--save",
        type=Path,
        default=None,
        help="Also write the report (the table and what it was measured on) to this file.",
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.slice < 1 or not 1 <= args.connections <= 64:
        parser.error("--rounds and --slice must be at least 1, --connections 1 to 64")

    signal.signal(signal.SIGTERM, _sigterm)
    # Also when started in the background, where a shell may have set SIGINT to be ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    try:
        run(args, tmp)
    except KeyboardInterrupt:
        print("\nInterrupted: stopping what the bench started.", file=sys.stderr)
        sys.exit(130)
    finally:
        stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    use_wrk = ensure_wrk()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
    db = Database(server.rsplit("/", 1)[0], args.database or f"newsroom_bench_{args.articles}")
    redis_port, site_port, rendered_port, floor_port = (free_port() for _ in range(4))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": db.url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        # The read API is measured like the pages: its anonymous throttle (a cache round
        # trip per request, kept) must not answer 429 to the load.
        "DJANGO_API_ANON_RATE": "100000000/min",
    }
    load_before = Path("/proc/loadavg").read_text().split()[:3]

    # Redis first: load_demo publishes through the services, which bump the cache.
    start(
        "redis",
        [
            shutil.which("redis-server") or "redis-server",
            *("--port", str(redis_port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_for(redis_port)
    corpus = prepare_database(db, env, args.articles, args.reuse)
    print(f"Database: {corpus}")
    manage(env, "collectstatic", "--noinput")

    log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 - closed with the temp dir
    servers = {}
    for name, port, extra in (
        ("site", site_port, {}),
        ("rendered", rendered_port, {"DJANGO_PAGE_CACHE": "0"}),
        ("floor", floor_port, {"DJANGO_SETTINGS_MODULE": "newsroom.floor"}),
    ):
        servers[name] = start(
            name,
            [
                GUNICORN,
                "--workers=2",
                "--worker-class=sync",
                f"--bind=127.0.0.1:{port}",
                "--no-control-socket",
                "newsroom.wsgi",
            ],
            cwd=REPO,
            env={**env, **extra},
            stdout=log,
            stderr=log,
        )
    for port in (site_port, rendered_port, floor_port):
        wait_for(port)

    slugs = db.value("SELECT slug FROM articles_article ORDER BY random() LIMIT 5000").split()
    (tmp / "articles.txt").write_text("".join(f"/articles/{s}/\n" for s in slugs))
    (tmp / "slugs.txt").write_text("\n".join(slugs))
    ids = db.value(
        "SELECT id FROM articles_article WHERE status = 'published' ORDER BY random() LIMIT 5000"
    ).split()
    (tmp / "api.txt").write_text("".join(f"/api/v1/articles/{i}/\n" for i in ids))
    (tmp / "ninjs.txt").write_text("".join(f"/api/v1/articles/{i}/ninjs\n" for i in ids))
    # The sampled stories' reader HTML, as the services would have prepared it when they
    # were published (generate_corpus writes rows, not renderings); lists prepare theirs on
    # their first (warm-up) request.
    started = time.monotonic()
    manage(env, "prepare_renderings", "--slugs-file", str(tmp / "slugs.txt"))
    print(
        f"Prepared the renderings of {len(slugs):,} sampled stories in "
        f"{time.monotonic() - started:.0f} s"
    )
    section = db.value("SELECT slug FROM articles_section ORDER BY position, id LIMIT 1")
    author = db.value(
        "SELECT a.slug FROM articles_author a JOIN articles_byline b ON b.author_id = a.id "
        "GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT 1"
    )
    source = db.value(
        "SELECT s.slug FROM articles_source s JOIN articles_attribution t ON t.source_id = s.id "
        "GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT 1"
    )
    counts = {
        "stories": db.value("SELECT count(*) FROM articles_article"),
        "blocks": db.value("SELECT count(*) FROM articles_block"),
        "notes": db.value("SELECT count(*) FROM articles_correctionnote"),
    }
    for word in (COMMON_WORD, RARE_WORD):
        counts[word] = db.value(
            "SELECT count(*) FROM articles_article WHERE search_vector @@ "  # noqa: S608 - constants
            f"websearch_to_tsquery('english', '{word}')"
        )

    targets = [
        Target('Floor: `HttpResponse("ok")`', "floor", floor_port, "/"),
        Target("Article, page cache hit", "site", site_port, f"/articles/{slugs[0]}/"),
        Target(
            "Article, rendered (a different one each request)",
            "rendered",
            rendered_port,
            f"/articles/{slugs[0]}/",
            paths_file=tmp / "articles.txt",
        ),
        Target("Home page", "rendered", rendered_port, "/"),
        Target(f"Section front (`{section}`)", "rendered", rendered_port, f"/section/{section}/"),
        Target(
            f"Search, common word (“{COMMON_WORD}”)",
            "rendered",
            rendered_port,
            f"/search/?q={COMMON_WORD}",
        ),
        Target(
            f"Search, rare word (“{RARE_WORD}”)",
            "rendered",
            rendered_port,
            f"/search/?q={RARE_WORD}",
        ),
        Target("Corrections log", "rendered", rendered_port, "/corrections/"),
        Target("Author page (most bylines)", "rendered", rendered_port, f"/authors/{author}/"),
        Target("Source page (most quoted)", "rendered", rendered_port, f"/sources/{source}/"),
        Target("API: story list", "rendered", rendered_port, "/api/v1/articles/"),
        Target(
            "API: story document (a different one each request)",
            "rendered",
            rendered_port,
            f"/api/v1/articles/{ids[0]}/",
            paths_file=tmp / "api.txt",
        ),
        Target(
            "API: ninjs (a different one each request)",
            "rendered",
            rendered_port,
            f"/api/v1/articles/{ids[0]}/ninjs",
            paths_file=tmp / "ninjs.txt",
        ),
    ]
    revalidated = f"/api/v1/articles/{ids[0]}/ninjs"
    etag = fetch(rendered_port, revalidated)[1]["ETag"]
    targets.append(
        Target(
            "API: ninjs revalidated (`If-None-Match`, 304)",
            "rendered",
            rendered_port,
            revalidated,
            headers={"If-None-Match": etag},
            expect=304,
        )
    )
    drain_path = {"floor": "/", "site": "/robots.txt", "rendered": "/robots.txt"}
    for t in targets:
        status = get(t.port, t.path, headers=t.headers)
        if status != t.expect:
            raise SystemExit(f"{t.name}: {t.path} answered {status}, not {t.expect}")

    measure = wrk_slice if use_wrk else python_slice
    client = "wrk (1 thread)" if use_wrk else "Python threads (wrk not available)"
    print(f"Client: {client}, {args.connections} connections; warming up each page...")
    for t in targets:
        warm = measure(t, 1, args.connections, 0, tmp)
        drain(t.port, drain_path[t.server])
        mean_s = (
            sum(v * c for v, c in warm.latencies.items()) / warm.requests / 1e6
            if warm.requests
            else float(MAX_SLICE_S)
        )
        t.slice_s = max(args.slice, min(MAX_SLICE_S, math.ceil(10 * mean_s)))
    total_s = args.rounds * sum(t.slice_s for t in targets)
    print(f"Measuring: {args.rounds} rounds, about {total_s} s of load...", flush=True)
    for round_no in range(args.rounds):
        for t in targets:
            result = measure(t, t.slice_s, args.connections, round_no * 997, tmp)
            t.requests += result.requests
            t.duration_s += result.duration_s
            t.latencies.update(result.latencies)
            t.errors.update(result.errors)
            drain(t.port, drain_path[t.server])
        print(f"  round {round_no + 1}/{args.rounds} done", flush=True)

    print(f"One at a time: {args.sequential} requests per page...", flush=True)
    for t in targets:
        sequential(t, args.sequential)

    load_after = Path("/proc/loadavg").read_text().split()[:3]
    pg_version = db.value("SHOW server_version").split()[0]
    report: list[str] = []
    say = report.append
    say(
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"({platform.machine()}); PostgreSQL {pg_version}, Python {platform.python_version()}, "
        "gunicorn with 2 sync workers per server."
    )
    say(
        f"Load average (1/5/15 min) before: {' '.join(load_before)}; after: {' '.join(load_after)}."
    )
    say(
        f"Corpus: {int(counts['stories']):,} stories, {int(counts['blocks']):,} blocks, "
        f"{int(counts['notes']):,} correction notes; “{COMMON_WORD}” in "
        f"{int(counts[COMMON_WORD]):,} stories, “{RARE_WORD}” in {int(counts[RARE_WORD]):,}."
    )
    say(
        f"Client: {client}, {args.connections} connections, {args.rounds} interleaved rounds; "
        "seconds per slice, in table order: " + ", ".join(str(t.slice_s) for t in targets) + "."
    )
    say("")
    say(table(targets))
    say("")
    say("Resident memory after the run (VmRSS):")
    for name, proc in servers.items():
        workers = workers_of(proc.pid)
        sizes = ", ".join(f"{rss_mb(pid) or 0:.0f} MB" for pid in workers)
        say(f"  {name:8} master {rss_mb(proc.pid) or 0:.0f} MB; workers: {sizes}")
    log.close()
    errors = [line for line in (tmp / "gunicorn.log").read_text().splitlines() if "Error" in line]
    if errors:
        say(f"The servers logged {len(errors)} error lines, e.g.: {errors[0][:200]}")
    text = "\n".join(report) + "\n"
    print()
    print(text, end="")
    if args.save:
        args.save.write_text(text, encoding="utf-8")
        print(f"(also written to {args.save})")


if __name__ == "__main__":
    main()
