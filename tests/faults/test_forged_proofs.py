"""Forged proofs: a path with a node too many or too few, a changed size or index, a
changed hash, a checkpoint of another size, and arbitrary JSON. The verifier refuses each
with a message that says what is wrong, and never fails any other way."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from habeas.errors import VerificationError
from habeas.ledger import ConsistencyProof, InclusionProof, Ledger, RecordDraft, Verifier


@pytest.fixture(scope="module")
def ledger() -> Iterator[Ledger]:
    with Ledger.init("memory:") as ledger:
        ledger.append([RecordDraft("proof.test", {"i": i}) for i in range(13)])
        yield ledger


def vkey(ledger: Ledger) -> Verifier:
    return Verifier.parse(ledger.verifier_key())


def refused(proof: InclusionProof | ConsistencyProof, verifier: Verifier,
            held: bytes | None = None) -> str:
    with pytest.raises(VerificationError) as caught:
        if isinstance(proof, ConsistencyProof):
            proof.verify(proof.old_root if held is None else held, verifier)
        else:
            proof.verify(verifier)
    return str(caught.value)


def test_genuine_proofs_verify(ledger: Ledger) -> None:
    for seq in range(13):
        ledger.inclusion_proof(seq).verify(vkey(ledger))
    for old in range(14):
        ledger.consistency_proof(old).verify(ledger.root(old), vkey(ledger))


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: {"path": (*p.path, p.path[0])}, "inclusion proof has too many nodes"),
    (lambda p: {"path": p.path[:-1]}, "inclusion proof has too few nodes"),
    (lambda p: {"path": ()}, "inclusion proof has too few nodes"),
    (lambda p: {"tree_size": 9}, "proof is for size 9 but its checkpoint is for size 13"),
    (lambda p: {"tree_size": 5}, "leaf index 5 is outside a tree of size 5"),
    (lambda p: {"tree_size": 1 << 20}, "inclusion proof has too few nodes"),
    (lambda p: {"leaf_index": 4}, "inclusion proof of leaf 4 does not lead to the root of "
                                  "size 13"),
    (lambda p: {"leaf_index": -1}, "leaf index -1 is outside a tree of size 13"),
    (lambda p: {"leaf_hash": bytes(32)}, "does not lead to the root"),
    (lambda p: {"path": (bytes(31), *p.path[1:])}, "is not 32 bytes long"),
    (lambda p: {"root": bytes(32)}, "does not lead to the root"),
])
def test_forged_inclusion_proof(ledger: Ledger, change: Any, message: str) -> None:
    proof = ledger.inclusion_proof(5)
    assert message in refused(dataclasses.replace(proof, **change(proof)), vkey(ledger))


def test_inclusion_proof_against_another_checkpoint(ledger: Ledger) -> None:
    """A genuine path for size 13 paired with the signed checkpoint of size 12."""
    proof = dataclasses.replace(ledger.inclusion_proof(5),
                                checkpoint=ledger.checkpoint(12))
    assert refused(proof, vkey(ledger)) == ("proof is for size 13 but its checkpoint is for "
                                            "size 12 or another root")


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: {"path": (*p.path, p.path[0])}, "consistency proof has too many nodes"),
    (lambda p: {"path": p.path[:-1]}, "consistency proof has too few nodes"),
    (lambda p: {"path": ()}, "consistency proof is empty"),
    (lambda p: {"old_size": 6}, "consistency proof has too many nodes"),
    (lambda p: {"old_size": 5}, "consistency proof does not lead to the old root (size 5)"),
    (lambda p: {"new_size": 12}, "proof is for size 12 but its checkpoint is for size 13"),
    (lambda p: {"old_size": 14}, "sizes 14 and 13 are not in order"),
    (lambda p: {"old_root": bytes(32)}, "consistency proof does not lead to the old root "
                                        "(size 7)"),
    (lambda p: {"new_root": bytes(32)}, "consistency proof does not lead to the new root "
                                        "(size 13)"),
])
def test_forged_consistency_proof(ledger: Ledger, change: Any, message: str) -> None:
    proof = ledger.consistency_proof(7)
    forged = dataclasses.replace(proof, **change(proof))
    assert message in refused(forged, vkey(ledger), forged.old_root)


def test_consistency_is_checked_from_the_root_the_client_holds(ledger: Ledger) -> None:
    """A proof whose old root is the server's own, self-consistent with its path, is
    refused when the client holds another root for that size (a rewritten log)."""
    proof = ledger.consistency_proof(7)
    assert refused(proof, vkey(ledger), bytes(32)) == (
        "the proof starts from another root at size 7 than the one you hold")


hexes = st.one_of(st.binary(min_size=0, max_size=40).map(bytes.hex), st.text(max_size=70),
                  st.integers(), st.none())
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries(
    {}, optional={"leaf_index": st.integers() | hexes, "tree_size": st.integers() | hexes,
                  "leaf_hash": hexes, "path": st.lists(hexes, max_size=8) | json_values,
                  "root": hexes, "checkpoint": st.text(max_size=200) | json_values,
                  "old_size": st.integers() | hexes, "new_size": st.integers() | hexes,
                  "old_root": hexes, "new_root": hexes}) | json_values)
def test_arbitrary_proof_json_is_refused_cleanly(ledger: Ledger, data: Any) -> None:
    """Anything a client may be handed as a proof: a VerificationError or success, never
    a TypeError, OverflowError or the like."""
    for kind in (InclusionProof, ConsistencyProof):
        with contextlib.suppress(VerificationError):
            proof = kind.from_json(data)
            if isinstance(proof, ConsistencyProof):
                proof.verify(proof.old_root, vkey(ledger))
            else:
                proof.verify(vkey(ledger))
