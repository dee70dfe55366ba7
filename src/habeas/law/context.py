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
        return Population(self.case)


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

    def basis(self, subject_id: str) -> tuple[str, ...]:
        subject = self.state.subject(subject_id)
        return subject.basis if subject is not None else ()

    def protected(self, order_id: str, subject_id: str, at: When, movement: str | None = None,
                  exclude: frozenset[str] = frozenset()) -> Tri:
        """Whether the order's scope covers the subject at ``at`` (as things stood just
        before the events ``exclude``), following the cohort aboard ``movement``."""
        theory = self.interpretation.removal_complete_at
        return member(self.case.orders[order_id].protects, subject_id, self.case, at,
                      lambda: self.state.custody(subject_id, at, theory, movement, exclude))
