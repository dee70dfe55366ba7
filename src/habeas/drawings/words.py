"""Short phrases for labels: a place, an order, an event, as a reader of a chart wants them."""

from __future__ import annotations

import re

from habeas.domain import Case, Event, Movement, Order, Place

_KIND = {
    "tro": "TRO", "preliminary_injunction": "Preliminary injunction",
    "permanent_injunction": "Permanent injunction", "stay_of_removal": "Stay of removal",
    "administrative_stay": "Administrative stay", "withholding_of_removal": "Withholding",
    "order_to_facilitate": "Order to facilitate", "vacatur": "Vacatur", "stay": "Stay",
    "modification": "Modification", "habeas_grant": "Habeas grant", "other": "Order",
}

_EVENT = {
    "boarded": "boarded", "struck": "struck from manifest", "departed": "departed",
    "position": "position", "exited_us": "left US territory", "entered_us": "entered US",
    "landed": "landed", "diverted": "diverted", "custody_transferred": "custody to",
    "returned": "returned to", "released": "released", "notice_given": "notice given",
}


def place_short(place: Place) -> str:
    """A label: the town for an airport named after it, the first part otherwise.

    ``Valley International Airport, Harlingen, Texas`` -> ``Harlingen``;
    ``Palmerola (Soto Cano), Comayagua, Honduras`` -> ``Palmerola (Soto Cano)``;
    ``El Salvador International Airport`` -> ``El Salvador Intl Airport``.
    """
    parts = [p.strip() for p in place.name.split(",") if p.strip()]
    if not parts:
        return place.id
    first = parts[0]
    if len(parts) > 1 and re.search(r"\b(airport|airfield|air base)\b", first, re.IGNORECASE):
        return parts[1]
    return re.sub(r"\bInternational\b", "Intl", first)


def place_name(case: Case, place_id: str | None) -> str:
    place = case.places.get(place_id or "")
    return place_short(place) if place is not None else (place_id or "")


def movement_name(movement: Movement) -> str:
    """``GXA6143 (N278GX)``: the flight (or callsign, or id) with the tail number."""
    name = movement.flight or movement.callsign or movement.id
    return f"{name} ({movement.tail})" if movement.tail else name


def order_phrase(order: Order) -> str:
    """``TRO (oral) tro-class-oral``: kind and form first, since that is what differs."""
    return f"{_KIND.get(order.kind, order.kind)} ({order.form}) {order.id}"


def holder_name(case: Case, holder_id: str | None) -> str:
    holder = case.holders.get(holder_id or "")
    if holder is None:
        return holder_id or "?"
    return holder.name.split(" (")[0]


def event_phrase(case: Case, event: Event) -> str:
    """``departed Harlingen``, ``custody to Salvadoran security forces``."""
    verb = _EVENT.get(event.kind, event.kind)
    if event.kind in ("custody_transferred", "returned"):
        return f"{verb} {holder_name(case, event.to)}"
    who = "" if event.movement else ", ".join(event.people[:2]) + (
        " …" if len(event.people) > 2 else "") + ": "
    where = f" {place_name(case, event.place)}" if event.place else ""
    return f"{who}{verb}{where}"
