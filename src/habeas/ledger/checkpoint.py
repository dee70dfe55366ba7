"""C2SP tlog-checkpoint bodies: origin, tree size and root hash, one per line."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from habeas.errors import VerificationError
from habeas.ledger.note import Signer, Verifier, open_note


@dataclass(frozen=True)
class Checkpoint:
    """What a signed checkpoint commits to."""

    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        """``<origin>\\n<size>\\n<base64 root>\\n``, the text the signature covers."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    def sign(self, signer: Signer) -> str:
        return signer.sign(self.body())

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """Read a checkpoint body; extension lines after the root are allowed and ignored."""
        lines = body.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise VerificationError("malformed checkpoint: needs origin, size and root lines")
        origin, size_text, root_text = lines[:3]
        if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
            raise VerificationError(f"malformed checkpoint: tree size {size_text!r}")
        try:
            root = base64.b64decode(root_text, validate=True)
        except (ValueError, binascii.Error):
            root = b""
        if len(root) != 32:
            raise VerificationError(f"malformed checkpoint: root hash {root_text!r}")
        return cls(origin, int(size_text), root)

    @classmethod
    def open(cls, note: str, verifier: Verifier, origin: str | None = None) -> Checkpoint:
        """Check the note's signature, then read its checkpoint (and its origin, if given)."""
        checkpoint = cls.parse(open_note(note, verifier))
        if origin is not None and checkpoint.origin != origin:
            raise VerificationError(f"checkpoint is for origin {checkpoint.origin!r}, "
                                    f"not {origin!r}")
        return checkpoint
