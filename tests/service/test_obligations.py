"""An order entered here opens a duty for each party to acknowledge it; silence escalates."""

from __future__ import annotations

from datetime import timedelta

from habeas.service import Principal, Role
from service.harness import ADMIN, Rig

DOJ = Principal("tok_doj", "DOJ attorney", Role.operator, party="DOJ")

ORDER = {"id": "tro-new", "court": "D.D.C.", "kind": "tro", "form": "oral",
         "issued": "2026-01-05T09:00:00+00:00", "protects": {"people": ["abrego-garcia"]},
         "forbids": ["remove"], "directs": ["return_in_transit"]}


def test_an_order_opens_duties_that_escalate_at_6_and_12_hours(any_rig: Rig) -> None:
    svc, clock = any_rig.service, any_rig.clock
    svc.add(ADMIN, "orders", ORDER, parties=["DOJ", "ICE"])
    duties = svc.obligations.select(order="tro-new")
    assert sorted(d.party for d in duties) == ["DOJ", "ICE"]
    assert all(d.level == 0 and d.due_at.startswith("2026-01-05T15:00") for d in duties)
    topics = [a.topic for a in svc.alerts.recent(ADMIN)]
    assert topics.count("notice") == 2 and "order" in topics

    clock.advance(timedelta(hours=5, minutes=59))
    svc.tick()
    assert {d.level for d in svc.obligations.select()} == {0}
    clock.advance(timedelta(minutes=1))
    svc.tick()
    assert {d.level for d in svc.obligations.select()} == {1}
    assert svc.alerts.recent(ADMIN)[0].summary.startswith("ESCALATION 1")
    clock.advance(timedelta(hours=6))
    svc.tick()
    assert {d.level for d in svc.obligations.select()} == {2}
    svc.tick()
    assert sum(a.summary.startswith("ESCALATION") for a in svc.alerts.recent(ADMIN)) == 4


def test_an_acknowledgement_is_a_ledger_record_and_ends_escalation(rig: Rig) -> None:
    svc = rig.service
    svc.add(ADMIN, "orders", ORDER, parties=["DOJ"])
    [duty] = svc.obligations.select()
    size = svc.ledger.size()
    done = svc.acknowledge(DOJ, duty.id)
    assert done["acknowledged_at"] is not None
    record = svc.ledger.get(done["acknowledgement_seq"])
    assert record.seq == size and record.kind == "notice"
    assert record.payload["order"] == "tro-new" and record.payload["party"] == "DOJ"
    assert svc.acknowledge(DOJ, duty.id) == done  # twice is once
    assert svc.ledger.size() == size + 1
    rig.clock.advance(timedelta(hours=13))
    svc.tick()
    assert svc.obligations.select()[0].level == 0


def test_the_case_after_an_append_is_the_case_the_log_holds(rig: Rig) -> None:
    from habeas.bundle.records import case_from_records

    svc = rig.service
    svc.add(ADMIN, "orders", ORDER)
    svc.add(ADMIN, "events", {"kind": "departed", "movement": "gxa6122", "place": "hrl",
                              "at": "2026-01-05T10:00:00+00:00"})
    assert svc.case() == case_from_records(svc.ledger.scan())
