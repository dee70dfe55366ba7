"""The standalone verifier printed in docs/ledger.md, run against real proofs, so the
documentation cannot drift from what ``habeas prove`` emits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.ledger.conformance import run_cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "ledger.md"


def doc_verifier() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("```python\n# verify_inclusion.py") + len("```python\n")
    return text[start:text.index("```", start)]


@pytest.fixture
def proven(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    monkeypatch.delenv("HABEAS_KEY", raising=False)
    db = str(tmp_path / "doc.db")
    assert run_cli("init", "--db", db)[0] == 0
    lines = "".join(json.dumps({"kind": "note", "payload": {"i": i, "text": "café"},
                                "occurred_at": "2025-03-15T18:45:00-04:00",
                                "source": ["ECF 1"], "actor": "clerk"}) + "\n"
                    for i in range(11))
    assert run_cli("append", "--db", db, "-", input=lines)[0] == 0
    script = tmp_path / "verify_inclusion.py"
    script.write_text(doc_verifier())
    proof, record = tmp_path / "proof.json", tmp_path / "record.json"
    proof.write_text(run_cli("prove", "6", "--db", db)[1])
    record.write_text(run_cli("log", "--json", "--from", "6", "--to", "6", "--db", db)[1])
    return script, proof, record


def run(*args: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                          check=False)


def test_doc_verifier_accepts_a_real_proof(proven: tuple[Path, Path, Path]) -> None:
    script, proof, record = proven
    assert len(doc_verifier().splitlines()) <= 35
    done = run(script, proof, record)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: leaf 6 is in habeas.local/") and \
        done.stdout.endswith(" at size 11\n")


@pytest.mark.parametrize("change", ["record", "path", "index", "size", "checkpoint"])
def test_doc_verifier_rejects_tampering(proven: tuple[Path, Path, Path], change: str) -> None:
    script, proof_file, record_file = proven
    proof = json.loads(proof_file.read_text())
    record = json.loads(record_file.read_text())
    if change == "record":
        record["payload"]["i"] = 7
    elif change == "path":
        proof["path"][1] = "00" * 32
    elif change == "index":
        proof["leaf_index"] = 7
    elif change == "size":
        proof["tree_size"] = 22
    else:
        lines = proof["checkpoint"].split("\n")
        lines[1] = "12"
        proof["checkpoint"] = "\n".join(lines)
    proof_file.write_text(json.dumps(proof))
    record_file.write_text(json.dumps(record))
    done = run(script, proof_file, record_file)
    assert done.returncode == 1 and done.stdout == "" and done.stderr
