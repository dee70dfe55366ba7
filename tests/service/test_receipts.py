"""Every guard decision is a receipt in the ledger: what was asked, when, under which
reading, the orders judged and the tree size judged on; it changes neither the case nor
the audit, and its inclusion proof is there as soon as the answer is."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from habeas.errors import ValidationError
from habeas.ledger import RecordDraft
from habeas.service import DEFAULT, Principal, Role, entry
from habeas.service.writes import RECEIPT_KIND
from service.harness import ADMIN, Rig

OPERATOR = Principal("tok_op", "ICE operations desk", Role.operator)
REMOVE = {"action": "remove", "subjects": ["abrego-garcia"], "to": "SV"}
AT = datetime(2025, 3, 15, 23, 30, tzinfo=UTC)


def test_a_denial_returns_with_its_receipt_in_the_ledger(any_rig: Rig) -> None:
    svc = any_rig.service
    size = svc.ledger.size()
    audit_before = svc.audit(OPERATOR, DEFAULT)
    answer = svc.check(OPERATOR, REMOVE, AT, DEFAULT)
    assert answer["decision"] == "deny"
    receipt = answer["receipt"]
    assert receipt["seq"] == size and receipt["tree_size"] == size
    record = svc.ledger.get(receipt["seq"])
    assert record.kind == RECEIPT_KIND and record.actor == "ICE operations desk"
    assert record.leaf_hash.hex() == receipt["leaf_hash"]
    payload = record.payload
    assert payload["decision"] == "deny" and payload["forbidding"] == ["withholding-2019"]
    assert "withholding-2019" in payload["orders_judged"]
    assert payload["action"]["action"] == "remove" and payload["action"]["at"] == AT.isoformat()
    assert payload["reading"] == DEFAULT.to_json() and payload["tree_size"] == size
    assert payload["asked_at"].startswith("2026-01-05T09:00")  # the service's clock
    proof = svc.ledger.inclusion_proof(receipt["seq"])
    assert proof.leaf_hash == record.leaf_hash
    proof.verify()  # provable as soon as the answer is given
    # a receipt is not a case object: the case and the audit are what they were
    assert svc.audit(OPERATOR, DEFAULT) == audit_before
    assert svc.snapshot().size == size + 1


def test_an_allow_is_a_receipt_too_and_each_question_its_own(any_rig: Rig) -> None:
    svc = any_rig.service
    allowed = svc.check(OPERATOR, {"action": "remove", "subjects": ["abrego-garcia"],
                                   "to": "MX"}, AT, DEFAULT)
    again = svc.check(OPERATOR, {"action": "remove", "subjects": ["abrego-garcia"],
                                 "to": "MX"}, AT, DEFAULT)
    assert allowed["decision"] == again["decision"] == "allow"
    assert again["receipt"]["seq"] == allowed["receipt"]["seq"] + 1
    assert svc.ledger.get(allowed["receipt"]["seq"]).payload["forbidding"] == []


def test_receipts_keep_the_engine_and_its_answers(any_rig: Rig) -> None:
    """A receipt grows the tree, not the case: the snapshot keeps its engine (no rebuild on
    the guard's path) and the audit it had computed."""
    svc = any_rig.service
    before = svc.snapshot()
    svc.audit(OPERATOR, DEFAULT)
    svc.check(OPERATOR, REMOVE, AT, DEFAULT)
    after = svc.snapshot()
    assert after.size == before.size + 1
    assert after.engine is before.engine and after.case is before.case


def test_a_write_survives_receipts_landing_between_its_check_and_its_append(
        any_rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard never waits for a write's validation, so receipts can land between a
    write's validation and its append; the write is appended all the same (the case did not
    change), however many land."""
    svc = any_rig.service
    real = entry.drafts
    landed: list[int] = []

    def drafts_after_receipts(*args: Any, **kwargs: Any) -> Any:
        while len(landed) < 8:  # guard calls beat the write to the log
            landed.append(svc.check(OPERATOR, REMOVE, AT, DEFAULT)["receipt"]["seq"])
        return real(*args, **kwargs)

    monkeypatch.setattr(entry, "drafts", drafts_after_receipts)
    size = svc.ledger.size()
    added = svc.add(ADMIN, "events", {"kind": "departed", "movement": "gxa6122",
                                      "place": "hrl", "at": "2026-01-05T09:00:00Z"})
    assert landed == list(range(size, size + 8))
    assert [r["seq"] for r in added["records"]] == [size + 8]
    assert svc.snapshot().size == size + 9


def test_receipts_waiting_for_a_turn_are_committed_in_one_group(
        any_rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = any_rig.service
    appends: list[int] = []
    real = svc.ledger.append

    def counted(drafts: Any, expected_size: int | None = None) -> Any:
        appends.append(len(drafts))
        return real(drafts, expected_size)

    monkeypatch.setattr(svc.ledger, "append", counted)
    answers: list[dict[str, Any]] = []
    callers = [threading.Thread(target=lambda: answers.append(
        svc.check(OPERATOR, REMOVE, AT, DEFAULT))) for _ in range(5)]
    with svc.writes.appender.turn():  # a write's turn: the guard calls queue up behind it
        for caller in callers:
            caller.start()
        deadline = time.monotonic() + 10
        while len(svc.writes.appender._queue) < 5:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert all(caller.is_alive() for caller in callers)
    for caller in callers:
        caller.join(10)
    assert appends == [5]  # one commit for the five
    assert sorted(a["receipt"]["seq"] for a in answers) == list(range(
        svc.ledger.size() - 5, svc.ledger.size()))


def test_a_write_is_validated_again_when_the_case_changed_under_it(
        any_rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = any_rig.service
    real = entry.drafts
    raced: list[bool] = []
    place = {"id": "mia", "name": "Miami International Airport", "country": "US"}

    def drafts_after_another_writer(*args: Any, **kwargs: Any) -> Any:
        if not raced:  # another process adds the same place first
            raced.append(True)
            svc.ledger.append([RecordDraft(kind="place", payload=place, actor="elsewhere")])
        return real(*args, **kwargs)

    monkeypatch.setattr(entry, "drafts", drafts_after_another_writer)
    with pytest.raises(ValidationError) as refused:
        svc.add(ADMIN, "places", place)
    assert refused.value.problems[0].path == "id"
