"""Who an order, a movement or an event touches: what counsel may see and whom alerts reach.

Read off the engine's indexes, so the service draws the same lines the law does: an order
touches everyone its scope may include (named, or of a class's basis and nationality), a
movement everyone certainly or possibly aboard.
"""

from __future__ import annotations

from habeas.domain import Order
from habeas.law import Engine


def protected(engine: Engine, order: Order) -> set[str]:
    """Ids of the people and groups ``order`` may protect."""
    scope = order.protects
    found = {*scope.people, *scope.groups}
    if scope.class_ is not None:
        found.update(engine.indexes.population.reachable(scope.class_))
    return found


def orders_touching(engine: Engine, subject_id: str) -> set[str]:
    return set(engine.indexes.orders_for(subject_id))


def movement_subjects(engine: Engine, movement_id: str) -> set[str]:
    facts = engine.indexes.state.movements.get(movement_id)
    return set(facts.aboard) if facts else set()


def movements_of(engine: Engine, subject_id: str) -> list[str]:
    return list(engine.indexes.state.aboard_of.get(subject_id, ()))


def event_subjects(engine: Engine, event_id: str) -> set[str]:
    event = engine.case.events[event_id]
    found = set(event.people)
    if event.movement:
        found |= movement_subjects(engine, event.movement)
    return found
