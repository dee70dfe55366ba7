"""Webhook signatures and the transport that carries them.

A receiver checks ``Habeas-Signature: t=<unix>,v1=<hex>`` where ``hex`` is
HMAC-SHA256(secret, ``<t>.<body>``), and refuses a ``t`` too far from its own clock; the
same scheme as Stripe's, so receivers' existing code applies (docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx

SIGNATURE_HEADER = "Habeas-Signature"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, now: int,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver runs; shipped so that tests and docs use the very same check."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


def public(address: IPAddress) -> bool:
    """Whether a webhook may go to ``address``: a global unicast address, so not loopback,
    private, link-local (cloud metadata), CGNAT (100.64.0.0/10), reserved, documentation
    or multicast; an IPv4-mapped IPv6 address is judged as the IPv4 one it carries."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def refuse_target(url: str, *, local_allowed: bool) -> str | None:
    """Why ``url`` may not receive webhooks, or ``None``: checked when subscribing. A
    subscriber chooses where the server posts, so by default only ``https`` to a public
    address. A host name is checked again when each delivery connects, by every address it
    resolves to then (``HttpTransport``): checking it now would prove nothing later."""
    parts = urlsplit(url)
    if local_allowed:
        return None if parts.scheme in ("http", "https") else "an http(s) URL"
    if parts.scheme != "https":
        return "an https:// URL (start the server with --local-webhooks to allow http)"
    host = (parts.hostname or "").strip("[]").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        local = host in ("", "localhost") or host.endswith(".localhost")
        return "a host name, not localhost" if local else None
    if not public(address):
        return "a public address (this one is loopback, private or reserved)"
    return None


class Transport(Protocol):
    """Posts one delivery; returns the HTTP status, raises ``OSError`` when unreachable."""

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int: ...


#: What a subscriber is told of any delivery that got no answer: not why, because "refused",
#: "timed out" and "not a public address" would map the server's neighbourhood for anyone
#: who may subscribe (the detail goes to the server log).
UNDELIVERED = "no answer: the target was unreachable, timed out, or is not a public address"
Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to now (the system's resolver: DNS and /etc/hosts)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in found]


class HttpTransport:
    """The real thing: a short timeout, no redirects (a redirect could leak the payload).

    Unless local targets are allowed, the host is resolved as the delivery connects, every
    address it resolves to must be public, and the connection goes to the address checked
    (the URL's name still in ``Host`` and in TLS's SNI and certificate check), so a name
    that resolves elsewhere a moment later (DNS rebinding) cannot slip in between."""

    def __init__(self, timeout: float = 10.0, *, local_allowed: bool = False,
                 resolver: Resolver = resolve) -> None:
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)
        self.local_allowed = local_allowed
        self._resolve = resolver

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        target, extensions = url, {}
        if not self.local_allowed:
            target, host = self._pinned(url)
            headers = {**headers, "Host": host}
            extensions = {"sni_hostname": urlsplit(url).hostname or ""}
        try:
            return self._client.post(target, content=body, headers=headers,
                                     extensions=extensions).status_code
        except httpx.HTTPError as error:
            raise OSError(str(error)) from None

    def _pinned(self, url: str) -> tuple[str, str]:
        """``url`` with its host replaced by the one checked address, and the Host header."""
        parts = urlsplit(url)
        name = (parts.hostname or "").rstrip(".")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0])
                         for a in self._resolve(name, port)]
        except (OSError, ValueError) as error:
            raise OSError(f"{name}: cannot resolve: {error}") from None
        bad = [str(a) for a in addresses if not public(a)]
        if not addresses or bad:
            raise OSError(f"{name} resolves to a non-public address {bad}")
        chosen = addresses[0]
        literal = f"[{chosen}]" if chosen.version == 6 else str(chosen)
        netloc = f"{literal}:{parts.port}" if parts.port else literal
        host = parts.netloc.rsplit("@", 1)[-1]
        return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host
