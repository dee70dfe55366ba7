from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import DATA, FLAGSHIP
from habeas.bundle import load_bundle
from habeas.bundle.records import case_from_records
from habeas.domain import Case, Person
from habeas.errors import ValidationError
from habeas.importers import append_report, read_manifest
from habeas.importers.manifest import a_number
from habeas.ledger import Ledger


@pytest.fixture(scope="module")
def case() -> Case:
    """The flagship plus one person known only by a (fictitious) A-number."""
    flagship = load_bundle(FLAGSHIP)
    extra = Person(id="client-7", name="C.S.", identifiers={"a_number": "201555123"})
    return dataclasses.replace(flagship, people={**flagship.people, "client-7": extra})


def test_manifest_rows_become_events(case: Case) -> None:
    report = read_manifest(DATA / "manifest-gxa.csv", case, default_time="2025-03-15")
    assert report.ok
    events = {t.obj.id: t.obj for t in report.taken if t.section == "events"}
    assert set(events) == {"gxa6122.manifest.boarded.abrego-garcia",
                           "gxa6143.manifest.boarded.client-7",
                           "gxa6143.manifest.struck.jgg",
                           "gxa6145.manifest.boarded.aea-venezuelans"}
    struck = events["gxa6143.manifest.struck.jgg"]
    assert struck.kind == "struck" and struck.reason == "named plaintiff: TRO of 09:40"
    assert struck.at.earliest == datetime(2025, 3, 15, 20, 40, tzinfo=UTC)   # case zone: ET
    whole_day = events["gxa6145.manifest.boarded.aea-venezuelans"].at
    assert not whole_day.is_instant                    # the default date: the whole day
    (source,) = [t.obj for t in report.taken if t.section == "sources"]
    assert all(e.source == (source.id,) for e in events.values())


def test_row_without_time_refused_without_a_default(case: Case) -> None:
    report = read_manifest(DATA / "manifest-gxa.csv", case)
    (refusal,) = report.refused
    assert (refusal.line, refusal.field) == (5, "time")


def test_malformed_rows_refused_by_line(case: Case) -> None:
    report = read_manifest(DATA / "manifest-bad.csv", case)
    assert [(r.line, r.field) for r in report.refused] == [
        (3, "person"), (4, "movement"), (5, "status"), (6, "time"), (7, "person"), (8, "")]
    assert "line 2" in report.refused[4].rule
    assert "no movement with this id" in report.refused[1].rule


def test_nothing_appended_from_a_bad_manifest(case: Case, ledger: Ledger) -> None:
    report = read_manifest(DATA / "manifest-bad.csv", case)
    with pytest.raises(ValidationError) as caught:
        append_report(report, ledger)
    assert ledger.size() == 0
    assert "line 3: person" in str(caught.value)
    assert append_report(report, ledger, skip_bad=True).added == 2   # source and event


def test_reimport_adds_nothing_and_the_ledger_reads_back(flagship_ledger: Ledger) -> None:
    case = case_from_records(flagship_ledger.scan())
    path = DATA / "manifest-gxa.csv"
    first = read_manifest(path, case, default_time="2025-03-15")
    first.taken = [t for t in first.taken if "client-7" not in t.obj.id]
    before = flagship_ledger.size()
    assert append_report(first, flagship_ledger, skip_bad=True).added == 4
    again = read_manifest(path, case, default_time="2025-03-15")
    assert append_report(again, flagship_ledger, skip_bad=True).added == 0
    assert flagship_ledger.size() == before + 4
    read_back = case_from_records(flagship_ledger.scan())
    assert read_back.events["gxa6143.manifest.struck.jgg"].reason == \
        "named plaintiff: TRO of 09:40"


@pytest.mark.parametrize(("text", "number"), [
    ("A-201-555-123", "201555123"), ("a201555123", "201555123"), ("A 12 345 678", "012345678"),
    ("201 555 123", "201555123"), ("jgg", None), ("A-1-2", None),
])
def test_a_numbers_read_in_any_form(text: str, number: str | None) -> None:
    assert a_number(text) == number


def test_a_missing_column_refuses_the_whole_file(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("person,status\njgg,boarded\n")
    report = read_manifest(path, case)
    assert [(r.line, r.field, r.rule) for r in report.refused] == [(1, "movement",
                                                                    "missing column")]
    assert not report.taken and report.rows == 0


def test_json_lines_in_line_order_then_the_summary(case: Case) -> None:
    report = read_manifest(DATA / "manifest-bad.csv", case)
    rows = [json.loads(line) for line in report.json_lines()]
    assert [r["line"] for r in rows[:-1]] == sorted(r["line"] for r in rows[:-1])
    assert rows[-1]["status"] == "summary" and rows[-1]["refused"] == 6


def arts_case(case: Case) -> Case:
    """The flagship with the ARTS ids a monitor would have recorded (fictitious) and
    GXA6143 known by a fictitious ARTS mission number."""
    ids = {"jgg": "1000001", "gff": "1000002", "jav": "1000003", "tci": "1000004"}
    people = {pid: p.model_copy(update={"identifiers": {**p.identifiers, "arts": ids[pid]}})
              if pid in ids else p for pid, p in case.people.items()}
    movements = {**case.movements,
                 "gxa6143": case.movements["gxa6143"].model_copy(update={"flight": "11234"})}
    return dataclasses.replace(case, people=people, movements=movements)


def test_arts_spreadsheet_goes_in_without_editing(case: Case) -> None:
    """Columns as in the ARTS passenger data dictionary (UWCHR, ice-air README)."""
    report = read_manifest(DATA / "manifest-arts.csv", arts_case(case))
    taken = {t.obj.id: t.obj for t in report.taken if t.section == "events"}
    assert set(taken) == {"gxa6143.manifest.boarded.jgg", "gxa6143.manifest.struck.gff",
                          "gxa6143.manifest.boarded.jav"}
    struck = taken["gxa6143.manifest.struck.gff"]
    assert struck.reason == "Named plaintiff: TRO of 09:40"
    assert struck.at.earliest == datetime(2025, 3, 15, 4, 0, tzinfo=UTC)    # the whole day, ET
    assert [(r.line, r.field) for r in report.refused] == [
        (5, "MissionNumber"), (6, "AlienMasterID"), (7, "StrikeFromList")]
