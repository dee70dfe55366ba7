"""The fast canonical path must be byte-identical to RFC 8785 wherever it is taken."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.errors import ValidationError
from habeas.ledger import canonical
from habeas.ledger.canonical import MAX_SAFE_INTEGER, canonical_bytes

text = st.text(st.characters(codec="utf-8"), max_size=12)  # any code point but surrogates
scalars = st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(json_values)
def test_every_float_free_value_is_encoded_as_rfc8785(value: Any) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)


@settings(max_examples=200, deadline=None)
@given(st.recursive(scalars | st.floats(allow_nan=False, allow_infinity=False),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(text, inner, max_size=3), max_leaves=12))
def test_every_value_is_encoded_as_rfc8785(value: Any) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)


def test_plain_values_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = {"a": [1, "x", None, True, {"b": "é", "c": -MAX_SAFE_INTEGER}], "ü": "\ue000"}
    expected = rfc8785.dumps(plain)

    def refuse(value: Any) -> bytes:
        raise AssertionError(f"slow path taken for {value!r}")

    monkeypatch.setattr(canonical.rfc8785, "dumps", refuse)
    assert canonical_bytes(plain) == expected
    for not_plain in ({"a": 1.5}, {"\U0001F600": 1}, {"a": 2**53}, {1: "a"}):
        with pytest.raises(AssertionError, match="slow path"):
            canonical_bytes(not_plain)


def test_keys_outside_the_bmp_sort_by_utf16() -> None:
    value = {"\U0001F600": 1, "\ue000": 2}
    assert canonical_bytes(value) == rfc8785.dumps(value)
    assert canonical_bytes(value).index("\U0001F600".encode()) < \
        canonical_bytes(value).index("\ue000".encode())


def test_floats_follow_ecmascript() -> None:
    assert canonical_bytes({"a": 1.0, "b": 1e21, "c": 0.1}) == b'{"a":1,"b":1e+21,"c":0.1}'


@pytest.mark.parametrize("value", [{"a": 2**60}, {"a": "\udc00"}])
def test_values_without_a_canonical_form_are_refused(value: Any) -> None:
    with pytest.raises(ValidationError, match="not canonical JSON"):
        canonical_bytes(value)


def _plain_as_written_first(value: Any) -> bool:
    """``canonical._plain`` before scalars were checked in place: every value popped."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict:
            if any(type(key) is not str for key in item):
                return False
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        elif kind is not int or not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
            return False
    return True


class _Str(str):
    pass


odd_scalars = (scalars | st.integers() | st.floats() | st.binary(max_size=3)
               | st.builds(_Str, text) | st.just(frozenset()) | st.just(object()))
odd_keys = text | st.integers(-3, 3) | st.none() | st.booleans() | st.builds(_Str, text)


@settings(max_examples=1000, deadline=None)
@given(st.recursive(odd_scalars, lambda inner: (
    st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(odd_keys, inner, max_size=4)), max_leaves=20))
def test_plain_gives_the_verdict_it_always_gave(value: Any) -> None:
    assert canonical._plain(value) == _plain_as_written_first(value)
