"""The law engine: one case, indexed once, asked many questions under any interpretation.

```python
from habeas.bundle import load_bundle
from habeas.law import Engine, Interpretation

engine = Engine(load_bundle("examples/jgg-2025-03-15.yaml"))
audit = engine.audit()                                   # the court's reading
government = engine.audit(interpretation=Interpretation("written", "exit_territory"))
```

The engine is pure: it reads a ``Case`` and knows nothing of storage, HTTP or files. The
recorded time ("known at") is applied before it, by building the Case from the ledger as it
then stood.
"""

from __future__ import annotations

from datetime import datetime

from habeas.domain import Case, When
from habeas.law.audit import run_audit
from habeas.law.context import Context, Indexes
from habeas.law.findings import Audit
from habeas.law.force import Force
from habeas.law.guard import Action, Decision, decide
from habeas.law.impact import Impact, order_impact
from habeas.law.interpretation import ALL, Interpretation
from habeas.law.matrix import Matrix, build_matrix
from habeas.law.snapshot import Snapshot, snapshot
from habeas.law.timeline import Timeline, build_timeline

DEFAULT = Interpretation()


def as_when(at: When | datetime | str | None, case: Case) -> When | None:
    """A ``When`` from a time given as a ``When``, an aware datetime or ISO 8601 text (a
    time without offset is in the case's zone)."""
    if at is None or isinstance(at, When):
        return at
    from habeas.domain.time import zone

    return When.parse(at, zone(case.timezone))


class Engine:
    """``state``, ``check``, ``impact``, ``audit``, ``matrix`` and ``timeline`` over one
    case."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.indexes = Indexes.build(case)
        self._contexts: dict[Interpretation, Context] = {}

    def context(self, interpretation: Interpretation = DEFAULT) -> Context:
        if interpretation not in self._contexts:
            self._contexts[interpretation] = Context(
                self.indexes, interpretation, Force(self.case.orders, interpretation))
        return self._contexts[interpretation]

    def check(self, action: Action, at: When | datetime | str | None = None,
              interpretation: Interpretation = DEFAULT) -> Decision:
        """Allow or deny ``action`` at ``at`` (default: the action's own ``at``)."""
        when = as_when(at, self.case) or action.at
        if when is None:
            raise ValueError("an action needs a time")
        return decide(self.context(interpretation), action, when)

    def state(self, at: When | datetime | str,
              interpretation: Interpretation = DEFAULT) -> Snapshot:
        """Who is held by whom, what is under way and who is aboard, which orders are in
        force and which obligations are open (or unmet) as of valid time ``at``."""
        when = as_when(at, self.case)
        assert when is not None
        return snapshot(self.context(interpretation), when)

    def impact(self, order_id: str, at: When | datetime | str | None = None,
               interpretation: Interpretation = DEFAULT) -> Impact:
        """Whom ``order_id`` protects at ``at`` (default: the moment by which it has
        certainly taken effect, the end of its effect interval), what it
        reaches and what it requires."""
        return order_impact(self.context(interpretation), order_id, as_when(at, self.case))

    def audit(self, as_of: When | datetime | str | None = None,
              interpretation: Interpretation = DEFAULT) -> Audit:
        """Every finding under ``interpretation`` as of valid time ``as_of`` (default: all)."""
        return run_audit(self.context(interpretation), as_when(as_of, self.case))

    def matrix(self, as_of: When | datetime | str | None = None) -> Matrix:
        """Every finding's certainty under each of the six interpretations."""
        when = as_when(as_of, self.case)
        return build_matrix([(i, self.audit(when, i)) for i in ALL])

    def timeline(self, interpretations: tuple[Interpretation, ...] = ALL, *,
                 person: str | None = None, movement: str | None = None,
                 order: str | None = None) -> Timeline:
        """Orders, events, notices and statements in time order, optionally filtered."""
        return build_timeline(self.case, self.indexes, interpretations, person=person,
                              movement=movement, order=order)
