"""Both backends for the fault tests: a fresh ledger URL, raw SQL with the append-only
guards off (what an attacker with database access can do), and a copy of a database."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from habeas.cli import app
from habeas.ledger.store import parse_store_url

Statement = tuple[str, Sequence[Any]]
SQLITE_TRIGGERS = [f"{table}_no_{verb}" for table in ("meta", "records", "nodes", "checkpoints")
                   for verb in ("update", "delete")]


def tamper(url: str, statements: list[Statement]) -> None:
    """Run ``statements`` (``?`` placeholders) with the append-only triggers removed."""
    backend, target = parse_store_url(url)
    if backend == "sqlite":
        conn = sqlite3.connect(target, isolation_level=None)
        for trigger in SQLITE_TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for sql, params in statements:
            conn.execute(sql, params)
        conn.close()
        return
    import psycopg

    with psycopg.connect(target, autocommit=True) as pg:
        for table in ("meta", "records", "nodes", "checkpoints"):
            pg.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for sql, params in statements:
            pg.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]


def copy_database(url: str, directory: Path) -> str:
    """A second database holding the same ledger, byte for byte: the fork of a split view."""
    backend, target = parse_store_url(url)
    if backend == "sqlite":
        other = directory / f"fork-{uuid.uuid4().hex[:8]}.db"
        source, dest = sqlite3.connect(target), sqlite3.connect(other)
        source.backup(dest)
        source.close()
        dest.close()
        return f"sqlite:///{other}"
    import psycopg

    base, _, name = target.rpartition("/")
    fork = f"{name}_fork"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as pg:
        pg.execute(f'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                   f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        pg.execute(f'CREATE DATABASE "{fork}" TEMPLATE "{name}"')
    return f"{base}/{fork}"


def drop_copy(url: str) -> None:
    backend, target = parse_store_url(url)
    if backend != "postgresql":
        return
    import psycopg

    base, _, name = target.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def habeas(*args: str, env: dict[str, str] | None = None, input: str | None = None
           ) -> tuple[int, str, str]:
    """Run the ``habeas`` command in-process: (exit code, stdout, stderr). A traceback
    (an exception that is not a clean exit) fails the test where it happens."""
    result = CliRunner().invoke(app, list(args), env=env, input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"habeas {' '.join(args)} crashed") from result.exception
    return result.exit_code, result.stdout, result.stderr


def has_command(name: str) -> bool:
    import typer

    group = typer.main.get_command(app)
    return name in getattr(group, "commands", {})


def rewrite_record(url: str, seq: int, old: bytes, new: bytes, *, rebuild: bool,
                   forget_checkpoints: bool) -> None:
    """Change record ``seq``'s bytes (``old`` replaced by ``new``) and recompute its leaf
    hash; with ``rebuild``, recompute every stored tree node from the leaves too, and with
    ``forget_checkpoints`` empty the checkpoints table: the whole rewrite an attacker with
    database access (but not the signing key) can do."""
    import hashlib

    from habeas.ledger import open_store

    store = open_store(url)
    try:
        leaves = [h for _, _, hashes in store.leaves(0, store.size(), 1 << 15) for h in hashes]
        row = store.row(seq)
    finally:
        store.close()
    assert row is not None and old in row.body, "the record to rewrite does not hold it"
    body = row.body.replace(old, new)
    leaves[seq] = hashlib.sha256(b"\x00" + body).digest()
    statements: list[Statement] = [("UPDATE records SET body = ?, leaf_hash = ? WHERE seq = ?",
                                    (body, leaves[seq], seq))]
    if rebuild:
        statements.append(("DELETE FROM nodes", ()))
        level, hashes = 0, leaves
        while len(hashes) > 1:
            hashes = [hashlib.sha256(b"\x01" + a + b).digest()
                      for a, b in zip(hashes[0::2], hashes[1::2], strict=False)]
            level += 1
            statements += [("INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)",
                            (level, index, digest)) for index, digest in enumerate(hashes)]
    if forget_checkpoints:
        statements.append(("DELETE FROM checkpoints", ()))
    tamper(url, statements)
