"""Who a class predicate reaches, judged in bulk: the impact of a class-wide order over a
million people.

Judging a million people one by one costs seconds; but most of them share everything a
class predicate looks at. People are therefore tabled once (NumPy columns): the static
attributes a predicate tests, the custody they start in, the custody their recorded moves
certainly leave them in, and the span of those moves. At a time ``t`` a person whose moves
all come after ``t`` is in their first custody, one whose moves all came before is in their
last; each distinct (attributes, custody) pair is judged once, by the same ``member``
function as everything else, and the answer is spread back over the column. Only people
moving at ``t`` are judged one by one. Groups are few and always judged one by one.

Example: the flagship class ``{basis: [aea-proclamation], held_by_country: US}`` reaches
the five plaintiffs and the 137 AEA Venezuelans, never the Title 8 groups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import numpy as np

from habeas.domain import Case, ClassScope, Scope, When
from habeas.law.certainty import Tri
from habeas.law.interpretation import RemovalComplete
from habeas.law.scope import member
from habeas.law.state import CaseState, Custody

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_NEVER = np.iinfo(np.int64).max
_ALWAYS = np.iinfo(np.int64).min


def _same(custody: frozenset[Custody]) -> frozenset[Custody]:
    return custody


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _US


@dataclass(frozen=True)
class Reached:
    """Whom a scope reaches at a time: ids certainly and possibly in it, the custody they
    are in (by holder, people counted once, groups by their count), and the answer for each
    subject that was ``asked`` about (those absent are out of scope)."""

    certain: list[str]
    possible: list[str]
    holders: dict[str, int]
    asked: dict[str, Tri]


class _Table:
    """One basis's people as columns, under one reading and one predicate signature."""

    def __init__(self, state: CaseState, ids: list[str], theory: RemovalComplete,
                 ages: bool) -> None:
        case = state.case
        keys: dict[Hashable, int] = {}
        custodies: dict[Custody, int] = {}
        self.reps: list[str] = []
        static = np.empty(len(ids), dtype=np.int64)
        initial = np.empty(len(ids), dtype=np.int64)
        final = np.full(len(ids), -1, dtype=np.int64)
        first = np.full(len(ids), _NEVER, dtype=np.int64)
        last = np.full(len(ids), _ALWAYS, dtype=np.int64)
        for row, pid in enumerate(ids):
            person = case.people[pid]
            key = (person.basis, person.nationality, person.district, person.held_by,
                   person.birth_year if ages else None)
            code = keys.get(key)
            if code is None:
                code = keys[key] = len(self.reps)
                self.reps.append(pid)
            static[row] = code
            start = state.initial(pid)
            initial[row] = custodies.setdefault(start, len(custodies))
            history = state.history(pid, theory)
            if history is not None:
                earliest, latest, end = history
                first[row], last[row] = _micros(earliest.earliest), _micros(latest.latest)
                if end is not None:
                    final[row] = custodies.setdefault(end, len(custodies))
        self.ids = np.array(ids, dtype=object)
        self._rows: dict[str, int] | None = None
        self.static, self.initial, self.final = static, initial, final
        self.first, self.last = first, last
        self.custodies = list(custodies)

    def row(self, subject: str) -> int | None:
        if self._rows is None:
            self._rows = {pid: row for row, pid in enumerate(self.ids.tolist())}
        return self._rows.get(subject)


