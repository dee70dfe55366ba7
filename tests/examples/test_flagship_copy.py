"""The flagship case ships twice: in examples/ for readers and inside the package for
``habeas demo``. The two must never drift apart."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_packaged_flagship_is_the_example() -> None:
    example = (ROOT / "examples" / "jgg-2025-03-15.yaml").read_bytes()
    packaged = (ROOT / "src" / "habeas" / "service" / "data" / "jgg-2025-03-15.yaml").read_bytes()
    assert packaged == example
