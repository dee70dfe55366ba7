"""Case bundle commands: ``import``, ``export`` and ``schema``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from habeas.cli.common import DbOption, JsonOption, read_input_file, resolve_db
from habeas.cli.ledger import QuorumOption, WitnessKeysOption


class SchemaName(StrEnum):
    bundle = "bundle"
    findings = "findings"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("import")(import_)
    app.command("export")(export)
    app.command("schema")(schema)


def import_(
    bundle: Annotated[Path, typer.Argument(help="Case bundle (YAML or JSON).")],
    db: DbOption = None,
    actor: Annotated[str, typer.Option(help="Who is entering these records.")] = "bundle",
    trusted_key: Annotated[str | None, typer.Option(
        "--trusted-key", help="Verifier key (C2SP vkey) that must have signed an exported "
        "bundle's checkpoint.")] = None,
    trusted_checkpoint: Annotated[Path | None, typer.Option(
        "--trusted-checkpoint", help="A signed checkpoint you kept (e.g. from /-/checkpoint): "
        "the bundle's log must extend it, proved from the root you hold.",
        show_default=False)] = None,
    witness: WitnessKeysOption = None,
    quorum: QuorumOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate a case bundle and append it to the ledger.

    Importing the same bundle again adds nothing; an object whose content changed is
    appended as a correction of its earlier record. An exported bundle's proofs are checked
    before anything is written.

    With --db memory: the bundle is checked and imported into a throwaway in-memory
    ledger: a way to verify an export offline, with no database of the server's.

    Example: habeas import examples/jgg-2025-03-15.yaml --db habeas.db
    """
    from habeas.bundle.exchange import import_bundle_file
    from habeas.ledger import Ledger, parse_store_url
    from habeas.ledger.cosignature import WitnessPolicy

    policy = WitnessPolicy.parse(witness or [], quorum)
    url = resolve_db(db)
    held = None if trusted_checkpoint is None else read_input_file(trusted_checkpoint,
                                                                   "--trusted-checkpoint")
    throwaway = parse_store_url(url).target == ":memory:"  # nothing to open: start one
    ledger = Ledger.init(url) if throwaway else Ledger.open(url)
    try:
        result = import_bundle_file(ledger, bundle, actor=actor, trusted_key=trusted_key,
                                    trusted_checkpoint=held, policy=policy)
    finally:
        ledger.close()
    seqs = [r.seq for r in result.records]
    if as_json:
        typer.echo(json.dumps({"added": result.added, "corrected": result.corrected,
                               "unchanged": result.unchanged, "seqs": seqs}))
        return
    span = f" (seq {seqs[0]}–{seqs[-1]})" if seqs else ""
    typer.echo(f"{result.added} added, {result.corrected} corrected, "
               f"{result.unchanged} unchanged{span}")


def export(
    db: DbOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write here instead of stdout.")] = None,
    since: Annotated[int | None, typer.Option(
        "--since", help="Add a consistency proof from this tree size (the size of a "
        "checkpoint the reader kept).", show_default=False)] = None,
) -> None:
    """Write the ledger's case as a bundle (JSON) with a signed checkpoint and an inclusion
    proof for every record, so that a court can verify it offline.

    Example: habeas export --db habeas.db > bundle.json
    """
    from habeas.bundle.exchange import export_bundle
    from habeas.ledger import Ledger

    ledger = Ledger.open(resolve_db(db))
    try:
        text = json.dumps(export_bundle(ledger, since), indent=2, ensure_ascii=False) + "\n"
    finally:
        ledger.close()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def schema(name: Annotated[SchemaName, typer.Argument(help="bundle or findings")]) -> None:
    """Print the JSON Schema of the case bundle format or of ``habeas audit --json``.

    Example: habeas schema bundle > bundle.schema.json
    """
    if name is SchemaName.bundle:
        from habeas.bundle.exchange import bundle_json_schema

        document = bundle_json_schema()
    else:
        from habeas.law import findings_schema

        document = findings_schema()
    typer.echo(json.dumps(document, indent=2, sort_keys=True))
