"""History rewritten by someone who can write to the database but does not hold the
signer's state (issue 10): the append-only triggers dropped, one record changed (a
withholding order now forbidding removal to HN instead of SV), the tree recomputed and the
stored checkpoints emptied, then a restart. The signer refuses to sign the rewritten tree,
`habeas verify` notices from the signer's own memory, a client's saved checkpoint refuses
it, and when the tree was left alone `verify` names the record. Both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.faults.backends import habeas, rewrite_record

from habeas.errors import VerificationError
from habeas.ledger import Checkpoint, Ledger, RecordDraft, Verifier
from habeas.ledger.signer import SignerAlarm, state_path

CHANGED = 44
SV, HN = b'"remove_to":["SV"]', b'"remove_to":["HN"]'


def order_log(url: str, key: Path, size: int = 86) -> Ledger:
    """A log of ``size`` records whose seq 44 is a withholding order protecting from SV."""
    ledger = Ledger.init(url, key)
    drafts = [RecordDraft("movement.departed", {"flight": str(i)}, actor="monitor")
              for i in range(size)]
    drafts[CHANGED] = RecordDraft("order.issued", {"id": "withholding-2019",
                                                   "forbids": [{"remove_to": ["SV"]}]},
                                  actor="clerk")
    ledger.append(drafts)
    return ledger


def cli(*args: str, key: Path) -> tuple[int, str, str]:
    return habeas(*args, env={"HABEAS_KEY": str(key)})


def test_the_signer_refuses_a_rewritten_history(url: str, key: Path, tmp_path: Path) -> None:
    with order_log(url, key) as ledger:
        saved = tmp_path / "c1.note"
        saved.write_text(ledger.checkpoint())
    assert state_path(key).read_text() == saved.read_text()  # remembered outside the db
    rewrite_record(url, CHANGED, SV, HN, rebuild=True, forget_checkpoints=True)

    with Ledger.open(url, key) as ledger:  # the restarted server
        assert ledger.get(CHANGED).payload["forbids"] == [{"remove_to": ["HN"]}]
        assert ledger.store.checkpoints() == []
        with pytest.raises(SignerAlarm, match="refusing to sign the tree of size 86: it is "
                           "not consistent with the last checkpoint this signer signed "
                           r"\(size 86"):
            ledger.checkpoint()
        ledger.append([RecordDraft("movement.departed", {"flight": "late"})])
        for ask in (ledger.checkpoint, lambda: ledger.inclusion_proof(3),
                    lambda: ledger.consistency_proof(10)):
            with pytest.raises(SignerAlarm):  # it stays refused, whatever is asked
                ask()
        assert ledger.store.checkpoints() == []  # nothing was signed
    code, out, err = cli("checkpoint", "--db", url, key=key)
    assert (code, out) == (1, "") and "refusing to sign the tree of size 87" in err

    for deep in ((), ("--deep",)):  # plain verify holds the log to the signer's memory
        code, out, err = cli("verify", "--db", url, *deep, key=key)
        assert (code, out) == (1, "")
        assert err.startswith("Error: seqs 0 to 85: the root at size 86 differs from the "
                              "signed checkpoint for that size"), err
    code, _, err = cli("verify", "--db", url, "--checkpoint", str(saved), key=key)
    assert code == 1 and "the root at size 86 differs" in err


def test_a_thief_of_the_key_alone_is_caught_by_a_held_checkpoint(url: str, key: Path,
                                                                 tmp_path: Path) -> None:
    """With a copy of the key but not the signer's state, the rewrite is signed; a
    consistency proof then fails from the root the client kept, even though it verifies
    from the ``old_root`` the server supplies with it."""
    with order_log(url, key) as ledger:
        held = Checkpoint.open(ledger.checkpoint(), Verifier.parse(ledger.verifier_key()))
        ledger.append([RecordDraft("movement.departed", {"flight": "x"})])
    thief = tmp_path / "thief" / "signing.key"
    thief.parent.mkdir()
    thief.write_bytes(key.read_bytes())
    thief.chmod(0o600)
    rewrite_record(url, CHANGED, SV, HN, rebuild=True, forget_checkpoints=True)
    with Ledger.open(url, thief) as ledger:
        proof = ledger.consistency_proof(held.size)
        verifier = Verifier.parse(ledger.verifier_key())
        proof.verify(proof.old_root, verifier)  # the server's word agrees with itself
        with pytest.raises(VerificationError, match="another root at size 86 than the one "
                                                    "you hold"):
            proof.verify(held.root, verifier)


def test_a_changed_record_is_named(url: str, key: Path) -> None:
    """One record changed and its leaf hash recomputed, the tree left alone: the stored
    node over it names the pair of records; a checkpoint of size 45 names seq 44 itself."""
    with order_log(url, key) as ledger:
        ledger.checkpoint()
    rewrite_record(url, CHANGED, SV, HN, rebuild=False, forget_checkpoints=False)
    code, _, err = cli("verify", "--db", url, key=key)
    assert (code, err) == (1, "Error: seqs 44 to 45: the root at size 86 differs from the "
                              "signed checkpoint for that size: one of these records was "
                              "changed after the stored tree was built (its node at level "
                              "1, index 22 no longer matches)\n")


def test_a_changed_record_is_named_exactly_between_checkpoints(url: str, key: Path) -> None:
    with order_log(url, key) as ledger:
        ledger.checkpoint(45)
        ledger.checkpoint()
    rewrite_record(url, CHANGED, SV, HN, rebuild=False, forget_checkpoints=False)
    with Ledger.open(url, key) as ledger, pytest.raises(VerificationError) as caught:
        ledger.verify()
    assert caught.value.seq == caught.value.last == CHANGED
    assert str(caught.value).startswith("seq 44: the root at size 45 differs")


def test_the_ledger_checks_itself_and_stops_signing(url: str, key: Path) -> None:
    """A running ledger whose record 44 is changed under it: its self-check names the
    records, and from then on it signs nothing, not even a checkpoint it had cached."""
    with order_log(url, key) as ledger:
        ledger.checkpoint()
        assert ledger.self_check() is None
        rewrite_record(url, CHANGED, SV, HN, rebuild=False, forget_checkpoints=False)
        found = ledger.self_check()
        assert found is not None and (found.seq, found.last) == (44, 45)
        with pytest.raises(SignerAlarm, match="stopped after a failed self-check: seqs 44 "
                                              "to 45"):
            ledger.checkpoint()
