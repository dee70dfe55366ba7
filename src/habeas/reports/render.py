"""Rendering a report: HTML from one Jinja2 template, PDF from that HTML with WeasyPrint.

The PDF is made without the network: the drawings are inline SVG, the fonts are the
system's, and the URL fetcher refuses everything but inline ``data:`` URLs, so a hostile
URL in a bundle can neither leak the reader's address nor change the exhibit.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from habeas.reports import readings
from habeas.reports.model import Report

VERIFICATION_FILE = "verification.json"


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("habeas.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["svg"] = _trusted_svg
    env.filters["reading"] = readings.label
    env.filters["completion"] = readings.completion
    env.filters["sentence"] = _sentence
    return env


def _trusted_svg(svg: str) -> Markup:
    """The drawings escape every text they carry (``habeas.drawings.svg``), so their output
    is markup, not text to escape again."""
    return Markup(svg)


def _sentence(text: str) -> str:
    """End with one full stop, whether or not the text (``A.B.``) already does."""
    return text if text.endswith(".") else text + "."


def render_html(report: Report) -> str:
    css = files("habeas.reports").joinpath("templates/report.css").read_text("utf-8")
    # The stylesheet is ours and holds no "</style>"; escaping would break its quotes.
    return _environment().get_template("report.html.j2").render(report=report,
                                                                 css=Markup(css))


def verification_data(report: Report) -> dict[str, Any]:
    """The appendix as JSON, attached to the PDF so a verifier need not retype hashes."""
    appendix = report.appendix
    if appendix is None:
        return {}
    return {
        "checkpoint": appendix.checkpoint,
        "verifier_key": appendix.verifier_key,
        "tree_size": appendix.tree_size,
        "root": appendix.root,
        "records": [{"seq": r.seq, "label": r.label, "leaf_hash": r.leaf_hash,
                     "record": r.canonical, "leaf_index": r.leaf_index,
                     "tree_size": r.tree_size, "path": list(r.path)}
                    for r in appendix.records],
    }


def write_html(report: Report, path: Path) -> None:
    path.write_text(render_html(report), encoding="utf-8")


def local_only_fetcher() -> Any:
    """WeasyPrint's fetcher limited to inline ``data:`` URLs: nothing local or remote is
    ever read while rendering."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def write_pdf(report: Report, path: Path) -> None:
    from weasyprint import HTML, Attachment

    attachments = []
    if report.appendix is not None:
        attachments.append(Attachment(
            string=json.dumps(verification_data(report), indent=2, ensure_ascii=False),
            name=VERIFICATION_FILE,
            description="Checkpoint, verifier key and inclusion proofs of the cited records"))
    HTML(string=render_html(report), url_fetcher=local_only_fetcher()).write_pdf(
        path, attachments=attachments)
