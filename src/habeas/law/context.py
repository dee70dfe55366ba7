"""Everything the rules consult for one case under one interpretation, built once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from habeas.domain import Case, When
from habeas.law.certainty import Tri
from habeas.law.describe import Describe
from habeas.law.force import Force
from habeas.law.interpretation import Interpretation
from habeas.law.population import Population
from habeas.law.scope import ScopeIndex, member
from habeas.law.state import CaseState

#: The act a prohibition is about: ``remove_to`` forbids some ``remove`` acts.
_ACT_OF = {"remove_to": "remove"}


@dataclass(frozen=True)
class Indexes:
    """The interpretation-free indexes of a case: state, and who each scope can reach."""

    case: Case
    state: CaseState
    orders: ScopeIndex
    motions: ScopeIndex

    @classmethod
    def build(cls, case: Case) -> Indexes:
        return cls(case, CaseState(case),
                   ScopeIndex({oid: o.protects for oid, o in case.orders.items()}),
                   ScopeIndex({mid: m.protects for mid, m in case.motions.items()}))

    @cached_property
    def population(self) -> Population:
        return Population(self.case, self.state)

    @cached_property
    def notice_orders(self) -> frozenset[str]:
        """Orders that require notice before a removal: the guard looks for no others."""
        return frozenset(o.id for o in self.case.orders.values()
                         if any(d.action == "notice_before_removal" for d in o.directs))

    @cached_property
    def _order_memo(self) -> dict[str, list[str]]:
        return {}

    @cached_property
    def _kinds_memo(self) -> dict[str, frozenset[str]]:
        return {}

    def _attributes(self, subject_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        subject = self.state.subject(subject_id)
        return (subject.basis, subject.nationality) if subject else ((), ())

    def orders_for(self, subject_id: str) -> list[str]:
        found = self._order_memo.get(subject_id)
        if found is None:
            found = self._order_memo[subject_id] = self.orders.candidates(
                subject_id, *self._attributes(subject_id))
        return found

    def forbidden_kinds(self, subject_id: str) -> frozenset[str]:
        """The kinds of act the audit must read for the subject: those some order reaching
        it forbids, and removals when an order requires notice before them or a motion may
        protect it."""
        found = self._kinds_memo.get(subject_id)
        if found is None:
            orders = self.orders_for(subject_id)
            kinds = {_ACT_OF.get(p.action, p.action) for oid in orders
                     for p in self.case.orders[oid].forbids}
            if self.notice_orders.intersection(orders) or (
                    self.case.motions and self.motions_for(subject_id)):
                kinds.add("remove")
            found = self._kinds_memo[subject_id] = frozenset(kinds)
        return found

    def motions_for(self, subject_id: str) -> list[str]:
        return self.motions.candidates(subject_id, *self._attributes(subject_id))


@dataclass(frozen=True)
class Context:
    """A case, its indexes and one interpretation: what every rule is evaluated against."""

    indexes: Indexes
    interpretation: Interpretation
    force: Force

    @property
    def case(self) -> Case:
        return self.indexes.case

    @property
    def state(self) -> CaseState:
        return self.indexes.state

    @cached_property
    def describe(self) -> Describe:
        return Describe(self.case)

    def orders_for(self, subject_id: str) -> list[str]:
        """The orders whose scope may reach the subject (named, or a class it may match)."""
        return self.indexes.orders_for(subject_id)

    def forbidden_kinds(self, subject_id: str) -> frozenset[str]:
        """The kinds of act (``remove``, ``depart``...) the audit reads for the subject."""
        return self.indexes.forbidden_kinds(subject_id)

    def motions_for(self, subject_id: str) -> list[str]:
        return self.indexes.motions_for(subject_id)

    def protected(self, order_id: str, subject_id: str, at: When, movement: str | None = None,
                  exclude: frozenset[str] = frozenset()) -> Tri:
        """Whether the order's scope covers the subject at ``at`` (as things stood just
        before the events ``exclude``), following the cohort aboard ``movement``."""
        theory = self.interpretation.removal_complete_at
        return member(self.case.orders[order_id].protects, subject_id, self.case, at,
                      lambda: self.state.custody(subject_id, at, theory, movement, exclude))
