"""A log and two witnesses as separate processes on loopback (C2SP tlog-witness): the
witnesses cosign the log's checkpoints as it grows, a verifier holds a cosigned checkpoint
to a 2-of-2 policy, and the rewrite of issue 10 (record 44 changed, the tree rebuilt, the
checkpoints emptied), signed with a stolen copy of the key, is refused by both. Both
backends."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.faults.backends import rewrite_record
from tests.faults.test_rewrite import CHANGED, HN, SV, order_log

from habeas.app import create_app
from habeas.ledger import Ledger, RecordDraft
from habeas.ledger.cosignature import WitnessPolicy
from habeas.ledger.witnessing import WitnessClient
from habeas.service import Service
from habeas.service.database import Database

SRC = str(Path(__file__).resolve().parents[2] / "src")


def habeas(*args: str, key: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "HABEAS_KEY": str(key)}
    return subprocess.run([sys.executable, "-m", "habeas", *args], env=env, text=True,
                          capture_output=True, timeout=120)


@pytest.fixture
def witnesses(tmp_path: Path, url: str, key: Path) -> Iterator[list[tuple[str, str, Path]]]:
    """(submission prefix, cosignature vkey, state file) of two running witnesses."""
    with order_log(url, key) as ledger:
        log_vkey = ledger.verifier_key()
    running, found = [], []
    try:
        for n in (1, 2):
            wkey = tmp_path / f"w{n}.key"
            made = habeas("witness", "init", "--name", f"witness.test/w{n}", "--key", str(wkey),
                          key=key)
            assert made.returncode == 0, made.stderr
            state = tmp_path / f"w{n}.json"
            process = subprocess.Popen(
                [sys.executable, "-m", "habeas", "witness", "serve", "--key", str(wkey),
                 "--state", str(state), "--log", log_vkey, "--port", "0"],
                env={**os.environ, "PYTHONPATH": SRC}, stderr=subprocess.PIPE, text=True)
            running.append(process)
            assert process.stderr is not None
            line = process.stderr.readline()
            port = re.search(r":(\d+)$", line.strip())
            assert port is not None, line
            found.append((f"http://127.0.0.1:{port.group(1)}", made.stdout.strip(), state))
        yield found
    finally:
        for process in running:
            process.terminate()
            process.wait(timeout=10)


def test_witnesses_cosign_growth_and_refuse_a_rewrite(url: str, key: Path, tmp_path: Path,
                                                      witnesses: list[tuple[str, str, Path]]
                                                      ) -> None:
    specs = [arg for prefix, vkey, _ in witnesses for arg in ("--witness", f"{prefix}={vkey}")]
    policy = [arg for _, vkey, _ in witnesses for arg in ("--witness", vkey)]
    first = habeas("checkpoint", "--db", url, *specs, key=key)
    assert first.returncode == 0, first.stderr
    two_of_two = WitnessPolicy.parse([v for _, v, _ in witnesses], 2)
    assert two_of_two is not None
    assert two_of_two.check(first.stdout) == ["witness.test/w1", "witness.test/w2"]
    saved = tmp_path / "cosigned.note"
    saved.write_text(first.stdout)
    checked = habeas("verify", "--db", url, "--checkpoint", str(saved), *policy, key=key)
    assert checked.returncode == 0, checked.stderr

    with Ledger.open(url, key) as ledger:
        ledger.append([RecordDraft("movement.departed", {"flight": "later"})])
    grown = habeas("checkpoint", "--db", url, *specs, key=key)  # a new process: 409, then proof
    assert grown.returncode == 0, grown.stderr
    assert grown.stdout.split("\n")[1] == "87" and grown.stdout.count("\u2014 witness.test/") == 2
    held = [state.read_text() for _, _, state in witnesses]

    with Ledger.open(url, key) as ledger:  # the server publishes the cosigned note
        ledger.append([RecordDraft("movement.departed", {"flight": "served"})])
        service = Service(ledger, Database(url))
        service.witnesses = [WitnessClient.parse(f"{p}={v}") for p, v, _ in witnesses]
        published = TestClient(create_app(service)).get("/-/checkpoint").text
    assert published.split("\n")[1] == "88" and published.count("\u2014 witness.test/") == 2
    held = [state.read_text() for _, _, state in witnesses]

    rewrite_record(url, CHANGED, SV, HN, rebuild=True, forget_checkpoints=True)
    restarted = Service.open(url, key_path=str(key))  # its self-check stops the signer
    health = TestClient(create_app(restarted)).get("/-/health")
    assert health.status_code == 503 and health.json()["status"] == "alarm"
    restarted.ledger.close()
    own = habeas("checkpoint", "--db", url, *specs, key=key)
    assert own.returncode == 1 and "refusing to sign the tree of size 88" in own.stderr
    thief = tmp_path / "thief" / "signing.key"
    thief.parent.mkdir()
    thief.write_bytes(key.read_bytes())
    thief.chmod(0o600)
    forged = habeas("checkpoint", "--db", url, *specs, key=thief)
    assert forged.returncode == 1, forged.stdout
    assert "0 of the 2 witness cosignatures required for the checkpoint of size 88" in \
        forged.stderr
    assert forged.stderr.count("refused with 409") == 2  # same size, another root
    assert [state.read_text() for _, _, state in witnesses] == held

    with Ledger.open(url, thief) as ledger:
        ledger.append([RecordDraft("movement.departed", {"flight": "forged"})])
    forged = habeas("checkpoint", "--db", url, *specs, key=thief)
    assert forged.returncode == 1
    assert forged.stderr.count("refused with 422") == 2  # no consistency proof from 88
    assert [state.read_text() for _, _, state in witnesses] == held
