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


def doc_witness_checker() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("```python\n# check_witnesses.py") + len("```python\n")
    return text[start:text.index("```", start)]


def test_doc_witness_checker_holds_a_k_of_n_policy(tmp_path: Path) -> None:
    """The second script of docs/ledger.md against a note cosigned by Habeas witnesses:
    2 of 3 pass a 2-of-3 policy, fail a 3-of-3 one, and a changed body fails both."""
    from habeas.ledger import Ledger, RecordDraft, Verifier
    from habeas.ledger.cosignature import Cosigner
    from habeas.ledger.witness import Witness, request_body

    script = tmp_path / "check_witnesses.py"
    script.write_text(doc_witness_checker())
    with Ledger.init("memory:") as log:
        log.append([RecordDraft("t", {"i": i}) for i in range(5)])
        note = log.checkpoint()
        cosigners = [Cosigner.generate(f"w.test/{n}") for n in range(3)]
        lines = [Witness(c, {log.origin: Verifier.parse(log.verifier_key())},
                         tmp_path / f"{n}.json").add_checkpoint(request_body(0, [], note)).body
                 for n, c in enumerate(cosigners[:2])]
    saved = tmp_path / "note.txt"
    saved.write_text(note + "".join(lines))
    vkeys = [c.verifier().text() for c in cosigners]

    def check(k: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(script), str(saved), str(k), *vkeys],
                              capture_output=True, text=True, check=False)

    done = check(2)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "OK: cosigned by w.test/0, w.test/1\n"
    assert check(3).returncode == 1
    saved.write_text(saved.read_text().replace("\n5\n", "\n4\n", 1))
    assert check(1).returncode == 1
