"""When an order binds: its effect time under an interpretation, expiry, vacatur and stays.

Example from the flagship: under the courts' rule the oral TRO ``tro-class-oral`` binds from
18:45-18:48 EDT on 15 March 2025; under the Government's ``written`` reading it has no
force of its own, and what binds is ``tro-class-written`` from 19:25-19:26 EDT. Both expire
fourteen days after taking effect and were vacated on 7 April; a vacatur acts from its own
effect time, so 16 March stays a breach.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from habeas.domain import Order, Period, When
from habeas.law.certainty import Tri, at_or_before, before, weakest
from habeas.law.interpretation import Interpretation


class Force:
    """Effect, expiry and lifecycle of every order of a case under one interpretation."""

    def __init__(self, orders: Mapping[str, Order], interpretation: Interpretation) -> None:
        self.orders = orders
        self.interpretation = interpretation
        self._effect: dict[str, When | None] = {
            oid: self._effect_of(order) for oid, order in orders.items()}
        self._expiry: dict[str, When | None] = {}
        self._vacated_by: dict[str, list[str]] = defaultdict(list)
        self._stayed_by: dict[str, list[str]] = defaultdict(list)
        for oid, order in orders.items():
            for target in order.vacates:
                self._vacated_by[target].append(oid)
            for target in order.stays:
                self._stayed_by[target].append(oid)

    def _effect_of(self, order: Order) -> When | None:
        """Under ``written`` an oral order has no force of its own: the written order that
        memorializes it binds, from its own time and with its own content."""
        if self.interpretation.effect == "written" and order.form == "oral":
            return None
        return order.takes_effect

    def effect(self, order_id: str) -> When | None:
        """When ``order_id`` takes effect, or ``None`` if it never binds under this reading."""
        return self._effect.get(order_id)

    def expiry(self, order_id: str) -> When | None:
        """When it lapses on its own terms: a time, or a period from the effect time."""
        if order_id not in self._expiry:
            self._expiry[order_id] = self._expiry_of(order_id)
        return self._expiry[order_id]

    def _expiry_of(self, order_id: str) -> When | None:
        expires = self.orders[order_id].expires
        effect = self._effect[order_id]
        if expires is None or effect is None:
            return None
        if isinstance(expires, Period):
            return When(expires.add_to(effect.earliest), expires.add_to(effect.latest),
                        effect.offset)
        return expires

    def standing(self, order_id: str, at: When, depth: int = 0) -> Tri:
        """Not expired, vacated or stayed at ``at`` (its effect time aside)."""
        parts = []
        expiry = self.expiry(order_id)
        if expiry is not None:
            parts.append(before(at, expiry))
        for vacatur in self._vacated_by.get(order_id, ()):
            effect = self._effect[vacatur]
            if effect is not None:
                parts.append(before(at, effect))
        if depth < 8:
            for stay in self._stayed_by.get(order_id, ()):
                parts.append(self.in_force(stay, at, depth + 1).negate())
        return weakest(*parts)

    def in_force(self, order_id: str, at: When, depth: int = 0) -> Tri:
        """In force at ``at``: taken effect, and still standing."""
        effect = self._effect.get(order_id)
        if effect is None:
            return Tri.NO
        took = at_or_before(effect, at)
        if took is Tri.NO:
            return Tri.NO
        return weakest(took, self.standing(order_id, at, depth))
