"""Webhook signatures and the transport that carries them.

A receiver checks ``Habeas-Signature: t=<unix>,v1=<hex>`` where ``hex`` is
HMAC-SHA256(secret, ``<t>.<body>``), and refuses a ``t`` too far from its own clock; the
same scheme as Stripe's, so receivers' existing code applies (docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from typing import Protocol
from urllib.parse import urlsplit

import httpx

SIGNATURE_HEADER = "Habeas-Signature"
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


def refuse_target(url: str, *, local_allowed: bool) -> str | None:
    """Why ``url`` may not receive webhooks, or ``None``. A subscriber chooses where the
    server posts, so by default only ``https`` to a public address: no ``http``, no
    loopback, private or link-local literal (the server's own neighbourhood). Host names are
    not resolved here; a deployment that fears DNS tricks filters egress too."""
    parts = urlsplit(url)
    if local_allowed:
        return None if parts.scheme in ("http", "https") else "an http(s) URL"
    if parts.scheme != "https":
        return "an https:// URL (start the server with --local-webhooks to allow http)"
    host = (parts.hostname or "").strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "a host name, not localhost" if host in ("localhost", "") else None
    if address.is_private or address.is_loopback or address.is_link_local or \
            address.is_reserved or address.is_multicast or address.is_unspecified:
        return "a public address (this one is loopback, private or reserved)"
    return None


class Transport(Protocol):
    """Posts one delivery; returns the HTTP status, raises ``OSError`` when unreachable."""

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int: ...


class HttpTransport:
    """The real thing: a short timeout, no redirects (a redirect could leak the payload)."""

    def __init__(self, timeout: float = 10.0) -> None:
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        try:
            return self._client.post(url, content=body, headers=headers).status_code
        except httpx.HTTPError as error:
            raise OSError(str(error)) from None

