"""Fixtures shared by every test module: PostgreSQL databases and test options.

PostgreSQL tests run against a real server named by ``HABEAS_TEST_POSTGRES`` (``scripts/test.sh``
starts one). Without it they are skipped, unless ``--require-postgres`` is given, as in CI, where
a missing server is a failure rather than a silent skip.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Test the source tree this file belongs to, whichever copy of the package is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--require-postgres", action="store_true",
                     help="fail, instead of skipping, when HABEAS_TEST_POSTGRES is not set")
    parser.addoption("--run-slow", action="store_true", help="run the long variants too")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long variant: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> str:
    """The URL of the test server's maintenance database."""
    url = os.environ.get("HABEAS_TEST_POSTGRES")
    if not url:
        if request.config.getoption("--require-postgres"):
            pytest.fail("--require-postgres given but HABEAS_TEST_POSTGRES is not set")
        pytest.skip("HABEAS_TEST_POSTGRES not set")
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    import psycopg

    name = "habeas_test_" + uuid.uuid4().hex[:12]
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = postgres_server.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
