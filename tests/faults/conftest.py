"""One ``url`` fixture over both backends, so every fault test runs on SQLite and
PostgreSQL alike (PostgreSQL only when HABEAS_TEST_POSTGRES names a server)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.db"
    postgres_url: str = request.getfixturevalue("postgres_url")
    return postgres_url


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return tmp_path / "signing.key"
