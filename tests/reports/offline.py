"""An independent verifier written from the report's own appendix steps, with nothing from
Habeas: if the printed steps are wrong or incomplete, the tests that use it fail."""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def leaf_hash(record_text: str) -> bytes:
    return hashlib.sha256(b"\x00" + record_text.encode("utf-8")).digest()


def root_from_path(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2."""
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ValueError("path too long")
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("path too short")
    return r


def checkpoint_root(note: str, vkey: str) -> tuple[int, bytes]:
    """Check the signed note with the verifier key; return its tree size and root."""
    body, _, signatures = note.partition("\n\n")
    body += "\n"
    name, key_hash, material = vkey.split("+", 2)
    public = base64.b64decode(material)[1:]
    for line in signatures.splitlines():
        signer, _, blob = line.removeprefix("\u2014 ").rpartition(" ")
        raw = base64.b64decode(blob)
        if signer == name and raw[:4].hex() == key_hash:
            Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], body.encode())
            lines = body.split("\n")
            return int(lines[1]), base64.b64decode(lines[2])
    raise ValueError("no signature by this key")
