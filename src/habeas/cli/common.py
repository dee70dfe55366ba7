"""What every command shares: the ``--db`` option, JSON output and error reporting."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from habeas.errors import ConfigError, HabeasError, ValidationError, VerificationError

DEFAULT_DB = "habeas.db"

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database: sqlite:///path, a plain path, or postgresql://... "
        "(default: $HABEAS_DB, else ./habeas.db).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def resolve_db(db: str | None) -> str:
    """The database URL from the option, else ``HABEAS_DB``, else ``./habeas.db``."""
    return db or os.environ.get("HABEAS_DB") or DEFAULT_DB


def exit_code_for(error: HabeasError) -> int:
    """Exit 1 when the record is not intact, 2 for a caller's mistake, 3 for anything else."""
    if isinstance(error, VerificationError):
        return 1
    if isinstance(error, ValidationError | ConfigError):
        return 2
    return 3


def run_app(app: typer.Typer) -> None:
    """Run the app and turn a ``HabeasError`` into one clean line on stderr."""
    try:
        app(standalone_mode=True)
    except HabeasError as error:
        typer.echo(f"Error: {error}", err=True)
        sys.exit(exit_code_for(error))
