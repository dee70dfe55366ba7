"""Services over the flagship case, on SQLite and (when a server is given) PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.harness import Rig, make_rig


@pytest.fixture
def rig() -> Rig:
    return make_rig()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Rig]:
    """The same service on each backend: a SQLite file, and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield make_rig(str(tmp_path / "habeas.db"))
    else:
        url = request.getfixturevalue("postgres_url")
        yield make_rig(url, key_path=str(tmp_path / "signing.key"))
