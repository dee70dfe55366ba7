"""The signer's memory beside the key: what it keeps, when it writes it, and that every
tree it signs (larger or smaller than the last) is proved consistent with it first."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from habeas.ledger import Checkpoint, Ledger, RecordDraft
from habeas.ledger.signer import SignerAlarm, SignerGuard, state_path


def grown(path: Path, n: int) -> Ledger:
    ledger = Ledger.init(f"sqlite:///{path / 'l.db'}", path / "signing.key")
    ledger.append([RecordDraft("t", {"i": i}) for i in range(n)])
    return ledger


def test_the_state_is_the_largest_note_signed_kept_0600(tmp_path: Path) -> None:
    with grown(tmp_path, 9) as ledger:
        assert not state_path(tmp_path / "signing.key").exists()
        nine = ledger.checkpoint()
        state = state_path(tmp_path / "signing.key")
        assert state.read_text() == nine
        assert stat.S_IMODE(state.stat().st_mode) == 0o600
        ledger.checkpoint(4)  # an older size: proved a prefix, signed, not remembered
        assert state.read_text() == nine
        assert not list(tmp_path.glob("*.tmp"))


def test_a_second_ledger_on_the_same_key_shares_the_memory(tmp_path: Path) -> None:
    with grown(tmp_path, 5) as first:
        first.checkpoint()
        with Ledger.open(f"sqlite:///{tmp_path / 'l.db'}", tmp_path / "signing.key") as second:
            second.append([RecordDraft("t", {"i": 5})])
            six = second.checkpoint()
        first.append([RecordDraft("t", {"i": 6})])
        assert Checkpoint.parse(first.checkpoint().partition("\n\n")[0] + "\n").size == 7
        assert first.checkpoint(6) == six


def test_without_a_state_file_it_starts_from_the_largest_stored_checkpoint(
        tmp_path: Path) -> None:
    with grown(tmp_path, 8) as ledger:
        ledger.checkpoint(3)
        ledger.checkpoint()
        state_path(tmp_path / "signing.key").unlink()
        calls: list[tuple[int, int]] = []
        guard = SignerGuard(state_path(tmp_path / "signing.key"), ledger.origin,
                            ledger._last_stored_checkpoint)

        def prove(old: int, new: int) -> list[bytes]:
            calls.append((old, new))
            return ledger._consistency_path(old, new)

        other = Checkpoint(ledger.origin, 5, ledger.root(5))
        signer = ledger._signing_key()
        guard.sign(other, prove, lambda c: c.sign(signer))
        assert calls == [(5, 8)]  # proved a prefix of the size-8 checkpoint in the db
        with pytest.raises(SignerAlarm, match="size 8"):
            guard.sign(Checkpoint(ledger.origin, 8, bytes(32)), prove,
                       lambda c: c.sign(signer))
        with pytest.raises(SignerAlarm):  # alarmed: refuses even a good tree now
            guard.sign(other, prove, lambda c: c.sign(signer))


def test_checkpoints_of_old_sizes_are_signed_but_not_stored(tmp_path: Path) -> None:
    """Proofs at arbitrary old sizes (any reader may ask) never grow the checkpoints
    table: only a new head is stored."""
    with grown(tmp_path, 40) as ledger:
        ledger.checkpoint()
        for size in range(1, 40):
            ledger.inclusion_proof(0, size).verify()
        assert [size for size, _ in ledger.store.checkpoints()] == [40]
