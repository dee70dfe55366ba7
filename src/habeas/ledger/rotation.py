"""Signing-key rotation, recorded in the log itself so that it is as verifiable as any record.

A rotation is one record of kind ``key_rotation`` (idempotency key
``habeas:key_rotation:<n>``) whose payload names the old and the new verifier key, followed
at once by a *handover* checkpoint: the tree that ends with that record, signed by the old
key **and** co-signed by the new one. The old signature is what makes the rotation
trustworthy: a monitor that trusts only the old key can check the handover, find the
rotation record in it (inclusion proof) and learn the new key from the log, not from
whoever hands it a key file. The new signature proves the new key's holder took over.

Which key may sign what: a checkpoint of tree size ``N`` must be signed by the key in force
for ``N`` or a later one. Rotation ``j`` at seq ``s`` retires the old key for every size
above ``s + 1``: a stolen retired key can still sign an old tree (which verification holds
against the real root anyway) but never a tree that goes past its handover.

The key chain is read from the records table by idempotency key (one indexed lookup per
rotation, plus one), so opening a ledger stays O(rotations), not O(records).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from habeas.errors import ConfigError, Problem, ValidationError, VerificationError
from habeas.ledger import keys
from habeas.ledger.checkpoint import Checkpoint
from habeas.ledger.note import Signer, Verifier
from habeas.ledger.records import RecordDraft, format_time
from habeas.ledger.store import Row

if TYPE_CHECKING:
    from habeas.ledger.ledger import Ledger
    from habeas.ledger.records import Record

ROTATION_KIND = "key_rotation"
ROTATION_KEY_PREFIX = "habeas:key_rotation:"


class _Lookup(Protocol):
    def by_idempotency_keys(self, keys: Sequence[str]) -> dict[str, Row]: ...


@dataclass(frozen=True)
class Rotation:
    """Rotation number ``number`` (from 1), logged at ``seq``: ``old`` hands over to ``new``."""

    number: int
    seq: int
    old: Verifier
    new: Verifier

    @property
    def handover_size(self) -> int:
        return self.seq + 1


@dataclass(frozen=True)
class KeyChain:
    """The genesis key and every rotation since, in log order."""

    genesis: Verifier
    rotations: tuple[Rotation, ...] = ()

    def keys(self) -> list[Verifier]:
        return [self.genesis, *(r.new for r in self.rotations)]

    def current(self) -> Verifier:
        return self.rotations[-1].new if self.rotations else self.genesis

    def first_allowed(self, size: int) -> int:
        """Index of the oldest key that may sign a tree of ``size``."""
        return sum(1 for r in self.rotations if r.handover_size < size)

    def open(self, note: str, size: int | None, origin: str | None) -> Checkpoint:
        """The checkpoint of ``note`` if a key allowed for its size signed it; else raise."""
        candidates = self.keys()
        if size is None:
            size = Checkpoint.parse(note.rpartition("\n\n")[0] + "\n").size
        allowed = candidates[self.first_allowed(size):]
        errors: list[VerificationError] = []
        for verifier in reversed(allowed):
            try:
                return Checkpoint.open(note, verifier, origin)
            except VerificationError as error:
                errors.append(error)
        if len(candidates) == 1:
            raise errors[0]
        raise VerificationError(f"not signed by a key in force for size {size} "
                                f"({errors[-1]}; nor by any later key)")


def key_chain(store: _Lookup, genesis: Verifier) -> KeyChain:
    """Follow the rotation records from the genesis key; raise if one does not chain on."""
    rotations: list[Rotation] = []
    current = genesis
    while True:
        key = f"{ROTATION_KEY_PREFIX}{len(rotations) + 1}"
        row = store.by_idempotency_keys([key]).get(key)
        if row is None or row.kind != ROTATION_KIND:
            return KeyChain(genesis, tuple(rotations))
        payload: Any = json.loads(row.body).get("payload", {})
        if not isinstance(payload, dict) or payload.get("old_verifier_key") != current.text():
            raise VerificationError(f"key rotation #{len(rotations) + 1} does not name the key "
                                    "in force before it as its old key", seq=row.seq)
        try:
            new = Verifier.parse(str(payload.get("new_verifier_key")))
        except ConfigError as error:
            raise VerificationError(f"key rotation #{len(rotations) + 1}: {error}",
                                    seq=row.seq) from None
        rotations.append(Rotation(len(rotations) + 1, row.seq, current, new))
        current = new


def check_handovers(chain: KeyChain, stored: Sequence[tuple[int, str]], origin: str) -> None:
    """Every rotation must be followed by its handover: a stored checkpoint of the tree that
    ends with the rotation record, signed by both the old and the new key."""
    for rotation in chain.rotations:
        notes = [note for size, note in stored if size == rotation.handover_size]
        if not any(_signed_by_both(note, rotation, origin) for note in notes):
            raise VerificationError(f"key rotation #{rotation.number} has no handover "
                                    f"checkpoint of size {rotation.handover_size} signed by "
                                    "both the old and the new key", seq=rotation.seq)


def _signed_by_both(note: str, rotation: Rotation, origin: str) -> bool:
    try:
        Checkpoint.open(note, rotation.old, origin)
        Checkpoint.open(note, rotation.new, origin)
    except VerificationError:
        return False
    return True


def cosign(note: str, signer: Signer) -> str:
    """Add ``signer``'s signature line to a signed note (C2SP notes may carry several)."""
    text = note.rpartition("\n\n")[0] + "\n"
    line = signer.sign(text).rpartition("\n\n")[2]
    return note + line


