"""The law engine as an injectable seam, and the ledger it reads.

The contracts are those of docs/architecture.md. The service holds a real
``habeas.ledger.Ledger``; the engine is reached through ``Backend`` so that tests can pin
its answers and the service does not care how ``habeas.law`` builds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from habeas.domain import Case
from habeas.ledger import Ledger


class EnginePort(Protocol):
    """What the service uses of ``habeas.law.Engine``."""

    def check(self, action: Any, at: Any, interpretation: Any) -> Any: ...
    def impact(self, order_id: str, at: Any = None, interpretation: Any = None) -> Any: ...
    def audit(self, as_of: Any = None, interpretation: Any = None) -> Any: ...


@dataclass(frozen=True)
class Backend:
    """A ledger, and the engine's constructors: ``Engine(case)``, ``Interpretation(...)``,
    ``Action(...)``."""

    ledger: Ledger
    engine: Callable[[Case], EnginePort]
    interpretation: Callable[..., Any]
    action: Callable[..., Any]


def real_backend(url: str, key_path: str | None = None, *, create: bool = False) -> Backend:
    """``habeas.law`` over the ledger at ``url`` (created first when ``create``)."""
    from habeas.law import Action, Engine, Interpretation  # type: ignore[import-not-found, unused-ignore]

    ledger = Ledger.init(url, key_path=key_path) if create else Ledger.open(url, key_path=key_path)
    ledger.check_signing_key()  # a 0644 or missing key file stops the server before it starts
    return Backend(ledger=ledger, engine=Engine, interpretation=Interpretation, action=Action)


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
