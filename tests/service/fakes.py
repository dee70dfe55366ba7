"""A stand-in for ``habeas.law`` with the contract's shapes, so the shells can be tested
on their own: impact finds movements in the air at an order's effect; audit reports each of
them that ended in foreign custody as a ``directive_unmet``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from habeas.domain import Case, Order
from habeas.ledger import Ledger
from habeas.service import scope
from habeas.service.backend import Backend


@dataclass(frozen=True)
class Interpretation:
    effect: str = "oral"
    removal_complete_at: str = "custody_transfer"


@dataclass(frozen=True)
class Action:
    kind: str
    people: tuple[str, ...] = ()
    movement: str | None = None
    country: str | None = None


class FakeEngine:
    def __init__(self, case: Case) -> None:
        self.case = case

    def _effect(self, order: Order, interpretation: Interpretation) -> Any:
        if interpretation.effect == "written" and order.form == "oral":
            written = [o for o in self.case.orders.values() if o.memorializes == order.id]
            return written[0].takes_effect if written else None
        return order.takes_effect

    def _in_air(self, order: Order, interpretation: Interpretation) -> list[str]:
        effect = self._effect(order, interpretation)
        if effect is None or not any(d.action == "return_in_transit" for d in order.directs):
            return []
        people = scope.protected(self.case, order.protects)
        found = []
        for movement in self.case.movements.values():
            if not set(movement.carries) & people:
                continue
            events = [e for e in self.case.events.values() if e.movement == movement.id]
            departed = [e for e in events if e.kind == "departed" and e.place == movement.from_]
            handed = [e for e in events if e.kind == "custody_transferred"]
            if departed and departed[0].at.latest <= effect.earliest and (
                    not handed or handed[0].at.latest > effect.earliest):
                found.append(movement.id)
        return found

    def check(self, action: Action, at: Any, interpretation: Interpretation) -> dict[str, Any]:
        forbidding = [o.id for o in self.case.orders.values()
                      if set(action.people) & scope.protected(self.case, o.protects)
                      and any(p.action == action.kind for p in o.forbids)]
        return {"allowed": not forbidding, "orders": forbidding, "obligations": []}

    def impact(self, order_id: str, at: Any = None,
               interpretation: Interpretation | None = None) -> dict[str, Any]:
        order = self.case.orders[order_id]
        moving = self._in_air(order, interpretation or Interpretation())
        return {"order": order_id,
                "people": sorted(scope.protected(self.case, order.protects)),
                "movements": [{"movement": m, "must": "return"} for m in moving],
                "obligations": [{"action": "return_in_transit", "movement": m,
                                 "deadline": order.takes_effect.to_json()} for m in moving]}

    def audit(self, as_of: Any = None, interpretation: Interpretation | None = None
              ) -> dict[str, Any]:
        reading = interpretation or Interpretation()
        findings = []
        for order in self.case.orders.values():
            for movement in self._in_air(order, reading):
                carried = self.case.movements[movement].carries
                ref = self.case.ref("movements", movement)
                findings.append({
                    "kind": "directive_unmet", "order": order.id, "movement": movement,
                    "people": list(carried), "count": 137, "certainty": "certain",
                    "reason": f"{movement} was in the air when {order.id} took effect and "
                              "landed abroad instead of turning back.",
                    "events": [ref.to_json()] if ref else [], "after_effect": "PT5H"})
        return {"interpretation": {"effect": reading.effect,
                                   "removal_complete_at": reading.removal_complete_at},
                "findings": findings, "statements": []}


def fake_backend(ledger: Ledger) -> Backend:
    return Backend(ledger=ledger, engine=FakeEngine, interpretation=Interpretation,
                   action=Action)
