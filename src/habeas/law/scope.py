"""Whom an order protects: named people and groups, and class predicates, indexed.

The guard must not scan 10,000 orders for each decision, so orders are indexed once: by
each person or group they name, and class-wide orders by the legal basis their class
requires (the flagship class ``{basis: [aea-proclamation], held_by_country: US}`` is only
ever consulted for subjects held under the AEA proclamation).

Membership of a class depends on custody at a time: the AEA Venezuelans aboard GXA6143 were
"held in the United States" at 18:45 EDT under the court's reading, and only possibly so
under the Government's, for which leaving US airspace completed their removal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from habeas.domain import Case, ClassScope, Group, Person, Scope, When
from habeas.law.certainty import Tri
from habeas.law.state import US, Custody

_ANY = ""


class ScopeIndex:
    """Which scopes (of orders or motions) can reach a subject.

    Class scopes are filed under each (basis, nationality) pair they require, ``""`` for a
    field they leave open, so a subject's candidates come from at most four lookups.
    """

    def __init__(self, scopes: Mapping[str, Scope]) -> None:
        self.scopes = scopes
        self._named: dict[str, list[str]] = defaultdict(list)
        self._classes: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._by_attributes: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
        for sid, scope in scopes.items():
            for subject in (*scope.people, *scope.groups):
                self._named[subject].append(sid)
            cls = scope.class_
            if cls is not None:
                for basis in cls.basis or (_ANY,):
                    for nationality in cls.nationality or (_ANY,):
                        self._classes[(basis, nationality)].append(sid)

    def candidates(self, subject_id: str, basis: Iterable[str],
                   nationality: Iterable[str] = ()) -> list[str]:
        """The ids whose scope may include the subject: named, or a class of its basis and
        nationality."""
        named = self._named.get(subject_id)
        if not self._classes:
            return named or []
        key = (tuple(basis), tuple(nationality))
        classes = self._by_attributes.get(key)
        if classes is None:
            found = [sid for b in (*key[0], _ANY) for n in (*key[1], _ANY)
                     for sid in self._classes.get((b, n), ())]
            classes = self._by_attributes[key] = list(dict.fromkeys(found))
        if not named:
            return classes
        return list(dict.fromkeys((*named, *classes)))

def _static(cls: ClassScope, subject: Person | Group, case: Case, at: When) -> Tri:
    """The parts of a class predicate that custody does not change."""
    if cls.basis and not set(cls.basis) & set(subject.basis):
        return Tri.NO
    if cls.nationality and not set(cls.nationality) & set(subject.nationality):
        return Tri.NO
    result = Tri.CERTAIN
    if cls.district:
        holder = case.holders.get(subject.held_by) if subject.held_by else None
        district = subject.district or (holder.district if holder else None)
        if district is None:
            result = Tri.POSSIBLE
        elif district not in cls.district:
            return Tri.NO
    if cls.min_age is not None or cls.max_age is not None:
        born = subject.birth_year if isinstance(subject, Person) else None
        if born is None:
            return min(result, Tri.POSSIBLE)
        youngest, oldest = at.earliest.year - born - 1, at.latest.year - born
        low, high = cls.min_age or 0, cls.max_age if cls.max_age is not None else 10_000
        if oldest < low or youngest > high:
            return Tri.NO
        if youngest < low or oldest > high:
            result = Tri.POSSIBLE
    return result


def _held(cls: ClassScope, state: Custody, case: Case) -> Tri:
    if state.holder is None:
        return Tri.POSSIBLE
    if cls.held_by and state.holder not in cls.held_by:
        return Tri.NO
    if cls.held_by_country:
        holder = case.holders.get(state.holder)
        if holder is None:
            return Tri.POSSIBLE
        country = holder.country if state.in_us or holder.country != US else ""
        if country not in cls.held_by_country:
            return Tri.NO
    return Tri.CERTAIN


def member(scope: Scope, subject_id: str, case: Case, at: When,
           custody: Callable[[], frozenset[Custody]]) -> Tri:
    """Whether the subject is within ``scope`` at ``at``; ``custody`` gives its possible
    custody then, and is only called when a class predicate needs it."""
    if subject_id in scope.people or subject_id in scope.groups:
        return Tri.CERTAIN
    cls = scope.class_
    subject = case.people.get(subject_id) or case.groups.get(subject_id)
    if cls is None or subject is None:
        return Tri.NO
    static = _static(cls, subject, case, at)
    if static is Tri.NO or not (cls.held_by or cls.held_by_country):
        return static
    answers = {_held(cls, state, case) for state in custody()}
    held = Tri.CERTAIN if answers == {Tri.CERTAIN} else (
        Tri.NO if answers == {Tri.NO} else Tri.POSSIBLE)
    return min(static, held)
