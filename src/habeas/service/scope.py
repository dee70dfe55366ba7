"""Which people an order or a movement touches: what counsel may see and whom alerts reach.

This reads scopes the way the engine does for the common case (named people and groups, and
a class over basis, nationality, holder, holder country and district at the start of the
record); the engine stays the authority on findings.
"""

from __future__ import annotations

from habeas.domain import Case, Group, Person, Scope


def subject_matches(case: Case, scope: Scope, subject: Person | Group) -> bool:
    if subject.id in scope.people or subject.id in scope.groups:
        return True
    rule = scope.class_
    if rule is None:
        return False
    holder = case.holders.get(subject.held_by or "")
    checks = [
        (rule.basis, subject.basis),
        (rule.nationality, subject.nationality),
        (rule.held_by, (subject.held_by,) if subject.held_by else ()),
        (rule.held_by_country, (holder.country,) if holder else ()),
        (rule.district, (subject.district,) if subject.district else ()),
    ]
    return all(not wanted or set(wanted) & set(have) for wanted, have in checks)


def protected(case: Case, scope: Scope) -> set[str]:
    """Ids of the people and groups in ``scope``."""
    subjects: list[Person | Group] = [*case.people.values(), *case.groups.values()]
    return {s.id for s in subjects if subject_matches(case, scope, s)}


def movement_subjects(case: Case, movement_id: str) -> set[str]:
    """Everyone certainly or possibly aboard, and anyone an event names on it."""
    movement = case.movements.get(movement_id)
    found = set(movement.carries) | set(movement.may_carry) if movement else set()
    for event in case.events.values():
        if event.movement == movement_id:
            found |= set(event.people)
    return found


def event_subjects(case: Case, event_id: str) -> set[str]:
    event = case.events[event_id]
    found = set(event.people)
    if event.movement:
        found |= movement_subjects(case, event.movement)
    return found
