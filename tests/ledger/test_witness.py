"""The witness protocol (C2SP tlog-witness) and cosignatures (tlog-cosignature v1), call
by call: every status the spec prescribes, the signed message rebuilt here from the spec's
text, and the spec's own example cosignature line read back."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from habeas.errors import VerificationError
from habeas.ledger import Checkpoint, Ledger, RecordDraft, Signer
from habeas.ledger.cosignature import Cosigner, WitnessPolicy, WitnessVerifier
from habeas.ledger.witness import SIZE_TYPE, Witness, request_body

NOW = 1_767_603_600


@pytest.fixture
def log() -> Ledger:
    ledger = Ledger.init("memory:", origin="example.org/log")
    ledger.append([RecordDraft("t", {"i": i}) for i in range(13)])
    return ledger


def witness(tmp_path: Path, log: Ledger, name: str = "witness.test/w1") -> Witness:
    from habeas.ledger import Verifier

    return Witness(Cosigner.generate(name), {log.origin: Verifier.parse(log.verifier_key())},
                   tmp_path / f"{name.replace('/', '_')}.json", clock=lambda: NOW)


def test_a_first_checkpoint_is_cosigned_and_remembered(tmp_path: Path, log: Ledger) -> None:
    w = witness(tmp_path, log)
    note = log.checkpoint(5)
    answer = w.add_checkpoint(request_body(0, [], note))
    assert answer.status == 200
    body = note.rpartition("\n\n")[0] + "\n"
    assert w.latest() == {log.origin: body}
    # the line, rebuilt from the spec's text alone
    name, blob = answer.body.removeprefix("\u2014 ").rstrip("\n").split(" ")
    raw = base64.b64decode(blob)
    public = w.cosigner.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert name == "witness.test/w1"
    assert raw[:4] == hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4]
    assert struct.unpack(">Q", raw[4:12]) == (NOW,)
    w.cosigner.private.public_key().verify(
        raw[12:], b"cosignature/v1\ntime 1767603600\n" + body.encode())
    assert w.cosigner.verifier().timestamp(note + answer.body) == NOW


def test_every_refusal_the_spec_prescribes(tmp_path: Path, log: Ledger) -> None:
    w = witness(tmp_path, log)
    five, nine = log.checkpoint(5), log.checkpoint(9)
    assert w.add_checkpoint(request_body(0, [], five)).status == 200
    stale = w.add_checkpoint(request_body(0, [], nine))
    assert (stale.status, stale.body, stale.content_type) == (409, "5\n", SIZE_TYPE)
    bad_proof = [bytes(32)] * len(log.consistency_proof(5, 9).path)
    assert w.add_checkpoint(request_body(5, bad_proof, nine)).status == 422
    assert w.add_checkpoint(request_body(10, [], nine)).status == 400
    assert w.add_checkpoint(b"old 05\n\n" + nine.encode()).status == 400
    assert w.add_checkpoint(b"old 5\nnot base64\n\n" + nine.encode()).status == 400
    stranger = Signer.generate("example.org/other")
    assert w.add_checkpoint(request_body(
        0, [], Checkpoint("example.org/other", 1, bytes(32)).sign(stranger))).status == 404
    intruder = Signer.generate("example.org/log")
    forged = Checkpoint("example.org/log", 9, log.root(9)).sign(intruder)
    assert w.add_checkpoint(request_body(5, list(log.consistency_proof(5, 9).path),
                                         forged)).status == 403
    other_root = Checkpoint(log.origin, 5, bytes(32)).sign(log._signing_key())
    assert w.add_checkpoint(request_body(5, [], other_root)).status == 409
    assert json.loads(w.state.read_text()) == {log.origin: five.rpartition("\n\n")[0] + "\n"}
    good = w.add_checkpoint(request_body(5, list(log.consistency_proof(5, 9).path), nine))
    assert good.status == 200
    assert Checkpoint.parse(w.latest()[log.origin]).size == 9


def test_a_k_of_n_policy(tmp_path: Path, log: Ledger) -> None:
    ws = [witness(tmp_path, log, f"witness.test/w{n}") for n in (1, 2, 3)]
    note = log.checkpoint()
    cosigned = note + "".join(w.add_checkpoint(request_body(0, [], note)).body for w in ws[:2])
    keys = [w.cosigner.verifier().text() for w in ws]
    policy = WitnessPolicy.parse(keys, 2)
    assert policy is not None and policy.check(cosigned) == ["witness.test/w1",
                                                             "witness.test/w2"]
    everyone = WitnessPolicy.parse(keys, None)
    assert everyone is not None
    with pytest.raises(VerificationError, match="has 2 of the 3 witness cosignatures"):
        everyone.check(cosigned)
    tampered = cosigned.replace(f"\n{log.size()}\n", f"\n{log.size() - 1}\n", 1)
    with pytest.raises(VerificationError):
        policy.check(tampered)


def test_the_specs_example_cosignature_reads_back() -> None:
    """The example line of C2SP tlog-cosignature: key id, then the big-endian timestamp
    of the example's signed message (``time 1679315147``)."""
    blob = ("jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZ"
            "qhf5nNo0xUe+mbIUBkBIfZ+qnA==")
    raw = base64.b64decode(blob)
    assert len(raw) == 4 + 8 + 64
    assert struct.unpack(">Q", raw[4:12]) == (1679315147,)
    vkey = Cosigner.generate("witness.example.com/w1").verifier()
    assert WitnessVerifier.parse(vkey.text()).text() == vkey.text()
