"""Proofs as handed out: the RFC 9162 path plus the signed checkpoint it is against, in a
JSON form that the standalone verifier in ``docs/ledger.md`` reads."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from habeas.errors import VerificationError
from habeas.ledger.checkpoint import Checkpoint
from habeas.ledger.merkle import verify_consistency, verify_inclusion
from habeas.ledger.note import Verifier


def _hex_list(values: Any) -> tuple[bytes, ...]:
    if not isinstance(values, list):
        raise VerificationError("proof path must be a list of hex strings")
    try:
        return tuple(bytes.fromhex(value) for value in values)
    except (TypeError, ValueError):
        raise VerificationError("proof path must be a list of hex strings") from None


def _signed(checkpoint: str, verifier: Verifier | None, size: int, root: bytes) -> None:
    """When a verifier key is given, the proof's checkpoint must be signed by it and commit
    to the same size and root as the proof."""
    if verifier is None:
        return
    signed = Checkpoint.open(checkpoint, verifier)
    if (signed.size, signed.root) != (size, root):
        raise VerificationError(f"proof is for size {size} but its checkpoint is for size "
                                f"{signed.size} or another root")


@dataclass(frozen=True)
class InclusionProof:
    """Proof that the leaf ``leaf_hash`` sits at ``leaf_index`` in the tree of ``tree_size``."""

    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    path: tuple[bytes, ...]
    root: bytes
    checkpoint: str

    def verify(self, verifier: Verifier | None = None) -> None:
        """Raise ``VerificationError`` unless the path leads to the root (and, given a
        verifier, the root is the one the signed checkpoint commits to)."""
        verify_inclusion(self.leaf_index, self.tree_size, self.leaf_hash, self.path, self.root)
        _signed(self.checkpoint, verifier, self.tree_size, self.root)

    def to_json(self) -> dict[str, Any]:
        return {"leaf_index": self.leaf_index, "tree_size": self.tree_size,
                "leaf_hash": self.leaf_hash.hex(), "path": [h.hex() for h in self.path],
                "root": self.root.hex(), "checkpoint": self.checkpoint}

    def tlog_proof(self, entry: bytes | None = None) -> str:
        """The proof as a C2SP ``tlog-proof`` (``c2sp.org/tlog-proof@v1``): the record's
        leaf bytes as ``extra`` (unauthenticated by the format: the verifier hashes them
        and compares with the path's leaf), the index, the path, then the checkpoint."""
        lines = ["c2sp.org/tlog-proof@v1"]
        if entry is not None:
            lines.append("extra " + base64.b64encode(entry).decode())
        lines.append(f"index {self.leaf_index}")
        lines += [base64.b64encode(node).decode() for node in self.path]
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InclusionProof:
        try:
            return cls(int(data["leaf_index"]), int(data["tree_size"]),
                       bytes.fromhex(data["leaf_hash"]), _hex_list(data["path"]),
                       bytes.fromhex(data["root"]), str(data["checkpoint"]))
        except (KeyError, TypeError, ValueError) as error:
            raise VerificationError(f"malformed inclusion proof: {error}") from None


@dataclass(frozen=True)
class ConsistencyProof:
    """Proof that the tree of ``old_size`` is a prefix of the tree of ``new_size``."""

    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    path: tuple[bytes, ...]
    checkpoint: str

    def verify(self, old_root: bytes, verifier: Verifier | None = None) -> None:
        """Raise ``VerificationError`` unless the path proves the tree whose root the
        caller holds (``old_root``, from a checkpoint of ``old_size`` it kept) a prefix of
        the new one (and, given a verifier, the new root is the signed one). The proof's
        own ``old_root`` is the server's word and is never trusted: a log rewritten from
        the start would supply a matching one."""
        if self.old_root != old_root:
            raise VerificationError(f"the proof starts from another root at size "
                                    f"{self.old_size} than the one you hold")
        verify_consistency(self.old_size, self.new_size, old_root, self.new_root, self.path)
        _signed(self.checkpoint, verifier, self.new_size, self.new_root)

    def to_json(self) -> dict[str, Any]:
        return {"old_size": self.old_size, "new_size": self.new_size,
                "old_root": self.old_root.hex(), "new_root": self.new_root.hex(),
                "path": [h.hex() for h in self.path], "checkpoint": self.checkpoint}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConsistencyProof:
        try:
            return cls(int(data["old_size"]), int(data["new_size"]),
                       bytes.fromhex(data["old_root"]), bytes.fromhex(data["new_root"]),
                       _hex_list(data["path"]), str(data["checkpoint"]))
        except (KeyError, TypeError, ValueError) as error:
            raise VerificationError(f"malformed consistency proof: {error}") from None
