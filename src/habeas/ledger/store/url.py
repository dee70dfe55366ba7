"""Database URLs: which backend a ``--db`` value names, and opening it."""

from __future__ import annotations

from typing import NamedTuple

from habeas.errors import ConfigError
from habeas.ledger.store.base import Store

MEMORY = "memory:"


class StoreURL(NamedTuple):
    """``backend`` is ``"sqlite"`` or ``"postgresql"``; ``target`` is a file path,
    ``":memory:"``, or the full PostgreSQL URL."""

    backend: str
    target: str


def parse_store_url(url: str) -> StoreURL:
    """``sqlite:///path`` | a plain path | ``postgresql://...`` (or ``postgres://``) |
    ``memory:`` (in-memory SQLite)."""
    if not url:
        raise ConfigError("database URL: empty")
    if url == MEMORY:
        return StoreURL("sqlite", ":memory:")
    if url.startswith(("postgresql://", "postgres://")):
        return StoreURL("postgresql", url)
    if url.startswith("sqlite://"):
        path = url[len("sqlite://"):]
        if not path.startswith("/") or path == "/":
            raise ConfigError(f"database URL {url!r}: write sqlite:///relative/path or "
                              "sqlite:////absolute/path")
        return StoreURL("sqlite", path[1:])
    if "://" in url:
        raise ConfigError(f"database URL {url!r}: unknown scheme (use sqlite:///path, "
                          "a plain path, postgresql://... or memory:)")
    return StoreURL("sqlite", url)


def open_store(url: str) -> Store:
    """Connect to the database ``url`` names (the ledger itself may not exist yet)."""
    backend, target = parse_store_url(url)
    if backend == "postgresql":
        from habeas.ledger.store.postgres import PostgresStore

        return PostgresStore(target)
    from habeas.ledger.store.sqlite import SQLiteStore

    return SQLiteStore(target, url)
