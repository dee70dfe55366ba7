"""A ledger for importer tests: the real one when it is on the branch, else a stand-in that
keeps the contract of docs/architecture.md (atomic batch, idempotency keys)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from habeas.errors import IntegrityError

DATA = Path(__file__).resolve().parents[1] / "data" / "importers"
FLAGSHIP = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"


@dataclass(frozen=True)
class Draft:
    kind: str
    payload: dict[str, Any]
    occurred_at: Any = None
    source: tuple[str, ...] = ()
    actor: str = ""
    idempotency_key: str | None = None
    corrects: int | None = None
    retracts: int | None = None


@dataclass
class StandInLedger:
    """Appends all or nothing; the same key with the same content is a no-op, with other
    content an ``IntegrityError``."""

    records: list[Draft] = field(default_factory=list)
    keys: dict[str, Draft] = field(default_factory=dict)
    fail_on_batch: int | None = None
    batches: int = 0

    def size(self) -> int:
        return len(self.records)

    def append(self, drafts: Sequence[Draft], expected_size: int | None = None) -> list[Draft]:
        self.batches += 1
        if self.fail_on_batch == self.batches:
            raise OSError("simulated crash")
        new: list[Draft] = []
        seen = dict(self.keys)
        for draft in drafts:
            key = draft.idempotency_key
            if key is not None and key in seen:
                if _content(seen[key]) != _content(draft):
                    raise IntegrityError(f"idempotency key {key} reused with other content")
                continue
            if key is not None:
                seen[key] = draft
            new.append(draft)
        self.records.extend(new)
        self.keys = seen
        return new


def _content(draft: Draft) -> str:
    return json.dumps([draft.kind, draft.payload, draft.occurred_at, list(draft.source)],
                      sort_keys=True)


@pytest.fixture
def ledger() -> StandInLedger:
    return StandInLedger()
