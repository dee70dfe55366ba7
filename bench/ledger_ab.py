"""A/B the ledger's CPU-bound paths between two source trees, in the same run.

Each round runs one fresh process per tree (order alternating, so drift and load hit both
alike) and takes the medians of wall and CPU (``time.process_time``) time::

    git archive <base> src | tar -x -C /tmp/base
    python bench/ledger_ab.py --base /tmp/base/src --new src --rounds 5 [--proof-db PATH]

``--proof-db`` names a ledger built by ``ledger_bench.build_synthetic`` (e.g. 10M leaves),
used read-only by both sides, so the proof figures need no rebuild per tree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r'''
import json, sys, tempfile, time
from datetime import UTC, datetime
from habeas.ledger import merkle
from habeas.ledger.ledger import Ledger
from habeas.ledger.records import RecordDraft

def draft(i):
    return RecordDraft("movement.position",
                       {"movement": "flight-1", "tail": "N123", "lat": "25.7959",
                        "lon": "-80.2870", "alt_ft": 35000, "n": i},
                       occurred_at="2025-03-15T19:26:00-04:00", source=["adsb:N123"],
                       actor="importer")

what, arg = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp()
out = {}
if what == "bulk":  # 5 batches of 10,000 into a fresh SQLite file
    ledger = Ledger.init(tmp + "/b.db", tmp + "/b.key")
    drafts = [draft(i) for i in range(50_000)]
    w, c = time.perf_counter(), time.process_time()
    for b in range(5):
        ledger.append(drafts[b * 10_000:(b + 1) * 10_000])
    out = {"wall": 50_000 / (time.perf_counter() - w), "cpu": 50_000 / (time.process_time() - c)}
elif what == "verify":  # full verification of the 50,000-record file built by "bulk"
    ledger = Ledger.open(arg, arg + ".key")
    ledger.verify()  # warm the page cache
    walls, cpus = [], []
    for _ in range(3):
        w, c = time.perf_counter(), time.process_time()
        ledger.verify()
        walls.append(time.perf_counter() - w); cpus.append(time.process_time() - c)
    n = ledger.size()
    out = {"wall": n / min(walls), "cpu": n / min(cpus)}
elif what == "proof":  # 2,000 inclusion proofs through Ledger.inclusion_proof, then verify
    ledger = Ledger.open(arg, arg.rsplit(".", 1)[0] + ".key")
    size = ledger.size()
    seqs = [(i * 7_919_993) % size for i in range(2_000)]
    made = [ledger.inclusion_proof(seq) for seq in seqs]  # warms caches, as round 1 does
    walls, cpus = [], []
    for r in range(3):  # other leaves each pass, as ledger_bench's make_cpu does
        w, c = time.perf_counter(), time.process_time()
        for seq in seqs:
            ledger.inclusion_proof((seq * 31 + r) % size)
        walls.append(time.perf_counter() - w); cpus.append(time.process_time() - c)
    out["make_wall_us"] = sorted(walls)[1] / len(seqs) * 1e6
    out["make_cpu_us"] = sorted(cpus)[1] / len(seqs) * 1e6
    made = made[:50]
    w, c = time.perf_counter(), time.process_time()
    for _ in range(40):
        for p in made:
            merkle.verify_inclusion(p.leaf_index, p.tree_size, p.leaf_hash, p.path, p.root)
    out["verify_wall_us"] = (time.perf_counter() - w) / (40 * len(made)) * 1e6
    out["verify_cpu_us"] = (time.process_time() - c) / (40 * len(made)) * 1e6
print(json.dumps(out))
'''


def run(src: str, what: str, arg: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(Path(src).resolve())}
    done = subprocess.run([sys.executable, "-c", CHILD, what, arg], env=env, check=True,
                          capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="baseline src directory")
    parser.add_argument("--new", required=True, help="candidate src directory")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", action="append", choices=["bulk", "verify", "proof"])
    parser.add_argument("--proof-db", help="a synthetic ledger file for the proof rows")
    args = parser.parse_args()
    only = args.only or ["bulk", "verify", "proof"]
    with tempfile.TemporaryDirectory() as tmp:
        verify_db = ""
        if "verify" in only:  # one file, built once by the candidate, read by both
            verify_db = f"{tmp}/verify.db"
            build = (CHILD.split("what, arg =")[0] + "ledger = Ledger.init(sys.argv[1], "
                     "sys.argv[1] + '.key')\nfor s in range(0, 50_000, 10_000):\n"
                     "    ledger.append([draft(i) for i in range(s, s + 10_000)])\n"
                     "ledger.checkpoint()\n")
            subprocess.run([sys.executable, "-c", build, verify_db], check=True,
                           env={**os.environ, "PYTHONPATH": str(Path(args.new).resolve())})
        print(f"load average at start: {os.getloadavg()}")
        for what in only:
            arg = verify_db if what == "verify" else (args.proof_db or "")
            if what == "proof" and not arg:
                continue
            samples: dict[str, dict[str, list[float]]] = {"base": {}, "new": {}}
            for r in range(args.rounds):
                order = [("base", args.base), ("new", args.new)]
                for side, src in order if r % 2 == 0 else order[::-1]:
                    for key, value in run(src, what, arg).items():
                        samples[side].setdefault(key, []).append(value)
            for key in samples["base"]:
                base = statistics.median(samples["base"][key])
                new = statistics.median(samples["new"][key])
                print(f"{what:7} {key:15} base {base:12,.1f}  new {new:12,.1f}  "
                      f"new/base {new / base:5.2f}x")
        print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
