"""Shared paths and ledgers for the importer tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from habeas.bundle import load_bundle
from habeas.bundle.records import import_case
from habeas.ledger import Ledger

DATA = Path(__file__).resolve().parents[1] / "data" / "importers"
FLAGSHIP = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    """An empty in-memory ledger."""
    with Ledger.init("memory:") as opened:
        yield opened


@pytest.fixture
def flagship_ledger() -> Iterator[Ledger]:
    """An in-memory ledger holding the flagship bundle, as an office would before importing
    evidence about it."""
    with Ledger.init("memory:") as opened:
        import_case(opened, load_bundle(FLAGSHIP))
        yield opened
