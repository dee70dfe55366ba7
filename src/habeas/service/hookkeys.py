"""The server's webhook key: each subscription's signing secret is derived from it, so the
database holds no secret a reader of it could sign deliveries with.

``secret = "whsec_" + base64url(HMAC-SHA256(key, "habeas webhook secret v1\\n" + sub_id))``.
The key is 32 random bytes in a file beside the signing key (``<signing key>.webhooks``,
mode 0600, made on first start); every server process of one ledger must read the same
file. A reader of the database learns subscription ids, never secrets; a reader of the key
file can sign as the server, as a reader of the signing key can.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from habeas.errors import ConfigError

KEY_BYTES = 32
#: What ``svc_subscriptions.secret`` holds for a subscription whose secret is derived.
DERIVED = "derived:v1"
_LABEL = b"habeas webhook secret v1\n"


def derive(key: bytes, subscription_id: str) -> str:
    mac = hmac.new(key, _LABEL + subscription_id.encode(), hashlib.sha256).digest()
    return "whsec_" + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def key_path(signing_key: Path | None) -> Path | None:
    """Where the webhook key lives: beside the signing key (none for an in-memory ledger)."""
    return None if signing_key is None else signing_key.with_name(signing_key.name + ".webhooks")


def load_or_create(path: Path | None) -> bytes:
    """The key in ``path``, made there (mode 0600, never readable by others even for a
    moment) when it does not exist; a fresh key for this process when ``path`` is None."""
    if path is None:
        return secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    except OSError as error:
        raise ConfigError(f"webhook key {path}: cannot create it ({error.strerror})") from None
    key = secrets.token_bytes(KEY_BYTES)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return key


def _read(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"webhook key {path}: mode {mode:04o} lets group or others read it; "
                          f"run chmod 600 {path}")
    try:
        key = bytes.fromhex(path.read_text().strip())
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigError(f"webhook key {path}: not {KEY_BYTES} bytes in hex")
    return key
