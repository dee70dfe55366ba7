"""The ``habeas`` command: one Typer app, each command a few lines over a library call.

Commands live in modules by subject and register themselves on the app; errors that Habeas
raises on purpose become one ``Error: ...`` line and a non-zero exit code (see ``common``).
"""

from __future__ import annotations

import typer

from habeas.cli import case, ingest, keys, law, ledger, reports, service, witness
from habeas.cli.common import HabeasGroup

app = typer.Typer(
    name="habeas",
    cls=HabeasGroup,
    help="Habeas: a custody ledger in which court orders are executable.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (ledger, keys, case, law, service, reports, ingest, witness):
    module.register(app)


def main() -> None:
    """Entry point of the console script."""
    app()
