"""Court-ready compliance reports (HTML and PDF): what happened, what the orders required,
what the record shows under each reading of the law, and the proofs to check it offline."""

from habeas.reports.assemble import assemble
from habeas.reports.build import audit_all, build_report, open_case
from habeas.reports.model import Report
from habeas.reports.readings import DEFAULT, MATRIX
from habeas.reports.render import render_html, write_html, write_pdf

__all__ = ["DEFAULT", "MATRIX", "Report", "assemble", "audit_all", "build_report", "open_case",
           "render_html", "write_html", "write_pdf"]
