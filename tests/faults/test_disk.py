"""Disk full and read-only databases: the append fails with an ``OperationalError`` that
names the database and the cause, nothing of the failed batch is written, and every record
acknowledged before stays and verifies. Both backends; the real-filesystem variants (a tiny
tmpfs, a read-only bind mount, a PostgreSQL tablespace on a tiny tmpfs) need root and
``mount``, and are skipped where those are missing."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.faults.backends import habeas

from habeas.errors import HabeasError, OperationalError
from habeas.ledger import Ledger, RecordDraft
from habeas.ledger.store import parse_store_url


def big(i: int, size: int = 20_000) -> RecordDraft:
    return RecordDraft("disk.test", {"i": i, "blob": "x" * size}, actor="tester")


def fill_until_refused(ledger: Ledger, limit: int = 10_000) -> tuple[int, OperationalError]:
    """Append batches of two until the storage refuses; return (records acknowledged,
    the error). Anything but an OperationalError fails the test."""
    acknowledged = 0
    for i in range(limit):
        try:
            ledger.append([big(2 * i), big(2 * i + 1)])
        except OperationalError as error:
            return acknowledged, error
        acknowledged += 2
    raise AssertionError(f"{limit} batches appended and the storage never filled up")


def intact(url: str, key: Path, acknowledged: int) -> None:
    with Ledger.open(url, key) as ledger:
        assert ledger.size() == acknowledged, "a refused batch left records behind"
        report = ledger.verify()
        assert report.size == acknowledged
        assert [r.payload["i"] for r in ledger.scan()] == list(range(acknowledged))


def names_database(error: HabeasError, url: str, cause: str) -> None:
    shown = parse_store_url(url).target if url.startswith("sqlite") else url.rsplit("/", 1)[1]
    assert shown in str(error), f"the error does not name the database: {error}"
    assert cause in str(error), error


# -- disk full -----------------------------------------------------------------------------

def test_sqlite_database_full_via_max_page_count(tmp_path: Path, key: Path) -> None:
    url = f"sqlite:///{tmp_path}/full.db"
    with Ledger.init(url, key) as ledger:
        ledger.store._conn.execute("PRAGMA max_page_count = 200")  # type: ignore[attr-defined]
        acknowledged, error = fill_until_refused(ledger)
        names_database(error, url, "the disk is full")
        assert acknowledged > 0
        with pytest.raises(OperationalError):  # still full, still refused, still clean
            ledger.append([big(acknowledged)])
    intact(url, key, acknowledged)


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
        with contextlib.suppress(OSError):
            path.rmdir()


def test_sqlite_on_a_full_filesystem(tmp_path: Path, key: Path) -> None:
    with tmpfs(tmp_path / "tiny", "2m") as mount:
        url = f"sqlite:///{mount}/full.db"
        with Ledger.init(url, key) as ledger:
            acknowledged, error = fill_until_refused(ledger)
            names_database(error, url, "the disk is full")
        intact(url, key, acknowledged)


def _postgres_is_local(url: str) -> bool:
    host = url.split("@", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host in ("127.0.0.1", "localhost", "::1")


@pytest.mark.postgres
def test_postgres_tablespace_on_a_full_filesystem(tmp_path: Path, key: Path,
                                                  postgres_server: str) -> None:
    """A database whose tablespace lives on a tiny tmpfs: extending a table fails with
    SQLSTATE 53100 (disk full) at the append, not later at a checkpoint."""
    import psycopg

    if not _postgres_is_local(postgres_server):
        pytest.skip("the test server is not on this machine")
    # under /tmp itself: the server's user cannot reach into pytest's private tmp_path
    with tmpfs(Path(tempfile.mkdtemp(prefix="habeas-pgtiny-")), "3m") as mount:
        subprocess.run(["chown", "postgres", str(mount)], check=True)
        mount.chmod(0o700)
        name = "habeas_full_" + uuid.uuid4().hex[:8]
        base = postgres_server.rsplit("/", 1)[0]
        with psycopg.connect(postgres_server, autocommit=True) as pg:
            pg.execute(f"CREATE TABLESPACE {name} LOCATION '{mount}'")
            pg.execute(f'CREATE DATABASE "{name}" TABLESPACE {name}')
        url = f"{base}/{name}"
        try:
            with Ledger.init(url, key) as ledger:
                acknowledged, error = fill_until_refused(ledger)
                names_database(error, url, "disk is full")
            intact(url, key, acknowledged)
        finally:
            with psycopg.connect(postgres_server, autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                pg.execute(f"DROP TABLESPACE IF EXISTS {name}")


# -- read-only -----------------------------------------------------------------------------

def test_sqlite_query_only(tmp_path: Path, key: Path) -> None:
    url = f"sqlite:///{tmp_path}/ro.db"
    with Ledger.init(url, key) as ledger:
        ledger.append([big(0), big(1)])
        ledger.store._conn.execute("PRAGMA query_only = 1")  # type: ignore[attr-defined]
        with pytest.raises(OperationalError) as caught:
            ledger.append([big(2)])
        names_database(caught.value, url, "read-only")
        with pytest.raises(OperationalError) as caught:
            ledger.checkpoint()
        names_database(caught.value, url, "read-only")
        assert ledger.size() == 2  # reads still work
    intact(url, key, 2)


def test_sqlite_on_a_read_only_mount(tmp_path: Path, key: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    url = f"sqlite:///{data}/ro.db"
    with Ledger.init(url, key) as ledger:
        ledger.append([big(0), big(1)])
    view = tmp_path / "view"
    view.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a bind mount needs root")
    if subprocess.run(["mount", "--bind", str(data), str(view)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        if subprocess.run(["mount", "-o", "remount,bind,ro", str(view)],
                          capture_output=True).returncode != 0:
            pytest.skip("cannot remount read-only here")
        ro_url = f"sqlite:///{view}/ro.db"
        try:
            ledger = Ledger.open(ro_url, key)
        except OperationalError as error:  # refused at open: fine, if it says why
            names_database(error, ro_url, "")
            assert "read-only" in str(error) or "cannot open" in str(error), error
        else:
            with ledger, pytest.raises(OperationalError) as caught:
                ledger.append([big(2)])
            names_database(caught.value, ro_url, "read-only")
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)
    intact(url, key, 2)


@pytest.mark.postgres
def test_postgres_read_only_database(postgres_url: str, key: Path) -> None:
    import psycopg

    with Ledger.init(postgres_url, key) as ledger:
        ledger.append([big(0), big(1)])
    name = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_url, autocommit=True) as pg:
        pg.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    with Ledger.open(postgres_url, key) as ledger:
        with pytest.raises(OperationalError) as caught:
            ledger.append([big(2)])
        names_database(caught.value, postgres_url, "read-only")
        assert ledger.size() == 2
    code, out, err = habeas("append", "--db", postgres_url, "-",
                            input='{"kind": "disk.test", "payload": {"i": 2}}\n')
    assert (code, out) == (3, "") and err.startswith("Error: database postgresql://")
    assert "appending: the database is read-only" in err and err.count("\n") == 1
    with psycopg.connect(postgres_url, autocommit=True) as pg:
        pg.execute("SET default_transaction_read_only = off")
        pg.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
    intact(postgres_url, key, 2)


@pytest.mark.postgres
def test_postgres_user_without_write_grants(postgres_url: str, key: Path) -> None:
    import psycopg

    with Ledger.init(postgres_url, key) as ledger:
        ledger.append([big(0)])
    role = "reader_" + uuid.uuid4().hex[:8]
    with psycopg.connect(postgres_url, autocommit=True) as pg:
        pg.execute(f"CREATE ROLE {role} LOGIN")
        pg.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    base, _, name = postgres_url.rpartition("/")
    reader = base.replace("habeas@", f"{role}@", 1) + f"/{name}"
    try:
        with Ledger.open(reader, key) as ledger:
            with pytest.raises(OperationalError) as caught:
                ledger.append([big(1)])
            names_database(caught.value, reader, "permission denied")
            assert ledger.size() == 1
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as pg:
            pg.execute(f"DROP OWNED BY {role}")
            pg.execute(f"DROP ROLE {role}")
    intact(postgres_url, key, 1)