def refuse_reserved(drafts: Sequence[RecordDraft]) -> None:
    """Ordinary appends may not write rotation records: only ``rotate_key`` may."""
    problems = []
    for i, draft in enumerate(drafts):
        if draft.kind == ROTATION_KIND:
            problems.append(Problem(f"records[{i}].kind", draft.kind,
                                    "reserved for `habeas key rotate`"))
        key = draft.idempotency_key
        if isinstance(key, str) and key.startswith(ROTATION_KEY_PREFIX):
            problems.append(Problem(f"records[{i}].idempotency_key", draft.idempotency_key,
                                    "reserved for `habeas key rotate`"))
    if problems:
        raise ValidationError(problems)


@dataclass(frozen=True)
class RotationResult:
    record: Record
    handover: str
    new_verifier_key: str
    retired_key_path: Path | None


def rotate_key(ledger: Ledger, reason: str = "") -> RotationResult:
    """Log a rotation to a fresh key, sign the handover with both keys, then swap key files.

    The new key is written beside the old one as ``<key>.next`` before anything is logged,
    and moved into place (the old one kept as ``<key>.retired-<hash>``) only after the
    handover is stored; a rotation interrupted in between is finished by running it again.
    """
    path = ledger._key_path
    pending = None if path is None else path.with_name(path.name + ".next")
    chain = key_chain(ledger.store, ledger._verifier)
    if pending is not None and pending.exists():
        new = keys.read_key(pending)
        if new.verifier().text() != chain.current().text():
            raise ConfigError(f"key file {pending}: left by a rotation that never reached the "
                              "log; remove it and rotate again")
        rotation = chain.rotations[-1]
        old = keys.read_key(path) if path is not None and path.exists() else None
        record = ledger.get(rotation.seq)
    else:
        old = ledger._signing_key()
        new = Signer.generate(ledger.origin)
        if pending is not None:
            keys.write_key(pending, new)
        payload = {"old_verifier_key": old.verifier().text(),
                   "new_verifier_key": new.verifier().text(), "reason": reason}
        draft = RecordDraft(ROTATION_KIND, payload, actor="habeas key rotate",
                            idempotency_key=f"{ROTATION_KEY_PREFIX}{len(chain.rotations) + 1}")
        [record] = ledger._append_reserved([draft])
        rotation = Rotation(len(chain.rotations) + 1, record.seq, old.verifier(),
                            new.verifier())
    handover = _handover(ledger, rotation, old, new)
    retired = None
    if path is not None and pending is not None:
        retired = path.with_name(f"{path.name}.retired-{rotation.old.key_hash.hex()}")
        if path.exists():
            os.replace(path, retired)
        os.replace(pending, path)
        _fsync_dir(path.parent)
    ledger._signer = new
    return RotationResult(record, handover, new.verifier().text(), retired)


def _handover(ledger: Ledger, rotation: Rotation, old: Signer | None, new: Signer) -> str:
    stored = [note for size, note in ledger.store.checkpoints()
              if size == rotation.handover_size]
    for note in stored:
        if _signed_by_both(note, rotation, ledger.origin):
            return note
    if old is None or old.verifier().text() != rotation.old.text():
        raise ConfigError("the handover checkpoint is missing and the old key is gone: "
                          "it cannot be signed any more")
    signer = old
    note = ledger.guard.sign(
        Checkpoint(ledger.origin, rotation.handover_size, ledger.root(rotation.handover_size)),
        ledger._consistency_path, lambda c: cosign(c.sign(signer), new))
    ledger.store.add_checkpoint(rotation.handover_size, note, format_time(ledger._clock()))
    return note


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
