"""The ``report`` command: a court-ready compliance report as HTML or PDF."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from habeas.cli.common import DbOption, EffectChoice, RemovalChoice
from habeas.domain import When
from habeas.domain.time import zone
from habeas.errors import Problem, ValidationError


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("report")(report)


def _recorded(text: str | None) -> datetime | None:
    """A recorded time needs its offset: the log's clock is UTC, not the case's zone."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(Problem("--known-at", text, "not an ISO 8601 time")) from None
    if moment.tzinfo is None:
        raise ValidationError(Problem("--known-at", text, "needs a UTC offset, e.g. -04:00"))
    return moment


def _valid(case_zone: str, text: str | None) -> When | None:
    """A valid time as the other commands read it: without an offset, in the case's zone."""
    if text is None:
        return None
    try:
        return When.parse(text, zone(case_zone))
    except ValueError as error:
        raise ValidationError(Problem("--as-of", text, str(error))) from None


def report(
    bundle: Annotated[Path | None, typer.Argument(
        help="Case bundle (YAML or JSON); or give --db.", show_default=False)] = None,
    db: DbOption = None,
    case: Annotated[str | None, typer.Option(
        "--case", help="Title of the case expected in the record (refused if it differs).",
        show_default=False)] = None,
    tz: Annotated[str | None, typer.Option(
        "--tz", help="IANA time zone for every time shown (default: the case's).",
        show_default=False)] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write HTML here.",
                                              show_default=False)] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write PDF here.",
                                             show_default=False)] = None,
    effect: Annotated[EffectChoice, typer.Option(
        "--effect", help="Primary reading: when an order binds.")] = EffectChoice.oral,
    complete_at: Annotated[RemovalChoice, typer.Option(
        "--complete-at", help="Primary reading: when a removal is complete."
    )] = RemovalChoice.custody_transfer,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Audit what had happened by this valid time (ISO 8601; without an "
        "offset, in the case's zone).", show_default=False)] = None,
    known_at: Annotated[str | None, typer.Option(
        "--known-at", help="Read the record as it stood at this recorded time.",
        show_default=False)] = None,
) -> None:
    """Write a compliance report: a one-page summary, the findings under every reading of
    the law with their evidence, statements set against the record, the timeline and route
    map, the sources, and an appendix of proofs to verify it offline.

    Example: habeas report examples/jgg-2025-03-15.yaml --pdf jgg.pdf
    """
    from habeas.reports import MATRIX, audit_all, build_report, open_case, write_html, write_pdf

    if html is None and pdf is None:
        raise ValidationError(Problem("--html/--pdf", None, "give at least one output file"))
    primary = next(r for r in MATRIX if r.effect == effect.value
                   and r.removal_complete_at == complete_at.value)
    with open_case(bundle, db, _recorded(known_at), case) as opened:
        shown_tz = tz or opened.case.timezone
        try:
            zone(shown_tz)
        except ValueError:
            raise ValidationError(Problem("--tz", shown_tz, "not an IANA time zone")) from None
        audits = audit_all(opened.case, _valid(opened.case.timezone, as_of))
        content = build_report(opened, audits, primary=primary, tz=shown_tz,
                               prepared=datetime.now(UTC).date().isoformat())
    if html is not None:
        write_html(content, html)
        typer.echo(f"wrote {html}")
    if pdf is not None:
        write_pdf(content, pdf)
        typer.echo(f"wrote {pdf}")
