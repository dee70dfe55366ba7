"""Hypothesis strategies for hostile case bundles and ledger records.

Bundles start from the flagship example and are mutated at a random path (a field
dropped, replaced by arbitrary JSON, given a wrong type, an unknown sibling, a huge
number, a lone surrogate, a long string), or are arbitrary documents altogether; each is
then written as YAML or JSON text. Unmutated draws are valid, so the same strategy yields
both accepted and refused bundles.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from habeas.bundle.yamlsafe import load_yaml

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                           max_leaves=10)
strange_values = st.sampled_from([
    "", " ", "\ud800", "\x00", "a\u202eb", "9" * 400, "x" * 20_000, 2**63, -(2**63), 10**30,
    1e308, -0.0, [], {}, [[[[[]]]]], {"": None}, "2025-13-45T99:99", "[", "*", "&a",
    "!!python/object:os.system", "../../etc/passwd", "US", "ZZ", True,
])


@cache
def example_data() -> dict[str, Any]:
    data = load_yaml(EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@cache
def example_paths() -> list[tuple[Any, ...]]:
    return [p for p in _paths(example_data()) if p]


def _mutate(data: dict[str, Any], path: tuple[Any, ...], how: str, value: Any) -> None:
    parent: Any = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "drop":
        del parent[last]
    elif how == "replace":
        parent[last] = value
    elif how == "sibling" and isinstance(parent, dict):
        parent[f"unknown_{str(value)[:8]}"] = value
    elif how == "wrap":
        parent[last] = [parent[last]]


@st.composite
def mutated_bundles(draw: st.DrawFn) -> dict[str, Any]:
    """The example with 0-3 mutations at random paths (0 mutations: a valid bundle)."""
    data = copy.deepcopy(example_data())
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(data)[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["drop", "replace", "replace", "sibling", "wrap"]))
        _mutate(data, path, how, draw(json_values | strange_values))
    return data


def as_text(data: Any, form: str) -> str:
    """YAML or JSON text for ``data`` (JSON keeps lone surrogates as escapes)."""
    if form == "json":
        return json.dumps(data, allow_nan=True)
    try:
        return yaml.safe_dump(data, allow_unicode=False, sort_keys=False)
    except yaml.YAMLError:
        return json.dumps(data)


bundle_texts = st.tuples(mutated_bundles() | json_values, st.sampled_from(["yaml", "json"])
                         ).map(lambda pair: as_text(*pair)) | st.text(max_size=300)

record_drafts = st.fixed_dictionaries(
    {"kind": st.text(max_size=30) | strange_values, "payload": json_values | strange_values},
    optional={"occurred_at": json_values | strange_values,
              "source": json_values | strange_values, "actor": json_values | strange_values,
              "idempotency_key": json_values | strange_values,
              "corrects": json_values | strange_values,
              "retracts": json_values | strange_values}) | json_values
