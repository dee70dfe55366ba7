"""The importer benchmark's quick mode runs and writes its report (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "importers_opensky.py"


def test_quick_benchmark_reports(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    subprocess.run([sys.executable, str(BENCH), "--quick", "--report", str(report_path)],
                   check=True, capture_output=True, timeout=300)
    report = json.loads(report_path.read_text())
    assert set(report["results"]) == {"baseline", "import", "all_target_baseline",
                                      "all_target"}
    assert report["results"]["import"]["rows"] == report["results"]["baseline"]["rows"]
    assert report["results"]["import"]["refused"] == 0
    assert report["results"]["all_target"]["kinds"]["event"] > 0
