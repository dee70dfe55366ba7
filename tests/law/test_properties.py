"""Properties of the engine over generated cases (see ``tests/strategies.py``)."""

from __future__ import annotations

import copy
import random
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from habeas.domain import Case, When
from habeas.law import Action, Engine, Interpretation
from habeas.law.certainty import Tri
from strategies import BASE, bundles, case_of, flight_events, movements

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
READINGS = st.sampled_from([Interpretation(), Interpretation("written", "exit_territory"),
                            Interpretation("oral", "departure")])


def findings(case: Case, reading: Interpretation = Interpretation()) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = Engine(case).audit(interpretation=reading).to_json()[
        "findings"]
    return result


@SETTINGS
@given(bundles(), READINGS)
def test_no_orders_no_findings(data: dict[str, Any], reading: Interpretation) -> None:
    data = {**data, "orders": {}, "statements": {}}
    assert findings(case_of(data), reading) == []


@SETTINGS
@given(bundles(), st.randoms(use_true_random=False), READINGS)
def test_event_order_does_not_matter(data: dict[str, Any], rnd: random.Random,
                                     reading: Interpretation) -> None:
    shuffled = copy.deepcopy(data)
    rnd.shuffle(shuffled["events"])
    first = Engine(case_of(data)).audit(interpretation=reading).to_json()
    second = Engine(case_of(shuffled)).audit(interpretation=reading).to_json()
    assert first == second


@SETTINGS
@given(bundles(), READINGS)
def test_a_later_vacatur_removes_no_conflict(data: dict[str, Any],
                                             reading: Interpretation) -> None:
    if not data["orders"]:
        return
    later = copy.deepcopy(data)
    later["orders"]["vacatur"] = {
        "court": "SCOTUS", "kind": "vacatur", "form": "written",
        "issued": (BASE + timedelta(days=30)).isoformat(), "vacates": sorted(data["orders"])}
    assert findings(case_of(data), reading) == findings(case_of(later), reading)


@SETTINGS
@given(bundles(), READINGS)
def test_findings_stay_within_scope(data: dict[str, Any], reading: Interpretation) -> None:
    case = case_of(data)
    for finding in findings(case, reading):
        scope = case.orders[finding["order"]].protects
        for subject in finding["people"]:
            named = subject in scope.people or subject in scope.groups
            subject_basis = (case.people.get(subject) or case.groups[subject]).basis
            in_class = scope.class_ is not None and bool(
                set(scope.class_.basis) & set(subject_basis))
            assert named or in_class, (finding, scope)


@SETTINGS
@given(bundles(), st.data(), READINGS)
def test_adding_events_never_removes_a_certain_finding(
        data: dict[str, Any], draw: st.DataObject, reading: Interpretation) -> None:
    """New facts after the record (a later leg, a later hand-over) or about another
    movement never erase a certain finding: later events never excuse earlier conflicts."""
    before = {f["id"] for f in findings(case_of(data), reading) if f["certainty"] == "certain"}
    more = copy.deepcopy(data)
    extra = draw.draw(movements())
    more["movements"]["extra"] = extra
    more["events"] += draw.draw(flight_events("extra", extra))
    for mid in data["movements"]:
        more["events"].append({"at": (BASE + timedelta(days=60)).isoformat(),
                               "kind": draw.draw(st.sampled_from(["landed", "departed",
                                                                  "custody_transferred"])),
                               "movement": mid, "place": "sv", "to": "us-ice"})
    after = {f["id"] for f in findings(case_of(more), reading)}
    assert before <= after


@SETTINGS
@given(bundles(), st.sampled_from([Interpretation(), Interpretation("oral", "departure")]))
def test_guard_denies_what_the_audit_reports(data: dict[str, Any],
                                             reading: Interpretation) -> None:
    case = case_of(data)
    engine = Engine(case)
    for finding in engine.audit(interpretation=reading).findings:
        if finding.kind != "forbidden_action":
            continue
        for ref in finding.events:
            event = case.events[ref.id]
            if event.kind == "custody_transferred":
                action = Action("transfer_custody", finding.people, to=event.to, at=event.at)
            elif event.kind == "departed":
                action = Action("depart", movement=event.movement, at=event.at)
            else:
                continue
            decision = engine.check(action, interpretation=reading)
            assert not decision.allowed, (finding, action)
            assert finding.order in {d.order for d in decision.denials}


@SETTINGS
@given(bundles(), READINGS, st.integers(0, 3_000))
def test_bulk_reach_agrees_with_one_by_one(data: dict[str, Any], reading: Interpretation,
                                           minutes: int) -> None:
    """The impact's bulk judgement of a population gives each subject the answer ``member``
    gives it alone."""
    case = case_of(data)
    ctx = Engine(case).context(reading)
    at = When.at(BASE + timedelta(minutes=minutes))
    for oid, order in case.orders.items():
        everyone = (*case.people, *case.groups)
        reached = ctx.indexes.population.reach(order.protects, at, reading.removal_complete_at,
                                               set(everyone))
        one_by_one = {s: ctx.protected(oid, s, at) for s in everyone}
        assert reached.asked == {s: t for s, t in one_by_one.items() if t is not Tri.NO}
        assert sorted(reached.certain) == sorted(s for s, t in one_by_one.items()
                                                 if t is Tri.CERTAIN)
        assert sorted(reached.possible) == sorted(s for s, t in one_by_one.items()
                                                  if t is Tri.POSSIBLE)
