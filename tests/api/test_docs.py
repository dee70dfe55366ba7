"""docs/api.md documents every route the API serves, and nothing it does not."""

from __future__ import annotations

import re
from pathlib import Path

from habeas.app import route_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def documented() -> set[tuple[str, str]]:
    return set(re.findall(r"^### `(GET|POST|PUT|PATCH|DELETE) (/\S*)`", DOC.read_text(), re.M))


def served() -> set[tuple[str, str]]:
    return {(method, route.path.replace(":path}", "}")) for route in route_table()
            if route.include_in_schema for method in route.methods if method != "HEAD"}


def test_every_route_is_documented() -> None:
    assert sorted(served() - documented()) == []


def test_nothing_undocumented_is_claimed() -> None:
    assert sorted(documented() - served()) == []
