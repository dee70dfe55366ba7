"""The redaction boundary: what one principal sees of one snapshot, and nothing else.

Everything the service hands out (API answers, pages and the case their templates read,
alerts, webhook bodies, audits, errors about objects) is made through a ``Lens``. What a
role sees is one row of ``SIGHT``; a new role, or a change in who sees what, is a change
to that table, and ``tests/service/test_redaction.py`` runs every output past it.

A scoped principal (counsel) sees its clients and what touches them: the orders that may
protect them, the movements that carry them, the events about them. Everyone else named in
those (the other people on a plane or in an order's scope) is taken out: from lists and
keys by id, and from free text by id, name and identifier (an A-number in a summary).
Cohorts (groups) stay: they are counts, not people.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

from habeas.domain import Case, Entity
from habeas.service import scope
from habeas.service.access import Principal, Role
from habeas.service.follower import Snapshot

T = TypeVar("T")
REDACTED = "[redacted]"


class Sight(Enum):
    """How much of the case a role is shown."""

    whole = "whole"          # every object, every person
    clients = "clients"      # its clients and what touches them (counsel)
    aggregate = "aggregate"  # counts only: no object, no person


#: The policy, one row per role. ``Permission`` (access.py) says which routes a role may
#: call; this says what those routes show it.
SIGHT: dict[Role, Sight] = {
    Role.admin: Sight.whole,
    Role.operator: Sight.whole,
    Role.clerk: Sight.whole,
    Role.monitor: Sight.whole,
    Role.counsel: Sight.clients,
    Role.public: Sight.aggregate,
}
#: Whole-case context a scoped principal is not shown: statements, agreements and motions
#: speak of everyone at once.
_HIDDEN_WHEN_SCOPED = ("statements", "agreements", "motions")


class Lens:
    """One principal's view of one snapshot."""

    def __init__(self, principal: Principal, snapshot: Snapshot) -> None:
        self.principal = principal
        self.snapshot = snapshot
        self.sight = SIGHT[principal.role]

    @property
    def scoped(self) -> bool:
        return self.sight is not Sight.whole

    @property
    def clients(self) -> frozenset[str]:
        return self.principal.people if self.sight is Sight.clients else frozenset()

    # --- what it sees ------------------------------------------------------------------

    def sees(self, section: str, obj: Entity) -> bool:
        """Whether the principal may see ``obj``: counsel sees its clients and what touches
        them; the public sees no object."""
        if not self.scoped:
            return True
        engine, mine = self.snapshot.engine, self.clients
        match section:
            case "people":
                return obj.id in mine
            case "movements":
                return bool(scope.movement_subjects(engine, obj.id) & mine)
            case "orders":
                return any(obj.id in scope.orders_touching(engine, p) for p in mine)
            case "events":
                return bool(scope.event_subjects(engine, obj.id) & mine)
            case "notices":
                order = engine.case.orders.get(getattr(obj, "order", ""))
                return order is not None and self.sees("orders", order)
            case "groups" | "holders" | "places" | "sources" | "authorities":
                return self.sight is Sight.clients
        return False

    def sees_people(self, people: Any) -> bool:
        """Whether a finding, alert or obligation naming ``people`` is about a client."""
        return not self.scoped or bool(set(people) & self.clients)

    # --- what it is shown --------------------------------------------------------------

    def redact(self, value: T) -> T:
        """``value`` without anyone the principal may not see: list items and keys that are
        their ids are dropped, and their ids, names and identifiers in text are replaced."""
        if not self.scoped:
            return value
        hidden, pattern = self._hidden()

        def walk(item: Any) -> Any:
            if isinstance(item, Mapping):
                return {walk(k): walk(v) for k, v in item.items() if k not in hidden}
            if isinstance(item, list | tuple):
                return [walk(v) for v in item if not (isinstance(v, str) and v in hidden)]
            if isinstance(item, str):
                return REDACTED if item in hidden else (
                    pattern.sub(REDACTED, item) if pattern is not None else item)
            return item

        redacted: T = walk(value)
        return redacted

    def case(self) -> Case:
        """The case as this principal may see it: what templates and drawings receive."""
        if not self.scoped:
            return self.snapshot.case
        key = ("lens-case", self.sight, self.clients)
        found: Case = self.snapshot.answer(key, self._redacted_case)
        return found

    def _hidden(self) -> tuple[frozenset[str], re.Pattern[str] | None]:
        """The ids of people this principal may not see, and a pattern matching their ids,
        names and identifiers in text; computed once per snapshot and set of clients."""
        found: tuple[frozenset[str], re.Pattern[str] | None] = self.snapshot.answer(
            ("lens-hidden", self.sight, self.clients), self._compute_hidden)
        return found

    def _compute_hidden(self) -> tuple[frozenset[str], re.Pattern[str] | None]:
        case = self.snapshot.case
        others = [p for pid, p in case.people.items() if pid not in self.clients]
        hidden = frozenset(p.id for p in others)
        words = {w for p in others for w in (p.id, p.name, *p.identifiers.values()) if len(w) > 2}
        if not words:
            return hidden, None
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return hidden, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")

    def _redacted_case(self) -> Case:
        """Only what the principal sees, found through the engine's indexes (a client's
        orders and movements) rather than by walking the whole case; every kept object
        without the others' ids in its lists or their names in its text."""
        case, engine = self.snapshot.case, self.snapshot.engine
        hidden, pattern = self._hidden()

        def strip(obj: Entity) -> Entity:
            changes: dict[str, Any] = {}
            for name, value in obj:
                if name == "protects":
                    changes[name] = value.model_copy(update={"people": tuple(
                        v for v in value.people if v not in hidden)})
                elif isinstance(value, tuple) and any(v in hidden for v in value):
                    changes[name] = tuple(v for v in value if v not in hidden)
                elif isinstance(value, str) and pattern is not None and pattern.search(value):
                    changes[name] = pattern.sub(REDACTED, value)
            return obj.model_copy(update=changes) if changes else obj

        mine = [c for c in self.clients if c in case.people]
        orders = {o for c in mine for o in scope.orders_touching(engine, c)}
        movements = {m for c in mine for m in scope.movements_of(engine, c)}
        chosen: dict[str, Any] = {
            "people": {c: case.people[c] for c in sorted(mine)},
            "orders": {o: case.orders[o] for o in sorted(orders) if o in case.orders},
            "movements": {m: case.movements[m] for m in sorted(movements)
                          if m in case.movements},
            "notices": {k: n for k, n in case.notices.items() if n.order in orders},
            "events": {k: e for k, e in case.events.items() if self.sees("events", e)},
            **{name: {} for name in _HIDDEN_WHEN_SCOPED},
        }
        for name in ("groups", "holders", "places", "sources", "authorities"):
            chosen[name] = {} if self.sight is Sight.aggregate else case.section(name)
        sections: dict[str, Any] = {name: {k: strip(v) for k, v in objects.items()}
                                    for name, objects in chosen.items()}
        refs = {key: ref for key, ref in case.refs.items()
                if key[0] not in sections or key[1] in sections[key[0]]}
        title = pattern.sub(REDACTED, case.title) if pattern is not None else case.title
        redacted: Case = dataclasses.replace(case, title=title, refs=refs, **sections)
        return redacted
