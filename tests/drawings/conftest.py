"""The flagship case, loaded once: the drawings are pure, so sharing it is safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.bundle import load_bundle
from habeas.domain import Case

FLAGSHIP = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"


@pytest.fixture(scope="session")
def flagship() -> Case:
    return load_bundle(FLAGSHIP)
