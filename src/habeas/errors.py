"""Every exception Habeas raises on purpose, in one place.

The hierarchy follows the Python DB-API so that callers can catch by meaning: a caller's
mistake is a ``ValidationError`` (HTTP 4xx, CLI exit 2), a broken promise of the log is a
``VerificationError``, a lost race is an ``IntegrityError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class HabeasError(Exception):
    """Base class of all errors Habeas raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it was and which rule it broke.

    Example: ``Problem("orders.tro-class-oral.issued", "2025-03-15T18:48/18:45",
    "interval start is after its end")``.
    """

    path: str
    value: Any
    rule: str

    def __str__(self) -> str:
        if self.value is None or (self.value == "" and not self.path):
            return f"{self.path}: {self.rule}" if self.path else self.rule
        shown = repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return f"{self.path}: {shown}: {self.rule}" if self.path else f"{shown}: {self.rule}"


class ValidationError(HabeasError, ValueError):
    """Raised when an input breaks a rule; carries every problem found, nothing was written."""

    def __init__(self, problems: list[Problem] | Problem, *, source: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.source = source
        lines = [str(p) for p in self.problems]
        prefix = f"{source}: " if source else ""
        super().__init__(prefix + ("; ".join(lines) if len(lines) < 4 else
                                   f"{len(lines)} problems: " + "; ".join(lines[:3]) + "; ..."))


class NotFoundError(HabeasError, LookupError):
    """Raised when a named record, entity or key does not exist (or may not be shown)."""


class IntegrityError(HabeasError):
    """Raised when an append would break the log's rules: a reused idempotency key with other
    content, or an expected size that no longer holds (optimistic concurrency)."""


class VerificationError(HabeasError):
    """Raised when the log, a proof or a signature does not check out.

    ``seq`` names the first bad record when one can be named; ``last``, when the evidence
    narrows it only to a range, the last record it may be.
    """

    def __init__(self, message: str, *, seq: int | None = None,
                 last: int | None = None) -> None:
        self.seq = seq
        self.last = seq if last is None else last
        where = "" if seq is None else (f"seq {seq}: " if self.last == seq else
                                        f"seqs {seq} to {self.last}: ")
        super().__init__(where + message)


class ConfigError(HabeasError):
    """Raised when a setting (database URL, key path, option) is unusable; names key and value."""


class OperationalError(HabeasError):
    """Raised when the storage cannot do its job (disk full, read-only, server gone)."""
