"""The flagship's report, built once from the bundle with the engine's audits under every
reading, and the PDF rendered from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.reports import DEFAULT, Report, audit_all, build_report, open_case, write_pdf

FLAGSHIP = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"
NY = "America/New_York"


@pytest.fixture(scope="session")
def report() -> Report:
    with open_case(FLAGSHIP) as opened:
        return build_report(opened, audit_all(opened.case), primary=DEFAULT, tz=NY,
                            prepared="2026-11-29")


@pytest.fixture(scope="session")
def pdf(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "flagship.pdf"
    write_pdf(report, path)
    return path
