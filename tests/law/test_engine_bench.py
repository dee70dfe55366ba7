"""The engine benchmark runs end to end at small scale and writes its report (never
asserting a wall time: figures are for docs/benchmarks.md, not for CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_writes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "engine.md"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, str(ROOT / "bench" / "engine_bench.py"), "--quick",
                    "--out", str(out)], check=True, env=env, capture_output=True, timeout=600)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("## Engine\n")
    for row in ("| guard decision, ", "| impact of a class-wide order over ",
                "| audit of the national year "):
        assert row in text
    assert "100.0% same answer" in text
