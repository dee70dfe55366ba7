"""Tampering beyond the five basic cases in tests/ledger (changed payload or leaf hash,
deleted or swapped row, truncation against a saved checkpoint): what an attacker with
write access to the database or the key file can do, and what catches it — ``habeas
verify`` (exit 1, naming the first bad seq where one can be named), the checkpoint refusal,
or a monitor holding an older checkpoint. Both backends."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from tests.faults.backends import copy_database, drop_copy, habeas, has_command, tamper

from habeas.errors import IntegrityError, VerificationError
from habeas.ledger import Checkpoint, Ledger, RecordDraft, Signer, Verifier
from habeas.ledger.merkle import verify_consistency

needs_verify_cli = pytest.mark.skipif(not has_command("verify"),
                                      reason="`habeas verify` is not on this branch yet")


def draft(i: int, tag: str = "") -> RecordDraft:
    return RecordDraft("tamper.test", {"i": i, "tag": tag}, actor="tester")


def filled(url: str, key: Path, n: int = 10) -> Ledger:
    ledger = Ledger.init(url, key)
    for i in range(n):
        ledger.append([draft(i)])
    return ledger


def tail_nodes(size: int) -> str:
    """SQL condition for the stored nodes that cover any leaf at or beyond ``size``."""
    return f"(idx + 1) * (1 << level) > {size}"


def verify_fails(url: str, key: Path, *extra: str) -> str:
    """Library and CLI agree the log is not intact; return the CLI's error line."""
    with Ledger.open(url, key) as ledger, pytest.raises(VerificationError) as caught:
        ledger.verify(*(Path(e).read_text() for e in extra[1:2]))
    if not has_command("verify"):
        return f"Error: {caught.value}\n"
    code, out, err = habeas("verify", "--db", url, *extra)
    assert (code, out) == (1, ""), err
    assert err == f"Error: {caught.value}\n"
    return err


# -- the log itself ------------------------------------------------------------------------

def test_truncated_tail_is_caught_by_the_stored_checkpoints(url: str, key: Path) -> None:
    with filled(url, key) as ledger:
        ledger.checkpoint()
    tamper(url, [("DELETE FROM records WHERE seq >= 7", ()),
                 (f"DELETE FROM nodes WHERE {tail_nodes(7)}", ())])
    err = verify_fails(url, key)
    assert err == ("Error: seq 7: the log holds 7 records but a signed checkpoint commits "
                   "to 10: records were removed\n")


def test_rows_added_behind_the_ledgers_back(url: str, key: Path) -> None:
    """Rows inserted with SQL, with correct leaf hashes but without the tree nodes the
    ledger writes with every append: the stored tree no longer covers the records. (One
    row alone needs no new node; see docs/reliability.md on appends behind the ledger.)"""
    with filled(url, key) as ledger:
        ledger.checkpoint()
        row = ledger.store.row(9)
        assert row is not None
    rows = []
    for seq in (10, 11):
        body = row.body.replace(b'"seq":9', b'"seq":%d' % seq)
        rows.append(("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)",
                     (seq, row.recorded_at, row.kind, None, body,
                      hashlib.sha256(b"\x00" + body).digest())))
    tamper(url, rows)
    err = verify_fails(url, key)
    assert err == ("Error: seqs 10 to 11: the records do not match the stored tree (the "
                   "nodes that proofs are made from): one of these records was added without "
                   "the tree (its node at level 1, index 5 is missing)\n")


def test_changed_interior_node_is_caught_by_deep_verification(url: str, key: Path) -> None:
    """Proofs are made from stored nodes: a node changed by hand makes the ledger hand out
    proofs that fail. Plain verify (records, root, frontier) does not see it; --deep does,
    naming the first record under the node."""
    with filled(url, key, 16) as ledger:
        ledger.checkpoint()
    tamper(url, [("UPDATE nodes SET hash = ? WHERE level = 1 AND idx = 2", (bytes(32),))])
    with Ledger.open(url, key) as ledger:
        with pytest.raises(VerificationError):
            ledger.inclusion_proof(6).verify(Verifier.parse(ledger.verifier_key()))
        assert ledger.verify().size == 16  # the documented limit of the plain check
        with pytest.raises(VerificationError) as caught:
            ledger.verify(deep=True)
    assert str(caught.value) == ("seq 4: the stored tree node at level 1, index 2 (records 4 "
                                 "to 5) does not match the records: proofs made from it "
                                 "would fail")
    code, out, err = habeas("verify", "--db", url, "--deep")
    assert (code, out, err) == (1, "", f"Error: {caught.value}\n")


def test_deleted_interior_node_is_caught_by_deep_verification(url: str, key: Path) -> None:
    with filled(url, key, 40) as ledger:
        ledger.checkpoint()
        assert ledger.verify(deep=True).size == 40
    tamper(url, [("DELETE FROM nodes WHERE level = 3 AND idx = 1", ())])
    with Ledger.open(url, key) as ledger, pytest.raises(VerificationError,
                                                       match="index 1 .* is missing"):
        ledger.verify(deep=True)


# -- the signing key -----------------------------------------------------------------------

