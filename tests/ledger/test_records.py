"""Drafts: the rules they must follow, and the leaf bytes they become."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.ledger.test_canonical import json_values

from habeas.errors import ValidationError
from habeas.ledger.canonical import canonical_bytes
from habeas.ledger.merkle import leaf_hash
from habeas.ledger.records import (
    Prepared,
    Record,
    RecordDraft,
    format_time,
    placed,
    stamp,
    validate,
)

times = st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat())
drafts = st.builds(
    RecordDraft,
    kind=st.from_regex(r"[a-z][a-z0-9_.]{0,20}", fullmatch=True),
    payload=st.dictionaries(st.text(max_size=8), json_values, max_size=4),
    occurred_at=st.none() | times | st.tuples(times, times).map(lambda p: tuple(sorted(p))),
    source=st.lists(st.text(min_size=1, max_size=10), max_size=3).map(tuple),
    actor=st.text(max_size=10),
    idempotency_key=st.none() | st.text(min_size=1, max_size=10),
    corrects=st.none() | st.integers(0, 10**6),
)


@settings(max_examples=300, deadline=None)
@given(drafts, st.integers(0, 2**40), st.integers(0, 10**6) | st.none())
def test_spliced_leaf_equals_the_canonical_leaf_object(draft: RecordDraft, seq: int,
                                                       retracts: int | None) -> None:
    if draft.corrects is not None:
        retracts = None
    draft = RecordDraft(draft.kind, draft.payload, draft.occurred_at, draft.source,
                        draft.actor, draft.idempotency_key, draft.corrects, retracts)
    assert validate(draft) == []
    moment = datetime(2025, 3, 16, 1, 2, 3, 4, tzinfo=UTC)
    record = Record(seq, moment, draft.kind, dict(draft.payload), draft.occurred_at,
                    tuple(draft.source), draft.actor, draft.idempotency_key, draft.corrects,
                    draft.retracts)
    assert Prepared.of(draft).leaf(seq, format_time(moment)) == \
        canonical_bytes(record.leaf_object())


@settings(max_examples=300, deadline=None)
@given(drafts, st.integers(0, 2**40))
def test_append_path_builds_the_same_leaf_and_record(draft: RecordDraft, seq: int) -> None:
    """The append path stamps ``recorded_at`` once per batch and builds records without the
    dataclass ``__init__``: same bytes, same hash, an equal record with the same fields."""
    moment = datetime(2025, 3, 16, 1, 2, 3, 4, tzinfo=UTC)
    text = format_time(moment)
    prepared = Prepared.of(draft)
    body = prepared.leaf_stamped(seq, stamp(text))
    assert body == prepared.leaf(seq, text)
    built = placed(seq, moment, draft, leaf_hash(body))
    record = Record(seq, moment, draft.kind, dict(draft.payload), draft.occurred_at,
                    tuple(draft.source), draft.actor, draft.idempotency_key, draft.corrects,
                    draft.retracts, leaf_hash(body))
    assert built == record and vars(built) == vars(record) and type(built) is Record
    assert canonical_bytes(built.leaf_object()) == body
    assert built.payload is not draft.payload  # a copy, as the constructor call made
    with pytest.raises(AttributeError):
        built.seq = 1  # type: ignore[misc]  # still frozen


def test_worked_example_bytes() -> None:
    draft = RecordDraft("order.issued", {"case": "25-cv-766", "form": "oral"},
                        occurred_at="2025-03-15T18:45:00-04:00", source=["Tr. 15 Mar 2025"],
                        actor="clerk@dcd")
    body = Prepared.of(draft).leaf(0, "2025-03-16T01:02:03.000004Z")
    assert leaf_hash(body).hex() == \
        "6bfe7f7b73448b8e03fe1dd89267d55a2277c9fc7a27c582620fa34bcdcb14e9"  # docs/ledger.md
    assert body == (
        b'{"actor":"clerk@dcd","kind":"order.issued","occurred_at":"2025-03-15T18:45:00-04:00",'
        b'"payload":{"case":"25-cv-766","form":"oral"},"recorded_at":"2025-03-16T01:02:03.000004Z",'
        b'"seq":0,"source":["Tr. 15 Mar 2025"]}')


@pytest.mark.parametrize(("draft", "path", "rule"), [
    (RecordDraft("", {}), "kind", "must be 1-200 characters"),
    (RecordDraft("x", []), "payload", "must be a JSON object"),  # type: ignore[arg-type]
    (RecordDraft("x", {}, occurred_at="2025-03-15T18:45:00"), "occurred_at", "UTC offset"),
    (RecordDraft("x", {}, source="ECF 1"), "source", "list of citations"),
    (RecordDraft("x", {}, source=[""]), "source[0]", "non-empty string or an object"),
    (RecordDraft("x", {}, idempotency_key=""), "idempotency_key", "1-512 characters"),
    (RecordDraft("x", {}, corrects=-1), "corrects", "integer >= 0"),
    (RecordDraft("x", {}, retracts=True), "retracts", "integer >= 0"),  # type: ignore[arg-type]
])
def test_rules(draft: RecordDraft, path: str, rule: str) -> None:
    problems = validate(draft, "records[2]")
    assert [p.path for p in problems] == [f"records[2].{path}"]
    assert rule in problems[0].rule


@pytest.mark.parametrize(("payload", "path", "rule"), [
    ({"a": {"b": float("nan")}}, "records[0].payload.a.b", "finite"),
    ({"a": [1, 2**60]}, "records[0].payload.a[1]", "2**53"),
    ({"a": "\ud800"}, "records[0].payload.a", "surrogates"),
    ({"a": {1: 2}}, "records[0].payload.a", "keys must be strings"),
    ({"a": object()}, "records[0].payload.a", "not a JSON value"),
])
def test_payload_without_canonical_form_is_located(payload: dict[str, Any], path: str,
                                                   rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Prepared.of(RecordDraft("x", payload), "records[0]")
    assert caught.value.problems[0].path == path
    assert rule in caught.value.problems[0].rule


def test_from_json_rejects_unknown_fields() -> None:
    with pytest.raises(ValidationError, match=r"records\[0\].colour: 'red': unknown field"):
        RecordDraft.from_json({"kind": "x", "payload": {}, "colour": "red"}, "records[0]")
    draft = RecordDraft.from_json({"kind": "x", "payload": {},
                                   "occurred_at": ["2025-03-15T18:45:00Z",
                                                   "2025-03-15T19:45:00Z"]})
    assert draft.occurred_at == ("2025-03-15T18:45:00Z", "2025-03-15T19:45:00Z")


def test_payload_nested_too_deeply_is_a_validation_error() -> None:
    payload: dict[str, Any] = {}
    inner = payload
    for _ in range(5000):
        inner["a"] = {}
        inner = inner["a"]
    with pytest.raises(ValidationError, match="nested too deeply"):
        Prepared.of(RecordDraft("x", payload), "records[0]")

