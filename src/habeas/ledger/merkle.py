"""The RFC 9162 §2.1 Merkle tree: hashes, roots, proofs and their verifiers; pure functions.

Proofs are built from the hashes of *perfect* subtrees only, named ``(level, index)``: the
subtree of ``2**level`` leaves starting at leaf ``index * 2**level``. A log stores each one
when its last leaf is appended, so the functions here first say *which* nodes a root or a
proof needs (``*_keys``: O(log n) of them) and then assemble the answer from the hashes the
caller fetched, without ever touching the whole log. Level 0 nodes are the leaf hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from habeas.errors import VerificationError

Key = tuple[int, int]
"""``(level, index)`` of a perfect subtree."""

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_sha256 = sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``: the 0x00 prefix keeps leaves and nodes apart (RFC 9162)."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (n >= 2): RFC 9162's ``k``."""
    return 1 << ((n - 1).bit_length() - 1)


def range_keys(start: int, end: int) -> list[Key]:
    """The perfect subtrees that tile leaves ``[start, end)``, largest first.

    Only used on ranges the RFC recursion produces (``start`` aligned to a power of two at
    least ``end - start``), where folding them right to left gives ``MTH(D[start:end])``.
    """
    keys: list[Key] = []
    while start < end:
        level = (end - start).bit_length() - 1
        keys.append((level, start >> level))
        start += 1 << level
    return keys


def fold(hashes: Sequence[bytes]) -> bytes:
    """Hash of a range from its perfect subtrees (largest first), folded right to left."""
    count = len(hashes)
    if count == 1:
        return hashes[0]
    if not count:
        return EMPTY_ROOT
    result = hashes[-1]
    sha = _sha256
    for i in range(count - 2, -1, -1):
        result = sha(b"\x01" + hashes[i] + result).digest()  # node_hash, inlined
    return result


def root_keys(size: int) -> list[Key]:
    """The nodes whose fold is the root of a tree of ``size`` leaves."""
    return range_keys(0, size)


def inclusion_keys(index: int, size: int) -> list[list[Key]]:
    """For each element of the inclusion proof (leaf upwards), the nodes to fold into it."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path: list[list[Key]] = []
    add = path.append
    start, end = 0, size
    while end - start > 1:
        level = (end - start - 1).bit_length() - 1  # _split, inlined: k = 2**level
        middle = start + (1 << level)
        if index < middle:
            if end - middle & end - middle - 1:  # not a power of two: several subtrees
                add(range_keys(middle, end))
            else:
                add([((end - middle).bit_length() - 1, middle >> (end - middle).bit_length()
                      - 1)])
            end = middle
        else:
            add([(level, start >> level)])  # range_keys(start, middle), a perfect subtree
            start = middle
    path.reverse()
    return path


def consistency_keys(old_size: int, new_size: int) -> list[list[Key]]:
    """For each element of the consistency proof (RFC 9162 §2.1.4.1), the nodes to fold."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"sizes {old_size} and {new_size} are not in order")
    if old_size in (0, new_size):
        return []
    path: list[list[Key]] = []
    start, end, whole = 0, new_size, True
    m = old_size
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            path.append(range_keys(start + k, end))
            end = start + k
        else:
            path.append(range_keys(start, start + k))
            start += k
            m -= k
            whole = False
    if not whole:
        path.append(range_keys(start, end))
    path.reverse()
    return path


def assemble(groups: Iterable[list[Key]], hashes: Mapping[Key, bytes]) -> list[bytes]:
    """Turn ``*_keys`` output and the fetched node hashes into a proof."""
    return [hashes[group[0]] if len(group) == 1 else fold([hashes[key] for key in group])
            for group in groups]


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes:
    """The root an inclusion proof implies (RFC 9162 §2.1.3.2); raises if malformed."""
    if not 0 <= index < size:
        raise VerificationError(f"leaf index {index} is outside a tree of size {size}")
    _check_lengths([leaf, *path])
    fn, sn = index, size - 1
    result = leaf
    sha = _sha256
    for sibling in path:
        if sn == 0:
            raise VerificationError("inclusion proof has too many nodes")
        if fn & 1 or fn == sn:
            result = sha(b"\x01" + sibling + result).digest()
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            result = sha(b"\x01" + result + sibling).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("inclusion proof has too few nodes")
    return result


