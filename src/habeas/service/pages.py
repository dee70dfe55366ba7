"""Lists a person can page through: a limit, an opaque cursor, and filters per section.

A national record holds hundreds of thousands of people; a list answers with one page in id
order and a cursor for the next. The cursor is the last id shown, encoded so that clients
treat it as opaque; it stays valid as the record grows (new objects appear in their place in
id order). The id order is computed once per snapshot.
"""

from __future__ import annotations

import base64
import binascii
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from habeas.domain import Entity
from habeas.errors import Problem, ValidationError
from habeas.service import words
from habeas.service.follower import Snapshot

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
#: The filters each section accepts (query parameter -> what it matches).
FILTERS: dict[str, tuple[str, ...]] = {
    "people": ("q",),                     # name (any part, any case) or an identifier
    "orders": ("court", "case"),          # court (any part), case number (exact)
    "movements": ("date", "tail", "status"),  # YYYY-MM-DD of any event, tail, status
}
STATUSES = ("planned", "under_way", "arrived")


@dataclass(frozen=True)
class Page:
    """One page of a list: the items and the cursor of the next page (``None``: the end)."""

    items: list[Any]
    next_cursor: str | None

    def with_items(self, items: list[Any]) -> Page:
        return replace(self, items=items)

    def to_json(self) -> dict[str, Any]:
        return {"items": self.items, "next_cursor": self.next_cursor}


_CURSOR = "after:"


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode((_CURSOR + last_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        text = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_",
                                validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(_CURSOR):
        raise ValidationError(Problem("cursor", cursor, "a cursor from a previous page "
                                      "(X-Next-Cursor), unchanged"))
    return text.removeprefix(_CURSOR)


def paginate(section: str, objects: Iterable[Entity], snapshot: Snapshot, *,
             limit: int | None = None, cursor: str | None = None, **filters: str | None
             ) -> Page:
    """The page of ``objects`` (already limited to what the principal sees) after
    ``cursor``, matching ``filters``; ``limit`` None means every object (the CLI's and the
    old API's whole list)."""
    given = {k: v for k, v in filters.items() if v not in (None, "")}
    allowed = FILTERS.get(section, ())
    for name, value in given.items():
        if name not in allowed:
            raise ValidationError(Problem(name, value, f"{section} filter by "
                                          + (", ".join(allowed) or "nothing")))
    if "status" in given and given["status"] not in STATUSES:
        raise ValidationError(Problem("status", given["status"],
                                      "one of " + ", ".join(STATUSES)))
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(Problem("limit", limit, f"between 1 and {MAX_LIMIT}"))
    wanted = {o.id: o for o in objects}
    order: list[str] = snapshot.answer(("ids", section),
                                       lambda: sorted(snapshot.case.section(section)))
    start = bisect_right(order, decode_cursor(cursor)) if cursor else 0
    match = _matcher(section, given, snapshot)
    items: list[Entity] = []
    for obj_id in order[start:]:
        obj = wanted.get(obj_id)
        if obj is None or not match(obj):
            continue
        if limit is not None and len(items) == limit:
            return Page(items, encode_cursor(items[-1].id))
        items.append(obj)
    return Page(items, None)


def _matcher(section: str, given: Mapping[str, str | None], snapshot: Snapshot
             ) -> Callable[[Any], bool]:
    tests: list[Callable[[Any], bool]] = []
    if q := given.get("q"):
        needle = q.casefold()
        tests.append(lambda p: needle in p.name.casefold() or any(
            needle == v.casefold() for v in p.identifiers.values()))
    if court := given.get("court"):
        tests.append(lambda o: court.casefold() in o.court.casefold())
    if case := given.get("case"):
        tests.append(lambda o: (o.case or "") == case)
    if tail := given.get("tail"):
        tests.append(lambda m: (m.tail or "").casefold() == tail.casefold())
    if date := given.get("date"):
        days = snapshot.answer("movement-days", lambda: _movement_days(snapshot))
        tests.append(lambda m: date in days.get(m.id, ()))
    if status := given.get("status"):
        states = snapshot.answer("movement-status", lambda: _movement_status(snapshot))
        tests.append(lambda m: states.get(m.id, "planned") == status)
    return lambda obj: all(test(obj) for test in tests)


def _movement_days(snapshot: Snapshot) -> dict[str, set[str]]:
    """Movement id -> the UTC days (YYYY-MM-DD) of its planned departure and its events."""
    days: dict[str, set[str]] = {}
    for movement in snapshot.case.movements.values():
        if movement.planned is not None:
            days.setdefault(movement.id, set()).add(movement.planned.earliest.date().isoformat())
    for event in snapshot.case.events.values():
        if event.movement:
            days.setdefault(event.movement, set()).update(
                {event.at.earliest.date().isoformat(), event.at.latest.date().isoformat()})
    return days


def _movement_status(snapshot: Snapshot) -> dict[str, str]:
    """Movement id -> planned (no event yet), under_way or arrived (landed at its end)."""
    status: dict[str, str] = {}
    for event in sorted(snapshot.case.events.values(),
                        key=lambda e: words.chronological(e.at, e.kind)):
        if not event.movement or event.movement not in snapshot.case.movements:
            continue
        end = snapshot.case.movements[event.movement].to
        arrived = event.kind == "custody_transferred" or (
            event.kind == "landed" and event.place == end)
        status[event.movement] = "arrived" if arrived else "under_way"
    return status

