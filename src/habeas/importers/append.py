"""The one step that writes: a report's objects become ledger records, all or nothing.

Every importer produces a :class:`~habeas.importers.report.Report` first and writes only
here, so the rule "nothing is appended from a malformed input unless --skip-bad" lives in
one place. Records are made exactly as a case bundle's are (``habeas.bundle.records``):
kind = singular section name, payload = the object's JSON, a content-derived idempotency
key; an object already in the log unchanged is skipped, a changed one is appended as a
correction of its earlier record.

Batches: an import is normally one atomic ``ledger.append``. Derived track events are few
(thinned positions), so even a file of millions of rows usually yields one batch; only a
report of more than ``chunk`` records is appended in chunks, in order, each checked against
the expected log size. A crash between chunks leaves the earlier chunks recorded; a re-run
finds them unchanged in the log and appends only the rest, so nothing is recorded twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from habeas.bundle.records import TIME_FIELDS, Planned, drafts_for, entity_payload, latest_objects
from habeas.domain import SECTIONS
from habeas.errors import ValidationError
from habeas.importers.report import Report
from habeas.ledger import Ledger

#: Records per ``ledger.append`` call when a report is too big for one batch.
DEFAULT_CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class Appended:
    """What an append did: records new to the log, corrections, and objects unchanged."""

    added: int
    corrected: int
    unchanged: int


def check(report: Report, *, skip_bad: bool) -> None:
    """Refuse the whole input when any row was refused, unless the caller chose to skip."""
    if report.refused and not skip_bad:
        raise ValidationError(report.problems(), source=report.input)


def plan(report: Report, ledger: Ledger, size: int) -> tuple[list[Planned], int]:
    """The records ``report`` adds to the first ``size`` records of the log, and how many
    objects it holds unchanged."""
    current = latest_objects(ledger.scan(0, size))
    planned: list[Planned] = []
    unchanged = 0
    for taken in report.taken:
        kind = SECTIONS[taken.section][0]
        payload = entity_payload(taken.obj)
        before = current.get((kind, taken.obj.id))
        if before is not None and before[1] == payload:
            unchanged += 1
            continue
        planned.append(Planned(kind, payload, payload.get(TIME_FIELDS.get(kind, "")),
                               tuple(taken.obj.source), before[0] if before else None))
    return planned, unchanged


def append_report(report: Report, ledger: Ledger, *, skip_bad: bool = False,
                  chunk: int = DEFAULT_CHUNK) -> Appended:
    """Append what ``report`` took. Raises ``ValidationError`` and writes nothing when rows
    were refused and ``skip_bad`` is false; a repeated import appends nothing."""
    check(report, skip_bad=skip_bad)
    size = ledger.size()
    planned, unchanged = plan(report, ledger, size)
    drafts = drafts_for(planned, f"habeas-importer/{report.format}")
    for start in range(0, len(drafts), chunk):
        # Another writer between our read and our append would make the plan stale.
        size += len(ledger.append(drafts[start:start + chunk], expected_size=size))
    corrected = sum(1 for item in planned if item.corrects is not None)
    report.appended = len(planned)
    return Appended(len(planned) - corrected, corrected, unchanged)
