"""Phrases a report needs beyond the engine's own (``habeas.law.describe``): an order's
requirements in one sentence, a movement's name and route, a time from effect as a range.
A clerk reads these; the data stays in the appendix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from habeas.domain import Case, Movement, Order, Scope, When
from habeas.drawings.words import holder_name, movement_name, place_name
from habeas.law.describe import Describe
from habeas.law.findings import human_duration

FINDING_KINDS = {
    "forbidden_action": "Forbidden action",
    "directive_unmet": "Directive not met",
    "notice_insufficient": "Insufficient notice",
    "at_risk": "Action while a protective motion was pending",
}
_DIRECTS = {"return_in_transit": "return of movements already under way",
            "facilitate_return": "facilitating return",
            "notice_before_removal": "notice before removal",
            "report": "a report to the court"}


def when(value: When | None, tz: tzinfo) -> str:
    """A time as the report prints it, in the report's zone; "unknown" rather than blank."""
    return value.format(tz) if value is not None else "unknown"


def scope(words: Describe, value: Scope) -> str:
    """``Kilmar Abrego Garcia``; ``everyone held under <proclamation> in the custody of US``."""
    case = words.case
    parts = [words.subjects((*value.people, *value.groups))] if value.people or value.groups \
        else []
    if value.class_ is not None:
        c = value.class_
        text = "everyone"
        if c.nationality:
            text += " of nationality " + " or ".join(c.nationality)
        if c.held_by_country:
            text += " held in " + " or ".join(c.held_by_country)
        if c.held_by:
            text += " in the custody of " + " or ".join(holder_name(case, h) for h in c.held_by)
        if c.district:
            text += " in " + " or ".join(c.district)
        if c.basis:
            text += " under " + " or ".join(
                case.authorities[b].title or b if b in case.authorities else b for b in c.basis)
        parts.append(text)
    return "; ".join(parts) or "no one"


def requirements(order: Order) -> str:
    """``Forbids removal from the United States. Directs return of movements under way.``"""
    out = []
    if order.forbids:
        out.append("Forbids " + "; ".join(Describe.forbidden(p) for p in order.forbids) + ".")
    if order.directs:
        out.append("Directs " + "; ".join(_DIRECTS[d.action] for d in order.directs) + ".")
    if order.vacates:
        out.append("Vacates " + ", ".join(order.vacates) + ".")
    if order.stays:
        out.append("Stays " + ", ".join(order.stays) + ".")
    if order.memorializes:
        out.append(f"Puts {order.memorializes} in writing.")
    return " ".join(out)


def movements_name(case: Case, ids: list[str]) -> str:
    return ", ".join(movement_name(case.movements[m]) if m in case.movements else m
                     for m in ids)


def route(case: Case, movement: Movement) -> str:
    return " → ".join(place_name(case, s) for s in movement.stops)


def after_effect(finding: Mapping[str, Any]) -> str:
    """``42 min to 3 h 5 min after effect`` from the engine's range (or its least value)."""
    span = finding.get("after_effect_range")
    if span and _coarse(span[0]) != _coarse(span[1]):
        return f"{_coarse(span[0])} to {_coarse(span[1])} after effect"
    least = finding.get("after_effect")
    if least is None:
        return ""
    return "at effect" if least == "PT0S" else f"{_coarse(least)} after effect"


def _coarse(iso: str) -> str:
    """Whole days past two days: years after an order, its minutes are noise."""
    days = re.match(r"P(\d+)D", iso)
    if days and int(days.group(1)) >= 2:
        return f"{int(days.group(1)):,} days"
    return human_duration(iso)
