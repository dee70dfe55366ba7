"""One report from a bundle or a ledger: read the case with its ledger, audit it under
every reading, set out the content, and prove every record it cites.

A bundle is first entered into an in-memory ledger, so that a report made from a file
carries the same seq numbers, leaf hashes and proofs as one made from a custodian's ledger
(with a warning that its signing key was made for the occasion).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from habeas.bundle.load import load_bundle
from habeas.bundle.records import case_from_records, import_case
from habeas.domain import SECTIONS, Case, When
from habeas.errors import Problem, ValidationError
from habeas.law.interpretation import Interpretation
from habeas.ledger import Ledger
from habeas.reports.assemble import assemble
from habeas.reports.model import Report
from habeas.reports.proofs import prove
from habeas.reports.readings import MATRIX


@dataclass(frozen=True)
class Opened:
    case: Case
    ledger: Ledger
    origin: str  # how the report names where the record came from
    ephemeral: bool  # the ledger was made for this report from a bundle


@contextmanager
def open_case(bundle: Path | None = None, db: str | None = None,
              known_at: datetime | None = None, title: str | None = None) -> Iterator[Opened]:
    """The case and the ledger behind it, open for proofs while the report is made."""
    if (bundle is None) == (db is None):
        raise ValidationError(Problem("", None, "give either a bundle file or --db, not both"))
    if bundle is not None and known_at is not None:
        raise ValidationError(Problem("--known-at", known_at.isoformat(), "a bundle has no "
                                      "recorded time; read a ledger (--db) as of a time"))
    if db is not None:
        ledger = Ledger.open(db)
        origin = f"ledger {db}"
    else:
        assert bundle is not None
        ledger = Ledger.init("memory:")
        origin = f"bundle {bundle.name}, entered into an in-memory ledger for this report"
    try:
        if bundle is not None:
            import_case(ledger, load_bundle(bundle))
        case = case_from_records(ledger.scan(), known_at)
        if title is not None and case.title != title:
            raise ValidationError(Problem("--case", title, f"this record holds the case "
                                          f"{case.title!r}"))
        yield Opened(case, ledger, origin, ephemeral=bundle is not None)
    finally:
        ledger.close()


def audit_all(case: Case, as_of: When | None = None) -> dict[Interpretation, dict[str, Any]]:
    """The engine's audit under every reading, as the JSON of DESIGN.md."""
    from habeas.law import Engine

    engine = Engine(case)
    return {reading: engine.audit(as_of, reading).to_json() for reading in MATRIX}


def build_report(opened: Opened, audits: Mapping[Interpretation, Mapping[str, Any]], *,
                 primary: Interpretation, tz: str, prepared: str) -> Report:
    """The report's content with its verification appendix."""
    report = assemble(opened.case, audits, primary=primary, tz=tz, origin=opened.origin,
                      prepared=prepared)
    labels = {ref.seq: f"{SECTIONS[section][0]} {obj_id}"
              for (section, obj_id), ref in opened.case.refs.items()}
    appendix = prove(opened.ledger, report.cited_seqs(), labels, ephemeral=opened.ephemeral)
    return replace(report, appendix=appendix)
