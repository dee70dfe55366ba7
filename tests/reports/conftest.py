"""The flagship's report, built once from the bundle with the engine's audits under every
reading, and the PDF rendered from it."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from habeas.reports import DEFAULT, Report, audit_all, build_report, open_case, write_pdf

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "examples" / "jgg-2025-03-15.yaml"
NY = "America/New_York"


@pytest.fixture(scope="session")
def report() -> Report:
    with open_case(FLAGSHIP) as opened:
        return build_report(opened, audit_all(opened.case), primary=DEFAULT, tz=NY,
                            prepared="2026-11-29")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="session")
def rendered(report: Report, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Path, list[str]]:
    """The flagship's PDF, and what WeasyPrint warned about while making it (bad CSS, a
    refused fetch)."""
    path = tmp_path_factory.mktemp("pdf") / "flagship.pdf"
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        write_pdf(report, path)
    finally:
        logger.removeHandler(collect)
    return path, collect.messages


@pytest.fixture(scope="session")
def pdf(rendered: tuple[Path, list[str]]) -> Path:
    return rendered[0]


def run_docs_verifier(directory: Path) -> str:
    """Run the offline verifier printed in docs/reports.md, as a clerk would, on the
    ``verification.json`` in ``directory``: independent of Habeas, so a wrong step in the
    instructions or a wrong proof in a report fails the tests."""
    docs = (ROOT / "docs" / "reports.md").read_text()
    code = docs.split("```python\n")[1].split("```")[0]
    return subprocess.run([sys.executable, "-c", code], cwd=directory, check=True,
                          capture_output=True, text=True).stdout
