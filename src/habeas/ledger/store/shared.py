"""What the SQLite and PostgreSQL stores do alike: the same statements over a DB-API
connection, differing only in the parameter marker (``?`` or ``%s``).

Each backend supplies how to read, how to run a transaction (with its own error
translation) and its writer; the statements live here once, so the two backends cannot
drift apart on what a checkpoint or a node is.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, ClassVar

from habeas.ledger.store.base import Key, Row, Writer


class SharedWriter:
    """The part of a backend's writer that is the same SQL on both: where the log ends."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def head(self) -> tuple[int, str | None]:
        found = self._conn.execute(
            "SELECT seq, recorded_at FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        return (0, None) if found is None else (int(found[0]) + 1, str(found[1]))


class SharedStatements:
    """Mixin for a store with ``_conn``, ``_lock``, ``_read()``, ``_transaction()`` and
    ``_writer(conn)``."""

    MARK: ClassVar[str]
    _conn: Any
    _lock: threading.RLock

    def _read(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _transaction(self, where: str) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _writer(self, conn: Any) -> Writer:
        raise NotImplementedError

    def hashes(self, keys: Sequence[Key]) -> dict[Key, bytes]:
        with self._read() as conn:
            return self._writer(conn).hashes(keys)

    def by_idempotency_keys(self, keys: Sequence[str]) -> dict[str, Row]:
        with self._read() as conn:
            return self._writer(conn).by_idempotency_keys(keys)

    def add_checkpoint(self, size: int, note: str, issued_at: str) -> None:
        m = self.MARK
        with self._transaction("storing a checkpoint") as conn:
            conn.execute(f"INSERT INTO checkpoints (size, note, issued_at) VALUES ({m}, {m}, {m})",
                         (size, note, issued_at))

    def checkpoints(self) -> list[tuple[int, str]]:
        with self._read() as conn:
            return [(int(size), str(note)) for size, note in conn.execute(
                "SELECT size, note FROM checkpoints ORDER BY id")]

    def checkpoint_at(self, size: int) -> str | None:
        with self._read() as conn:
            found = conn.execute(f"SELECT note FROM checkpoints WHERE size = {self.MARK} "
                                 "ORDER BY id LIMIT 1", (size,)).fetchone()
            return None if found is None else str(found[0])

    def nodes(self, level: int, start: int, end: int) -> dict[int, bytes]:
        """Stored nodes of ``level`` with ``start <= idx < end`` (for deep verification)."""
        m = self.MARK
        with self._read() as conn:
            return {int(idx): bytes(digest) for idx, digest in conn.execute(
                f"SELECT idx, hash FROM nodes WHERE level = {m} AND idx >= {m} AND idx < {m}",
                (level, start, end))}

    def close(self) -> None:
        with self._lock:
            self._conn.close()
