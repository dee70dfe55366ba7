"""``habeas audit``, ``check``, ``impact`` and ``timeline``: key lines and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from habeas.cli import app
from habeas.ledger import Ledger

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml")
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_audit_table() -> None:
    code, out, _ = run("audit", EXAMPLE)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Audit under effect=oral, removal_complete_at=custody_transfer: 5 findings"
    assert any("leavitt " in line and "contradicted" in line for line in lines)
    assert any(line.startswith("f-9ce58ce73b61: Flight GXA6143 departed") for line in lines)


def test_audit_json_follows_the_contract() -> None:
    code, out, _ = run("audit", EXAMPLE, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["interpretation"] == {"effect": "oral", "removal_complete_at": "custody_transfer",
                                      "pending_motion_protects": True}
    kinds = sorted((f["kind"], f["order"], f["certainty"]) for f in data["findings"])
    assert kinds == [("directive_unmet", "tro-class-oral", "certain")] * 2 + [
        ("forbidden_action", "tro-class-oral", "certain"),
        ("forbidden_action", "tro-class-written", "certain"),
        ("forbidden_action", "withholding-2019", "certain")]
    event = data["findings"][0]["events"][0]
    assert isinstance(event["seq"], int) and len(event["leaf_hash"]) == 64


def test_audit_under_the_government_theory() -> None:
    code, out, _ = run("audit", EXAMPLE, "--effect", "written", "--removal-complete-at",
                       "exit_territory", "--json")
    assert code == 0
    certainty = {f["order"]: f["certainty"] for f in json.loads(out)["findings"]}
    assert certainty == {"tro-class-written": "possible", "withholding-2019": "certain"}


def test_audit_matrix() -> None:
    code, out, _ = run("audit", EXAMPLE, "--matrix", "--json")
    assert code == 0
    matrix = json.loads(out)
    assert len(matrix["columns"]) == 6
    code, out, _ = run("audit", EXAMPLE, "--matrix")
    assert "f-8e1aefee2706" in out and "written" in out


def test_audit_as_of_before_the_hand_over() -> None:
    code, out, _ = run("audit", EXAMPLE, "--as-of", "2025-03-15T22:00", "--json")
    assert code == 0
    kinds = {f["kind"] for f in json.loads(out)["findings"]}
    assert kinds == {"directive_unmet"}


def test_audit_bad_input_exits_2() -> None:
    code, _, err = run("audit", EXAMPLE, "--as-of", "yesterday")
    assert code == 2
    assert err.startswith("Error: --as-of: 'yesterday': ")


def test_check_denies_and_allows() -> None:
    code, out, _ = run("check", EXAMPLE, "--action", json.dumps(
        {"action": "depart", "movement": "gxa6122", "at": "2025-03-15T19:36-04:00"}))
    assert code == 1
    assert out.splitlines()[0] == "Decision: deny (depart at 2025-03-15 19:36 EDT)"
    assert "- forbidden by withholding-2019 (certain)" in out
    code, out, _ = run("check", EXAMPLE, "--action", json.dumps(
        {"action": "remove", "subjects": ["abrego-garcia"], "to": "MX",
         "at": "2025-03-15T19:36-04:00"}))
    assert code == 0
    assert out.splitlines() == ["Decision: allow (remove at 2025-03-15 19:36 EDT)"]


def test_check_json_and_bad_action() -> None:
    code, out, _ = run("check", EXAMPLE, "--json", "--action", json.dumps(
        {"action": "depart", "movement": "gxa6145", "at": "2025-03-15T23:45-04:00"}))
    assert code == 1
    data = json.loads(out)
    assert data["decision"] == "deny"
    assert [b["obligation"] for b in data["breaches"]] == ["return_in_transit"]
    code, _, err = run("check", EXAMPLE, "--action", '{"action": "fly", "at": "2025-03-15"}')
    assert code == 2
    assert "action: 'fly': one of board, depart" in err


def test_impact() -> None:
    code, out, _ = run("impact", "tro-class-oral", EXAMPLE)
    assert code == 0
    assert out.splitlines()[0] == ("Order tro-class-oral at 2025-03-15 18:48 EDT: in force "
                                   "certain; 142 people certainly in scope, 0 possibly")
    code, out, _ = run("impact", "tro-class-oral", EXAMPLE, "--json")
    assert [r["movement"] for r in json.loads(out)["movements"]] == ["gxa6143", "gxa6145"]
    code, _, err = run("impact", "no-such-order", EXAMPLE)
    assert code == 2 and "no order with this id" in err


def test_timeline() -> None:
    code, out, _ = run("timeline", EXAMPLE, "--person", "abrego-garcia", "--tz", "UTC",
                       "--json")
    assert code == 0
    entries = json.loads(out)["entries"]
    assert entries[0]["id"] == "withholding-2019"
    assert any(e["id"] == "abrego-garcia.returned.1" for e in entries)
    code, out, _ = run("timeline", EXAMPLE, "--movement", "gxa6143")
    assert code == 0 and "gxa6143: departed at hrl" in out
    code, _, err = run("timeline", EXAMPLE, "--tz", "Mars/Olympus")
    assert code == 2 and "--tz" in err


def test_db_and_known_at(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    Ledger.init(db).close()
    assert runner.invoke(app, ["import", EXAMPLE, "--db", db]).exit_code == 0
    code, out, _ = run("audit", "--db", db, "--json")
    assert code == 0 and len(json.loads(out)["findings"]) == 5
    code, out, _ = run("audit", "--db", db, "--known-at", "2000-01-01T00:00Z", "--json")
    assert code == 0 and json.loads(out)["findings"] == []
    code, _, _ = run("check", "--db", db, "--action", json.dumps(
        {"action": "remove", "subjects": ["abrego-garcia"], "to": "SV",
         "at": "2025-03-15T19:36-04:00"}))
    assert code == 1
