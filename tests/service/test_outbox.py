"""Alerts follow the log: a write that reached the ledger but not its alerts (the server
died in between) is announced by the next worker tick, once, on either backend."""

from __future__ import annotations

from habeas.ledger import RecordDraft
from habeas.service import Principal, Role, Service
from habeas.service.database import Database
from service.harness import ADMIN, Rig

COUNSEL = Principal("tok_counsel", "counsel", Role.counsel, frozenset({"abrego-garcia"}))
DEPARTED = {"id": "gxa6122.departed.9", "kind": "departed", "movement": "gxa6122",
            "place": "hrl", "at": "2026-01-05T09:00:00+00:00"}


def movement_alerts(svc: Service) -> list[str]:
    return [a.summary for a in svc.alerts.recent(COUNSEL) if a.topic == "movement"]


def test_a_record_whose_alerts_were_lost_is_announced_by_the_next_tick(any_rig: Rig) -> None:
    svc = any_rig.service
    assert movement_alerts(svc) == []
    # The crash window: the record is in the ledger, the request never reached its alerts.
    svc.ledger.append([RecordDraft(kind="event", payload=DEPARTED, actor="operator")])
    assert movement_alerts(svc) == []
    svc.tick()
    assert len(movement_alerts(svc)) == 1
    svc.tick()
    assert len(movement_alerts(svc)) == 1


def test_a_restarted_service_announces_what_the_dead_one_did_not(any_rig: Rig) -> None:
    svc = any_rig.service
    svc.ledger.append([RecordDraft(kind="event", payload=DEPARTED, actor="operator")])
    restarted = Service(svc.ledger, Database(svc.ledger.store.url), clock=any_rig.clock,
                        transport=any_rig.wire)
    restarted.tick()
    assert len(movement_alerts(restarted)) == 1


def test_a_normal_write_alerts_once_and_the_tick_adds_nothing(any_rig: Rig) -> None:
    svc = any_rig.service
    svc.add(ADMIN, "events", {k: v for k, v in DEPARTED.items() if k != "id"})
    assert len(movement_alerts(svc)) == 1
    svc.tick()
    assert len(movement_alerts(svc)) == 1


def test_history_before_the_service_and_bulk_imports_raise_nothing(any_rig: Rig) -> None:
    svc = any_rig.service
    svc.tick()
    assert movement_alerts(svc) == []
