"""The libraries the service stands on, as one injectable bundle of seams.

The contracts are those of docs/architecture.md: ``habeas.ledger`` (append-only log and
proofs), ``habeas.bundle`` (case <-> records) and ``habeas.law`` (the engine). Tests inject
the same shapes; ``real_backend`` wires the real modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from habeas.domain import Case


class LedgerPort(Protocol):
    """What the service uses of ``habeas.ledger.Ledger``."""

    def append(self, drafts: Sequence[Any], expected_size: int | None = None) -> list[Any]: ...
    def size(self) -> int: ...
    def get(self, seq: int) -> Any: ...
    def scan(self, start: int = 0, end: int | None = None) -> Iterator[Any]: ...
    def inclusion_proof(self, seq: int, size: int | None = None) -> Any: ...
    def consistency_proof(self, old_size: int, new_size: int | None = None) -> Any: ...
    def checkpoint(self) -> str: ...
    def verifier_key(self) -> str: ...


class EnginePort(Protocol):
    """What the service uses of ``habeas.law.Engine``."""

    def check(self, action: Any, at: Any, interpretation: Any) -> Any: ...
    def impact(self, order_id: str, at: Any = None, interpretation: Any = None) -> Any: ...
    def audit(self, as_of: Any = None, interpretation: Any = None) -> Any: ...


@dataclass(frozen=True)
class Backend:
    """A ledger and the functions that turn its records into a case and a case into law."""

    ledger: LedgerPort
    draft: Callable[..., Any]                                 # RecordDraft(kind, payload, ...)
    case_from_records: Callable[[Iterable[Any]], Case]
    case_to_drafts: Callable[[Case], list[Any]]
    engine: Callable[[Case], EnginePort]
    interpretation: Callable[..., Any]                        # Interpretation(effect=..., ...)
    action: Callable[..., Any]                                # Action(kind=..., ...)


def real_backend(url: str, key_path: str | None = None, *, create: bool = False) -> Backend:
    """The real libraries over the ledger at ``url`` (created first when ``create``)."""
    from habeas.bundle import case_from_records, case_to_drafts  # type: ignore[attr-defined]
    from habeas.law import Action, Engine, Interpretation  # type: ignore[import-not-found]
    from habeas.ledger import Ledger, RecordDraft  # type: ignore[import-not-found]

    ledger = Ledger.init(url, key_path=key_path) if create else Ledger.open(url, key_path=key_path)
    return Backend(ledger=ledger, draft=RecordDraft, case_from_records=case_from_records,
                   case_to_drafts=case_to_drafts, engine=Engine, interpretation=Interpretation,
                   action=Action)


def as_json(value: Any) -> Any:
    """An engine or ledger result as plain JSON data, whichever way it offers that."""
    if hasattr(value, "to_json"):
        return value.to_json()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    return value
