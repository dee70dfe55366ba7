"""What every command shares: the ``--db`` option, JSON output and error reporting."""

from __future__ import annotations

import os
import stat
from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from habeas.errors import ConfigError, HabeasError, Problem, ValidationError, VerificationError

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


class EffectChoice(StrEnum):
    """``--effect``: when an order binds (the engine's ``Interpretation.effect``)."""

    oral = "oral"
    written = "written"


class RemovalChoice(StrEnum):
    """``--removal-complete-at``: when a removal is complete."""

    departure = "departure"
    exit_territory = "exit_territory"
    custody_transfer = "custody_transfer"


MAX_INPUT_BYTES = 64 * 1024 * 1024


def read_input_file(path: str | os.PathLike[str], option: str,
                    limit: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of a file named on the command line, or a ``ValidationError``: a FIFO
    would block, ``/dev/zero`` never ends, a directory or a loop cannot be read."""
    name = os.fspath(path)
    try:
        if not stat.S_ISREG(os.stat(name).st_mode):
            raise ValidationError(Problem(option, name, "not a regular file"))
        with open(name, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as error:
        raise ValidationError(Problem(option, name, f"cannot read: {error.strerror}")) from None
    if len(raw) > limit:
        raise ValidationError(Problem(option, name, f"larger than {limit} bytes"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(Problem(option, name, f"not UTF-8 at byte {error.start}")) from None


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


class HabeasGroup(TyperGroup):
    """The command group: a ``HabeasError`` from any command becomes one ``Error: ...`` line
    on stderr and its exit code, in the console script and under test runners alike."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except HabeasError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(exit_code_for(error)) from None
