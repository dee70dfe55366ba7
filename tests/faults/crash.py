"""The crash driver: writer processes append while the driver SIGKILLs them at random
moments and starts replacements; then the survivors' promises are checked."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.faults.writer import acknowledged, payload_for

from habeas.ledger import Checkpoint, Ledger, Verifier

WRITER = Path(__file__).with_name("writer.py")
SRC = Path(__file__).resolve().parents[2] / "src"
TESTS_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CrashRun:
    kills: int
    acknowledged: int
    checkpoints: int
    size: int
    seconds: float


def _spawn(url: str, key: Path, log: Path, writer: int, seed: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=f"{SRC}{os.pathsep}{TESTS_ROOT}")
    return subprocess.Popen([sys.executable, str(WRITER), url, str(key), str(log),
                             str(writer), str(seed)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def _lines(log: Path) -> int:
    return log.read_bytes().count(b"\n") if log.exists() else 0


def run_crashes(url: str, key: Path, logs: Path, kills: int, writers: int = 3,
                seed: int = 6, budget: float = 600.0) -> int:
    """SIGKILL a random writer ``kills`` times, each at a random moment after it has
    acknowledged something since its start (so the kill lands mid-append, mid-checkpoint
    or mid-fsync, not during interpreter start-up); return the number of kills done."""
    rng = random.Random(seed)
    procs: dict[int, subprocess.Popen[bytes]] = {}
    started: dict[int, int] = {}
    for w in range(writers):
        procs[w] = _spawn(url, key, logs / f"w{w}.log", w, rng.randrange(1 << 30))
        started[w] = 0
    done = 0
    deadline = time.monotonic() + budget
    try:
        while done < kills:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {done} kills in {budget} s")
            w = rng.randrange(writers)
            log = logs / f"w{w}.log"
            while _lines(log) <= started[w]:
                if procs[w].poll() is not None:
                    raise AssertionError(f"writer {w} died on its own: "
                                         f"{procs[w].stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                if time.monotonic() > deadline:
                    raise AssertionError(f"writer {w} acknowledged nothing")
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.15))
            procs[w].send_signal(signal.SIGKILL)
            procs[w].wait()
            done += 1
            started[w] = _lines(log)
            procs[w] = _spawn(url, key, log, w, rng.randrange(1 << 30))
    finally:
        for proc in procs.values():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if proc.stderr is not None:
                proc.stderr.close()
    return done


def check_promises(url: str, key: Path, logs: Path) -> tuple[int, int, int]:
    """Every acknowledged record is there with the same content, each idempotency key once,
    seqs gapless, the log verifies, and it extends every checkpoint handed out; returns
    (records acknowledged, checkpoints checked, log size)."""
    with Ledger.open(url, key) as ledger:
        size = ledger.size()
        records = list(ledger.scan())
        assert [r.seq for r in records] == list(range(size)), "seqs are not gapless"
        by_key = {r.idempotency_key: r for r in records}
        assert len(by_key) == size, "an idempotency key appears twice"
        acked = 0
        notes: list[str] = []
        for log in sorted(logs.glob("w*.log")):
            numbers = []
            for entry in acknowledged(log):
                if "checkpoint" in entry:
                    notes.append(entry["checkpoint"])
                    continue
                record = records[entry["seq"]]
                assert record.idempotency_key == entry["key"], entry
                assert record.leaf_hash.hex() == entry["leaf"], entry
                assert record.payload == payload_for(entry["key"]), entry
                numbers.append(int(entry["key"].rsplit("-", 1)[1]))
                acked += 1
            writer = log.stem
            logged = sorted(int(k.rsplit("-", 1)[1]) for k in by_key
                            if k is not None and k.startswith(writer + "-"))
            # each retry resumed at the first unacknowledged key: no key skipped or doubled
            assert logged == list(range(len(logged))), f"{writer}: keys not contiguous"
            assert set(numbers) <= set(logged)
        ledger.verify()
        verifier = Verifier.parse(ledger.verifier_key())
        for note in notes:
            old = Checkpoint.open(note, verifier, ledger.origin)
            proof = ledger.consistency_proof(old.size, size)
            assert proof.old_root == old.root, f"checkpoint of size {old.size} not a prefix"
            proof.verify(old.root, verifier)
            ledger.verify(note)
        return acked, len(notes), size