def _check_lengths(hashes: Iterable[bytes]) -> None:
    if set(map(len, hashes)) != {HASH_SIZE}:
        raise VerificationError(f"a hash in the proof is not {HASH_SIZE} bytes long")


def verify_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes],
                     root: bytes) -> None:
    """Raise ``VerificationError`` unless ``path`` proves ``leaf`` at ``index`` under ``root``."""
    if root_from_inclusion(index, size, leaf, path) != root:
        raise VerificationError(f"inclusion proof of leaf {index} does not lead to the root "
                                f"of size {size}")


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       path: Sequence[bytes]) -> None:
    """Raise ``VerificationError`` unless ``path`` proves the old tree a prefix of the new
    one (RFC 9162 §2.1.4.2)."""
    if not 0 <= old_size <= new_size:
        raise VerificationError(f"sizes {old_size} and {new_size} are not in order")
    if old_size == new_size or old_size == 0:
        if path:
            raise VerificationError("consistency proof should be empty")
        if old_size == new_size and old_root != new_root:
            raise VerificationError(f"roots differ at the same size {old_size}")
        return
    _check_lengths([old_root, new_root, *path])
    if not path:
        raise VerificationError("consistency proof is empty")
    proof = list(path)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        proof.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for node in proof[1:]:
        if sn == 0:
            raise VerificationError("consistency proof has too many nodes")
        if fn & 1 or fn == sn:
            fr = node_hash(node, fr)
            sr = node_hash(node, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, node)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("consistency proof has too few nodes")
    if fr != old_root:
        raise VerificationError(f"consistency proof does not lead to the old root "
                                f"(size {old_size})")
    if sr != new_root:
        raise VerificationError(f"consistency proof does not lead to the new root "
                                f"(size {new_size})")


@dataclass
class CompactRange:
    """The perfect-subtree roots of a growing tree: enough to extend it and take its root.

    ``on_node`` sees every perfect subtree of level >= 1 as it completes, which is how the
    log learns which nodes to store at append time.
    """

    size: int = 0
    stack: list[tuple[int, bytes]] = field(default_factory=list)
    on_node: Callable[[int, int, bytes], None] | None = None

    @classmethod
    def from_frontier(cls, size: int, hashes: Sequence[bytes],
                      on_node: Callable[[int, int, bytes], None] | None = None) -> CompactRange:
        """Resume from the nodes ``root_keys(size)`` names, in that order."""
        keys = root_keys(size)
        if len(keys) != len(hashes):
            raise ValueError(f"size {size} needs {len(keys)} frontier nodes, got {len(hashes)}")
        return cls(size, [(level, h) for (level, _), h in zip(keys, hashes, strict=True)],
                   on_node)

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash, merging subtrees it completes."""
        self._push(0, leaf)

    def extend(self, leaves: Sequence[bytes]) -> None:
        """Add many leaf hashes, reducing aligned power-of-two chunks level by level
        (much faster than one at a time when nobody listens for nodes)."""
        if self.on_node is not None:
            for leaf in leaves:
                self._push(0, leaf)
            return
        i, n = 0, len(leaves)
        sha = _sha256
        while i < n:
            room = n - i
            align = self.size & -self.size or room
            chunk = 1 << (min(room, align).bit_length() - 1)
            level_hashes = list(leaves[i:i + chunk])
            level = 0
            while len(level_hashes) > 1:
                pairs = iter(level_hashes)  # zip(it, it): left and right, no slice copies
                level_hashes = [sha(b"\x01" + a + b).digest()
                                for a, b in zip(pairs, pairs, strict=True)]
                level += 1
            self._push(level, level_hashes[0])
            i += chunk

    def _push(self, level: int, digest: bytes) -> None:
        stack = self.stack
        index = self.size >> level
        self.size += 1 << level
        if stack and stack[-1][0] == level:
            sha, on_node, pop = _sha256, self.on_node, stack.pop
            while stack and stack[-1][0] == level:
                digest = sha(b"\x01" + pop()[1] + digest).digest()  # node_hash, inlined
                level += 1
                index >>= 1
                if on_node is not None:
                    on_node(level, index, digest)
        stack.append((level, digest))

    def root(self) -> bytes:
        """The root of the tree so far."""
        return fold([digest for _, digest in self.stack])
