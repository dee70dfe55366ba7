"""Lines a reader recognises, and the order in which vague times are shown."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from habeas.domain import Case, Order, When
from habeas.drawings.words import event_phrase

EVENT_ORDER = ("notice_given", "boarded", "struck", "departed", "position", "exited_us",
               "entered_us", "diverted", "landed", "custody_transferred", "returned", "released")


def chronological(when: When, kind: str = "") -> tuple[datetime, datetime, int]:
    """Sort vague times by their middle ("landed 19:30-21:50" after "departed 19:36"), and
    events of one interval in the order they must happen: landed before handed over."""
    rank = EVENT_ORDER.index(kind) if kind in EVENT_ORDER else len(EVENT_ORDER)
    return when.earliest + (when.latest - when.earliest) / 2, when.earliest, rank


def label(case: Case, section: str, obj: Any) -> str:
    """One line an alert opens with: "GXA6143 departed Harlingen", "tro-x: D. Md., tro
    (written)"."""
    if section == "orders":
        return f"{obj.id}: {obj.court}, {obj.kind.replace('_', ' ')} ({obj.form})"
    movement = case.movements.get(obj.movement or "")
    phrase = event_phrase(case, obj)
    return f"{movement.flight or movement.id} {phrase}" if movement else phrase


def obligation_summary(case: Case, order: Order, due: Mapping[str, Any]) -> str:
    """"tro-x: return in transit GXA6143, due 2025-03-15 18:48 EDT"."""
    movement = case.movements.get(due.get("movement") or "")
    target = (movement.flight or movement.id) if movement else ", ".join(due["people"])
    deadline = When.parse(due["due"], None).format(ZoneInfo(case.timezone)) if due.get(
        "due") else "no deadline set"
    return f"{order.id}: {due['kind'].replace('_', ' ')} {target}, due {deadline}"
