"""The ledger contract on SQLite, plus what only SQLite has (files, modes, memory:)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from tests.ledger.conformance import LedgerContract, Statement, draft

from habeas.errors import ConfigError, OperationalError
from habeas.ledger import Ledger
from habeas.ledger.store import parse_store_url
from habeas.ledger.store.sqlite import translate

TRIGGERS = [f"{table}_no_{verb}" for table in ("meta", "records", "nodes", "checkpoints")
            for verb in ("update", "delete")]


class TestSQLite(LedgerContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path}/ledger.db"

    def tamper(self, url: str, statements: list[Statement]) -> None:
        conn = sqlite3.connect(parse_store_url(url).target, isolation_level=None)
        for trigger in TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for sql, params in statements:
            conn.execute(sql, params)
        conn.close()


def test_url_forms(tmp_path: Path) -> None:
    assert parse_store_url("memory:") == ("sqlite", ":memory:")
    assert parse_store_url("ledger.db") == ("sqlite", "ledger.db")
    assert parse_store_url("sqlite:///rel/ledger.db") == ("sqlite", "rel/ledger.db")
    assert parse_store_url("sqlite:////abs/ledger.db") == ("sqlite", "/abs/ledger.db")
    assert parse_store_url("postgresql://u@h/db") == ("postgresql", "postgresql://u@h/db")
    for bad in ("", "mysql://x", "sqlite://"):
        with pytest.raises(ConfigError):
            parse_store_url(bad)


def test_memory_ledger_keeps_its_key_in_memory() -> None:
    with Ledger.init("memory:") as ledger:
        ledger.append([draft(0)])
        assert ledger.checkpoint().split("\n")[1] == "1"
        assert ledger.verify().size == 1


def test_default_key_sits_beside_the_database_with_mode_0600(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.delenv("HABEAS_KEY", raising=False)
    db = tmp_path / "cases.db"
    Ledger.init(str(db)).close()
    key = tmp_path / "cases.db.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert key.read_text().startswith("PRIVATE+KEY+habeas.local/")


def test_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    db, key = tmp_path / "l.db", tmp_path / "l.key"
    Ledger.init(str(db), key).close()
    os.chmod(key, 0o644)
    with Ledger.open(str(db), key) as ledger, pytest.raises(ConfigError) as caught:
        ledger.checkpoint()
    assert str(caught.value) == (f"key file {key}: mode 0644 lets group or others read it; "
                                 f"run chmod 600 {key}")


def test_init_refuses_to_overwrite_a_key(tmp_path: Path) -> None:
    key = tmp_path / "k"
    key.write_text("precious")
    with pytest.raises(ConfigError, match="refusing to overwrite"):
        Ledger.init(str(tmp_path / "l.db"), key)
    assert key.read_text() == "precious"


def test_driver_errors_say_what_went_wrong() -> None:
    full = translate(sqlite3.OperationalError("database or disk is full"), "appending")
    assert isinstance(full, OperationalError)
    assert str(full) == "appending: the disk is full (database or disk is full)"
    readonly = translate(sqlite3.OperationalError("attempt to write a readonly database"),
                         "appending")
    assert isinstance(readonly, OperationalError) and "read-only" in str(readonly)


def test_full_disk_is_an_operational_error_and_writes_nothing(tmp_path: Path) -> None:
    with Ledger.init(str(tmp_path / "l.db"), tmp_path / "k") as ledger:
        ledger.append([draft(0)])
        conn = ledger.store._conn  # type: ignore[attr-defined]
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        with pytest.raises(OperationalError, match="the disk is full"):
            ledger.append([draft(i) for i in range(2000)])
        assert ledger.size() == 1
        assert ledger.verify().size == 1


@pytest.mark.parametrize("gone", [[], [0], [5], [3, 4, 9], [10, 11]])
def test_leaves_equal_the_one_query_read_even_with_rows_missing(
        tmp_path: Path, gone: list[int]) -> None:
    """``leaves`` reads bodies and hashes as two one-column statements and makes the seqs up
    when the count proves them; with rows deleted it must say what one query would."""
    path = tmp_path / "ledger.db"
    with Ledger.init(str(path), tmp_path / "key") as ledger:
        ledger.append([draft(i) for i in range(12)])
    TestSQLite().tamper(str(path), [(f"DELETE FROM records WHERE seq = {seq}", ())
                                    for seq in gone])
    with Ledger.open(str(path), tmp_path / "key") as ledger:
        for batch in (1, 4, 5, 12, 50):
            got = [(seqs, bodies, hashes)
                   for seqs, bodies, hashes in ledger.store.leaves(0, 12, batch)]
            conn = sqlite3.connect(path)
            want = []
            for start in range(0, 12, batch):
                rows = conn.execute("SELECT seq, body, leaf_hash FROM records WHERE seq >= ? "
                                    "AND seq < ? ORDER BY seq",
                                    (start, min(12, start + batch))).fetchall()
                if rows:
                    want.append(tuple(list(column) for column in zip(*rows, strict=True)))
            conn.close()
            assert got == want
