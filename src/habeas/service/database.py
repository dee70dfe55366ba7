"""One connection to the ledger's database for the service's operational tables.

Tokens, sessions, subscriptions, alerts, deliveries, acknowledgement obligations, what was
already alerted and the answers to idempotent requests are mutable state, not facts: they
live beside the ledger in the same database but outside the log. Both backends speak the
same SQL here; only placeholders and the driver differ.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from typing import Any

from habeas.errors import ConfigError, IntegrityError, OperationalError
from habeas.ledger import parse_store_url
from habeas.ledger.store.sqlite import create_private

Row = tuple[Any, ...]

SCHEMA = """
CREATE TABLE IF NOT EXISTS svc_tokens (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, people TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS svc_sessions (
    hash TEXT PRIMARY KEY, token_id TEXT NOT NULL, csrf TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS svc_subscriptions (
    id TEXT PRIMARY KEY, token_id TEXT NOT NULL, url TEXT NOT NULL, secret TEXT NOT NULL,
    topics TEXT NOT NULL, people TEXT NOT NULL, created_at TEXT NOT NULL, active INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS svc_alerts (
    id TEXT PRIMARY KEY, at TEXT NOT NULL, topic TEXT NOT NULL, people TEXT NOT NULL,
    summary TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS svc_deliveries (
    id TEXT PRIMARY KEY, alert_id TEXT NOT NULL, subscription_id TEXT NOT NULL,
    attempts INTEGER NOT NULL, status TEXT NOT NULL, last_code INTEGER, last_error TEXT,
    next_at TEXT NOT NULL, delivered_at TEXT);
CREATE TABLE IF NOT EXISTS svc_alerted (key TEXT PRIMARY KEY, alerted_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS svc_requests (
    key TEXT PRIMARY KEY, response TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS svc_obligations (
    id TEXT PRIMARY KEY, order_id TEXT NOT NULL, party TEXT NOT NULL, opened_at TEXT NOT NULL,
    due_at TEXT NOT NULL, level INTEGER NOT NULL, acknowledged_at TEXT, ack_seq INTEGER,
    UNIQUE (order_id, party));
CREATE TABLE IF NOT EXISTS svc_outbox (name TEXT PRIMARY KEY, next_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS svc_parties (order_id TEXT PRIMARY KEY, parties TEXT NOT NULL)
"""
#: Columns added after their table first shipped: added in place to an older database.
ADDED_COLUMNS = (
    ("svc_tokens", "party", "TEXT"),            # whom a token acts for
    ("svc_requests", "fingerprint", "TEXT"),    # what an idempotent request asked for
)


class Database:
    """A thread-safe connection: the server's worker and request threads share it."""

    def __init__(self, url: str) -> None:
        self._lock = threading.Lock()
        backend, target = parse_store_url(url)
        self._postgres = backend == "postgresql"
        try:
            if self._postgres:
                import psycopg

                self._conn: Any = psycopg.connect(url, autocommit=True)
            else:
                create_private(target)
                self._conn = sqlite3.connect(target, check_same_thread=False,
                                             isolation_level=None, timeout=30)
                self._conn.execute("PRAGMA journal_mode=WAL")
        except (sqlite3.Error, OSError) as error:
            raise ConfigError(f"--db: {url!r}: {error}") from None
        except Exception as error:  # psycopg's errors, without importing it for SQLite users
            raise ConfigError(f"--db: {url!r}: {error}") from None
        for statement in SCHEMA.split(";"):
            self.execute(statement)
        for table, column, kind in ADDED_COLUMNS:
            try:
                self.execute(f"SELECT {column} FROM {table} WHERE 1 = 0")
            except OperationalError:
                try:
                    self.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                except OperationalError:  # another process added it first
                    self.execute(f"SELECT {column} FROM {table} WHERE 1 = 0")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run one statement; ``?`` placeholders work on both backends."""
        if self._postgres:
            sql = sql.replace("?", "%s")
        with self._lock:
            try:
                cursor = self._conn.execute(sql, tuple(params))
                return list(cursor.fetchall()) if cursor.description else []
            except sqlite3.IntegrityError as error:
                raise IntegrityError(str(error)) from None
            except sqlite3.Error as error:
                raise OperationalError(str(error)) from None
            except Exception as error:
                if type(error).__name__ in ("UniqueViolation", "IntegrityError"):
                    raise IntegrityError(str(error)) from None
                if type(error).__module__.startswith("psycopg"):
                    raise OperationalError(str(error)) from None
                raise

    def notify(self, channel: str, payload: str) -> None:
        """Tell every process LISTENing on ``channel`` (PostgreSQL); SQLite has no such
        thing, and its followers poll."""
        if self._postgres:
            self.execute("SELECT pg_notify(?, ?)", (channel, payload))

    def close(self) -> None:
        with self._lock:
            self._conn.close()
