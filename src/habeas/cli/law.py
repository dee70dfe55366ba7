"""Law commands: ``audit``, ``check``, ``impact`` and ``timeline``, thin over ``habeas.law``.

Each takes a case bundle file or ``--db URL`` (a ledger, optionally as known at a recorded
time), and prints a Rich table with times in the case's zone, or the JSON contract with
``--json``. ``check`` exits 1 when the action is denied.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from habeas.cli.common import DbOption, EffectChoice, JsonOption, RemovalChoice
from habeas.domain import Case, When
from habeas.domain.time import zone
from habeas.errors import Problem, ValidationError
from habeas.law import Action, Audit, Engine, Interpretation, Matrix

BundleArgument = Annotated[Path | None, typer.Argument(
    help="Case bundle (YAML or JSON); or give --db.", show_default=False)]
EffectOption = Annotated[EffectChoice, typer.Option(
    "--effect", help="When an order binds: oral (the courts' rule) or only once written.")]
RemovalOption = Annotated[RemovalChoice, typer.Option(
    "--removal-complete-at", help="When a removal is complete.")]
KnownAtOption = Annotated[str | None, typer.Option(
    "--known-at", help="Recorded time: read the ledger as it stood then (ISO 8601 with "
    "offset; --db only).", show_default=False)]


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("audit")(audit)
    app.command("check")(check)
    app.command("impact")(impact)
    app.command("timeline")(timeline)


def _known_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ValidationError(Problem("--known-at", text, "not an ISO 8601 time")) from None
    if moment.tzinfo is None:
        raise ValidationError(Problem("--known-at", text, "a recorded time needs an offset"))
    return moment


def _case(bundle: Path | None, db: str | None, known_at: str | None) -> Case:
    from habeas.bundle.records import load_case

    return load_case(str(bundle) if bundle else None, db, _known_at(known_at))


def _when(case: Case, option: str, text: str | None) -> When | None:
    if text is None:
        return None
    try:
        return When.parse(text, zone(case.timezone))
    except ValueError as error:
        raise ValidationError(Problem(option, text, str(error))) from None


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def audit(
    bundle: BundleArgument = None,
    db: DbOption = None,
    effect: EffectOption = EffectChoice.oral,
    removal_complete_at: RemovalOption = RemovalChoice.custody_transfer,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Valid time: judge what had happened by then.", show_default=False)
    ] = None,
    known_at: KnownAtOption = None,
    matrix: Annotated[bool, typer.Option(
        "--matrix", help="Every finding under all six interpretations, side by side.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Findings: actions orders forbade, directives unmet, statements set against them.

    Example: habeas audit examples/jgg-2025-03-15.yaml --effect written
    --removal-complete-at exit_territory
    """
    case = _case(bundle, db, known_at)
    engine = Engine(case)
    when = _when(case, "--as-of", as_of)
    if matrix:
        table = engine.matrix(when)
        _echo_json(table.to_json()) if as_json else _print_matrix(table)
        return
    result = engine.audit(when, Interpretation(effect.value, removal_complete_at.value))
    _echo_json(result.to_json()) if as_json else _print_audit(case, result)


def check(
    bundle: BundleArgument = None,
    db: DbOption = None,
    action: Annotated[str, typer.Option(
        "--action", help='The proposed action as JSON, e.g. {"action": "remove", '
        '"subjects": ["abrego-garcia"], "to": "SV", "at": "2025-03-15T19:36-04:00"}')] = "",
    effect: EffectOption = EffectChoice.oral,
    removal_complete_at: RemovalOption = RemovalChoice.custody_transfer,
    known_at: KnownAtOption = None,
    as_json: JsonOption = False,
) -> None:
    """The guard: allow or deny a proposed action (exit 0 allowed, 1 denied).

    Example: habeas check --db habeas.db --action '{"action": "depart", "movement":
    "gxa6122", "at": "2025-03-15T19:36-04:00"}'
    """
    case = _case(bundle, db, known_at)
    try:
        data = json.loads(action)
    except json.JSONDecodeError as error:
        raise ValidationError(Problem("--action", action, f"not JSON: {error.msg}")) from None
    proposed = Action.from_json(data, case)
    decision = Engine(case).check(proposed, interpretation=Interpretation(
        effect.value, removal_complete_at.value))
    if as_json:
        _echo_json(decision.to_json())
    else:
        tz = zone(case.timezone)
        console = Console(width=120)
        console.print(f"Decision: {decision.decision} ({proposed.action} at "
                      f"{decision.at.format(tz)})", highlight=False)
        for denial in decision.denials:
            console.print(f"- forbidden by {denial.order} ({denial.certainty}): "
                          f"{denial.reason}", highlight=False)
        for breach in decision.breaches:
            console.print(f"- breaks {breach.obligation} of {breach.order} "
                          f"({breach.certainty}): {breach.reason}", highlight=False)
    if not decision.allowed:
        raise typer.Exit(1)


