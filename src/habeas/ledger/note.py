"""C2SP signed notes with Ed25519 keys (signature type 0x01), as Go's ``sumdb/note`` writes them.

A note is UTF-8 text ending in a newline, a blank line, then one line per signature:
``— <key name> base64(key hash (4 bytes) || signature)``. The key hash is the first four
bytes of ``SHA-256(name || 0x0A || 0x01 || public key)``. Keys travel as text: the verifier
key ``name+hash+base64(0x01 || public key)`` and the signer key
``PRIVATE+KEY+name+hash+base64(0x01 || seed)``, so Go tooling reads ours and we read theirs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from habeas.errors import ConfigError, VerificationError

ALG_ED25519 = 0x01
_SIG_PREFIX = "\u2014 "
_PRIVATE_PREFIX = "PRIVATE+KEY+"


def _key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public).digest()[:4]


def _check_name(name: str) -> None:
    if not name or any(ch.isspace() for ch in name) or "+" in name:
        raise ConfigError(f"key name {name!r}: must be non-empty, without spaces or '+'")


@dataclass(frozen=True)
class Verifier:
    """A named Ed25519 public key that checks note signatures."""

    name: str
    key_hash: bytes
    public: Ed25519PublicKey

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """Read ``name+hash+base64(0x01 || key)``; raises ``ConfigError`` if malformed."""
        name, sep1, rest = vkey.partition("+")
        hash_hex, sep2, material = rest.partition("+")
        try:
            if not (sep1 and sep2) or len(hash_hex) != 8:
                raise ValueError("expected name+hash+key")
            raw = base64.b64decode(material, validate=True)
            if len(raw) != 33 or raw[0] != ALG_ED25519:
                raise ValueError("not an Ed25519 key (type 0x01, 32 bytes)")
            key_hash = bytes.fromhex(hash_hex)
            _check_name(name)
        except (ValueError, binascii.Error, ConfigError) as error:
            raise ConfigError(f"verifier key {vkey!r}: {error}") from None
        if _key_hash(name, raw[1:]) != key_hash:
            raise ConfigError(f"verifier key {vkey!r}: key hash does not match name and key")
        return cls(name, key_hash, Ed25519PublicKey.from_public_bytes(raw[1:]))

    def text(self) -> str:
        """The verifier key in its text form."""
        raw = self.public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return (f"{self.name}+{self.key_hash.hex()}+"
                + base64.b64encode(bytes([ALG_ED25519]) + raw).decode())


@dataclass(frozen=True)
class Signer:
    """A named Ed25519 private key that signs notes."""

    name: str
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> Signer:
        _check_name(name)
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, skey: str) -> Signer:
        """Read ``PRIVATE+KEY+name+hash+base64(0x01 || seed)``; never echoes the key."""
        problem = "not a signer key (PRIVATE+KEY+name+hash+base64)"
        if skey.startswith(_PRIVATE_PREFIX):
            name, _, rest = skey[len(_PRIVATE_PREFIX):].partition("+")
            hash_hex, _, material = rest.partition("+")
            try:
                raw = base64.b64decode(material, validate=True)
            except (ValueError, binascii.Error):
                raw = b""
            if len(raw) == 33 and raw[0] == ALG_ED25519:
                signer = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
                if signer.verifier().key_hash.hex() == hash_hex:
                    return signer
                problem = "key hash does not match name and key"
        raise ConfigError(f"signing key: {problem}")

    def text(self) -> str:
        """The signer key in its text form (secret: write it only to a 0600 file)."""
        seed = self.private.private_bytes_raw()
        return (f"{_PRIVATE_PREFIX}{self.name}+{self.verifier().key_hash.hex()}+"
                + base64.b64encode(bytes([ALG_ED25519]) + seed).decode())

    def verifier(self) -> Verifier:
        public = self.private.public_key()
        raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, _key_hash(self.name, raw), public)

    def sign(self, text: str) -> str:
        """The signed note: ``text`` (must end in a newline), a blank line, our signature."""
        _check_text(text)
        signature = self.private.sign(text.encode())
        blob = base64.b64encode(self.verifier().key_hash + signature).decode()
        return f"{text}\n{_SIG_PREFIX}{self.name} {blob}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text:
        raise VerificationError("note text must end in a newline and hold no blank line")


def open_note(note: str, verifier: Verifier) -> str:
    """The text of ``note`` once a signature by ``verifier`` checks out; else raises."""
    text, sep, signatures = note.rpartition("\n\n")
    if not sep:
        raise VerificationError("malformed note: no blank line before the signatures")
    text += "\n"
    _check_text(text)
    if not signatures.endswith("\n"):
        raise VerificationError("malformed note: signature block must end in a newline")
    for line in signatures[:-1].split("\n"):
        if not line.startswith(_SIG_PREFIX):
            raise VerificationError(f"malformed signature line {line!r}")
        name, _, blob = line[len(_SIG_PREFIX):].partition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except (ValueError, binascii.Error):
            raise VerificationError(f"malformed signature line {line!r}") from None
        if len(raw) < 5:
            raise VerificationError(f"malformed signature line {line!r}")
        if name != verifier.name or raw[:4] != verifier.key_hash:
            continue
        try:
            verifier.public.verify(raw[4:], text.encode())
        except InvalidSignature:
            raise VerificationError(f"signature by {name} does not verify") from None
        return text
    raise VerificationError(f"note carries no signature by {verifier.name}+"
                            f"{verifier.key_hash.hex()}")
