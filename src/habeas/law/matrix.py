"""The matrix: each finding's certainty under each reading, side by side.

The reading changes the answer, and the matrix shows how: the directive to turn GXA6143
back is unmet *certainly* under the court's reading (oral / custody_transfer), *possibly*
if a removal is complete on leaving US airspace, and not at all if only written orders bind
(the written order said nothing about planes in the air). Abrego Garcia's removal to El
Salvador is certain in every column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from habeas.law.certainty import Certainty
from habeas.law.findings import Audit
from habeas.law.interpretation import Interpretation


@dataclass(frozen=True, slots=True)
class MatrixRow:
    id: str
    kind: str
    order: str | None
    people: tuple[str, ...]
    movement: str | None
    cells: tuple[Certainty | None, ...]


@dataclass(frozen=True, slots=True)
class Matrix:
    """``columns`` are interpretation labels (``effect/removal_complete_at``); each row's
    ``cells`` follow them, ``None`` where the finding does not arise."""

    columns: tuple[str, ...]
    rows: tuple[MatrixRow, ...]

    def cell(self, finding_id: str, column: str) -> Certainty | None:
        row = next(r for r in self.rows if r.id == finding_id)
        return row.cells[self.columns.index(column)]

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = TypeAdapter(Matrix).dump_python(self, mode="json")
        return body


def build_matrix(audits: list[tuple[Interpretation, Audit]]) -> Matrix:
    columns = tuple(i.label for i, _ in audits)
    first: dict[str, Any] = {}
    for _, audit in audits:
        for finding in audit.findings:
            first.setdefault(finding.id, finding)
    rows = []
    for fid, finding in first.items():
        cells = tuple(next((f.certainty for f in audit.findings if f.id == fid), None)
                      for _, audit in audits)
        rows.append(MatrixRow(fid, finding.kind, finding.order, finding.people,
                              finding.movement, cells))
    rows.sort(key=lambda r: (r.order or "", r.kind, r.movement or "", r.people, r.id))
    return Matrix(columns, tuple(rows))
