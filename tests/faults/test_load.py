"""The load driver (bench/load_http.py), short: a bounded mix of appends, guard checks and
reads against a real server on loopback, on both backends, with zero errors."""

from __future__ import annotations

from bench.load_http import run


def test_load_mix_has_no_errors(url: str) -> None:
    report = run(url, total=200, concurrency=6)
    summary = report.summary()
    assert report.errors == [], report.errors[:5]
    assert summary["requests"] == 200
    assert all(kind["count"] > 0 for kind in summary["by_kind"].values())
    print(f"\nload: {summary}")
