from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA
from habeas.bundle.records import case_from_records
from habeas.domain import Order
from habeas.errors import ValidationError
from habeas.importers import Appended, append_report, guess_kind, is_order, read_courtlistener
from habeas.ledger import Ledger


def orders(report) -> list[Order]:
    return [t.obj for t in report.taken if t.section == "orders"]


def test_page_of_entries_gives_unconfirmed_orders() -> None:
    report = read_courtlistener(DATA / "courtlistener-page.json")
    assert report.ok and report.rows == 3
    assert report.ignored["not an order"] == 1          # the motion
    by_id = {o.id: o for o in orders(report)}
    tro = by_id["courtlistener-900002"]
    assert tro.court == "D.D.C." and tro.case == "1:25-cv-00766"
    assert tro.docket_entry == "5" and tro.kind == "tro" and tro.form == "written"
    assert tro.scope == "unconfirmed" and tro.protects.is_empty and not tro.forbids
    assert tro.issued.is_instant
    assert tro.issued.earliest == datetime(2025, 3, 15, 13, 40, tzinfo=UTC)   # 09:40 EDT
    assert tro.url == ("https://storage.courtlistener.com/recap/gov.uscourts.dcd.278436/"
                       "gov.uscourts.dcd.278436.5.0.pdf")
    assert tro.source == ("courtlistener-de-900002",)
    minute = by_id["courtlistener-900003"]
    assert minute.kind == "other"            # "in part", "extending": a clerk must read it
    assert minute.docket_entry is None
    # No time filed: the whole day in Washington.
    assert minute.issued.earliest == datetime(2025, 3, 15, 4, 0, tzinfo=UTC)
    assert minute.issued.latest.isoformat().startswith("2025-03-16T03:59:59.999999")


def test_single_entry_with_court_given() -> None:
    report = read_courtlistener(DATA / "courtlistener-single.json", court_name="Supreme Court "
                                "of the United States", timezone="America/New_York",
                                case_number="24A931")
    (order,) = orders(report)
    assert order.case == "24A931" and order.kind == "other"      # "vacating" hedges
    assert order.url == "https://www.courtlistener.com/docket/69760064/77/jgg-v-trump/"


def test_single_entry_without_court_is_refused() -> None:
    report = read_courtlistener(DATA / "courtlistener-single.json")
    (refusal,) = report.refused
    assert (refusal.line, refusal.field) == (1, "court")


def test_malformed_entries_each_refused_with_field_and_rule() -> None:
    report = read_courtlistener(DATA / "courtlistener-bad.json")
    got = {(r.line, r.field) for r in report.refused}
    assert got == {(2, "date_filed"), (3, "id"), (4, "court"), (5, "time_filed"), (6, "")}
    assert [o.id for o in orders(report)] == ["courtlistener-910001"]
    assert all(r.rule for r in report.refused)
    assert report.refused[0].where == "[1].date_filed"


def test_nothing_appended_from_malformed_input(ledger: Ledger) -> None:
    report = read_courtlistener(DATA / "courtlistener-bad.json")
    with pytest.raises(ValidationError) as caught:
        append_report(report, ledger)
    assert ledger.size() == 0 and len(caught.value.problems) == 5
    assert append_report(report, ledger, skip_bad=True).added == 2
    assert {r.kind for r in ledger.scan()} == {"order", "source"}


def test_reimport_adds_nothing(ledger: Ledger) -> None:
    first = read_courtlistener(DATA / "courtlistener-page.json")
    assert append_report(first, ledger).added == 4
    again = read_courtlistener(DATA / "courtlistener-page.json")
    assert append_report(again, ledger) == Appended(0, 0, 4)
    assert ledger.size() == 4
    case = case_from_records(ledger.scan())
    assert case.orders["courtlistener-900002"].scope == "unconfirmed"
    assert case.orders["courtlistener-900002"].issued.is_instant
    record = next(r for r in ledger.scan() if r.kind == "order")
    assert record.actor == "habeas-importer/courtlistener"


def test_not_json_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    report = read_courtlistener(bad)
    assert not report.ok and report.refused[0].line == 1
    bad.write_text(json.dumps({"hello": 1}))
    assert not read_courtlistener(bad).ok


@pytest.mark.parametrize(("text", "kind"), [
    ("TEMPORARY RESTRAINING ORDER", "tro"),
    ("ORDER granting Motion for Temporary Restraining Order", "tro"),
    ("ORDER denying Motion for Temporary Restraining Order", "other"),
    ("ORDER granting preliminary injunction", "preliminary_injunction"),
    ("ORDER granting TRO and preliminary injunction", "other"),
    ("ORDER staying removal of petitioner", "stay_of_removal"),
    ("MINUTE ORDER setting a hearing", "other"),
])
def test_kind_guess_is_conservative(text: str, kind: str) -> None:
    assert guess_kind(text) == kind


@pytest.mark.parametrize(("text", "order"), [
    ("MINUTE ORDER granting Motion to Expedite", True),
    ("Emergency MOTION for Temporary Restraining Order", False),
    ("NOTICE of Filing Proposed Order", False),
    ("MEMORANDUM OPINION AND ORDER", True),
    ("Minute Entry for proceedings held before Judge: oral order", True),
])
def test_orders_told_from_filings(text: str, order: bool) -> None:
    assert is_order(text) is order


@given(st.text(max_size=200))
def test_a_hedged_text_is_never_a_specific_kind(text: str) -> None:
    assert guess_kind(text + " denying") == "other"