def impact(
    order: Annotated[str, typer.Argument(help="The order's id.")],
    bundle: BundleArgument = None,
    db: DbOption = None,
    at: Annotated[str | None, typer.Option(
        "--at", help="Valid time (default: when the order takes effect).",
        show_default=False)] = None,
    effect: EffectOption = EffectChoice.oral,
    removal_complete_at: RemovalOption = RemovalChoice.custody_transfer,
    known_at: KnownAtOption = None,
    as_json: JsonOption = False,
) -> None:
    """Whom an order protects, the movements it reaches, and what it requires by when.

    Example: habeas impact tro-class-oral examples/jgg-2025-03-15.yaml
    """
    case = _case(bundle, db, known_at)
    if order not in case.orders:
        raise ValidationError(Problem("ORDER", order, "no order with this id"))
    result = Engine(case).impact(order, _when(case, "--at", at),
                                 Interpretation(effect.value, removal_complete_at.value))
    if as_json:
        _echo_json(result.to_json())
        return
    tz = zone(case.timezone)
    console = Console(width=140)
    console.print(f"Order {order} at {result.at.format(tz)}: in force "
                  f"{result.in_force or 'no'}; {result.count_certain} people certainly in "
                  f"scope, {result.count_possible} possibly", highlight=False)
    people = Table("certainty", "subjects", title="In scope")
    for word, ids in (("certain", result.people), ("possible", result.possible)):
        if ids:
            shown = ", ".join(ids[:12]) + (f" and {len(ids) - 12} more" if len(ids) > 12 else "")
            people.add_row(word, shown)
    console.print(people)
    console.print("Held by: " + ", ".join(f"{h} {n}" for h, n in sorted(result.holders.items())),
                  highlight=False)
    moves = Table("movement", "status", "certainly aboard", "possibly aboard", "certainty",
                  title="Movements reached")
    for r in result.movements:
        moves.add_row(r.movement, r.status, ", ".join(r.certain), ", ".join(r.possible),
                      r.certainty)
    console.print(moves)
    duties = Table("obligation", "people", "movement", "due", "what", title="Obligations")
    for o in result.obligations:
        duties.add_row(o.kind, ", ".join(o.people), o.movement or "",
                       o.due.format(tz) if o.due else "", o.reason)
    console.print(duties)


def timeline(
    bundle: BundleArgument = None,
    db: DbOption = None,
    tz: Annotated[str | None, typer.Option(
        "--tz", help="IANA zone for times (default: the case's).", show_default=False)] = None,
    person: Annotated[str | None, typer.Option("--person", show_default=False)] = None,
    movement: Annotated[str | None, typer.Option("--movement", show_default=False)] = None,
    order: Annotated[str | None, typer.Option("--order", show_default=False)] = None,
    known_at: KnownAtOption = None,
    as_json: JsonOption = False,
) -> None:
    """Orders, events, notices and statements in time order.

    Example: habeas timeline examples/jgg-2025-03-15.yaml --person abrego-garcia
    """
    case = _case(bundle, db, known_at)
    problems = []
    if sum(x is not None for x in (person, movement, order)) > 1:
        problems.append(Problem("--person/--movement/--order", None, "give at most one"))
    if person is not None and not case.is_subject(person):
        problems.append(Problem("--person", person, "no person or group with this id"))
    if movement is not None and movement not in case.movements:
        problems.append(Problem("--movement", movement, "no movement with this id"))
    if order is not None and order not in case.orders:
        problems.append(Problem("--order", order, "no order with this id"))
    try:
        shown = zone(tz or case.timezone)
    except ValueError as error:
        problems.append(Problem("--tz", tz, str(error)))
    if problems:
        raise ValidationError(problems)
    result = Engine(case).timeline(person=person, movement=movement, order=order)
    if as_json:
        _echo_json(result.to_json())
        return
    table = Table("when", "what", "id", "reading", title=case.title)
    for entry in result.entries:
        table.add_row(entry.at.format(shown), entry.text, entry.id, ", ".join(entry.readings))
    Console(width=160).print(table)


def _print_audit(case: Case, result: Audit) -> None:
    tz = zone(case.timezone)
    console = Console(width=160)
    i = result.interpretation
    console.print(f"Audit under effect={i.effect}, removal_complete_at={i.removal_complete_at}"
                  f"{'' if result.as_of is None else ', as of ' + result.as_of.format(tz)}: "
                  f"{len(result.findings)} findings", highlight=False)
    findings = Table("id", "kind", "order", "people", "count", "movement", "certainty",
                     "after effect", title="Findings")
    for f in result.findings:
        findings.add_row(f.id, f.kind, f.order or f.motion or "", ", ".join(f.people),
                         str(f.count) if f.count is not None else "?",
                         ", ".join(f.movements), f.certainty, f.after_effect or "")
    console.print(findings)
    for f in result.findings:
        console.print(f"{f.id}: {f.reason}", highlight=False)
    verdicts = Table("statement", "speaker", "verdict", "findings", title="Statements")
    for s in result.statements:
        verdicts.add_row(s.id, s.speaker, s.verdict, ", ".join(s.findings))
    console.print(verdicts)
    duties = Table("source", "obligation", "people / movement", "due", "status",
                   title="Obligations")
    for o in result.obligations:
        duties.add_row(o.source, o.kind, o.movement or ", ".join(o.people),
                       o.due.format(tz) if o.due else "", o.status)
    console.print(duties)
    for a in result.agreements:
        fee = a.fee_accrued
        money = f"; fee accrued {fee.currency} {fee.amount_min:,.0f}-{fee.amount_max:,.0f}" \
            if fee else ""
        console.print(f"Agreement {a.id}: {a.reason[:-1]}{money}.", highlight=False)
    if result.unconfirmed:
        pending = Table("order", "movement", "why it may bear on it",
                        title="Orders awaiting a clerk's confirmation of their scope")
        for u in result.unconfirmed:
            pending.add_row(u.order, u.movement, "; ".join(u.reasons))
        console.print(pending)


def _print_matrix(matrix: Matrix) -> None:
    table = Table("id", "kind", "order", "people", "movement",
                  *(c.replace("/", "\n") for c in matrix.columns),
                  title="Findings under each interpretation (effect/removal_complete_at)")
    for row in matrix.rows:
        table.add_row(row.id, row.kind, row.order or "", ", ".join(row.people),
                      row.movement or "", *(c or "-" for c in row.cells))
    Console(width=200).print(table)
