"""Where a delivery may go: the SSRF guard, and a connection pinned to the checked address.

A subscriber's URL must be http or https, carry no credentials, and resolve only to public
addresses: none private, loopback, link-local, multicast, reserved or unspecified, unless it
falls in ``NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS`` (CIDRs; the tests allow 127.0.0.0/8). It is
checked when the subscriber is saved and again before every attempt, and the request goes to
the address that was checked (``post``), so a name that resolves elsewhere a second later
(DNS rebinding) cannot point a delivery at the inside.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = {"http": 80, "https": 443}
# Who is asked about a bad address, in order: the first that holds names the refusal.
_REFUSED = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
)


class RefusedTarget(Exception):
    """The URL may not receive deliveries; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    #: Path and query, as sent on the request line.
    path: str
    #: What the host resolved to, every address checked.
    addresses: tuple[str, ...]


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(cidr, strict=False)
        for cidr in getattr(settings, "NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS", [])
    ]


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` may not be the target of a delivery, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in network for network in allowed_networks()):
        return None
    for attribute, name in _REFUSED:
        if getattr(address, attribute):
            return name
    if not address.is_global:
        return "not public"
    return None


def resolve(url: str) -> Target:
    """Parse ``url`` and resolve its host; raises ``RefusedTarget`` unless every address it
    resolves to may receive deliveries."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise RefusedTarget("Only http and https URLs can receive webhooks.")
    if parts.username or parts.password:
        raise RefusedTarget("Put no credentials in the URL: the signature authenticates us.")
    host = parts.hostname
    if not host:
        raise RefusedTarget("The URL names no host.")
    try:
        port = parts.port or SCHEMES[scheme]
    except ValueError as exc:
        raise RefusedTarget("The URL's port is not a number from 1 to 65535.") from exc
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedTarget(f"{host} does not resolve ({exc}).") from exc
    addresses = tuple(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise RefusedTarget(f"{host} does not resolve.")
    for address in addresses:
        why = refusal(ipaddress.ip_address(address.split("%", 1)[0]))
        if why:
            raise RefusedTarget(
                f"{host} resolves to {address}, a {why} address: webhooks go only to public "
                "addresses (NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS lists exceptions)."
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, addresses)


class _Pinned:
    """Connects to the address that was checked; the Host header (and TLS's server name
    and certificate check) stay the URL's host."""

    address: str
    host: str
    port: int
    timeout: float

    def _socket(self) -> socket.socket:
        return socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        http.client.HTTPConnection.__init__(self, target.host, target.port, timeout=timeout)
        self.address = target.addresses[0]

    def connect(self) -> None:
        self.sock = self._socket()


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        http.client.HTTPSConnection.__init__(
            self, target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.address = target.addresses[0]

    def connect(self) -> None:
        self.sock = self._context.wrap_socket(self._socket(), server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str
    location: str = ""


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST ``body`` to ``target``, at its checked address; redirects are not followed (a
    3xx is an answer like any other). ``timeout`` bounds the connection and each read, and
    the whole answer is read within twice it. Raises ``OSError`` (timeouts included) and
    ``http.client.HTTPException`` when there is no answer."""
    connection_class = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = connection_class(target, timeout)
    deadline = time.monotonic() + 2 * timeout
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        chunks, size = [], 0
        while size < 2048 and time.monotonic() < deadline:
            chunk = response.read1(2048 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return Answer(
            status=response.status,
            excerpt=b"".join(chunks).decode("utf-8", errors="replace"),
            location=response.getheader("Location", ""),
        )
    finally:
        connection.close()
