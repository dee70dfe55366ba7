"""The one step that writes: a report's objects become ledger records, all or nothing.

Every importer produces a :class:`~habeas.importers.report.Report` first and writes only
here, so the rule "nothing is appended from a malformed input unless --skip-bad" lives in
one place. Each record carries an idempotency key derived from its kind and id, which the
ledger uses to make a repeated append of the same content a no-op.

Batches: an import is normally one atomic ``ledger.append``. Derived track events are few
(thinned positions), so even a file of millions of rows usually yields one batch; only when
a report holds more than ``chunk`` records is it appended in chunks, in order. A crash
between chunks leaves the earlier chunks recorded, and a re-run appends them again as
no-ops (same keys, same content) before adding the rest, so nothing is recorded twice.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from habeas.domain import SECTIONS, Entity
from habeas.errors import ValidationError
from habeas.importers.report import Report

#: Records per ``ledger.append`` call when a report is too big for one batch.
DEFAULT_CHUNK = 10_000


class LedgerLike(Protocol):
    """The part of ``habeas.ledger.Ledger`` (docs/architecture.md) an import needs."""

    def append(self, drafts: Sequence[Any], expected_size: int | None = None) -> list[Any]: ...

    def size(self) -> int: ...


def record_fields(section: str, obj: Entity, actor: str) -> dict[str, Any]:
    """The ``RecordDraft`` arguments for one object: kind = singular section name, payload =
    the object's JSON, valid time = its ``at`` (events) or ``issued`` (orders)."""
    kind = SECTIONS[section][0]
    when = getattr(obj, "at", None) or getattr(obj, "issued", None)
    return {
        "kind": kind,
        "payload": obj.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        | {"id": obj.id},
        "occurred_at": when.to_json() if when is not None else None,
        "source": tuple(obj.source),
        "actor": actor,
        "idempotency_key": f"{kind}:{obj.id}",
    }


def check(report: Report, *, skip_bad: bool) -> None:
    """Refuse the whole input when any row was refused, unless the caller chose to skip."""
    if report.refused and not skip_bad:
        raise ValidationError(report.problems(), source=report.input)


def append_report(report: Report, ledger: LedgerLike, *, skip_bad: bool = False,
                  chunk: int = DEFAULT_CHUNK, make_draft: Callable[..., Any] | None = None) -> int:
    """Append what ``report`` took; return how many records the ledger actually added
    (0 on a repeated import). Raises ``ValidationError`` and writes nothing when rows were
    refused and ``skip_bad`` is false. ``make_draft`` defaults to ``habeas.ledger.RecordDraft``.
    """
    check(report, skip_bad=skip_bad)
    record_draft = make_draft or importlib.import_module("habeas.ledger").RecordDraft
    actor = f"habeas-importer/{report.format}"
    drafts = [record_draft(**record_fields(t.section, t.obj, actor)) for t in report.taken]
    before = ledger.size()
    for start in range(0, len(drafts), chunk):
        ledger.append(drafts[start:start + chunk])
    report.appended = ledger.size() - before
    return report.appended
