"""``habeas ingest ...``: the report, exit codes, --dry-run, --skip-bad and re-runs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import DATA, FLAGSHIP
from habeas.cli import app
from habeas.ledger import Ledger

runner = CliRunner()


def flagship_db(tmp_path: Path) -> str:
    db = str(tmp_path / "h.db")
    Ledger.init(db).close()
    assert runner.invoke(app, ["import", str(FLAGSHIP), "--db", db]).exit_code == 0
    return db


def size(db: str) -> int:
    with Ledger.open(db) as ledger:
        return ledger.size()


def lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_opensky_appends_once(tmp_path: Path) -> None:
    db = flagship_db(tmp_path)
    before = size(db)
    args = ["ingest", "opensky", str(DATA / "opensky-gxa6143.csv"), "--movement", "gxa6143",
            "--db", db]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "appended 31 new and 0 corrected records; 0 already recorded" in first.output
    second = runner.invoke(app, args)
    assert "appended 0 new and 0 corrected records; 31 already recorded" in second.output
    assert size(db) == before + 31


def test_malformed_input_appends_nothing_and_exits_2(tmp_path: Path) -> None:
    db = flagship_db(tmp_path)
    before = size(db)
    result = runner.invoke(app, ["ingest", "manifest", str(DATA / "manifest-bad.csv"),
                                 "--db", db, "--json"])
    assert result.exit_code == 2
    report = lines(result.output)
    refused = [(r["line"], r["field"]) for r in report if r["status"] == "refused"]
    assert refused == [(3, "person"), (4, "movement"), (5, "status"), (6, "time"),
                       (7, "person"), (8, "")]
    assert report[-1]["status"] == "summary" and report[-1]["appended"] is None
    assert size(db) == before


def test_skip_bad_appends_the_good_rows(tmp_path: Path) -> None:
    db = flagship_db(tmp_path)
    before = size(db)
    result = runner.invoke(app, ["ingest", "manifest", str(DATA / "manifest-bad.csv"),
                                 "--db", db, "--skip-bad", "--json"])
    assert result.exit_code == 0, result.output
    assert lines(result.output)[-1]["appended"] == 2
    assert size(db) == before + 2


def test_dry_run_with_a_bundle_writes_nothing(tmp_path: Path) -> None:
    db = flagship_db(tmp_path)
    before = size(db)
    result = runner.invoke(app, ["ingest", "manifest", str(DATA / "manifest-gxa.csv"),
                                 "--bundle", str(FLAGSHIP), "--time", "2025-03-15",
                                 "--dry-run", "--db", db])
    assert result.exit_code == 2               # client-7 is not in the flagship
    assert "line 3: person" in result.output
    result = runner.invoke(app, ["ingest", "courtlistener", str(DATA / "courtlistener-page.json"),
                                 "--dry-run", "--db", db])
    assert result.exit_code == 0, result.output
    assert "took 2 order, 2 source" in result.output and "dry run" in result.output
    assert size(db) == before


def test_courtlistener_with_court_options(tmp_path: Path) -> None:
    db = flagship_db(tmp_path)
    result = runner.invoke(app, ["ingest", "courtlistener",
                                 str(DATA / "courtlistener-single.json"), "--court", "dcd",
                                 "--case-number", "1:25-cv-00766", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    taken = [r for r in lines(result.output) if r["status"] == "taken"]
    assert {r["id"] for r in taken} == {"courtlistener-920001", "courtlistener-de-920001"}


def test_opensky_spacing_of_positions(tmp_path: Path) -> None:
    db = flagship_db(tmp_path)
    counts = {}
    for every in ("5", "30"):
        result = runner.invoke(app, ["ingest", "opensky", str(DATA / "opensky-gxa6143.csv"),
                                     "--movement", "gxa6143", "--every", every, "--dry-run",
                                     "--db", db, "--json"])
        assert result.exit_code == 0, result.output
        counts[every] = lines(result.output)[-1]["taken"]["event"]
    assert counts["30"] < counts["5"]


def test_a_bad_window_is_a_clean_error(tmp_path: Path) -> None:
    db = flagship_db(tmp_path)
    result = runner.invoke(app, ["ingest", "opensky", str(DATA / "opensky-gxa6143.csv"),
                                 "--since", "last tuesday", "--dry-run", "--db", db])
    assert result.exit_code == 2
    assert "--since: 'last tuesday': not an ISO 8601 date or time" in result.output


def test_courtlistener_folder_and_unknown_court(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "1.json").write_text((DATA / "courtlistener-page.json").read_text())
    read = runner.invoke(app, ["ingest", "courtlistener", str(folder), "--dry-run", "--json"])
    assert read.exit_code == 0, read.output
    assert lines(read.output)[-1]["taken"] == {"order": 2, "source": 2}
    wrong = runner.invoke(app, ["ingest", "courtlistener", str(folder), "--court", "nowhere",
                                "--dry-run"])
    assert wrong.exit_code == 2 and "--court" in wrong.output


def test_readsb_trace_by_the_opensky_command(tmp_path: Path) -> None:
    trace = DATA / "real" / "trace_full_ac671b.json"
    read = runner.invoke(app, ["ingest", "opensky", str(trace), "--movement", "dal2927",
                               "--bundle", str(DATA / "real" / "tracks-case.yaml"),
                               "--dry-run", "--json"])
    assert read.exit_code == 0, read.output
    summary = lines(read.output)[-1]
    assert summary["format"] == "readsb" and summary["refused"] == 0
