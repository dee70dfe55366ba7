"""The ledger contract on PostgreSQL (needs HABEAS_TEST_POSTGRES; see tests/conftest.py)."""

from __future__ import annotations

import pytest
from tests.ledger.conformance import LedgerContract, Statement

pytestmark = pytest.mark.postgres


class TestPostgres(LedgerContract):
    @pytest.fixture
    def url(self, postgres_url: str) -> str:
        return postgres_url

    def tamper(self, url: str, statements: list[Statement]) -> None:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            for table in ("records", "nodes", "checkpoints"):
                conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for sql, params in statements:
                conn.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]
