"""What an import took and what it refused, line by line, in one shape for every format.

A reader of evidence must be able to see why a row did not make it into the record, so every
refusal names the line, the field, the value and the rule it broke, and every object taken
names the line it came from.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from habeas.domain import SECTIONS, Entity
from habeas.errors import Problem


@dataclass(frozen=True, slots=True)
class Refusal:
    """A row or field refused. ``line`` is the CSV line (1 = header) or, for JSON, the
    1-based position of the entry (``unit`` says which); ``where`` adds the JSON path."""

    line: int
    field: str
    value: Any
    rule: str
    where: str = ""
    unit: str = "line"

    def problem(self) -> Problem:
        path = f"{self.unit} {self.line}" + (f" ({self.where})" if self.where else "")
        return Problem(f"{path}: {self.field}" if self.field else path, self.value, self.rule)

    def to_json(self) -> dict[str, Any]:
        out = {"status": "refused", "line": self.line, "field": self.field,
               "value": self.value, "rule": self.rule}
        if self.where:
            out["where"] = self.where
        return out


@dataclass(frozen=True, slots=True)
class Taken:
    """An object the import will record, with the line (or first line) it rests on."""

    line: int
    section: str
    obj: Entity

    def to_json(self) -> dict[str, Any]:
        return {"status": "taken", "line": self.line, "kind": SECTIONS[self.section][0],
                "id": self.obj.id}


@dataclass
class Report:
    """The outcome of reading one input: objects taken, rows refused, rows passed over.

    ``ignored`` counts rows that were well-formed but not for us (another aircraft, outside
    the time window, not an order); ``notes`` says what could not be derived and why.
    """

    input: str
    format: str
    rows: int = 0
    taken: list[Taken] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    ignored: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    appended: int | None = None
    unit: str = "line"

    @property
    def ok(self) -> bool:
        return not self.refused

    def take(self, line: int, section: str, obj: Entity) -> None:
        self.taken.append(Taken(line, section, obj))

    def refuse(self, line: int, field: str, value: Any, rule: str, where: str = "") -> None:
        self.refused.append(Refusal(line, field, value, rule, where, self.unit))

    def problems(self) -> list[Problem]:
        return [refusal.problem() for refusal in self.refused]

    def summary(self) -> dict[str, Any]:
        kinds = Counter(t.to_json()["kind"] for t in self.taken)
        return {"status": "summary", "input": self.input, "format": self.format,
                "rows": self.rows, "taken": dict(sorted(kinds.items())),
                "refused": len(self.refused), "ignored": dict(sorted(self.ignored.items())),
                "notes": self.notes, "appended": self.appended}

    def json_lines(self) -> Iterator[str]:
        """One JSON object per line: each taken object and refusal in line order, then the
        summary; the form ``habeas ingest ... --json`` prints."""
        entries: list[Taken | Refusal] = [*self.taken, *self.refused]
        entries.sort(key=lambda e: e.line)
        for entry in entries:
            yield json.dumps(entry.to_json(), ensure_ascii=False, default=str)
        yield json.dumps(self.summary(), ensure_ascii=False, default=str)
