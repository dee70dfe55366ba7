"""What the flagship's report states: orders and flights in the summary, every finding with
its evidence under every reading, statements against the record, and proofs that verify
offline by the appendix's own steps."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from habeas.bundle.load import load_bundle
from habeas.bundle.records import import_case
from habeas.errors import ConfigError, ValidationError
from habeas.ledger import Ledger
from habeas.reports import (
    DEFAULT,
    MATRIX,
    Report,
    audit_all,
    build_report,
    open_case,
    render_html,
)
from habeas.reports.render import VERIFICATION_FILE, verification_data

from .conftest import FLAGSHIP, NY, run_docs_verifier


def section(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}".*?</section>', html, re.DOTALL)
    assert match, name
    return match.group(0)


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_summary_names_the_orders_and_the_flights(report: Report) -> None:
    summary = plain(section(render_html(report), "summary"))
    for flight in ("GXA6143 (N278GX)", "GXA6145 (N837VA)", "GXA6122 (N630VA)"):
        assert flight in summary
    assert "TRO (oral) tro-class-oral" in summary
    assert "Withholding (written) withholding-2019" in summary
    assert "2025-03-15 18:45–18:48 EDT" in summary  # when the oral order binds
    assert "Harlingen → Palmerola (Soto Cano) → El Salvador Intl Airport" in summary
    assert "oral order binds; removal complete at custody transfer" in summary
    assert "5 findings, 5 of them certain" in summary
    assert "1 is certain under every reading" in summary


def test_each_finding_appears_with_its_evidence(report: Report) -> None:
    html = render_html(report)
    findings = section(html, "findings")
    assert [f.number for f in report.findings] == [1, 2, 3, 4, 5]
    for finding in report.findings:
        assert f'id="finding-{finding.number}"' in findings
        assert finding.reason and finding.reason.replace("'", "&#39;") in findings
        assert finding.evidence
        for evidence in finding.evidence:
            assert evidence.seq is not None and evidence.leaf_hash
            assert evidence.leaf_hash in findings
            assert f"<td>{evidence.seq}</td>" in findings


def test_matrix_shows_each_findings_certainty_per_reading(report: Report) -> None:
    assert report.readings == MATRIX
    by_title = {f.title: f for f in report.findings}
    removal = by_title["Forbidden action: tro-class-oral, GXA6143 (N278GX), GXA6145 (N837VA)"]
    certainty = [c.certainty if c else None for c in removal.cells]
    # oral: not at departure (both planes left before the order), possibly on leaving US
    # territory, certainly at the hand-over; under the written reading the oral order never
    # binds.
    assert certainty == [None, "possible", "certain", None, None, None]
    primary = removal.cells[report.primary_index]
    assert primary is not None and primary.after_effect == "4 h 42 min to 9 h 15 min after effect"
    assert {e.id for e in removal.evidence} == {
        "gxa6143.custody_transferred.1", "gxa6145.custody_transferred.1",
        "tro-class-oral.notice.1"}
    # Why it is only possible when a removal is complete on leaving US territory:
    assert [(names, level) for names, level, _ in removal.other_reasons] == [
        ("oral order binds; removal complete at leaving US territory", "possible")]
    assert "possible, not certain" in removal.other_reasons[0][2]
    withholding = by_title["Forbidden action: withholding-2019, GXA6122 (N630VA)"]
    assert all(c is not None and c.certainty == "certain" for c in withholding.cells)
    assert report.certain_everywhere() == [withholding]
    matrix = plain(section(render_html(report), "matrix"))
    assert matrix.count("certain") >= 10 and "possible" in matrix and "not found" in matrix


def test_statements_are_set_against_the_record(report: Report) -> None:
    leavitt = next(s for s in report.statements if s.id == "leavitt")
    assert leavitt.verdicts[report.primary_index] == "contradicted"
    assert leavitt.findings[report.primary_index] == (1, 2)
    assert leavitt.reason.startswith("It says tro-class-oral, tro-class-written were obeyed")
    assert [s.id for s in report.contradicted_under(report.primary_index)] == \
        ["leavitt", "official-too-late"]
    html = plain(section(render_html(report), "statements"))
    assert "did not refuse to comply with a court order" in html
    assert "contradicted" in html and "not checkable" in html


def test_sources_are_cited_in_full(report: Report) -> None:
    sources = plain(section(render_html(report), "sources"))
    assert "Memorandum Opinion, J.G.G. v. Trump, No. 25-766 (JEB), ECF No. 81" in sources
    assert "one year (renewable)" in sources


def test_the_appendix_proves_every_cited_record(report: Report, tmp_path: Path) -> None:
    appendix = report.appendix
    assert appendix is not None and appendix.ephemeral
    cited = report.cited_seqs()
    assert [r.seq for r in appendix.records] == cited
    assert not appendix.unproven
    (tmp_path / VERIFICATION_FILE).write_text(json.dumps(verification_data(report)))
    assert run_docs_verifier(tmp_path) == \
        f"all {len(cited)} records proven against {appendix.tree_size}\n"
    html = section(render_html(report), "appendix")
    assert html.count('class="proof"') == len(cited)
    assert "temporary ledger" in html  # the warning that the key was made for the report


def test_evidence_and_appendix_agree(report: Report) -> None:
    assert report.appendix is not None
    proven = {r.seq: r.leaf_hash for r in report.appendix.records}
    for finding in report.findings:
        for evidence in finding.evidence:
            assert evidence.seq is not None and proven[evidence.seq] == evidence.leaf_hash


def test_text_from_the_case_is_escaped(report: Report) -> None:
    hostile = replace(report, title="<script>alert(1)</script>")
    html = render_html(hostile)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_tampered_record_fails_the_offline_check(report: Report, tmp_path: Path) -> None:
    data = verification_data(report)
    data["records"][0]["record"] = data["records"][0]["record"].replace("D.D.C.", "D. Md.")
    (tmp_path / VERIFICATION_FILE).write_text(json.dumps(data))
    with pytest.raises(subprocess.CalledProcessError):
        run_docs_verifier(tmp_path)


def test_without_a_ledger_the_report_says_it_has_no_proofs(report: Report) -> None:
    html = section(render_html(replace(report, appendix=None)), "appendix")
    assert "carries no proofs" in html


def _ledger_file(tmp_path: Path) -> str:
    url = str(tmp_path / "case.db")
    with Ledger.init(url) as ledger:
        import_case(ledger, load_bundle(FLAGSHIP))
    return url


def test_from_a_ledger(tmp_path: Path) -> None:
    url = _ledger_file(tmp_path)
    with open_case(db=url) as opened:
        report = build_report(opened, audit_all(opened.case), primary=DEFAULT, tz=NY,
                              prepared="2026-11-29")
    assert report.appendix is not None and not report.appendix.ephemeral
    assert report.origin == f"ledger {url}"
    assert "temporary ledger" not in render_html(report)


def test_without_the_signing_key_the_newest_signed_checkpoint_serves(tmp_path: Path) -> None:
    url = _ledger_file(tmp_path)
    with Ledger.open(url) as ledger:
        signed = ledger.checkpoint()
    Path(url + ".key").unlink()
    with open_case(db=url) as opened:
        report = build_report(opened, audit_all(opened.case), primary=DEFAULT, tz=NY,
                              prepared="2026-11-29")
    assert report.appendix is not None and report.appendix.checkpoint == signed


def test_without_key_or_checkpoint_the_report_says_what_is_missing(tmp_path: Path) -> None:
    url = _ledger_file(tmp_path)
    Path(url + ".key").unlink()
    with open_case(db=url) as opened, pytest.raises(ConfigError, match="no signed checkpoint"):
        build_report(opened, audit_all(opened.case), primary=DEFAULT, tz=NY,
                     prepared="2026-11-29")


def test_the_case_title_must_match() -> None:
    with pytest.raises(ValidationError, match="--case"), open_case(FLAGSHIP, title="Other"):
        pass


def test_bundle_or_ledger_not_both(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="either"), open_case(FLAGSHIP, db="x.db"):
        pass
