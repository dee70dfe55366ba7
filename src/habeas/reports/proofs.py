"""The verification appendix: a signed checkpoint and an inclusion proof per cited record.

Every proof is checked here before it is printed, so a report can never hand a court a
proof that does not verify. A reader without a signing key (a clerk given read access to a
ledger) still gets proofs, against the newest checkpoint the custodian signed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from habeas.errors import ConfigError, NotFoundError, VerificationError
from habeas.ledger import Checkpoint, Ledger, Verifier
from habeas.ledger.canonical import canonical_bytes
from habeas.reports.model import Appendix, ProvenRecord


def prove(ledger: Ledger, seqs: Sequence[int], labels: dict[int, str], *,
          ephemeral: bool) -> Appendix:
    """Proofs of ``seqs`` against the current checkpoint, or the newest signed one when
    this process cannot sign. ``labels`` names each record (``order tro-class-oral``)."""
    note = _checkpoint(ledger)
    verifier = Verifier.parse(ledger.verifier_key())
    checkpoint = Checkpoint.open(note, verifier)
    records = []
    for seq in sorted(set(seqs)):
        if seq >= checkpoint.size:
            continue
        record = ledger.get(seq)
        canonical = canonical_bytes(record.leaf_object())
        if hashlib.sha256(b"\x00" + canonical).digest() != record.leaf_hash:
            raise VerificationError(f"seq {seq}: stored leaf hash does not match its content")
        proof = ledger.inclusion_proof(seq, checkpoint.size)
        proof.verify(verifier)
        records.append(ProvenRecord(seq, labels.get(seq, record.kind), record.leaf_hash.hex(),
                                    canonical.decode("utf-8"), proof.leaf_index,
                                    proof.tree_size, tuple(h.hex() for h in proof.path)))
    unproven = tuple(s for s in sorted(set(seqs)) if s >= checkpoint.size)
    return Appendix(note, verifier.text(), checkpoint.size, checkpoint.root.hex(), ephemeral,
                    tuple(records), unproven)


def _checkpoint(ledger: Ledger) -> str:
    try:
        return ledger.checkpoint()
    except (ConfigError, NotFoundError):
        signed = ledger.checkpoints()
        if not signed:
            raise ConfigError("no signed checkpoint to prove against, and no signing key to "
                              "make one (give --key or $HABEAS_KEY)") from None
        return signed[-1]
