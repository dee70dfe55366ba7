"""The storage contract: persistence and transactions only. Stores never hash, sign or
validate; the ledger does that once, above them, for every backend alike."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import NamedTuple, Protocol

Key = tuple[int, int]

APPEND_ONLY = "habeas ledger is append-only"
"""The message of the database triggers that refuse UPDATE and DELETE."""


class Row(NamedTuple):
    """One record as stored: its canonical bytes plus columns copied out for lookups."""

    seq: int
    recorded_at: str
    kind: str
    idempotency_key: str | None
    body: bytes
    leaf_hash: bytes


class Node(NamedTuple):
    """A perfect subtree of ``2**level`` leaves starting at leaf ``index * 2**level``."""

    level: int
    idx: int
    hash: bytes


class Writer(Protocol):
    """What the ledger may do inside the one exclusive append transaction."""

    def head(self) -> tuple[int, str | None]:
        """The log's size and its last ``recorded_at`` (``None`` when empty)."""
        ...

    def hashes(self, keys: Sequence[Key]) -> dict[Key, bytes]: ...
    def by_idempotency_keys(self, keys: Sequence[str]) -> dict[str, Row]: ...
    def insert(self, rows: Sequence[Row], nodes: Sequence[Node]) -> None: ...


class Store(Protocol):
    """A ledger database. Thread-safe; every method is one short transaction except
    ``writer()``, which holds the database's single writer lock until it exits."""

    url: str

    def initialized(self) -> bool: ...
    def initialize(self, meta: dict[str, str]) -> None: ...
    def meta(self) -> dict[str, str]: ...
    def writer(self) -> AbstractContextManager[Writer]: ...
    def size(self) -> int: ...
    def row(self, seq: int) -> Row | None: ...
    def rows(self, start: int, end: int, batch: int) -> Iterator[list[Row]]: ...
    def leaves(self, start: int, end: int, batch: int
               ) -> Iterator[tuple[list[int], list[bytes], list[bytes]]]: ...
    def hashes(self, keys: Sequence[Key]) -> dict[Key, bytes]: ...
    def add_checkpoint(self, size: int, note: str, issued_at: str) -> None: ...
    def checkpoints(self) -> list[tuple[int, str]]: ...
    def checkpoint_at(self, size: int) -> str | None: ...
    def by_idempotency_keys(self, keys: Sequence[str]) -> dict[str, Row]: ...
    def nodes(self, level: int, start: int, end: int) -> dict[int, bytes]: ...
    def close(self) -> None: ...
