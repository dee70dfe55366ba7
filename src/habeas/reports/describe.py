"""Plain-English phrases for a report: whom an order protects, what it requires, how long
after its effect something happened. A clerk reads these; the data stays in the appendix."""

from __future__ import annotations

import re
from datetime import tzinfo
from typing import Any

from habeas.domain import Case, Movement, Order, Scope, When
from habeas.drawings.words import holder_name, place_name

FINDING_KINDS = {
    "forbidden_action": "Forbidden action",
    "directive_unmet": "Directive not met",
    "notice_insufficient": "Insufficient notice",
    "at_risk": "Action while a protective motion was pending",
}
VERDICTS = {"contradicted": "Contradicted", "consistent": "Consistent",
            "not_checkable": "Not checkable"}
_FORBIDS = {"remove": "removal from the United States", "remove_to": "removal to",
            "transfer_custody": "transfer to foreign custody", "transfer_out_of": "transfer out of",
            "depart": "departure of a movement carrying a protected person"}
_DIRECTS = {"return_in_transit": "return of movements already under way",
            "facilitate_return": "facilitating return",
            "notice_before_removal": "notice before removal",
            "report": "a report to the court"}
_DURATION = re.compile(r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def when(value: When | None, tz: tzinfo) -> str:
    """A time as the report prints it, in the report's zone; "unknown" rather than blank."""
    return value.format(tz) if value is not None else "unknown"


def subject_name(case: Case, subject_id: str) -> str:
    """A person's name, or a group with its size: ``aea-venezuelans (137 people)``."""
    if subject_id in case.people:
        return case.people[subject_id].name
    group = case.groups.get(subject_id)
    if group is None:
        return subject_id
    name = group.name or subject_id
    return f"{name} ({group.count} people)" if group.count else name


def scope(case: Case, value: Scope) -> str:
    parts = [subject_name(case, s) for s in (*value.people, *value.groups)]
    if value.class_ is not None:
        c = value.class_
        held = [*(holder_name(case, h) for h in c.held_by), *c.held_by_country]
        bases = [case.authorities[b].title or b if b in case.authorities else b for b in c.basis]
        text = "everyone"
        if bases:
            text += " held under " + " or ".join(bases)
        if c.nationality:
            text += " of nationality " + "/".join(c.nationality)
        if held:
            text += " in the custody of " + " or ".join(held)
        if c.district:
            text += " in " + " or ".join(c.district)
        parts.append(text)
    return "; ".join(parts) or "no one named"


def requirements(order: Order) -> str:
    """``Forbids removal from the United States. Directs return of movements under way.``"""
    out = []
    if order.forbids:
        items = [(_FORBIDS[p.action] + " " + ", ".join((*p.countries, *p.districts))).strip()
                 for p in order.forbids]
        out.append("Forbids " + "; ".join(items) + ".")
    if order.directs:
        out.append("Directs " + "; ".join(_DIRECTS[d.action] for d in order.directs) + ".")
    if order.vacates:
        out.append("Vacates " + ", ".join(order.vacates) + ".")
    if order.stays:
        out.append("Stays " + ", ".join(order.stays) + ".")
    if order.memorializes:
        out.append(f"Puts {order.memorializes} in writing.")
    return " ".join(out)


def movement_name(movement: Movement) -> str:
    name = movement.flight or movement.callsign or movement.id
    return f"{name} ({movement.tail})" if movement.tail else name


def route(case: Case, movement: Movement) -> str:
    return " → ".join(place_name(case, s) for s in movement.stops)


def after_effect(value: Any) -> str:
    """``PT4H42M`` -> ``4 h 42 min after effect``; an interval of two durations -> a range;
    a negative one -> before effect."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        first, last = (_duration(v) for v in value)
        if first is None or last is None:
            return str(value)
        if first == last:
            return _relative(first)
        return f"{_span(abs(first))} to {_relative(last)}" if first >= 0 else \
            f"{_relative(first)} to {_relative(last)}"
    seconds = _duration(value)
    return _relative(seconds) if seconds is not None else ("" if value is None else str(value))


def _duration(text: Any) -> int | None:
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    sign, days, hours, minutes, seconds = match.groups()
    total = (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
             + round(float(seconds or 0)))
    return -total if sign else total


def _span(seconds: int) -> str:
    """``4 h 42 min``; whole days past two days, where minutes no longer matter."""
    if seconds >= 2 * 86400:
        return f"{seconds // 86400:,} days"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours) + \
        [f"{minutes} min"] * bool(minutes)
    return " ".join(parts) or "0 min"


def _relative(seconds: int) -> str:
    if seconds == 0:
        return "at effect"
    return f"{_span(abs(seconds))} {'after' if seconds > 0 else 'before'} effect"
