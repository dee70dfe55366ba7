"""Which unconfirmed orders may bear on a movement, so a clerk reads those first.

An imported order's scope is unknown until a clerk confirms it, so the engine cannot say
whether it protects anyone aboard; but leaving it out would hide exactly the order that
should have stopped a flight. This lists the candidates, each with the reasons it was
listed, and the audit reports them beside its findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from habeas.domain import Case, Order, Period, When

#: How far before a movement's first and after its last known time an order still counts as
#: "around" it: a TRO issued while the plane is in the air is the case this exists for.
DEFAULT_AROUND = timedelta(hours=24)
#: An imported order rarely states its expiry; one issued longer ago than this before the
#: movement is listed only for its district, or the list would hold every order ever made.
DEFAULT_LOOKBACK = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class OrderToConfirm:
    """An unconfirmed order and why it may bear on the movement."""

    order: Order
    reasons: tuple[str, ...]


def movement_spans(case: Case) -> dict[str, When]:
    """For every movement, the hull of what the case knows of its times (events, planned
    departure), in one pass over the events."""
    spans = {mid: m.planned for mid, m in case.movements.items() if m.planned is not None}
    for event in case.events.values():
        if event.movement is not None:
            known = spans.get(event.movement)
            spans[event.movement] = event.at if known is None else known.hull(event.at)
    return spans


def unconfirmed_orders_bearing_on(case: Case, movement_id: str, *,
                                  around: timedelta = DEFAULT_AROUND,
                                  lookback: timedelta = DEFAULT_LOOKBACK,
                                  span: When | None = None) -> list[OrderToConfirm]:
    """Unconfirmed orders of the origin's court district, or in force around the movement.

    "In force around" is deliberately wide: took effect no later than ``around`` after the
    movement's last known time, and had not expired ``around`` before its first; an order
    without a known expiry counts if it took effect within ``lookback`` before the movement.
    Vacatur and stays are not applied, because they too may be unconfirmed. Ordered by issue
    time. Raises ``KeyError`` for an unknown movement.
    """
    movement = case.movements[movement_id]
    origin = case.places.get(movement.from_)
    district = origin.district if origin else None
    span = span or movement_spans(case).get(movement_id)
    found = []
    for order in case.orders.values():
        if order.scope != "unconfirmed":
            continue
        reasons = []
        if district and order.court == district:
            reasons.append(f"issued in the district of departure ({district})")
        if span is not None and _around(order, span, around, lookback):
            reasons.append("in force around the movement "
                           f"({span.format()}, \u00b1{_hours(around)} h)")
        if reasons:
            found.append(OrderToConfirm(order, tuple(reasons)))
    return sorted(found, key=lambda item: (item.order.issued.earliest, item.order.id))


def _around(order: Order, span: When, around: timedelta, lookback: timedelta) -> bool:
    effect = order.takes_effect
    if effect.earliest > span.latest + around:
        return False
    end = _expiry(order, effect)
    if end is None:
        return effect.latest >= span.earliest - lookback
    return end >= span.earliest - around


def _expiry(order: Order, effect: When) -> datetime | None:
    if order.expires is None:
        return None
    if isinstance(order.expires, Period):
        return order.expires.add_to(effect.latest)
    return order.expires.latest


def _hours(delta: timedelta) -> int:
    return int(delta.total_seconds() // 3600)


def unconfirmed_in_case(case: Case) -> list[tuple[str, OrderToConfirm]]:
    """Every (movement, order to confirm) pair of a case; nothing to do, and nothing
    scanned, when no order awaits a clerk."""
    if not any(order.scope == "unconfirmed" for order in case.orders.values()):
        return []
    spans = movement_spans(case)
    return [(movement_id, item) for movement_id in case.movements
            for item in unconfirmed_orders_bearing_on(case, movement_id,
                                                      span=spans.get(movement_id))]
