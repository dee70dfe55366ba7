"""What a compliance report says, as plain data: assembled once, rendered as HTML or PDF.

Keeping the content apart from the templates lets tests assert what a report states (which
orders, which findings, a proof per cited record) without parsing a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from habeas.law.interpretation import Interpretation


@dataclass(frozen=True)
class MovementRow:
    id: str
    name: str
    route: str
    carried: str
    possibly: str
    departed: str
    left_us: str
    landed: str
    custody: str
    seq: int | None


@dataclass(frozen=True)
class OrderRow:
    id: str
    title: str
    court: str
    issued: str
    effect: tuple[tuple[str, str], ...]  # (reading of effect, time or "never binds")
    protects: str
    requires: str
    sources: tuple[str, ...]
    seq: int | None

    @property
    def binds(self) -> list[tuple[str, str]]:
        """When it binds, once if the readings agree: ``[("under either reading", "...")]``."""
        if len({at for _, at in self.effect}) == 1:
            return [("under either reading", self.effect[0][1])]
        return [(f"under the {reading} reading", at) for reading, at in self.effect]


@dataclass(frozen=True)
class Evidence:
    """One record a finding rests on, as the engine cited it."""

    id: str
    what: str
    when: str
    sources: tuple[str, ...]
    seq: int | None
    leaf_hash: str | None


@dataclass(frozen=True)
class Cell:
    """A finding under one reading."""

    certainty: str
    after_effect: str


@dataclass(frozen=True)
class FindingRow:
    number: int
    kind: str
    title: str
    order: str
    movement: str
    people: str
    count: int | None
    cells: tuple[Cell | None, ...]  # aligned with Report.readings
    reason: str  # under the primary reading, or the first reading that finds it
    other_reasons: tuple[tuple[str, str, str], ...]  # (readings, certainty, reason)
    evidence: tuple[Evidence, ...]

    def under(self, index: int) -> Cell | None:
        return self.cells[index]


@dataclass(frozen=True)
class StatementRow:
    id: str
    speaker: str
    when: str
    text: str
    sources: tuple[str, ...]
    verdicts: tuple[str | None, ...]  # aligned with Report.readings
    findings: tuple[tuple[int, ...], ...]  # finding numbers behind each verdict
    reason: str  # the engine's, under the primary reading
    seq: int | None
    checkable: bool  # it asserts something of the record (compliance with named orders)

    @property
    def assessed(self) -> bool:
        return any(v is not None for v in self.verdicts)


@dataclass(frozen=True)
class SourceRow:
    id: str
    title: str
    note: str
    url: str
    date: str
    cited_by: tuple[str, ...]


@dataclass(frozen=True)
class ProvenRecord:
    """A cited record with everything needed to check it against the checkpoint by hand."""

    seq: int
    label: str
    leaf_hash: str
    canonical: str
    leaf_index: int
    tree_size: int
    path: tuple[str, ...]


@dataclass(frozen=True)
class Appendix:
    checkpoint: str
    verifier_key: str
    tree_size: int
    root: str
    ephemeral: bool  # signed with a key made for this report (a bundle, not a ledger)
    records: tuple[ProvenRecord, ...]
    unproven: tuple[int, ...] = ()  # cited but after the newest checkpoint one may sign


@dataclass(frozen=True)
class Report:
    title: str
    dockets: tuple[str, ...]  # the courts and case numbers of the orders
    timezone: str
    prepared: str
    origin: str  # where the case was read from
    primary: Interpretation
    readings: tuple[Interpretation, ...]
    movements: tuple[MovementRow, ...]
    orders: tuple[OrderRow, ...]
    findings: tuple[FindingRow, ...]
    statements: tuple[StatementRow, ...]
    sources: tuple[SourceRow, ...]
    timeline_svg: str
    map_svg: str
    appendix: Appendix | None = None

    @property
    def primary_index(self) -> int:
        return self.readings.index(self.primary)

    def common_route(self) -> str | None:
        """The route, when every movement flew the same one: said once, not per row."""
        routes = {m.route for m in self.movements}
        return routes.pop() if len(routes) == 1 and len(self.movements) > 1 else None

    def count_under(self, index: int, certainty: str | None = None) -> int:
        """Findings under the ``index``-th reading, of one certainty if given."""
        cells = [f.cells[index] for f in self.findings]
        return sum(1 for c in cells if c is not None and certainty in (None, c.certainty))

    def certain_everywhere(self) -> list[FindingRow]:
        """The findings no reading of the law can argue away."""
        return [f for f in self.findings
                if all(c is not None and c.certainty == "certain" for c in f.cells)]

    def contradicted_under(self, index: int) -> list[StatementRow]:
        return [s for s in self.statements if s.verdicts[index] == "contradicted"]

    def cited_orders(self) -> list[OrderRow]:
        """The orders findings rest on; every order when there are no findings."""
        named = {f.order for f in self.findings}
        return [o for o in self.orders if o.id in named] or list(self.orders)

    def effect_groups(self) -> list[tuple[str, int]]:
        """Column groups of the matrix: each effect reading and how many columns it spans."""
        groups: dict[str, int] = {}
        for reading in self.readings:
            groups[reading.effect] = groups.get(reading.effect, 0) + 1
        return list(groups.items())

    def cited_seqs(self) -> list[int]:
        """Every ledger record the report names: the evidence behind each finding and the
        orders, movements and statements it sets out."""
        seqs = {e.seq for f in self.findings for e in f.evidence}
        seqs |= {o.seq for o in self.orders} | {m.seq for m in self.movements}
        seqs |= {s.seq for s in self.statements}
        return sorted(s for s in seqs if s is not None)
