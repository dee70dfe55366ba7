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
from habeas.ledger.nodecheck import NodeCheck, NodeMismatch
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
    signer: Checkpoint | None = None


def _open_all(store: Store, chain: KeyChain, origin: str, held: dict[str, str | None]
              ) -> tuple[list[Checkpoint], dict[str, Checkpoint]]:
    """The stored checkpoints and those held outside the database (``held``: by label,
    such as "given checkpoint"), each opened with the key in force for its size."""
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
    outside = {}
    for label, kept in held.items():
        if kept is not None:
            try:
                outside[label] = chain.open(kept, None, origin)
            except VerificationError as error:
                raise VerificationError(f"{label}: {error}") from None
    check_handovers(chain, notes, origin)
    return stored, outside


def verify_log(store: Store, verifier: Verifier | KeyChain, origin: str,
               given_note: str | None = None, progress: ProgressFn | None = None,
               deep: bool = False, signer_note: str | None = None) -> VerifyReport:
    """Raise ``VerificationError`` naming the first bad seq, or report what was checked.
    Each checkpoint is checked with the key in force for its size (see ``rotation``);
    ``deep`` also holds every stored interior node to the records (see ``nodecheck``).
    ``given_note`` is a checkpoint the caller kept, ``signer_note`` the one the signer
    remembers (see ``signer``): both are outside the database, so a rewrite that also
    replaced the stored checkpoints is still caught."""
    size = store.size()
    chain = verifier if isinstance(verifier, KeyChain) else KeyChain(verifier)
    stored, outside = _open_all(store, chain, origin, {"given checkpoint": given_note,
                                                       "the signer's last checkpoint":
                                                       signer_note})
    given, signer = outside.get("given checkpoint"), outside.get("the signer's last checkpoint")
    promised = stored + list(outside.values())
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
    good = 0  # the largest size whose signed root the records reproduce
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
                _fail_at(store, stop, good, f"the root at size {stop} differs from the "
                                            f"signed checkpoint for that size")
            good = stop
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
        _fail_at(store, size, good, "the records do not match the stored tree (the nodes "
                                    "that proofs are made from)")
    return VerifyReport(size, tree.root(), len(stored), given, signer)


def _first_gap(seqs: list[int], expected: int) -> int:
    for offset, seq in enumerate(seqs):
        if seq != expected + offset:
            return expected + offset
    return expected + len(seqs)


def _fail_at(store: Store, size: int, good: int, problem: str) -> None:
    """Name the first record that is not what it was when the tree was built, then raise.

    First a record that is not what its place says (its own seq, time order); else the
    lowest stored tree node that the records no longer produce (a record changed and its
    leaf hash recomputed, the tree left alone), narrowed by ``good``, the largest size
    whose signed root the records still reproduce. A stored node covers two records at
    least, so the culprit may be named as a range of two; when the stored tree was rebuilt
    too, the range runs from ``good`` to ``size``."""
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
    first, last = good, size - 1
    what = "changed, and the stored tree rebuilt to match (only a signed root shows it)"
    check, sha = NodeCheck(store, BATCH), hashlib.sha256
    try:  # the nodes over the whole log: one over the last records may reach past ``size``
        for seqs, bodies, _ in store.leaves(0, store.size(), BATCH):
            check.add(seqs[0], [sha(b"\x00" + body).digest() for body in bodies])
        check.finish()
    except NodeMismatch as mismatch:
        covers = mismatch.index << mismatch.level, ((mismatch.index + 1) << mismatch.level) - 1
        low, high = max(first, covers[0]), min(last, covers[1])
        first, last = (low, high) if low <= high else covers
        node = f"its node at level {mismatch.level}, index {mismatch.index}"
        what = (f"added without the tree ({node} is missing)" if mismatch.missing else
                f"changed after the stored tree was built ({node} no longer matches)")
    if first > last:
        raise VerificationError(problem)
    subject = "this record was" if first == last else "one of these records was"
    raise VerificationError(f"{problem}: {subject} {what}", seq=first, last=last)
