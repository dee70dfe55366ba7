"""Benchmark: the OpenSky importer against the csv module merely reading the same file.

Generates a state-vector file in a temporary directory (the flagship flight GXA6143 among
unrelated aircraft, as an OpenSky file holds every aircraft in view), then times, each in
its own process so that each peak RSS is its own:

- ``baseline``: ``csv.reader`` reading every row and doing nothing with it;
- ``import``: ``habeas.importers.read_opensky`` matching, validating and deriving events;
- ``all-target``: the importer on a file whose every row is the tracked aircraft (the worst
  case: every row parsed, classified against US territory and thinned).

Usage: PYTHONPATH=src python bench/importers_opensky.py [--rows 5000000] [--quick]
       [--report FILE]
The report (JSON) gives rows, seconds, rows per second, peak RSS and the ratios.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

from habeas.importers.synthetic import gxa6143, write_track_file  # noqa: E402

FLIGHT_SECONDS = 10_000   # rows of one-second samples: ground, flight, ground (10,046)


def generate(directory: Path, rows: int, *, all_target: bool) -> Path:
    """A file of about ``rows`` rows: one-second samples of GXA6143 with unrelated aircraft
    interleaved, or, for ``all_target``, GXA6143 alone sampled as often as ``rows`` needs."""
    flight = gxa6143()
    if all_target:
        path = directory / "all-target.csv"
        write_track_file(path, flight, timedelta(seconds=FLIGHT_SECONDS / rows), rows=rows)
    else:
        path = directory / "mixed.csv"
        others = max(0, math.ceil(rows / FLIGHT_SECONDS) - 1)
        write_track_file(path, flight, timedelta(seconds=1), others=others, rows=rows)
    return path


def child(mode: str, path: Path, bundle: Path) -> dict[str, Any]:
    """Run one measurement in this process and return its figures."""
    from habeas.bundle import load_bundle
    from habeas.geo import us_territory
    from habeas.importers import read_opensky

    case = load_bundle(bundle)
    us_territory()        # built once per process, not per file: not part of the import
    start = time.perf_counter()
    if mode == "baseline":
        with path.open(encoding="utf-8", newline="") as file:
            rows = sum(1 for _ in csv.reader(file)) - 1
        extra: dict[str, Any] = {}
    else:
        report = read_opensky(path, case, movement="gxa6143", progress=False)
        rows = report.rows
        extra = {"taken": len(report.taken), "refused": len(report.refused),
                 "kinds": report.summary()["taken"]}
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"mode": mode, "rows": rows, "seconds": round(seconds, 3),
            "rows_per_second": round(rows / seconds), "peak_rss_mib": round(peak_kib / 1024, 1),
            **extra}


def measure(mode: str, path: Path, bundle: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path), str(bundle)],
                         check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--all-target-rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="a CI smoke: 50,000 rows")
    parser.add_argument("--report", type=Path, help="also write the JSON report here")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FILE", "BUNDLE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    bundle = Path(__file__).resolve().parents[1] / "examples" / "jgg-2025-03-15.yaml"
    if args.child:
        mode, file, bundle_path = args.child
        print(json.dumps(child(mode, Path(file), Path(bundle_path))))
        return
    rows = 50_000 if args.quick else args.rows
    target_rows = 20_000 if args.quick else args.all_target_rows
    with tempfile.TemporaryDirectory(prefix="habeas-bench-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        mixed = generate(directory, rows, all_target=False)
        alone = generate(directory, target_rows, all_target=True)
        generated = time.perf_counter() - started
        results = {
            "baseline": measure("baseline", mixed, bundle),
            "import": measure("import", mixed, bundle),
            "all_target_baseline": measure("baseline", alone, bundle),
            "all_target": measure("import", alone, bundle),
        }
        sizes = {"mixed_mib": round(mixed.stat().st_size / 2**20, 1),
                 "all_target_mib": round(alone.stat().st_size / 2**20, 1)}
    report = {
        "command": " ".join(["python", *sys.argv]),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "generated_seconds": round(generated, 1), "files": sizes, "results": results,
        "ratio_import_to_baseline": round(results["import"]["seconds"]
                                          / results["baseline"]["seconds"], 2),
        "ratio_all_target_to_baseline": round(results["all_target"]["seconds"]
                                              / results["all_target_baseline"]["seconds"], 2),
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.report:
        args.report.write_text(text + "\n")


if __name__ == "__main__":
    main()
