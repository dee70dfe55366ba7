"""A case: one validated incident, every object by id, with the records behind them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from habeas.domain.agreements import Agreement, Statement
from habeas.domain.base import Entity, RecordRef
from habeas.domain.movements import Event, Movement
from habeas.domain.orders import Motion, Notice, Order, Scope
from habeas.domain.parties import Authority, Group, Holder, Person, Place, Source
from habeas.errors import Problem

#: Section name -> (record kind, model). The order is the order of a bundle and of import.
SECTIONS: dict[str, tuple[str, type[Entity]]] = {
    "sources": ("source", Source),
    "places": ("place", Place),
    "holders": ("holder", Holder),
    "authorities": ("authority", Authority),
    "people": ("person", Person),
    "groups": ("group", Group),
    "orders": ("order", Order),
    "notices": ("notice", Notice),
    "motions": ("motion", Motion),
    "movements": ("movement", Movement),
    "agreements": ("agreement", Agreement),
    "statements": ("statement", Statement),
    "events": ("event", Event),
}
KIND_TO_SECTION = {kind: section for section, (kind, _) in SECTIONS.items()}

@dataclass(frozen=True)
class Case:
    """Everything known about an incident, validated and cross-checked.

    ``refs`` maps ``(section, id)`` to the ledger record the object came from, when the case
    was read from a ledger; the engine cites those records as evidence.
    """

    title: str = ""
    timezone: str = "UTC"
    sources: Mapping[str, Source] = field(default_factory=dict)
    places: Mapping[str, Place] = field(default_factory=dict)
    holders: Mapping[str, Holder] = field(default_factory=dict)
    authorities: Mapping[str, Authority] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    groups: Mapping[str, Group] = field(default_factory=dict)
    orders: Mapping[str, Order] = field(default_factory=dict)
    notices: Mapping[str, Notice] = field(default_factory=dict)
    motions: Mapping[str, Motion] = field(default_factory=dict)
    movements: Mapping[str, Movement] = field(default_factory=dict)
    agreements: Mapping[str, Agreement] = field(default_factory=dict)
    statements: Mapping[str, Statement] = field(default_factory=dict)
    events: Mapping[str, Event] = field(default_factory=dict)
    refs: Mapping[tuple[str, str], RecordRef] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Entity]:
        value: Mapping[str, Entity] = getattr(self, name)
        return value

    def objects(self) -> Iterator[tuple[str, Entity]]:
        """Every object with its section name, in bundle order."""
        for name in SECTIONS:
            for obj in self.section(name).values():
                yield name, obj

    def ref(self, section: str, obj_id: str) -> RecordRef | None:
        """The ledger record behind ``section``/``obj_id``, if the case came from a ledger."""
        return self.refs.get((section, obj_id))

    def is_subject(self, obj_id: str) -> bool:
        """A person or a group: what a manifest, a scope or an event can name."""
        return obj_id in self.people or obj_id in self.groups

    def problems(self) -> list[Problem]:
        """Every reference that points at nothing, with its path in the bundle."""
        return list(_ReferenceCheck(self).run())


class _ReferenceCheck:
    """Walks a case and names each dangling reference by its bundle path."""

    def __init__(self, case: Case) -> None:
        self.case = case

    def run(self) -> Iterator[Problem]:
        c = self.case
        for key in set(c.people) & set(c.groups):
            yield Problem(f"groups.{key}", key, "the same id names a person and a group")
        for section, obj in c.objects():
            base = f"{section}.{obj.id}"
            for i, src in enumerate(obj.source):
                yield from self._need(f"{base}.source[{i}]", src, c.sources, "source")
            yield from getattr(self, "_" + section, _nothing)(base, obj)

    def _need(self, path: str, value: str | None, known: Mapping[str, Any],
              what: str) -> Iterator[Problem]:
        if value is not None and value not in known:
            yield Problem(path, value, f"no {what} with this id")

    def _many(self, path: str, values: tuple[str, ...], known: Mapping[str, Any],
              what: str) -> Iterator[Problem]:
        for i, value in enumerate(values):
            yield from self._need(f"{path}[{i}]", value, known, what)

    def _subjects(self, path: str, values: tuple[str, ...]) -> Iterator[Problem]:
        for i, value in enumerate(values):
            if not self.case.is_subject(value):
                yield Problem(f"{path}[{i}]", value, "no person or group with this id")

    def _scope(self, path: str, scope: Scope) -> Iterator[Problem]:
        c = self.case
        yield from self._many(f"{path}.people", scope.people, c.people, "person")
        yield from self._many(f"{path}.groups", scope.groups, c.groups, "group")
        if scope.class_ is not None:
            yield from self._many(f"{path}.class.basis", scope.class_.basis, c.authorities,
                                  "authority")
            yield from self._many(f"{path}.class.held_by", scope.class_.held_by, c.holders,
                                  "holder")

    def _holders(self, base: str, obj: Any) -> Iterator[Problem]:
        yield from self._need(f"{base}.place", obj.place, self.case.places, "place")

    def _people(self, base: str, obj: Any) -> Iterator[Problem]:
        yield from self._many(f"{base}.basis", obj.basis, self.case.authorities, "authority")
        yield from self._need(f"{base}.held_by", obj.held_by, self.case.holders, "holder")

    _groups = _people

    def _orders(self, base: str, obj: Any) -> Iterator[Problem]:
        c = self.case
        yield from self._scope(f"{base}.protects", obj.protects)
        for name in ("memorializes", "modifies"):
            yield from self._need(f"{base}.{name}", getattr(obj, name), c.orders, "order")
        for name in ("stays", "vacates"):
            yield from self._many(f"{base}.{name}", getattr(obj, name), c.orders, "order")

    def _notices(self, base: str, obj: Any) -> Iterator[Problem]:
        yield from self._need(f"{base}.order", obj.order, self.case.orders, "order")

    def _motions(self, base: str, obj: Any) -> Iterator[Problem]:
        yield from self._scope(f"{base}.protects", obj.protects)

    def _movements(self, base: str, obj: Any) -> Iterator[Problem]:
        c = self.case
        yield from self._need(f"{base}.from", obj.from_, c.places, "place")
        yield from self._many(f"{base}.via", obj.via, c.places, "place")
        yield from self._need(f"{base}.to", obj.to, c.places, "place")
        yield from self._subjects(f"{base}.carries", obj.carries)
        yield from self._subjects(f"{base}.may_carry", obj.may_carry)

    def _events(self, base: str, obj: Any) -> Iterator[Problem]:
        c = self.case
        yield from self._need(f"{base}.movement", obj.movement, c.movements, "movement")
        yield from self._subjects(f"{base}.people", obj.people)
        yield from self._need(f"{base}.place", obj.place, c.places, "place")
        yield from self._need(f"{base}.from", obj.from_, c.holders, "holder")
        yield from self._need(f"{base}.to", obj.to, c.holders, "holder")

    def _agreements(self, base: str, obj: Any) -> Iterator[Problem]:
        yield from self._need(f"{base}.holder", obj.holder, self.case.holders, "holder")

    def _statements(self, base: str, obj: Any) -> Iterator[Problem]:
        if obj.asserts is not None:
            yield from self._many(f"{base}.asserts.complied_with", obj.asserts.complied_with,
                                  self.case.orders, "order")


def _nothing(base: str, obj: Any) -> Iterator[Problem]:
    return iter(())
