"""Deep verification: hold every stored interior node of the tree to the records.

Proofs are made from stored nodes, so a changed node makes the ledger hand out proofs that
fail, while the records and the root still check out. Recomputing every node costs about
one more hash and one more row read per record, which is why ``habeas verify`` does it
only with ``--deep``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

from habeas.errors import VerificationError


class NodeMismatch(VerificationError):
    """A stored node that the records do not produce: it covers records ``first..last``."""

    def __init__(self, message: str, level: int, index: int, missing: bool) -> None:
        super().__init__(message, seq=index << level)
        self.level, self.index, self.missing = level, index, missing
        self.first, self.last = index << level, ((index + 1) << level) - 1


class _Nodes(Protocol):
    def nodes(self, level: int, start: int, end: int) -> dict[int, bytes]: ...


class NodeCheck:
    """Fed the leaf hashes batch by batch (each batch starting at a multiple of its full
    length, a power of two); compares every complete node with the stored one."""

    def __init__(self, store: _Nodes, batch: int) -> None:
        self.store = store
        self.batch_level = batch.bit_length() - 1
        self.batch_size = batch
        self.tops: list[bytes] = []

    def add(self, start: int, leaves: Sequence[bytes]) -> None:
        hashes = list(leaves)
        level = 0
        while len(hashes) > 1:
            hashes = _parents(hashes)
            level += 1
            self._compare(level, start >> level, hashes)
        if len(leaves) == self.batch_size:
            self.tops.append(hashes[0])

    def finish(self) -> None:
        """The levels above one batch, from the batches' roots."""
        hashes, level = self.tops, self.batch_level
        while len(hashes) > 1:
            hashes = _parents(hashes)
            level += 1
            self._compare(level, 0, hashes)

    def _compare(self, level: int, first: int, hashes: list[bytes]) -> None:
        stored = self.store.nodes(level, first, first + len(hashes))
        for offset, digest in enumerate(hashes):
            if stored.get(first + offset) != digest:
                index = first + offset
                what = "is missing" if index not in stored else "does not match the records"
                raise NodeMismatch(
                    f"the stored tree node at level {level}, index {index} (records "
                    f"{index << level} to {((index + 1) << level) - 1}) {what}: proofs made "
                    "from it would fail", level, index, index not in stored)


def _parents(hashes: list[bytes]) -> list[bytes]:
    sha = hashlib.sha256
    return [sha(b"\x01" + a + b).digest()
            for a, b in zip(hashes[0::2], hashes[1::2], strict=False)]
