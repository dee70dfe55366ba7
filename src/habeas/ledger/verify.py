"""Full verification: recompute every leaf from its stored bytes, rebuild the root, and hold
both against the stored tree and every signed checkpoint. The happy path only hashes (in
batches, with list comprehensions over ``hashlib``); parsing records is kept for the rare
failure, to name the first bad seq."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from habeas.errors import VerificationError
from habeas.ledger import merkle
from habeas.ledger.checkpoint import Checkpoint
from habeas.ledger.nodecheck import NodeCheck
from habeas.ledger.note import Verifier
from habeas.ledger.rotation import KeyChain, check_handovers
from habeas.ledger.store import Store

ProgressFn = Callable[[int, int], None]
"""Called with (records checked, records to check) after each batch."""

BATCH = 1 << 15


@dataclass(frozen=True)
class VerifyReport:
    """What a successful verification covered."""

    size: int
    root: bytes
    checkpoints: int
    given: Checkpoint | None = None


def _open_all(store: Store, chain: KeyChain, origin: str, given_note: str | None
              ) -> tuple[list[Checkpoint], Checkpoint | None]:
    stored = []
    notes = store.checkpoints()
    for number, (size, note) in enumerate(notes, start=1):
        try:
            checkpoint = chain.open(note, size, origin)
        except VerificationError as error:
            raise VerificationError(f"stored checkpoint #{number}: {error}") from None
        if checkpoint.size != size:
            raise VerificationError(f"stored checkpoint #{number}: filed under size {size} "
                                    f"but signed for size {checkpoint.size}")
        stored.append(checkpoint)
    given = None
    if given_note is not None:
        try:
            given = chain.open(given_note, None, origin)
        except VerificationError as error:
            raise VerificationError(f"given checkpoint: {error}") from None
    check_handovers(chain, notes, origin)
    return stored, given


def verify_log(store: Store, verifier: Verifier | KeyChain, origin: str,
               given_note: str | None = None, progress: ProgressFn | None = None,
               deep: bool = False) -> VerifyReport:
    """Raise ``VerificationError`` naming the first bad seq, or report what was checked.
    Each checkpoint is checked with the key in force for its size (see ``rotation``);
    ``deep`` also holds every stored interior node to the records (see ``nodecheck``)."""
    size = store.size()
    chain = verifier if isinstance(verifier, KeyChain) else KeyChain(verifier)
    stored, given = _open_all(store, chain, origin, given_note)
    promised = stored + ([given] if given else [])
    for checkpoint in promised:
        if checkpoint.size > size:
            raise VerificationError(f"the log holds {size} records but a signed checkpoint "
                                    f"commits to {checkpoint.size}: records were removed",
                                    seq=size)
    roots: dict[int, set[bytes]] = {}
    for checkpoint in promised:
        roots.setdefault(checkpoint.size, set()).add(checkpoint.root)
    stops = sorted(roots)
    tree = merkle.CompactRange()
    sha = hashlib.sha256
    expected = 0
    nodes = NodeCheck(store, BATCH) if deep else None
    for seqs, bodies, stored_hashes in store.leaves(0, size, BATCH):
        if seqs[0] != expected or seqs[-1] != expected + len(seqs) - 1:
            raise VerificationError("record missing or out of place",
                                    seq=_first_gap(seqs, expected))
        leaves = [sha(b"\x00" + body).digest() for body in bodies]
        if leaves != stored_hashes:
            bad = next(i for i, (a, b) in enumerate(zip(leaves, stored_hashes, strict=True))
                       if a != b)
            raise VerificationError("the stored leaf hash does not match the record's bytes",
                                    seq=expected + bad)
        if nodes is not None:
            nodes.add(expected, leaves)
        offset = 0
        while stops and stops[0] <= expected + len(leaves):
            stop = stops.pop(0)
            tree.extend(leaves[offset:stop - expected])
            offset = stop - expected
            if roots[stop] != {tree.root()}:  # every checkpoint of this size, not just one
                _fail_at(store, stop, f"the root at size {stop} differs from the signed "
                                      f"checkpoint for that size")
        tree.extend(leaves[offset:])
        expected += len(seqs)
        if progress is not None:
            progress(expected, size)
    if expected != size:
        raise VerificationError("record missing or out of place", seq=expected)
    if nodes is not None:
        nodes.finish()
    if stops and tree.root() not in roots[stops[0]]:  # only a checkpoint of the empty log
        raise VerificationError("the signed checkpoint of the empty log has another root")
    keys = merkle.root_keys(size)
    found = store.hashes(keys)
    if any(key not in found for key in keys) or merkle.fold([found[k] for k in keys]) != \
            tree.root():
        _fail_at(store, size, "the records do not match the stored tree (the nodes that "
                              "proofs are made from)")
    return VerifyReport(size, tree.root(), len(stored), given)


def _first_gap(seqs: list[int], expected: int) -> int:
    for offset, seq in enumerate(seqs):
        if seq != expected + offset:
            return expected + offset
    return expected + len(seqs)


def _fail_at(store: Store, size: int, problem: str) -> None:
    """Find the first record that is not what its place says (its own seq, time order),
    then raise naming it; if every record looks in place, name only the size."""
    previous = ""
    for rows in store.rows(0, size, BATCH):
        for row in rows:
            data = json.loads(row.body)
            if data.get("seq") != row.seq:
                raise VerificationError(f"{problem}: the record stored here says it is seq "
                                        f"{data.get('seq')}", seq=row.seq)
            if data.get("recorded_at", "") < previous:
                raise VerificationError(f"{problem}: recorded_at goes back in time",
                                        seq=row.seq)
            previous = data.get("recorded_at", "")
    raise VerificationError(problem)
