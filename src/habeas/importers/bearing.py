"""Which unconfirmed orders may bear on a movement, so a clerk reads those first.

An imported order's scope is unknown until a clerk confirms it, so the engine cannot say
whether it protects anyone aboard; but leaving it out would hide exactly the order that
should have stopped a flight. This lists the candidates, each with the reasons it was
listed, for the engine or the service to report beside its findings.
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


def movement_span(case: Case, movement_id: str) -> When | None:
    """The hull of what the case knows of a movement's times (events, planned departure)."""
    movement = case.movements[movement_id]
    times = [e.at for e in case.events.values() if e.movement == movement_id]
    times += [movement.planned] if movement.planned else []
    if not times:
        return None
    span = times[0]
    for when in times[1:]:
        span = span.hull(when)
    return span


def unconfirmed_orders_bearing_on(case: Case, movement_id: str, *,
                                  around: timedelta = DEFAULT_AROUND,
                                  lookback: timedelta = DEFAULT_LOOKBACK) -> list[OrderToConfirm]:
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
    span = movement_span(case, movement_id)
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
