"""The flagship's PDF: its pages, its text where a clerk looks for it, the attached
verification data, and no network on the way."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from habeas.reports import Report
from habeas.reports.render import VERIFICATION_FILE, local_only_fetcher

from .conftest import run_docs_verifier

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils not installed")


def pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


@needs_poppler
def test_first_page_is_the_summary(pdf: Path) -> None:
    first = pages_text(pdf)[0]
    assert "Removals of 15-16 March 2025" in first and "1. Summary" in first
    for needle in ("D.D.C., No. 1:25-cv-00766-JEB", "GXA6143", "GXA6145", "GXA6122",
                   "tro-class-oral", "withholding-2019",
                   "What the record shows", "Page 1 of"):
        assert needle in first
    assert "2. Findings under each reading" not in first


@needs_poppler
def test_every_section_and_the_appendix_are_there(pdf: Path, report: Report) -> None:
    text = "\n".join(pages_text(pdf))
    for heading in ("2. Findings under each reading of the law", "3. Findings and their evidence",
                    "4. Statements set against the record", "5. The orders", "6. The movements",
                    "7. Timeline and route map", "8. Sources cited",
                    "Appendix A. Verifying this report offline"):
        assert heading in text
    assert report.appendix is not None
    for record in report.appendix.records:
        assert f"Record {record.seq} ·" in text


@needs_poppler
def test_verification_data_is_attached(pdf: Path, report: Report, tmp_path: Path) -> None:
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(pdf)], check=True)
    data = json.loads((tmp_path / VERIFICATION_FILE).read_text())
    assert report.appendix is not None
    assert data["checkpoint"] == report.appendix.checkpoint
    assert [r["seq"] for r in data["records"]] == report.cited_seqs()


@needs_poppler
def test_the_verifier_in_the_docs_checks_the_attachment(pdf: Path, tmp_path: Path) -> None:
    """What a clerk does with the PDF alone: detach the data, run the printed verifier."""
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(pdf)], check=True)
    assert "records proven against" in run_docs_verifier(tmp_path)


@needs_poppler
def test_pages_render_to_images(pdf: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(pdf),
                    str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 3


def test_rendering_logs_no_css_or_fetch_problems(rendered: tuple[Path, list[str]]) -> None:
    assert rendered[1] == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.png", "https://example.org/font.woff",
                                 "file:///etc/passwd"])
def test_the_fetcher_refuses_anything_but_inline_data(url: str) -> None:
    with pytest.raises(ValueError, match="disallowed protocol"):
        local_only_fetcher().fetch(url)
