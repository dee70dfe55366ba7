"""One contract every store backend must honour, run through the ``Ledger`` facade.

``LedgerContract`` is abstract (pytest does not collect it); each backend's test module
subclasses it, supplying a fresh database URL and a way to run raw SQL with the
append-only guards switched off, as an attacker with database access would.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.ledger import reference
from typer.testing import CliRunner

from habeas.cli import app
from habeas.cli.common import exit_code_for
from habeas.errors import (
    HabeasError,
    IntegrityError,
    NotFoundError,
    OperationalError,
    ValidationError,
    VerificationError,
)
from habeas.ledger import Ledger, RecordDraft, Verifier
from habeas.ledger.canonical import canonical_bytes
from habeas.ledger.ledger import _Batch, _prepare
from habeas.ledger.sequencer import Request

Statement = tuple[str, Sequence[Any]]


def draft(i: int, **extra: Any) -> RecordDraft:
    return RecordDraft("test.event", {"i": i}, occurred_at="2025-03-15T19:26:00-04:00",
                       source=["ECF 1"], actor="tester", **extra)


class SteppingClock:
    """A clock the test moves by hand (and may move backwards)."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 16, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def run_cli(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """Invoke the CLI as ``habeas`` does: a HabeasError becomes ``Error: ...`` and its code."""
    result = CliRunner().invoke(app, list(args), input=input)
    if isinstance(result.exception, HabeasError):
        return exit_code_for(result.exception), result.stdout, f"Error: {result.exception}\n"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _append_in_child(url: str, key: str, worker: int, rounds: int) -> None:
    with Ledger.open(url, key) as ledger:
        for i in range(rounds):
            ledger.append([draft(worker * 1000 + i, idempotency_key=f"w{worker}-{i}"),
                           draft(worker * 1000 + i)])


class LedgerContract:
    """The behaviour every backend shares."""

    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError

    def tamper(self, url: str, statements: list[Statement]) -> None:
        """Run SQL (``?`` placeholders) with the append-only triggers disabled."""
        raise NotImplementedError

    @pytest.fixture
    def key(self, tmp_path: Path) -> str:
        return str(tmp_path / "signing.key")

    @pytest.fixture
    def ledger(self, url: str, key: str) -> Any:
        with Ledger.init(url, key) as ledger:
            yield ledger

    # -- appending -------------------------------------------------------------------------

    def test_append_gives_gapless_seqs_from_zero(self, ledger: Ledger) -> None:
        first = ledger.append([draft(0), draft(1)])
        second = ledger.append([draft(2)])
        assert [r.seq for r in first + second] == [0, 1, 2]
        assert ledger.size() == 3
        assert [r.payload for r in ledger.scan()] == [{"i": 0}, {"i": 1}, {"i": 2}]
        assert ledger.get(1) == first[1]

    def test_leaf_covers_the_whole_record(self, ledger: Ledger) -> None:
        record = ledger.append([draft(0, idempotency_key="k")])[0]
        body = canonical_bytes(record.leaf_object())
        assert record.leaf_hash == hashlib.sha256(b"\x00" + body).digest()
        assert set(record.leaf_object()) == {"seq", "recorded_at", "kind", "payload", "source",
                                             "actor", "occurred_at", "idempotency_key"}
        assert ledger.get(0).leaf_hash == record.leaf_hash

    def test_invalid_batch_names_record_field_and_rule_and_writes_nothing(
            self, ledger: Ledger) -> None:
        bad = RecordDraft("test.event", {"i": 1}, occurred_at="yesterday")
        with pytest.raises(ValidationError) as caught:
            ledger.append([draft(0), bad, draft(2)])
        problem = caught.value.problems[0]
        assert problem.path == "records[1].occurred_at"
        assert "ISO 8601" in problem.rule
        assert ledger.size() == 0

    def test_interval_must_not_run_backwards(self, ledger: Ledger) -> None:
        backwards = RecordDraft("x", {}, occurred_at=("2025-03-16T01:00:00Z",
                                                       "2025-03-15T23:00:00Z"))
        with pytest.raises(ValidationError, match=r"records\[0\].occurred_at"):
            ledger.append([backwards])
        ledger.append([RecordDraft("x", {}, occurred_at=("2025-03-15T23:00:00Z",
                                                          "2025-03-16T01:00:00-04:00"))])
        assert ledger.get(0).occurred_at == ("2025-03-15T23:00:00Z", "2025-03-16T01:00:00-04:00")

    def test_idempotency_key_replays_or_refuses(self, ledger: Ledger) -> None:
        original = ledger.append([draft(0, idempotency_key="order-1")])[0]
        ledger.append([draft(1)])
        again = ledger.append([draft(0, idempotency_key="order-1")])[0]
        assert again == original and again.seq == 0
        assert ledger.size() == 2
        with pytest.raises(IntegrityError, match="order-1"):
            ledger.append([draft(2), draft(9, idempotency_key="order-1")])
        assert ledger.size() == 2
        twice = ledger.append([draft(5, idempotency_key="k5"), draft(5, idempotency_key="k5")])
        assert twice[0].seq == twice[1].seq == 2

    def test_expected_size_is_optimistic_concurrency(self, ledger: Ledger) -> None:
        ledger.append([draft(0)], expected_size=0)
        with pytest.raises(IntegrityError, match="expected the log to hold 0"):
            ledger.append([draft(1)], expected_size=0)
        assert ledger.append([draft(1)], expected_size=1)[0].seq == 1

    def test_corrections_name_an_earlier_seq(self, ledger: Ledger) -> None:
        ledger.append([draft(0)])
        fixed = ledger.append([draft(1, corrects=0), draft(2, retracts=1)])
        assert (fixed[0].corrects, fixed[1].retracts) == (0, 1)
        with pytest.raises(ValidationError, match=r"records\[0\].corrects"):
            ledger.append([draft(3, corrects=3)])
        with pytest.raises(ValidationError, match="not both"):
            ledger.append([draft(3, corrects=0, retracts=0)])
        assert ledger.size() == 3

    def test_recorded_at_never_goes_back(self, url: str, key: str) -> None:
        clock = SteppingClock()
        with Ledger.init(url, key, clock=clock) as ledger:
            first = ledger.append([draft(0)])[0]
            clock.now -= timedelta(hours=1)
            second = ledger.append([draft(1)])[0]
            clock.now += timedelta(hours=2)
            third = ledger.append([draft(2)])[0]
        assert first.recorded_at == second.recorded_at == datetime(2025, 3, 16, 12, tzinfo=UTC)
        assert third.recorded_at == datetime(2025, 3, 16, 13, tzinfo=UTC)

    def test_reads_as_known_at_a_recorded_time(self, url: str, key: str) -> None:
        clock = SteppingClock()
        with Ledger.init(url, key, clock=clock) as ledger:
            for i in range(5):
                ledger.append([draft(i)])
                clock.now += timedelta(minutes=1)
            known = clock.now - timedelta(minutes=3.5)  # after the 2nd append, before the 3rd
            assert ledger.size_at(known) == 2
            assert [r.seq for r in ledger.scan_known_at(known)] == [0, 1]
            assert ledger.size_at(datetime(2000, 1, 1, tzinfo=UTC)) == 0

    def test_group_commit_from_threads(self, ledger: Ledger) -> None:
        seqs: list[int] = []
        lock = threading.Lock()

        def work(worker: int) -> None:
            for i in range(30):
                got = ledger.append([draft(worker * 100 + i)])
                with lock:
                    seqs.extend(r.seq for r in got)

        threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(seqs) == list(range(240))
        assert ledger.verify().size == 240

    def test_a_batch_judges_each_request_in_queue_order(self, ledger: Ledger) -> None:
        """The writer commits many callers' requests in one transaction: each is judged
        against the log as the requests queued before it leave it, and one refused changes
        nothing for the others."""
        ledger.append([draft(0, idempotency_key="a")])
        requests = [Request(_Batch(_prepare(drafts), expected)) for drafts, expected in (
            ([draft(1)], 1),                                  # ok: seq 1
            ([draft(2)], 1),                                  # refused: the log holds 2 now
            ([draft(3, idempotency_key="b")], 2),             # ok: seq 2
            ([draft(9, idempotency_key="a")], None),          # refused: "a" had other content
            ([draft(3, idempotency_key="b"), draft(4)], 3),   # "b" replayed, seq 3 is new
            ([draft(0, idempotency_key="a")], 99),            # a pure replay ignores the size
            ([draft(5, corrects=7)], None),                   # refused: 7 is not earlier
        )]
        ledger._commit(lambda: requests)
        errors = [type(r.error).__name__ if r.error else None for r in requests]
        assert errors == [None, "IntegrityError", None, "IntegrityError", None, None,
                          "ValidationError"]
        assert [[rec.seq for rec in r.result] for r in requests if r.error is None] == [
            [1], [2], [2, 3], [0]]
        assert "expected the log to hold 1 records, it holds 2" in str(requests[1].error)
        assert [r.payload["i"] for r in ledger.scan()] == [0, 1, 3, 4]
        assert ledger.verify().size == 4
        assert ledger.append([draft(5)])[0].seq == 4  # the writer's tree is the stored one

    def test_a_ledger_that_another_appended_behind_reads_the_end_again(
            self, ledger: Ledger, url: str, key: str) -> None:
        """Each ledger first assumes the log ends where its own last commit left it; after
        another writer appended, that assumption must neither collide nor misjudge."""
        ledger.append([draft(0)])
        with Ledger.open(url, key) as other:
            other.append([draft(1)])
            assert ledger.append([draft(2)])[0].seq == 2  # its first seq was taken: again
            other.append([draft(3)])
            got = ledger.append([draft(4)], expected_size=4)  # it last saw 3: not a refusal
            assert got[0].seq == 4
            with pytest.raises(IntegrityError, match="expected the log to hold 3 records"):
                other.append([draft(5)], expected_size=3)
        assert [r.payload["i"] for r in ledger.scan()] == [0, 1, 2, 3, 4]
        assert ledger.verify().size == 5

    def test_concurrent_callers_get_their_own_refusals(self, ledger: Ledger) -> None:
        ledger.append([draft(-1, idempotency_key="taken")])
        outcomes: dict[int, str] = {}

        def work(worker: int) -> None:
            for i in range(10):
                clash = worker % 4 == 0 and i == 5
                try:
                    got = ledger.append([draft(worker * 100 + i, idempotency_key=(
                        "taken" if clash else f"w{worker}-{i}"))])
                    outcomes[worker * 100 + i] = f"seq {got[0].seq}"
                except IntegrityError:
                    outcomes[worker * 100 + i] = "refused"

        threads = [threading.Thread(target=work, args=(w,)) for w in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        refused = sorted(k for k, v in outcomes.items() if v == "refused")
        assert refused == [w * 100 + 5 for w in range(0, 16, 4)]
        stored = {r.payload["i"]: f"seq {r.seq}" for r in ledger.scan() if r.seq > 0}
        assert stored == {k: v for k, v in outcomes.items() if v != "refused"}
        assert ledger.verify().size == 1 + 16 * 10 - 4

    def test_processes_appending_at_once(self, ledger: Ledger, url: str, key: str) -> None:
        ledger.append([draft(-1)])
        context = multiprocessing.get_context("fork")
        workers = [context.Process(target=_append_in_child, args=(url, key, w, 15))
                   for w in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
            assert worker.exitcode == 0
        assert ledger.size() == 1 + 4 * 15 * 2
        assert [r.seq for r in ledger.scan()] == list(range(121))
        ledger.verify()

    # -- tree, proofs, checkpoints ---------------------------------------------------------

    def test_roots_and_proofs_match_the_rfc_at_every_size(self, ledger: Ledger) -> None:
        for batch in (1, 2, 5, 1, 8, 3, 13):
            ledger.append([draft(i) for i in range(batch)])
        leaves = [r.leaf_hash for r in ledger.scan()]
        for size in range(len(leaves) + 1):
            assert ledger.root(size) == reference.mth(leaves[:size])
        for size in (1, 7, 16, 33):
            for seq in {0, size // 2, size - 1}:
                proof = ledger.inclusion_proof(seq, size)
                assert list(proof.path) == reference.path(seq, leaves[:size])
                proof.verify(Verifier.parse(ledger.verifier_key()))
            for old in (1, size // 2, size):
                consistency = ledger.consistency_proof(old, size)
                assert list(consistency.path) == reference.proof(old, leaves[:size])
                consistency.verify(reference.mth(leaves[:old]),
                                   Verifier.parse(ledger.verifier_key()))

    def test_proofs_carry_a_stored_checkpoint_of_their_size(self, ledger: Ledger) -> None:
        ledger.append([draft(i) for i in range(10)])
        proof = ledger.inclusion_proof(3, 6)
        assert proof.checkpoint.split("\n")[1] == "6"
        assert ledger.checkpoints() == [proof.checkpoint]
        assert ledger.inclusion_proof(4, 6).checkpoint == proof.checkpoint
        assert len(ledger.checkpoints()) == 1
        with pytest.raises(NotFoundError):
            ledger.inclusion_proof(10)
        with pytest.raises(NotFoundError):
            ledger.consistency_proof(3, 11)

    def test_reopened_ledger_signs_with_its_key_file(self, ledger: Ledger, url: str,
                                                     key: str) -> None:
        ledger.append([draft(0)])
        with Ledger.open(url, key) as again:
            note = again.checkpoint()
            assert note.endswith("\n") and again.verifier_key() == ledger.verifier_key()
        with Ledger.open(url, Path(key).parent / "missing.key") as keyless:
            keyless.append([draft(1)])
            assert keyless.root(1) == ledger.root(1)
            with pytest.raises(HabeasError, match="not found"):
                keyless.checkpoint()

    def test_init_refuses_an_existing_ledger(self, ledger: Ledger, url: str,
                                             tmp_path: Path) -> None:
        with pytest.raises(HabeasError, match="already holds a ledger"):
            Ledger.init(url, tmp_path / "other.key")

    def test_database_refuses_update_and_delete(self, ledger: Ledger) -> None:
        ledger.append([draft(0), draft(1)])
        ledger.checkpoint()
        for sql in ("UPDATE records SET kind = 'x'", "DELETE FROM records",
                    "DELETE FROM nodes", "UPDATE checkpoints SET note = ''"):
            with (pytest.raises((OperationalError, IntegrityError), match="append-only"),
                  ledger.store.writer() as writer):
                writer._conn.execute(sql)  # type: ignore[attr-defined]
        assert ledger.size() == 2

    # -- tampering, caught by `habeas verify` ----------------------------------------------

    def _tampered(self, ledger: Ledger, url: str, statements: list[Statement],
                  *extra: str) -> tuple[int, str]:
        ledger.close()
        self.tamper(url, statements)
        code, _, err = run_cli("verify", "--db", url, *extra)
        return code, err

    def _filled(self, ledger: Ledger) -> None:
        for i in range(10):
            ledger.append([draft(i)])
        ledger.checkpoint()

    def test_intact_log_verifies(self, ledger: Ledger, url: str) -> None:
        self._filled(ledger)
        code, out, _ = run_cli("verify", "--db", url)
        assert code == 0
        assert out == (f"intact: 10 records, root {ledger.root().hex()}, "
                       "stored checkpoints checked: 1\n")

    def test_changed_payload(self, ledger: Ledger, url: str) -> None:
        self._filled(ledger)
        body = ledger.store.row(3).body  # type: ignore[union-attr]
        code, err = self._tampered(ledger, url, [(
            "UPDATE records SET body = ? WHERE seq = 3", (body.replace(b'"i":3', b'"i":4'),))])
        assert (code, err) == (1, "Error: seq 3: the stored leaf hash does not match the "
                                  "record's bytes\n")

    def test_changed_leaf_hash(self, ledger: Ledger, url: str) -> None:
        self._filled(ledger)
        code, err = self._tampered(ledger, url, [
            ("UPDATE records SET leaf_hash = ? WHERE seq = 5", (bytes(32),))])
        assert (code, err) == (1, "Error: seq 5: the stored leaf hash does not match the "
                                  "record's bytes\n")

    def test_deleted_row(self, ledger: Ledger, url: str) -> None:
        self._filled(ledger)
        code, err = self._tampered(ledger, url, [("DELETE FROM records WHERE seq = 4", ())])
        assert (code, err) == (1, "Error: seq 4: record missing or out of place\n")

    def test_swapped_rows(self, ledger: Ledger, url: str) -> None:
        self._filled(ledger)
        code, err = self._tampered(ledger, url, [
            ("UPDATE records SET seq = -1 WHERE seq = 6", ()),
            ("UPDATE records SET seq = 6 WHERE seq = 7", ()),
            ("UPDATE records SET seq = 7 WHERE seq = -1", ())])
        assert code == 1
        assert err.startswith("Error: seq 6: the root at size 10 differs from the signed "
                              "checkpoint for that size: the record stored here says it is "
                              "seq 7")

    def test_truncated_against_a_saved_checkpoint(self, ledger: Ledger, url: str,
                                                  tmp_path: Path) -> None:
        self._filled(ledger)
        saved = tmp_path / "saved.note"
        saved.write_text(ledger.checkpoint())
        code, err = self._tampered(ledger, url, [
            ("DELETE FROM records WHERE seq >= 7", ()), ("DELETE FROM checkpoints", ())])
        assert code == 0 or "records were removed" in err  # the log alone looks whole...
        code, _, err = run_cli("verify", "--db", url, "--checkpoint", str(saved))
        assert (code, err) == (1, "Error: seq 7: the log holds 7 records but a signed "
                                  "checkpoint commits to 10: records were removed\n")

    def test_empty_log_verifies_with_its_checkpoint(self, ledger: Ledger) -> None:
        empty_root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="  # SHA-256("")
        assert ledger.checkpoint().split("\n")[1:3] == ["0", empty_root]
        assert ledger.verify().size == 0

    def test_forged_checkpoint(self, ledger: Ledger, url: str, tmp_path: Path) -> None:
        self._filled(ledger)
        forged = tmp_path / "forged.note"
        forged.write_text(ledger.checkpoint().replace("\n10\n", "\n11\n"))
        code, _, err = run_cli("verify", "--db", url, "--checkpoint", str(forged))
        assert code == 1 and "does not verify" in err


def assert_verification_fails(ledger: Ledger) -> None:
    with pytest.raises(VerificationError):
        ledger.verify()
