"""An app over the flagship case, in-process, with a token for every role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.app import create_app
from habeas.service import Role
from service.harness import Rig, make_rig

CLIENT = "abrego-garcia"


@dataclass
class Api:
    rig: Rig
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role in self.tokens else {}

    def get(self, path: str, role: str = "admin", **kw: object) -> object:
        return self.client.get(path, headers=self.auth(role), **kw)  # type: ignore[arg-type]


def build(rig: Rig) -> Api:
    app = create_app(rig.service)
    tokens = {role.value: rig.token(role.value, *((CLIENT,) if role is Role.counsel else ()))
              for role in Role}
    return Api(rig, app, TestClient(app), tokens)


@pytest.fixture
def api() -> Api:
    return build(make_rig())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    if request.param == "sqlite":
        yield build(make_rig(str(tmp_path / "habeas.db")))
    else:
        yield build(make_rig(request.getfixturevalue("postgres_url"),
                             key_path=str(tmp_path / "signing.key")))
