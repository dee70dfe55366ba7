"""A writer process for the crash test: appends forever, logging each acknowledged seq.

Run as ``python writer.py URL KEY LOG WRITER_ID SEED``. It keeps appending small batches
whose idempotency keys are ``w<id>-<n>`` and whose payloads follow from the key, so a
restarted writer can resume with the batch its killed predecessor may have committed
without hearing back (a client retrying), and the test can recompute every payload.
Only after ``append()`` returns does it write one JSON line per record to LOG and fsync:
the log is exactly what was acknowledged. Now and then it also asks for a checkpoint and
logs that, so the test can hold the log to every checkpoint handed out before a crash.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

from habeas.ledger import Ledger, RecordDraft


def payload_for(key: str) -> dict[str, Any]:
    """The content a key stands for: the same on every retry, different between keys."""
    n = int(key.rsplit("-", 1)[1])
    return {"key": key, "n": n, "text": "x" * (n % 97), "nested": {"list": [n, str(n)]}}


def draft_for(key: str) -> RecordDraft:
    return RecordDraft("crash.test", payload_for(key), actor=key.split("-", 1)[0],
                       idempotency_key=key)


def acknowledged(log: Path) -> list[dict[str, Any]]:
    """The complete lines of a writer log (a line cut short by SIGKILL was never fsynced
    as a whole, so it is dropped: the record it describes may or may not be in the log)."""
    if not log.exists():
        return []
    lines = log.read_bytes().split(b"\n")
    return [json.loads(line) for line in lines[:-1] if line]


def next_number(log: Path) -> int:
    numbers = [int(e["key"].rsplit("-", 1)[1]) for e in acknowledged(log) if "key" in e]
    return max(numbers, default=-1) + 1


def main(url: str, key_path: str, log_path: str, writer: str, seed: str) -> None:
    rng = random.Random(int(seed))
    log = Path(log_path)
    n = next_number(log)
    with Ledger.open(url, key_path) as ledger, open(log, "ab") as out:
        while True:
            keys = [f"w{writer}-{n + i}" for i in range(rng.randint(1, 3))]
            records = ledger.append([draft_for(k) for k in keys])
            lines = [json.dumps({"seq": r.seq, "key": r.idempotency_key,
                                 "leaf": r.leaf_hash.hex()}) for r in records]
            if rng.random() < 0.1:
                lines.append(json.dumps({"checkpoint": ledger.checkpoint()}))
            out.write(("\n".join(lines) + "\n").encode())
            out.flush()
            os.fsync(out.fileno())
            n += len(keys)


if __name__ == "__main__":
    main(*sys.argv[1:6])
