"""C2SP ``tlog-cosignature`` v1 (Ed25519, signature type 0x04) and k-of-n witness policies.

A cosignature is a note signature line ``— <witness name> base64(key id || timestamp ||
signature)``: the key id is ``SHA-256(name || "\\n" || 0x04 || public key)[:4]``, the
timestamp a big-endian u64 of POSIX seconds, and the Ed25519 signature covers
``cosignature/v1\\ntime <timestamp>\\n`` followed by the checkpoint body. It says: as of that
time, this is the largest tree the witness has seen for the origin, consistent with every
earlier one it saw. Keys travel as text like the log's (``name+id+base64(0x04 || key)``,
``PRIVATE+KEY+name+id+base64(0x04 || seed)``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from habeas.errors import ConfigError, VerificationError

ALG_COSIGNATURE_V1 = 0x04
_SIG_PREFIX = "\u2014 "
_PRIVATE_PREFIX = "PRIVATE+KEY+"


def _key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public
                          ).digest()[:4]


def signed_message(body: str, timestamp: int) -> bytes:
    """What a v1 cosignature signs: the header and time lines, then the checkpoint body."""
    return f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode()


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class WitnessVerifier:
    """A witness's name and Ed25519 public key: checks its cosignatures."""

    name: str
    key_id: bytes
    public: Ed25519PublicKey

    @classmethod
    def parse(cls, vkey: str) -> WitnessVerifier:
        name, _, rest = vkey.strip().partition("+")
        id_hex, _, material = rest.partition("+")
        try:
            raw = base64.b64decode(material, validate=True)
            if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1 or len(id_hex) != 8:
                raise ValueError("not a cosignature/v1 key (type 0x04, 32 bytes)")
            if not name or any(c.isspace() for c in name):
                raise ValueError("bad name")
            key_id = bytes.fromhex(id_hex)
        except (ValueError, binascii.Error) as error:
            raise ConfigError(f"witness key {vkey.strip()!r}: {error}") from None
        if _key_id(name, raw[1:]) != key_id:
            raise ConfigError(f"witness key {vkey.strip()!r}: key id does not match name "
                              "and key")
        return cls(name, key_id, Ed25519PublicKey.from_public_bytes(raw[1:]))

    def text(self) -> str:
        return (f"{self.name}+{self.key_id.hex()}+"
                + base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + _raw(self.public)).decode())

    def timestamp(self, note: str) -> int:
        """The time of this witness's valid cosignature on ``note``; raises if none."""
        text, sep, signatures = note.rpartition("\n\n")
        body = text + "\n"
        for line in signatures.splitlines() if sep else []:
            if not line.startswith(_SIG_PREFIX):
                continue
            name, _, blob = line[len(_SIG_PREFIX):].partition(" ")
            try:
                raw = base64.b64decode(blob, validate=True)
            except (ValueError, binascii.Error):
                continue
            if name != self.name or raw[:4] != self.key_id or len(raw) != 4 + 8 + 64:
                continue
            (timestamp,) = struct.unpack(">Q", raw[4:12])
            try:
                self.public.verify(raw[12:], signed_message(body, timestamp))
            except InvalidSignature:
                raise VerificationError(f"cosignature by witness {self.name} does not "
                                        "verify") from None
            if timestamp >= 1 << 63:
                raise VerificationError(f"cosignature by witness {self.name}: timestamp "
                                        "out of range")
            return int(timestamp)
        raise VerificationError(f"note carries no cosignature by witness {self.name}")


@dataclass(frozen=True)
class Cosigner:
    """A witness's private key."""

    name: str
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> Cosigner:
        if not name or any(c.isspace() for c in name) or "+" in name:
            raise ConfigError(f"witness name {name!r}: must be non-empty, without spaces "
                              "or '+'")
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, skey: str) -> Cosigner:
        skey = skey.strip()
        if skey.startswith(_PRIVATE_PREFIX):
            name, _, rest = skey[len(_PRIVATE_PREFIX):].partition("+")
            id_hex, _, material = rest.partition("+")
            try:
                raw = base64.b64decode(material, validate=True)
            except (ValueError, binascii.Error):
                raw = b""
            if len(raw) == 33 and raw[0] == ALG_COSIGNATURE_V1:
                cosigner = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
                if cosigner.verifier().key_id.hex() == id_hex:
                    return cosigner
        raise ConfigError("witness key: not a cosignature/v1 private key")

    def text(self) -> str:
        return (f"{_PRIVATE_PREFIX}{self.name}+{self.verifier().key_id.hex()}+"
                + base64.b64encode(bytes([ALG_COSIGNATURE_V1])
                                   + self.private.private_bytes_raw()).decode())

    def verifier(self) -> WitnessVerifier:
        public = self.private.public_key()
        return WitnessVerifier(self.name, _key_id(self.name, _raw(public)), public)

    def cosign(self, body: str, timestamp: int) -> str:
        """One signature line (with its newline) cosigning the checkpoint ``body``."""
        signature = self.private.sign(signed_message(body, timestamp))
        blob = self.verifier().key_id + struct.pack(">Q", timestamp) + signature
        return f"{_SIG_PREFIX}{self.name} {base64.b64encode(blob).decode()}\n"


@dataclass(frozen=True)
class WitnessPolicy:
    """Trust a checkpoint only when at least ``quorum`` of ``witnesses`` cosigned it."""

    witnesses: tuple[WitnessVerifier, ...]
    quorum: int

    @classmethod
    def parse(cls, vkeys: Sequence[str], quorum: int | None) -> WitnessPolicy | None:
        """``None`` when no witness is named; the quorum defaults to all of them."""
        if not vkeys:
            if quorum:
                raise ConfigError("--quorum needs at least one --witness key")
            return None
        witnesses = tuple(WitnessVerifier.parse(v) for v in vkeys)
        quorum = len(witnesses) if quorum is None else quorum
        if not 1 <= quorum <= len(witnesses):
            raise ConfigError(f"--quorum {quorum}: must be between 1 and the number of "
                              f"witness keys ({len(witnesses)})")
        return cls(witnesses, quorum)

    def check(self, note: str) -> list[str]:
        """The names of the witnesses that cosigned ``note``; raise below the quorum."""
        good, problems = [], []
        for witness in self.witnesses:
            try:
                witness.timestamp(note)
            except VerificationError as error:
                problems.append(str(error))
            else:
                good.append(witness.name)
        if len(good) < self.quorum:
            raise VerificationError(f"the checkpoint has {len(good)} of the {self.quorum} "
                                    f"witness cosignatures required ({'; '.join(problems)})")
        return good


def add_cosignatures(note: str, lines: str, witnesses: Sequence[WitnessVerifier]) -> str:
    """``note`` with those of ``lines`` that are valid cosignatures by ``witnesses``
    (others are ignored, as the witness protocol requires of clients)."""
    body = note.rpartition("\n\n")[0] + "\n"
    kept = []
    for line in lines.splitlines(keepends=True):
        for witness in witnesses:
            try:
                witness.timestamp(body + "\n" + line)
            except VerificationError:
                continue
            kept.append(line if line.endswith("\n") else line + "\n")
            break
    return note + "".join(kept)