def test_key_file_swapped_for_another_key_is_refused(url: str, key: Path) -> None:
    with filled(url, key) as ledger:
        ledger.checkpoint()
        vkey = ledger.verifier_key()
    other = Signer.generate("habeas.local/intruder")
    key.write_text(other.text() + "\n")
    key.chmod(0o600)
    with Ledger.open(url, key) as ledger:
        ledger.append([draft(10)])
        with pytest.raises(IntegrityError, match=f"key file {key}: is not this ledger's key"):
            ledger.checkpoint()
        assert len(ledger.checkpoints()) == 1, "a refused checkpoint was stored"
        assert ledger.verifier_key() == vkey
    if has_command("checkpoint"):
        code, out, err = habeas("checkpoint", "--db", url, env={"HABEAS_KEY": str(key)})
        assert code != 0 and out == ""
        assert err.startswith(f"Error: key file {key}: is not this ledger's key")


def test_key_and_stored_verifier_key_both_replaced(url: str, key: Path) -> None:
    """The attacker swaps the key file and the verifier key in the database: the new key
    signs, but every checkpoint signed before fails, and a monitor that pinned the old
    verifier key refuses the new checkpoints."""
    with filled(url, key) as ledger:
        ledger.checkpoint()
        old_vkey = Verifier.parse(ledger.verifier_key())
        origin = ledger.origin
    intruder = Signer.generate(origin)
    key.write_text(intruder.text() + "\n")
    key.chmod(0o600)
    tamper(url, [("UPDATE meta SET value = ? WHERE key = 'verifier_key'",
                  (intruder.verifier().text(),))])
    with Ledger.open(url, key) as ledger:
        note = Checkpoint(origin, 10, ledger.root()).sign(intruder)
        with pytest.raises(VerificationError, match="no signature by"):
            Checkpoint.open(note, old_vkey, origin)
    err = verify_fails(url, key)
    assert err.startswith("Error: stored checkpoint #1: note carries no signature by "
                          f"{origin}+{intruder.verifier().key_hash.hex()}")


# -- rewritten history, seen by a monitor -------------------------------------------------

def stolen(key: Path, tmp_path: Path) -> Path:
    """A copy of the signing key without the signer's state: what a thief of the key file
    alone holds (the signer itself would refuse these rewrites; see test_rewrite.py)."""
    copy = tmp_path / "stolen" / "signing.key"
    copy.parent.mkdir()
    copy.write_bytes(key.read_bytes())
    copy.chmod(0o600)
    return copy


def test_split_view_is_caught_by_a_monitor(url: str, key: Path, tmp_path: Path) -> None:
    """Two logs with the same key share five records, then diverge. A monitor holding a
    checkpoint of one cannot be shown the other: the consistency proof fails."""
    with filled(url, key, 5):
        pass
    fork = copy_database(url, tmp_path)
    try:
        with Ledger.open(url, key) as shown_to_monitor:
            shown_to_monitor.append([draft(i, "a") for i in range(5, 8)])
            saved = tmp_path / "monitor.note"
            saved.write_text(shown_to_monitor.checkpoint())
        key = stolen(key, tmp_path)
        with Ledger.open(fork, key) as shown_to_court:
            shown_to_court.append([draft(i, "b") for i in range(5, 10)])
            held = Checkpoint.open(saved.read_text(), Verifier.parse(
                shown_to_court.verifier_key()))
            shown_to_court.verify()  # on its own, the fork is a perfectly good log
            proof = shown_to_court.consistency_proof(held.size)
            assert proof.old_root != held.root
            with pytest.raises(VerificationError, match="does not lead to the (old|new) root"):
                verify_consistency(held.size, proof.new_size, held.root, proof.new_root,
                                   proof.path)
        err = verify_fails(fork, key, "--checkpoint", str(saved))
        assert "the root at size 8 differs from the signed checkpoint" in err
    finally:
        drop_copy(fork)


def test_history_rewritten_and_resigned_with_the_same_key(url: str, key: Path,
                                                           tmp_path: Path) -> None:
    """Rows from seq 5 rewritten, the tree rebuilt and the stored checkpoints replaced by
    fresh ones under the same key (a stolen copy, without the signer's state): the log
    verifies on its own, and only an old checkpoint held outside the database catches it."""
    with filled(url, key) as ledger:
        saved = tmp_path / "old.note"
        saved.write_text(ledger.checkpoint())
    key = stolen(key, tmp_path)
    tamper(url, [("DELETE FROM records WHERE seq >= 5", ()),
                 (f"DELETE FROM nodes WHERE {tail_nodes(5)}", ()),
                 ("DELETE FROM checkpoints", ())])
    with Ledger.open(url, key) as ledger:
        ledger.append([draft(i, "rewritten") for i in range(5, 10)])
        ledger.checkpoint()
        assert ledger.verify().size == 10
    err = verify_fails(url, key, "--checkpoint", str(saved))
    assert "the root at size 10 differs from the signed checkpoint" in err


def test_deep_check_spans_batches(url: str, key: Path) -> None:
    """The node check across batch boundaries (tiny batches here, 32,768 records in
    verify): every node of a 45-record tree, then one changed high node."""
    from habeas.ledger.nodecheck import NodeCheck

    with filled(url, key, 45) as ledger:
        leaves = [r.leaf_hash for r in ledger.scan()]

        def run() -> None:
            check = NodeCheck(ledger.store, 4)
            for start in range(0, 45, 4):
                check.add(start, leaves[start:start + 4])
            check.finish()

        run()
    tamper(url, [("UPDATE nodes SET hash = ? WHERE level = 4 AND idx = 1", (bytes(32),))])
    with Ledger.open(url, key) as ledger, pytest.raises(
            VerificationError, match="seq 16: the stored tree node at level 4, index 1"):
        check = NodeCheck(ledger.store, 4)
        for start in range(0, 45, 4):
            check.add(start, leaves[start:start + 4])
        check.finish()
