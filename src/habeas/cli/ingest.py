"""``habeas ingest``: evidence from CourtListener, OpenSky and manifests into the ledger.

Each command reads its input into a line-by-line report, prints it, and appends only when
nothing was refused (or ``--skip-bad`` says to leave the refused rows out); ``--dry-run``
reads and reports without writing. The work is in ``habeas.importers``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from habeas.cli.common import DbOption, resolve_db
from habeas.domain import Case
from habeas.importers import Report

FileArgument = Annotated[Path, typer.Argument(help="The file to import.", exists=True,
                                              dir_okay=False, readable=True)]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Read and report; write nothing.")]
SkipBadOption = Annotated[bool, typer.Option(
    "--skip-bad", help="Append what is good even if some rows were refused.")]
JsonLinesOption = Annotated[bool, typer.Option(
    "--json", help="Print the report as JSON lines: each row taken or refused, then a summary.")]
PagesArgument = Annotated[Path, typer.Argument(
    help="A CourtListener answer, or a folder of them (*.json, read in name order).",
    exists=True, dir_okay=True, readable=True)]
BundleOption = Annotated[Path | None, typer.Option(
    "--bundle", help="Resolve names against this case bundle instead of the ledger's case "
    "(for a dry run, or when the ledger holds that bundle).")]

ingest = typer.Typer(help="Import evidence: court orders, flight tracks, manifests.",
                     no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` command group to ``app``."""
    app.add_typer(ingest, name="ingest")


@ingest.command("courtlistener")
def courtlistener(
    file: PagesArgument,
    court: Annotated[str | None, typer.Option(
        help="CourtListener court id (e.g. dcd) when the entries do not carry it.")] = None,
    court_name: Annotated[str | None, typer.Option(
        help="The court's name as cited, for courts without a known id; needs --timezone.")]
    = None,
    timezone: Annotated[str | None, typer.Option(
        help="IANA zone of the court's docket times, overriding the court's seat.")] = None,
    case_number: Annotated[str | None, typer.Option(
        help="Docket number when the entries do not carry it.")] = None,
    db: DbOption = None, dry_run: DryRunOption = False, skip_bad: SkipBadOption = False,
    as_json: JsonLinesOption = False,
) -> None:
    """Court orders from CourtListener v4 answers (docket entries, pages of them, a docket
    with its entries, a docket-alert webhook, or a folder of these), recorded as
    unconfirmed for a clerk to confirm.

    Example: habeas ingest courtlistener entries.json --court dcd --db habeas.db
    """
    from habeas.importers import read_courtlistener

    report = read_courtlistener(file, court_id=court, court_name=court_name,
                                timezone=timezone, case_number=case_number)
    _finish(report, db, dry_run=dry_run, skip_bad=skip_bad, as_json=as_json)


@ingest.command("opensky")
def opensky(
    file: FileArgument,
    movement: Annotated[str | None, typer.Option(
        help="Only this movement (default: every movement with an aircraft identifier).")]
    = None,
    every: Annotated[float, typer.Option(help="Minutes between recorded positions.")] = 5.0,
    since: Annotated[str | None, typer.Option(
        help="Use rows from this time (ISO 8601); default: around what the case knows.")]
    = None,
    until: Annotated[str | None, typer.Option(help="Use rows up to this time.")] = None,
    bundle: BundleOption = None,
    db: DbOption = None, dry_run: DryRunOption = False, skip_bad: SkipBadOption = False,
    as_json: JsonLinesOption = False,
) -> None:
    """Flight events from ADS-B tracks: departed, positions, exited_us, landed. Reads
    OpenSky state-vector CSV (plain, .csv.gz or .csv.tar), OpenSky REST /states/all and
    /tracks JSON, and readsb/tar1090 trace_full_*.json (adsb.lol, ADS-B Exchange).

    Example: habeas ingest opensky states.csv --movement gxa6143 --db habeas.db
    """
    from habeas.importers import read_opensky
    from habeas.importers.opensky import window_from_text

    first, last = window_from_text(since, until)
    report = read_opensky(file, _reference(bundle, db), movement=movement,
                          every=timedelta(minutes=every), since=first, until=last,
                          progress=not as_json)
    _finish(report, db, dry_run=dry_run, skip_bad=skip_bad, as_json=as_json)


@ingest.command("manifest")
def manifest(
    file: FileArgument,
    time: Annotated[str | None, typer.Option(
        "--time", help="Time for rows without one (ISO 8601, or a date for the whole day).")]
    = None,
    bundle: BundleOption = None,
    db: DbOption = None, dry_run: DryRunOption = False, skip_bad: SkipBadOption = False,
    as_json: JsonLinesOption = False,
) -> None:
    """Boarded and struck events from a manifest CSV (person, movement, status, reason,
    time), for people and movements the case already knows.

    Example: habeas ingest manifest manifest.csv --time 2025-03-15 --db habeas.db
    """
    from habeas.importers import read_manifest

    report = read_manifest(file, _reference(bundle, db), default_time=time,
                           progress=not as_json)
    _finish(report, db, dry_run=dry_run, skip_bad=skip_bad, as_json=as_json)


def _reference(bundle: Path | None, db: str | None) -> Case:
    """The case names are resolved against: the bundle if given, else the ledger's."""
    from habeas.bundle.records import load_case

    return load_case(bundle=bundle) if bundle is not None else load_case(db=resolve_db(db))


def _finish(report: Report, db: str | None, *, dry_run: bool, skip_bad: bool,
            as_json: bool) -> None:
    """Append unless told not to, then print the report; refusals without ``--skip-bad``
    print the report and fail with every problem (exit 2), having written nothing."""
    from habeas.errors import ValidationError
    from habeas.importers import append_report, check
    from habeas.ledger import Ledger

    try:
        check(report, skip_bad=skip_bad)
    except ValidationError:
        _print(report, as_json)
        raise
    outcome = "dry run: nothing appended"
    if not dry_run:
        ledger = Ledger.open(resolve_db(db))
        try:
            done = append_report(report, ledger, skip_bad=skip_bad)
        finally:
            ledger.close()
        outcome = (f"appended {done.added} new and {done.corrected} corrected records; "
                   f"{done.unchanged} already recorded")
    _print(report, as_json)
    if not as_json:
        typer.echo(outcome)


def _print(report: Report, as_json: bool) -> None:
    if as_json:
        for line in report.json_lines():
            typer.echo(line)
        return
    for refusal in report.refused:
        typer.echo(f"refused {refusal.problem()}", err=True)
    summary = report.summary()
    taken = ", ".join(f"{n} {kind}" for kind, n in summary["taken"].items()) or "nothing"
    ignored = ", ".join(f"{n} {why}" for why, n in summary["ignored"].items())
    typer.echo(f"{report.input}: {report.rows} rows; took {taken}; refused "
               f"{len(report.refused)}" + (f"; passed over {ignored}" if ignored else ""))
    for note in report.notes:
        typer.echo(f"note: {note}")
