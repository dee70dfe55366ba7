"""SQLite backend: the embedded default. WAL with ``synchronous=FULL``, so a commit is on disk
when it returns; ``BEGIN IMMEDIATE`` takes the single writer lock up front, so processes
appending at once queue instead of failing half-way."""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

from habeas.errors import ConfigError, IntegrityError, NotFoundError, OperationalError
from habeas.ledger.store.base import APPEND_ONLY, Key, Node, Row
from habeas.ledger.store.shared import SharedStatements, SharedWriter

_TABLES = ("meta", "records", "nodes", "checkpoints")
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    body BLOB NOT NULL,
    leaf_hash BLOB NOT NULL
);
CREATE TABLE nodes (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY,
    size INTEGER NOT NULL,
    note TEXT NOT NULL,
    issued_at TEXT NOT NULL
);
CREATE INDEX checkpoints_size ON checkpoints (size);
""" + "".join(
    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END;\n"
    for table in _TABLES for verb in ("UPDATE", "DELETE"))


MMAP_SIZE = 1 << 40
"""Map up to this much of the database file for reading (SQLite caps it at its build's
``SQLITE_MAX_MMAP_SIZE``, 2 GiB by default; larger files read the rest as usual)."""


def create_private(path: str) -> None:
    """Create the database file with mode 0600 if it does not exist yet, so that no one
    else may read it even for a moment; SQLite gives its ``-wal`` and ``-shm`` files the
    mode of the database file. An existing file keeps the mode its owner chose."""
    if path == ":memory:" or path.startswith("file:"):
        return
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))


def translate(error: sqlite3.Error, where: str) -> Exception:
    """A driver error as the ``habeas.errors`` class that says what went wrong."""
    text = str(error)
    if isinstance(error, sqlite3.IntegrityError):
        return IntegrityError(f"{where}: {text}")
    if "full" in text:
        return OperationalError(f"{where}: the disk is full ({text})")
    if "readonly" in text or "read-only" in text:
        return OperationalError(f"{where}: the database is read-only ({text})")
    if "unable to open" in text:
        return OperationalError(f"{where}: cannot open the database file ({text})")
    return OperationalError(f"{where}: {text}")


class _Writer(SharedWriter):
    def hashes(self, keys: Sequence[Key]) -> dict[Key, bytes]:
        return _hashes(self._conn, keys)

    def by_idempotency_keys(self, keys: Sequence[str]) -> dict[str, Row]:
        found: dict[str, Row] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start:start + 500])
            marks = ",".join("?" * len(chunk))
            for raw in self._conn.execute(
                    f"SELECT {_ROW} FROM records WHERE idempotency_key IN ({marks})", chunk):
                row = Row(*raw)
                found[str(row.idempotency_key)] = row
        return found

    def insert(self, rows: Sequence[Row], nodes: Sequence[Node]) -> None:
        self._conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", rows)
        if nodes:
            self._conn.executemany("INSERT INTO nodes VALUES (?, ?, ?)", nodes)


_ROW = "seq, recorded_at, kind, idempotency_key, body, leaf_hash"


@functools.lru_cache(maxsize=256)
def _hashes_sql(leaves: int, inner: int) -> str:
    """The lookup statement for that many leaves and inner nodes (cached: its text is also
    the key of SQLite's prepared-statement cache)."""
    parts = ["SELECT level, idx, hash FROM nodes WHERE level = ? AND idx = ?"] * inner
    if leaves:
        parts.append(f"SELECT 0, seq, leaf_hash FROM records WHERE seq IN "
                     f"({','.join('?' * leaves)})")
    return " UNION ALL ".join(parts)


def _hashes(conn: sqlite3.Connection, keys: Sequence[Key]) -> dict[Key, bytes]:
    """Fetch node hashes in one statement; level 0 comes from the records themselves."""
    if not keys:
        return {}
    params = [part for key in keys if key[0] for part in key]
    leaves = [index for level, index in keys if not level]
    rows = conn.execute(_hashes_sql(len(leaves), len(params) // 2), params + leaves)
    return {(level, index): digest for level, index, digest in rows}


class _Reading:
    """``SQLiteStore._read``: the lock held, driver errors translated. A class, not a
    ``@contextmanager`` generator, because a proof makes three reads and the generator
    machinery cost more than some of the queries."""

    __slots__ = ("_store",)

    def __init__(self, store: SQLiteStore) -> None:
        self._store = store

    def __enter__(self) -> sqlite3.Connection:
        self._store._lock.acquire()
        return self._store._conn

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: object) -> None:
        self._store._lock.release()
        if isinstance(error, sqlite3.Error):
            raise translate(error, f"database {self._store.url}: reading") from None


class SQLiteStore(SharedStatements):
    """A ledger in one SQLite file (or in memory for ``memory:``)."""

    MARK = "?"
    _conn: sqlite3.Connection

    def __init__(self, path: str, url: str) -> None:
        self.url = url
        self._lock = threading.RLock()
        try:
            create_private(path)
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                         timeout=60.0)
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
                # Reads through a memory map: no read() call and copy per page missed in
                # SQLite's small page cache (proofs touch ~10 random pages of a big file).
                # Writes still go through write() and fsync; SQLite caps the size.
                self._conn.execute(f"PRAGMA mmap_size={MMAP_SIZE}")
            self._conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as error:
            raise translate(error, f"opening {path}") from None
        except OSError as error:  # creating the file: no such folder, no permission
            raise ConfigError(f"opening {path}: {error.strerror}") from None

    def initialized(self) -> bool:
        with self._lock:
            found = self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
            return found is not None

    def initialize(self, meta: dict[str, str]) -> None:
        with self._lock, self._transaction("creating the ledger") as conn:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
                raise ConfigError(f"database {self.url}: already holds a ledger")
            for statement in SCHEMA.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))

    def meta(self) -> dict[str, str]:
        if not self.initialized():
            raise NotFoundError(f"database {self.url}: holds no ledger (run `habeas init`)")
        with self._lock:
            return dict(self._conn.execute("SELECT key, value FROM meta").fetchall())

    @contextmanager
    def _transaction(self, where: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    if self._conn.in_transaction:  # SQLITE_FULL has already rolled back
                        self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            except sqlite3.Error as error:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise translate(error, f"database {self.url}: {where}") from None

    def _read(self) -> _Reading:
        """One statement in autocommit mode: a snapshot of its own, no BEGIN/COMMIT round
        trips (what is read is append-only, so statements need not share a snapshot)."""
        return _Reading(self)

    @contextmanager
    def writer(self) -> Iterator[_Writer]:
        with self._transaction("appending") as conn:
            yield _Writer(conn)

    def size(self) -> int:
        with self._read() as conn:
            return _Writer(conn).head()[0]

    def row(self, seq: int) -> Row | None:
        with self._read() as conn:
            found = conn.execute(f"SELECT {_ROW} FROM records WHERE seq = ?", (seq,)).fetchone()
            return None if found is None else Row(*found)

    def rows(self, start: int, end: int, batch: int) -> Iterator[list[Row]]:
        while start < end:
            with self._read() as conn:
                chunk = [Row(*raw) for raw in conn.execute(
                    f"SELECT {_ROW} FROM records WHERE seq >= ? AND seq < ? ORDER BY seq",
                    (start, min(end, start + batch)))]
            if not chunk:
                return
            yield chunk
            start += batch

    def leaves(self, start: int, end: int, batch: int
               ) -> Iterator[tuple[list[int], list[bytes], list[bytes]]]:
        while start < end:
            stop = min(end, start + batch)
            with self._read() as conn:
                # One column per statement, both in one read transaction (one snapshot):
                # 1-tuples unpacked in a comprehension cost less than 3-tuples transposed.
                # seq is the integer primary key, so as many rows as the range is long are
                # exactly the seqs start..stop-1; fewer (a record missing) are read again
                # with their seqs, which say where the gap is.
                begin = not conn.in_transaction
                if begin:
                    conn.execute("BEGIN")
                try:
                    bodies = [body for (body,) in conn.execute(
                        "SELECT body FROM records WHERE seq >= ? AND seq < ? ORDER BY seq",
                        (start, stop))]
                    hashes = [digest for (digest,) in conn.execute(
                        "SELECT leaf_hash FROM records WHERE seq >= ? AND seq < ? "
                        "ORDER BY seq", (start, stop))]
                    if len(bodies) == len(hashes) == stop - start:
                        seqs = list(range(start, stop))
                    else:
                        found = conn.execute(
                            "SELECT seq, body, leaf_hash FROM records WHERE seq >= ? "
                            "AND seq < ? ORDER BY seq", (start, stop)).fetchall()
                        seqs, bodies, hashes = ([], [], []) if not found else (
                            list(column) for column in zip(*found, strict=True))
                finally:
                    if begin and conn.in_transaction:
                        conn.execute("COMMIT")
            if seqs:
                yield seqs, bodies, hashes
            start += batch

    def _writer(self, conn: sqlite3.Connection) -> _Writer:
        return _Writer(conn)
