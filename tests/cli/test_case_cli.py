"""``habeas import``, ``export`` and ``schema bundle``: exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from habeas.cli import app
from habeas.ledger import Ledger

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"
runner = CliRunner()


def init(tmp_path: Path) -> str:
    db = str(tmp_path / "h.db")
    Ledger.init(db).close()
    return db


def test_import_then_again(tmp_path: Path) -> None:
    db = init(tmp_path)
    first = runner.invoke(app, ["import", str(EXAMPLE), "--db", db])
    assert first.exit_code == 0, first.output
    assert first.output == "79 added, 0 corrected, 0 unchanged (seq 0–78)\n"
    second = runner.invoke(app, ["import", str(EXAMPLE), "--db", db, "--json"])
    assert json.loads(second.output) == {"added": 0, "corrected": 0, "unchanged": 79,
                                         "seqs": []}


def test_import_of_a_bad_bundle_writes_nothing(tmp_path: Path) -> None:
    db = init(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("held_by_country: US", "held_by_country: USA"))
    result = runner.invoke(app, ["import", str(bad), "--db", db])
    assert result.exit_code == 2
    assert "orders.tro-class-oral.protects.class.held_by_country[0]: 'USA'" in result.stderr
    with Ledger.open(db) as ledger:
        assert ledger.size() == 0


def test_export_round_trips_through_import(tmp_path: Path) -> None:
    db = init(tmp_path)
    runner.invoke(app, ["import", str(EXAMPLE), "--db", db])
    out = tmp_path / "export.json"
    result = runner.invoke(app, ["export", "--db", db, "-o", str(out)])
    assert result.exit_code == 0, result.output
    other = str(tmp_path / "other.db")
    Ledger.init(other).close()
    again = runner.invoke(app, ["import", str(out), "--db", other])
    assert again.output.startswith("79 added")


def test_schema_bundle_is_json_schema() -> None:
    result = runner.invoke(app, ["schema", "bundle"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "Habeas case bundle, format 1"


def test_import_with_a_pinned_key_of_another_log_fails(tmp_path: Path) -> None:
    db = init(tmp_path)
    runner.invoke(app, ["import", str(EXAMPLE), "--db", db])
    out = tmp_path / "export.json"
    runner.invoke(app, ["export", "--db", db, "-o", str(out)])
    other = str(tmp_path / "other.db")
    with Ledger.init(other) as ledger:
        foreign_key = ledger.verifier_key()
    result = runner.invoke(app, ["import", str(out), "--db", other,
                                 "--trusted-key", foreign_key])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    with Ledger.open(other) as ledger:
        assert ledger.size() == 0
