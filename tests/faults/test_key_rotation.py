"""Signing-key rotation: logged, handed over under both keys, and the old key retired for
every tree beyond the handover. Both backends, through the library and the CLI."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
from tests.faults.backends import habeas, tamper

from habeas.errors import IntegrityError, ValidationError, VerificationError
from habeas.ledger import Checkpoint, InclusionProof, Ledger, Record, RecordDraft, Verifier
from habeas.ledger.keys import read_key
from habeas.ledger.rotation import ROTATION_KIND, Rotation, cosign, rotate_key


def draft(i: int) -> RecordDraft:
    return RecordDraft("rotation.test", {"i": i}, actor="tester")


def env(key: Path) -> dict[str, str]:
    return {"HABEAS_KEY": str(key)}


def rotated(url: str, key: Path) -> tuple[str, str, Record]:
    """A ledger with 5 records and a checkpoint under the first key, then a rotation and
    3 more records; returns (old checkpoint, old vkey, rotation record)."""
    with Ledger.init(url, key) as ledger:
        ledger.append([draft(i) for i in range(5)])
        old_note = ledger.checkpoint()
        old_vkey = ledger.verifier_key()
        result = rotate_key(ledger, "test")
        ledger.append([draft(i) for i in range(5, 8)])
    return old_note, old_vkey, result.record


def test_rotation_keeps_old_checkpoints_and_signs_new_ones(url: str, key: Path) -> None:
    old_note, old_vkey, record = rotated(url, key)
    assert record.kind == ROTATION_KIND and record.seq == 5
    assert record.payload["old_verifier_key"] == old_vkey
    new_vkey = record.payload["new_verifier_key"]
    with Ledger.open(url, key) as ledger:
        assert ledger.verifier_key() == new_vkey != old_vkey
        note = ledger.checkpoint()
        Checkpoint.open(note, Verifier.parse(new_vkey))
        with pytest.raises(VerificationError):
            Checkpoint.open(note, Verifier.parse(old_vkey))
        report = ledger.verify(old_note)
        assert report.checkpoints == 3  # the old one, the handover, the new one
    assert read_key(key).verifier().text() == new_vkey
    retired = next(key.parent.glob(f"{key.name}.retired-*"))
    assert read_key(retired).verifier().text() == old_vkey
    assert stat.S_IMODE(retired.stat().st_mode) == 0o600
    code, out, _ = habeas("verify", "--db", url, "--checkpoint", _saved(key, old_note))
    assert code == 0 and out.startswith("intact: 9 records")
    assert habeas("key", "--db", url)[1] == new_vkey + "\n"


def _saved(key: Path, note: str) -> str:
    path = key.parent / "saved.note"
    path.write_text(note)
    return str(path)


def test_a_monitor_that_trusts_only_the_old_key_learns_the_new_one(url: str,
                                                                   key: Path) -> None:
    old_note, old_vkey, record = rotated(url, key)
    old_key = Verifier.parse(old_vkey)
    with Ledger.open(url, key) as ledger:
        # the log hands the monitor the handover and the rotation record with its proof
        proof = ledger.inclusion_proof(record.seq, record.seq + 1)
        latest = ledger.checkpoint()
        size = ledger.size()
        consistency = ledger.consistency_proof(5, size)
    handover = Checkpoint.open(proof.checkpoint, old_key)  # signed by the key it trusts
    held = Checkpoint.open(old_note, old_key)
    assert handover.size == record.seq + 1
    InclusionProof(proof.leaf_index, proof.tree_size, record.leaf_hash, proof.path,
                   handover.root, proof.checkpoint).verify(old_key)
    new_key = Verifier.parse(record.payload["new_verifier_key"])
    Checkpoint.open(proof.checkpoint, new_key)  # the new key co-signed the handover
    now = Checkpoint.open(latest, new_key)
    assert consistency.old_root == held.root and consistency.new_root == now.root
    consistency.verify(held.root, new_key)


def test_the_retired_key_cannot_sign_past_the_handover(url: str, key: Path) -> None:
    """A stolen old key signs a checkpoint of the current tree: refused by verify, whether
    it is slipped into the database or handed to verify as a checkpoint."""
    _, _, record = rotated(url, key)
    old = read_key(next(key.parent.glob(f"{key.name}.retired-*")))
    with Ledger.open(url, key) as ledger:
        forged = Checkpoint(ledger.origin, ledger.size(), ledger.root()).sign(old)
        with pytest.raises(VerificationError, match="not signed by a key in force for size 9"):
            ledger.verify(forged)
        # the old key may still sign an old tree: verification holds it to the real root
        ledger.verify(Checkpoint(ledger.origin, record.seq, ledger.root(record.seq)).sign(old))
    tamper(url, [("INSERT INTO checkpoints (size, note, issued_at) VALUES (?, ?, ?)",
                  (9, forged, "2030-01-01T00:00:00.000000Z"))])
    code, _, err = habeas("verify", "--db", url)
    assert code == 1
    assert err.startswith("Error: stored checkpoint #3: not signed by a key in force for "
                          "size 9")


def test_a_rotation_forged_without_the_old_key_is_caught(url: str, key: Path,
                                                         tmp_path: Path) -> None:
    """A rotation record written with SQL by someone who lacks the old key cannot carry
    the handover signature: verify names its seq."""
    from habeas.ledger.records import Prepared
    from habeas.ledger.store import Row

    with Ledger.init(url, key) as ledger:
        ledger.append([draft(i) for i in range(4)])
        ledger.checkpoint()
        vkey = ledger.verifier_key()
        intruder = read_key(key).__class__.generate(ledger.origin)
        forged = Prepared.of(RecordDraft(
            ROTATION_KIND, {"old_verifier_key": vkey,
                            "new_verifier_key": intruder.verifier().text(), "reason": ""},
            idempotency_key="habeas:key_rotation:1"))
        last = ledger.get(3)
        body = forged.leaf(4, last.to_json()["recorded_at"])
        row = Row(4, last.to_json()["recorded_at"], ROTATION_KIND, "habeas:key_rotation:1",
                  body, hashlib.sha256(b"\x00" + body).digest())
        with ledger.store.writer() as writer:
            writer.insert([row], [])
    code, _, err = habeas("verify", "--db", url)
    assert code == 1
    assert err.startswith("Error: seq 4: key rotation #1 has no handover checkpoint of size 5")
    with Ledger.open(url, key) as ledger, pytest.raises(IntegrityError):
        ledger.checkpoint()  # the key file no longer matches the key the log names


def test_ordinary_appends_cannot_write_rotation_records(url: str, key: Path) -> None:
    with Ledger.init(url, key) as ledger:
        with pytest.raises(ValidationError) as caught:
            ledger.append([RecordDraft(ROTATION_KIND, {"new_verifier_key": "x"})])
        assert str(caught.value) == ("records[0].kind: 'key_rotation': reserved for "
                                     "`habeas key rotate`")
        with pytest.raises(ValidationError, match="records\\[0\\].idempotency_key"):
            ledger.append([RecordDraft("note", {}, idempotency_key="habeas:key_rotation:1")])
        assert ledger.size() == 0


def test_an_interrupted_rotation_is_finished_by_running_it_again(url: str, key: Path) -> None:
    """Killed after the rotation record was logged, before the handover and the key swap:
    checkpoints are refused until `habeas key rotate` runs again and finishes."""
    from habeas.ledger.keys import write_key
    from habeas.ledger.rotation import ROTATION_KEY_PREFIX

    with Ledger.init(url, key) as ledger:
        ledger.append([draft(0)])
        old = read_key(key)
        new = old.generate(ledger.origin)
        write_key(key.with_name(key.name + ".next"), new)
        ledger._append_reserved([RecordDraft(
            ROTATION_KIND, {"old_verifier_key": old.verifier().text(),
                            "new_verifier_key": new.verifier().text(), "reason": ""},
            actor="habeas key rotate", idempotency_key=f"{ROTATION_KEY_PREFIX}1")])
    with Ledger.open(url, key) as ledger:
        with pytest.raises(IntegrityError, match="is not this ledger's key"):
            ledger.checkpoint()
        with pytest.raises(VerificationError, match="no handover checkpoint"):
            ledger.verify()
    code, out, err = habeas("key", "rotate", "--db", url, "--key", str(key))
    assert code == 0, err
    assert out.startswith("rotated at seq 1: new verifier key " + new.verifier().text())
    with Ledger.open(url, key) as ledger:
        ledger.append([draft(2)])
        Checkpoint.open(ledger.checkpoint(), new.verifier())
        assert ledger.verify().checkpoints == 2


def test_cli_rotates_twice(url: str, key: Path) -> None:
    with Ledger.init(url, key) as ledger:
        ledger.append([draft(0)])
        first = ledger.checkpoint()
    for _ in range(2):
        code, out, err = habeas("key", "rotate", "--db", url, "--key", str(key),
                                "--reason", "yearly")
        assert code == 0 and out.startswith("rotated at seq"), err
    with Ledger.open(url, key) as ledger:
        ledger.append([draft(9)])
        latest = ledger.checkpoint()
        rotations = [r for r in ledger.scan() if r.kind == ROTATION_KIND]
        assert [r.payload["reason"] for r in rotations] == ["yearly", "yearly"]
        assert rotations[1].payload["old_verifier_key"] == \
            rotations[0].payload["new_verifier_key"]
        ledger.verify(first)
    code, out, _ = habeas("checkpoint", "--db", url, env=env(key))
    assert code == 0 and out == latest
    assert len(list(key.parent.glob(f"{key.name}.retired-*"))) == 2


def test_the_old_key_file_put_back_is_refused(url: str, key: Path) -> None:
    rotated(url, key)
    retired = next(key.parent.glob(f"{key.name}.retired-*"))
    key.write_text(retired.read_text())
    with Ledger.open(url, key) as ledger:
        ledger.append([draft(99)])
        with pytest.raises(IntegrityError, match="is not this ledger's key"):
            ledger.checkpoint()


def test_cosigned_note_verifies_under_either_key() -> None:
    from habeas.ledger import Signer

    a, b = Signer.generate("o"), Signer.generate("o")
    note = cosign(Checkpoint("o", 1, bytes(32)).sign(a), b)
    assert Checkpoint.open(note, a.verifier()) == Checkpoint.open(note, b.verifier())
    assert json.dumps(note).count("\\u2014") == 2
    assert Rotation(1, 0, a.verifier(), b.verifier()).handover_size == 1
