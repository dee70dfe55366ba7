"""The tree as C2SP ``tlog-tiles``: immutable static resources any file server or CDN can
mirror, from which a client computes any proof with no Habeas code.

A tile at level ``L``, index ``N`` holds the hashes of the perfect subtrees of ``256**L``
leaves numbered ``N*256`` to ``N*256+255``: exactly the stored tree nodes at Merkle level
``8*L`` (level 0 is the records' leaf hashes), so a tile is one query for at most 256
stored hashes. A partial tile (``.p/<W>``) holds the first ``W`` of them. An entry bundle
holds the records' leaf bytes, each prefixed by its length as a big-endian uint16.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from habeas.errors import NotFoundError
from habeas.ledger.merkle import Key
from habeas.ledger.store import Store

WIDTH = 256
_INDEX = re.compile(r"^(?:x\d{3}/)*\d{3}$")


@dataclass(frozen=True)
class TilePath:
    """``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]`` (``level`` None)."""

    level: int | None
    index: int
    width: int

    @classmethod
    def parse(cls, path: str) -> TilePath:
        """Raise ``NotFoundError`` for anything that is not a tile path of the spec."""
        head, _, rest = path.removeprefix("tile/").partition("/")
        width = WIDTH
        if ".p/" in rest:
            rest, _, partial = rest.partition(".p/")
            if not partial.isdigit() or partial.startswith("0") or not 1 <= int(partial) < WIDTH:
                raise NotFoundError(f"{path}: not a tile path")
            width = int(partial)
        if not path.startswith("tile/") or not _INDEX.match(rest):
            raise NotFoundError(f"{path}: not a tile path")
        index = int("".join(part.removeprefix("x") for part in rest.split("/")))
        if head == "entries":
            return cls(None, index, width)
        if not head.isdigit() or (head != "0" and head.startswith("0")) or int(head) > 63:
            raise NotFoundError(f"{path}: not a tile path")
        return cls(int(head), index, width)


def index_path(index: int) -> str:
    """``1234067`` -> ``x001/x234/067``."""
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    parts = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*("x" + p for p in parts[:-1]), parts[-1]])


def _available(tile: TilePath, size: int) -> None:
    """A tile exists only when the tree of ``size`` holds all of its hashes."""
    level = 0 if tile.level is None else tile.level
    if tile.index * WIDTH + tile.width > size // (WIDTH ** level):
        raise NotFoundError(f"tile {tile.level if tile.level is not None else 'entries'}/"
                            f"{index_path(tile.index)}: not in the tree of size {size}")


def read_tile(store: Store, tile: TilePath, size: int) -> bytes:
    """The concatenated hashes of a (full or partial) Merkle tree tile."""
    _available(tile, size)
    assert tile.level is not None
    level = 8 * tile.level
    keys: list[Key] = [(level, tile.index * WIDTH + i) for i in range(tile.width)]
    found = store.hashes(keys)
    return b"".join(found[key] for key in keys)


def read_entries(store: Store, tile: TilePath, size: int) -> bytes:
    """The entry bundle: each record's leaf bytes behind a big-endian uint16 length."""
    _available(tile, size)
    start = tile.index * WIDTH
    out = bytearray()
    for rows in store.rows(start, start + tile.width, WIDTH):
        for row in rows:
            if len(row.body) > 0xFFFF:
                raise NotFoundError(f"seq {row.seq}: its {len(row.body)} bytes exceed what an "
                                    "entry bundle can carry (65,535)")
            out += len(row.body).to_bytes(2, "big") + row.body
    return bytes(out)
