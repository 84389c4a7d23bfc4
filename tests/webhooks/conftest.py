"""A webhook receiver on loopback, and subscribers pointed at it."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsroom import jobs
from webhooks import services
from webhooks.models import Kind, Subscriber


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers["X-Newsroom-Signature"])


@dataclass
class Receiver:
    """An HTTP server in a thread. ``answers`` are used in turn, the last one for ever: a
    status, (status, headers, body), "hang" (answer nothing for ``hang_s``) or "hold" (wait
    for ``released``, then answer 200)."""

    port: int = 0
    answers: list = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)
    hang_s: float = 10.0
    #: Seconds to wait before every answer.
    delay_s: float = 0.0
    released: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def next_answer(self):
        index = min(len(self.received) - 1, len(self.answers) - 1)
        return self.answers[index]


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            receiver.received.append(
                Received(self.path, dict(self.headers.items()), self.rfile.read(length))
            )
            answer = receiver.next_answer()
            time.sleep(receiver.delay_s)
            if answer == "hang":
                receiver.released.wait(receiver.hang_s)
                return
            if answer == "hold":
                receiver.released.wait(receiver.hang_s)
                answer = 200
            status, headers, body = answer if isinstance(answer, tuple) else (answer, {}, b"ok")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.released.set()
    server.shutdown()
    server.server_close()


def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture(autouse=True)
def _webhooks(settings):
    """Loopback is allowed (the receiver lives there), attempts time out fast, and the
    broker is taken as up."""
    settings.NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.NEWSROOM_WEBHOOKS_TIMEOUT_S = 1.0
    settings.NEWSROOM_WEBHOOKS_SITE_URL = "https://news.example.org"
    jobs.broker_is_back()
    yield
    jobs.broker_is_back()


def subscribe(url: str, *kinds: str, name: str = "Partner", active: bool = True) -> Subscriber:
    """A subscriber registered as the admin registers one."""
    return services.subscriber_save(
        subscriber=Subscriber(name=name, url=url, events=list(kinds or Kind.values), active=active),
        actor=None,
    )


@pytest.fixture
def partner(db, receiver):
    """A subscriber to every kind, at the receiver."""
    return subscribe(receiver.url)
