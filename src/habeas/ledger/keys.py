"""Where the signing key lives and how it is kept: outside the database, in a file only its
owner can read. The key never appears in logs or error messages; only its path does."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from habeas.errors import ConfigError
from habeas.ledger.note import Signer
from habeas.ledger.store import parse_store_url

KEY_ENV = "HABEAS_KEY"


def default_key_path(url: str, key_path: str | os.PathLike[str] | None) -> Path | None:
    """``key_path``, else ``None`` for an in-memory ledger (key kept in memory), else
    ``$HABEAS_KEY``, else ``<db>.key`` beside a SQLite file, else
    ``~/.config/habeas/signing.key``."""
    if key_path is not None:
        return Path(key_path)
    backend, target = parse_store_url(url)
    if backend == "sqlite" and target == ":memory:":
        return None
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV])
    if backend == "sqlite":
        return Path(target + ".key")
    return Path.home() / ".config" / "habeas" / "signing.key"


def check_free(path: Path) -> None:
    """Refuse to overwrite an existing key: losing it would orphan every checkpoint."""
    if path.exists():
        raise ConfigError(f"key file {path}: already exists; refusing to overwrite it")


def write_key(path: Path, signer: Signer) -> None:
    """Create ``path`` with mode 0600 (never readable by others, not even for a moment)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"key file {path}: already exists; refusing to overwrite it") from None
    except OSError as error:
        raise ConfigError(f"key file {path}: cannot create it ({error.strerror})") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(signer.text() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def check_private(path: Path) -> None:
    """Refuse a key file that is missing or that group or others may read."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        raise ConfigError(f"key file {path}: not found (give --key or $HABEAS_KEY)") from None
    if mode & 0o077:
        raise ConfigError(f"key file {path}: mode {mode:04o} lets group or others read it; "
                          f"run chmod 600 {path}")


def read_key(path: Path) -> Signer:
    """Load the signing key, refusing a file that group or others may read."""
    check_private(path)
    try:
        text = path.read_text().strip()
    except OSError as error:
        raise ConfigError(f"key file {path}: cannot read it ({error.strerror})") from None
    try:
        return Signer.parse(text)
    except ConfigError as error:
        raise ConfigError(f"key file {path}: {error}") from None
