"""``habeas report``: outputs, the primary reading, and a caller's mistakes as exit code 2."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from habeas.bundle.load import load_bundle
from habeas.bundle.records import import_case
from habeas.cli import app
from habeas.ledger import Ledger

from .conftest import FLAGSHIP

runner = CliRunner()


def test_html_and_pdf_from_a_bundle(tmp_path: Path) -> None:
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    result = runner.invoke(app, ["report", str(FLAGSHIP), "--html", str(html), "--pdf", str(pdf),
                                 "--tz", "America/Chicago"])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {html}\nwrote {pdf}\n"
    text = html.read_text()
    assert "America/Chicago" in text and "17:45–17:48 CDT" in text
    assert pdf.read_bytes().startswith(b"%PDF")


def test_from_a_ledger_with_another_primary_reading(tmp_path: Path) -> None:
    db = str(tmp_path / "case.db")
    with Ledger.init(db) as ledger:
        import_case(ledger, load_bundle(FLAGSHIP))
    html = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "--db", db, "--html", str(html), "--effect",
                                 "written", "--complete-at", "exit_territory", "--case",
                                 load_bundle(FLAGSHIP).title])
    assert result.exit_code == 0, result.output
    text = html.read_text()
    assert "written order binds; removal complete at leaving US territory" in text
    assert f"ledger {db}" in text and "temporary ledger" not in text


def test_as_of_a_valid_time_before_the_hand_over(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(FLAGSHIP), "--html", str(html),
                                 "--as-of", "2025-03-15T20:00"])
    assert result.exit_code == 0, result.output
    # By 8 p.m. ET nobody had been handed over: under the primary reading (removal complete
    # at the hand-over) the removal is not yet a finding; on leaving US territory it is.
    text = re.sub(r"\s+", " ", html.read_text())
    assert re.search(r"Forbidden action: tro-class-oral, GXA6143 \(N278GX\), GXA6145 "
                     r"\(N837VA\)</td> <td>not found under this reading</td>", text)
    assert "Directive not met: tro-class-oral, GXA6145 (N837VA)" in text


def test_mistakes_are_exit_code_2(tmp_path: Path) -> None:
    out = ["--html", str(tmp_path / "r.html")]
    cases = [
        ([str(FLAGSHIP)], "give at least one output file"),
        ([str(FLAGSHIP), *out, "--tz", "Mars/Olympus"], "not an IANA time zone"),
        ([str(FLAGSHIP), *out, "--case", "Another case"], "this record holds the case"),
        ([str(FLAGSHIP), *out, "--db", "x.db"], "either a bundle file or --db"),
        ([str(FLAGSHIP), *out, "--as-of", "yesterday"], "not an ISO 8601"),
        ([str(FLAGSHIP), *out, "--known-at", "2025-03-17T00:00Z"], "a bundle has no recorded"),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["report", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_a_small_case_of_another_kind(tmp_path: Path) -> None:
    """A ground transfer to Mexico against a stay, places without coordinates, no sources
    or statements, and markup in the title: the report still says what it must."""
    bundle = Path(__file__).parent / "data" / "minimal.yaml"
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    result = runner.invoke(app, ["report", str(bundle), "--html", str(html), "--pdf", str(pdf)])
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", " ", html.read_text())
    assert "A stay of removal &amp; a &lt;transfer&gt;" in text
    assert "Protects A.B. Forbids removal from the United States." in text
    assert "Forbidden action: stay, bus1" in text
    assert "Not drawn (no coordinates): Dallas Field Office" in text
    assert pdf.read_bytes().startswith(b"%PDF")
