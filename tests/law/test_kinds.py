"""Each finding kind and guard action on a small hand-written case (the flagship exercises
only forbidden_action and return_in_transit)."""

from __future__ import annotations

from typing import Any

from habeas.domain import Case
from habeas.law import Action, Engine, Interpretation
from strategies import WORLD, case_of


def world(**sections: Any) -> Case:
    data: dict[str, Any] = {**WORLD, "people": {
        "ana": {"name": "Ana", "basis": ["t8"], "held_by": "us-ice", "nationality": ["SV"]},
        "ben": {"name": "Ben", "basis": ["aea"], "held_by": "us-ice", "nationality": ["VE"]},
    }, "movements": {"m1": {"from": "us1", "to": "sv", "carries": ["ana", "ben"]}},
        "events": [
            {"at": "2025-03-15T14:00Z", "kind": "departed", "movement": "m1", "place": "us1"},
            {"at": "2025-03-15T18:00Z", "kind": "landed", "movement": "m1", "place": "sv"},
            {"at": "2025-03-15T19:00Z", "kind": "custody_transferred", "movement": "m1",
             "to": "sv-police", "place": "sv"},
        ]}
    for key, value in sections.items():
        data[key] = value if not isinstance(value, list) else data.get(key, []) + value
    return case_of(data)


def kinds(case: Case, reading: Interpretation = Interpretation()) -> list[tuple[str, str, str]]:
    return sorted((f.kind, f.order or f.motion or "", f.certainty)
                  for f in Engine(case).audit(interpretation=reading).findings)


def order(**fields: Any) -> dict[str, Any]:
    return {"court": "D. Md.", "kind": "tro", "form": "written", **fields}


def test_notice_required_but_none_given() -> None:
    case = world(orders={"n": order(issued="2025-03-15T10:00Z", protects={"people": ["ana"]},
                                    directs=[{"notice_before_removal": {"hours": 72}}])})
    assert kinds(case) == [("directive_unmet", "n", "certain")]


def test_notice_given_too_late_or_in_another_language() -> None:
    late = world(orders={"n": order(issued="2025-03-15T10:00Z", protects={"people": ["ana"]},
                                    directs=[{"notice_before_removal": {"hours": 72}}])},
                 events=[{"at": "2025-03-15T12:00Z", "kind": "notice_given",
                          "people": ["ana"]}])
    assert kinds(late) == [("notice_insufficient", "n", "certain")]
    wrong = world(orders={"n": order(issued="2025-03-01T10:00Z", protects={"people": ["ana"]},
                                     directs=[{"action": "notice_before_removal", "hours": 72,
                                               "language": "es"}])},
                  events=[{"at": "2025-03-02T12:00Z", "kind": "notice_given",
                           "people": ["ana"], "language": "en"}])
    assert kinds(wrong) == [("notice_insufficient", "n", "certain")]
    enough = world(orders={"n": order(issued="2025-03-01T10:00Z", protects={"people": ["ana"]},
                                      directs=[{"notice_before_removal": {"hours": 72}}])},
                   events=[{"at": "2025-03-02T12:00Z", "kind": "notice_given",
                            "people": ["ana"]}])
    assert kinds(enough) == []


def test_facilitate_return_unmet_by_its_deadline() -> None:
    case = world(orders={"f": order(issued="2025-03-16T10:00Z", protects={"people": ["ana"]},
                                    directs=[{"facilitate_return": "P7D"}])},
                 events=[{"at": "2025-04-30T00:00Z", "kind": "released", "people": ["ben"]}])
    assert kinds(case) == [("directive_unmet", "f", "certain")]
    met = world(orders={"f": order(issued="2025-03-16T10:00Z", protects={"people": ["ana"]},
                                   directs=[{"facilitate_return": "P7D"}])},
                events=[{"at": "2025-03-20T00:00Z", "kind": "returned", "people": ["ana"],
                         "to": "us-ice"}])
    assert kinds(met) == []


def test_report_overdue_is_only_possible() -> None:
    case = world(orders={"r": order(issued="2025-03-15T10:00Z", protects={"people": ["ana"]},
                                    directs=[{"report": "PT2H"}])})
    assert kinds(case) == [("directive_unmet", "r", "possible")]


def test_at_risk_by_policy() -> None:
    motion = {"kind": "motion to stay removal", "filed": "2025-03-15T09:00Z",
              "protects": {"people": ["ana"]}}
    case = world(motions={"mo": motion})
    assert kinds(case) == [("at_risk", "mo", "certain")]
    assert kinds(case, Interpretation(pending_motion_protects=False)) == []
    decided = world(motions={"mo": {**motion, "decided": "2025-03-15T12:00Z",
                                    "outcome": "denied"}})
    assert kinds(decided) == []


def test_depart_and_transfer_out_of_forbidden() -> None:
    case = world(orders={
        "d": order(issued="2025-03-15T10:00Z", protects={"people": ["ben"]}, forbids=["depart"]),
        "x": order(issued="2025-03-15T10:00Z", protects={"class": {"basis": ["aea"]}},
                   forbids=[{"transfer_out_of": ["S.D. Tex."]}])})
    assert kinds(case) == [("forbidden_action", "d", "certain"),
                           ("forbidden_action", "x", "certain")]
    engine = Engine(case)
    board = Action.from_json({"action": "board", "movement": "m1", "subjects": ["ben"],
                              "at": "2025-03-15T13:00Z"}, case)
    assert {d.order for d in engine.check(board).denials} == {"d", "x"}
    elsewhere = Action.from_json({"action": "transfer_out_of", "subjects": ["ben"],
                                  "district": "W.D. Tex.", "at": "2025-03-15T13:00Z"}, case)
    assert engine.check(elsewhere).allowed


def test_stay_suspends_and_expiry_ends_an_order() -> None:
    protect = {"issued": "2025-03-15T10:00Z", "protects": {"people": ["ana"]},
               "forbids": ["remove"]}
    stayed = world(orders={"o": order(**protect), "s": order(
        kind="stay", issued="2025-03-15T11:00Z", stays=["o"])})
    assert kinds(stayed) == []
    stay_lapsed = world(orders={"o": order(**protect), "s": order(
        kind="stay", issued="2025-03-15T11:00Z", stays=["o"], expires="PT2H")})
    assert kinds(stay_lapsed) == [("forbidden_action", "o", "certain")]
    lapsed = world(orders={"o": order(**protect, expires="PT3H")})
    assert kinds(lapsed) == []
    standing = world(orders={"o": order(**protect, expires="P14D")})
    assert kinds(standing) == [("forbidden_action", "o", "certain")]
