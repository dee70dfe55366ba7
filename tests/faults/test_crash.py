"""Crash safety: writers SIGKILLed at random moments lose nothing they were told was
written, and the log stays gapless, verifiable and consistent with every checkpoint."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.faults.crash import check_promises, run_crashes

from habeas.ledger import Ledger

SHORT_KILLS = 12
LONG_KILLS = 120


def _run(url: str, tmp_path: Path, kills: int, report: list[str] | None = None) -> None:
    key = tmp_path / "signing.key"
    Ledger.init(url, key).close()
    logs = tmp_path / "logs"
    logs.mkdir()
    began = time.monotonic()
    done = run_crashes(url, key, logs, kills)
    acked, notes, size = check_promises(url, key, logs)
    seconds = time.monotonic() - began
    assert done == kills
    assert acked > kills, "the writers acknowledged too little for the kills to matter"
    assert notes > 0, "no checkpoint was handed out before the crashes"
    print(f"\ncrash: {url.split(':')[0]}: {done} kills, {acked} records acknowledged, "
          f"{size} in the log, {notes} checkpoints held, {seconds:.1f} s")


def test_sigkill_sqlite(tmp_path: Path) -> None:
    _run(f"sqlite:///{tmp_path}/crash.db", tmp_path, SHORT_KILLS)


@pytest.mark.postgres
def test_sigkill_postgres(tmp_path: Path, postgres_url: str) -> None:
    _run(postgres_url, tmp_path, SHORT_KILLS)


@pytest.mark.slow
def test_sigkill_sqlite_long(tmp_path: Path) -> None:
    _run(f"sqlite:///{tmp_path}/crash.db", tmp_path, LONG_KILLS)


@pytest.mark.slow
@pytest.mark.postgres
def test_sigkill_postgres_long(tmp_path: Path, postgres_url: str) -> None:
    _run(postgres_url, tmp_path, LONG_KILLS)