class Population:
    """People and groups indexed by basis, and tabled for bulk judgement on demand."""

    def __init__(self, case: Case, state: CaseState) -> None:
        self.case = case
        self.state = state
        self._by_basis: dict[str, list[str]] = defaultdict(list)
        self._groups_by_basis: dict[str, list[str]] = defaultdict(list)
        for sid, person in case.people.items():
            for basis in person.basis or ("",):
                self._by_basis[basis].append(sid)
        for sid, group in case.groups.items():
            for basis in group.basis or ("",):
                self._by_basis[basis].append(sid)
                self._groups_by_basis[basis].append(sid)
        self._tables: dict[tuple[str, RemovalComplete, bool], _Table] = {}

    def reachable(self, cls: ClassScope) -> list[str]:
        """Subjects whose basis lets ``cls`` match them (all, when it names no basis)."""
        keys = cls.basis or tuple(self._by_basis)
        found = [s for key in keys for s in self._by_basis.get(key, ())]
        return list(dict.fromkeys(found)) if len(keys) > 1 else found

    def _table(self, basis: str, theory: RemovalComplete, ages: bool) -> _Table:
        key = (basis, theory, ages)
        if key not in self._tables:
            people = [s for s in self._by_basis.get(basis, ()) if s in self.case.people]
            self._tables[key] = _Table(self.state, people, theory, ages)
        return self._tables[key]

    def reach(self, scope: Scope, at: When, theory: RemovalComplete,
              ask: Collection[str] = ()) -> Reached:
        """Everyone ``scope`` reaches at ``at``, in custody or not; and the answer for each
        subject in ``ask``."""
        certain: list[str] = []
        possible: list[str] = []
        holders: dict[str, int] = defaultdict(int)
        asked: dict[str, Tri] = {}

        def one(subject: str) -> None:
            states = self.state.custody(subject, at, theory)
            found = member(scope, subject, self.case, at, lambda: states)
            if subject in ask and found is not Tri.NO:
                asked[subject] = found
            if found is not Tri.NO:
                (certain if found is Tri.CERTAIN else possible).append(subject)
                count = 1 if subject in self.case.people else (
                    self.case.groups[subject].count or 0)
                for holder in {s.holder or "unknown" for s in states}:
                    holders[holder] += count

        for subject in dict.fromkeys((*scope.people, *scope.groups)):
            one(subject)
        cls = scope.class_
        if cls is not None:
            bases = cls.basis or tuple(self._by_basis)
            seen: set[str] = set(scope.people)
            for basis in bases:
                table = self._table(basis, theory, cls.min_age is not None
                                    or cls.max_age is not None)
                self._bulk(table, scope, at, (certain, possible, holders, asked), one, seen,
                           ask)
                if len(bases) > 1:
                    seen.update(table.ids.tolist())
            groups = [g for b in cls.basis or tuple(self._groups_by_basis)
                      for g in self._groups_by_basis.get(b, ())]
            for group in dict.fromkeys(groups):
                if group not in scope.groups:
                    one(group)
        return Reached(certain, possible, dict(holders), asked)

    def _bulk(self, table: _Table, scope: Scope, at: When,
              out: tuple[list[str], list[str], dict[str, int], dict[str, Tri]], one: Any,
              seen: set[str], ask: Collection[str]) -> None:
        certain, possible, holders, asked = out
        if not len(table.ids):
            return
        te, tl = _micros(at.earliest), _micros(at.latest)
        quiet = table.first >= tl
        done = (table.last < te) & (table.final >= 0)
        for subject in table.ids[~(quiet | done)].tolist():
            if subject not in seen:
                one(subject)
        chosen = quiet | done
        state = np.where(quiet, table.initial, table.final)[chosen]
        ids = table.ids[chosen]
        width = len(table.custodies) + 1
        combo = table.static[chosen] * width + state
        combos = np.flatnonzero(np.bincount(combo)) if len(combo) else combo
        lookup = np.zeros(int(combos[-1]) + 1 if len(combos) else 1, dtype=np.int64)
        lookup[combos] = np.arange(len(combos))
        inverse = lookup[combo]
        verdict = np.empty(len(combos), dtype=np.int8)
        for k, combo in enumerate(combos.tolist()):
            rep = table.reps[combo // width]
            custody = frozenset({table.custodies[combo % width]})
            verdict[k] = member(scope, rep, self.case, at, partial(_same, custody))
        per_subject = verdict[inverse]
        for value, found in ((Tri.CERTAIN, certain), (Tri.POSSIBLE, possible)):
            picked = ids[per_subject == value].tolist()
            if seen:
                picked = [s for s in picked if s not in seen]
            found.extend(picked)
        if ask:
            full = np.zeros(len(table.ids), dtype=np.int8)
            full[chosen] = per_subject
            for subject in ask:
                row = table.row(subject)
                if row is not None and chosen[row] and full[row] and subject not in seen:
                    asked[subject] = Tri(int(full[row]))
        counted = np.bincount(state[per_subject > 0], minlength=width)
        for code, count in enumerate(counted.tolist()):
            if count:
                holders[table.custodies[code].holder or "unknown"] += count
