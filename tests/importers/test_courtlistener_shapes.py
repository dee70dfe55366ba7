"""Every shape CourtListener serves, and the order reader on real docket texts.

The shapes are built from the project's page fixture as the API and webhooks serve them
(docket as a URL, nested ``docket_entries``, pages, the webhook envelope); the docket texts
in ``real/docket-labels.json`` are verbatim from public dockets (sources in each item).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import DATA
from habeas.importers import guess_kind, is_order, read_courtlistener

PAGE = json.loads((DATA / "courtlistener-page.json").read_text())
DOCKET = {"id": 69760064, "court": "https://www.courtlistener.com/api/rest/v4/courts/dcd/",
          "docket_number": "1:25-cv-00766", "case_name": "J.G.G. v. Trump"}


def as_served(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as a real /docket-entries/ page has it: docket as a URL, nothing else."""
    return {**entry, "docket": "https://www.courtlistener.com/api/rest/v4/dockets/69760064/"}


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


def order_ids(report: Any) -> list[str]:
    return [t.obj.id for t in report.taken if t.section == "orders"]


def test_entries_with_docket_as_url_need_the_court(tmp_path: Path) -> None:
    page = {**PAGE, "results": [as_served(e) for e in PAGE["results"]]}
    file = write(tmp_path / "entries.json", page)
    refused = read_courtlistener(file)
    assert {r.field for r in refused.refused} == {"court"}
    assert "--court" in refused.refused[0].rule
    given = read_courtlistener(file, court_id="dcd", case_number="1:25-cv-00766")
    assert given.ok and order_ids(given) == ["courtlistener-900002", "courtlistener-900003"]


def test_dockets_answer_read_alongside(tmp_path: Path) -> None:
    folder = tmp_path / "docket"
    folder.mkdir()
    write(folder / "1-docket.json", DOCKET)
    write(folder / "2-entries.json", {**PAGE, "results": [as_served(e) for e in PAGE["results"]]})
    report = read_courtlistener(folder)
    assert report.ok and report.rows == 3
    (tro,) = [t.obj for t in report.taken if t.obj.id == "courtlistener-900002"]
    assert (tro.court, tro.case) == ("D.D.C.", "1:25-cv-00766")


def test_docket_with_nested_entries(tmp_path: Path) -> None:
    docket = {**DOCKET, "docket_entries": [{k: v for k, v in e.items() if k != "docket"}
                                           for e in PAGE["results"]]}
    report = read_courtlistener(write(tmp_path / "recap.json", docket))
    assert report.ok and report.rows == 3 and len(order_ids(report)) == 2


def test_several_pages_and_an_incomplete_one(tmp_path: Path) -> None:
    first = {**PAGE, "results": PAGE["results"][:2],
             "next": "https://www.courtlistener.com/api/rest/v4/docket-entries/?cursor=x"}
    second = {**PAGE, "results": PAGE["results"][2:]}
    both = read_courtlistener(write(tmp_path / "pages.json", [first, second]))
    assert both.rows == 3 and len(order_ids(both)) == 2
    alone = read_courtlistener(write(tmp_path / "first.json", first))
    assert any(note.startswith("incomplete") for note in alone.notes)


def test_docket_alert_webhook_envelope(tmp_path: Path) -> None:
    envelope = {"webhook": {"event_type": 1, "version": 2, "date_created": "2025-03-15"},
                "payload": {"results": PAGE["results"]}}
    report = read_courtlistener(write(tmp_path / "hook.json", envelope))
    assert report.ok and len(order_ids(report)) == 2


def test_unknown_court_flag_is_named(tmp_path: Path) -> None:
    report = read_courtlistener(DATA / "courtlistener-page.json", court_id="nowhere")
    (refusal,) = report.refused
    assert refusal.field == "--court" and refusal.value == "nowhere"
    assert "--court-name" in refusal.rule and not report.taken


def test_real_docket_texts_read_as_a_clerk_would() -> None:
    """Precision and recall of "is an order" and of its kind on the labelled real entries."""
    labels = json.loads((DATA / "real" / "docket-labels.json").read_text())
    said = [(is_order(item["description"]), item) for item in labels]
    true_pos = sum(1 for got, item in said if got and item["is_order"])
    precision = true_pos / max(1, sum(1 for got, _ in said if got))
    recall = true_pos / max(1, sum(1 for _, item in said if item["is_order"]))
    kinds = [(guess_kind(item["description"]), item["kind"]) for got, item in said
             if got and item["is_order"]]
    kind_precision = sum(1 for a, b in kinds if a == b) / max(1, len(kinds))
    wrong = [(got, item["reason"]) for got, item in said if got != item["is_order"]]
    assert wrong == []
    assert precision >= 0.98 and recall == 1.0 and kind_precision >= 0.95
    # A referral of a motion for a preliminary injunction is not an injunction.
    assert all(guess_kind(item["description"]) == "other" for item in labels
               if "REFERRING" in item["description"])
