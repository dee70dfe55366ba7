"""``habeas key`` (print the verifier key) and ``habeas key rotate``.

``key`` becomes a group so that ``habeas key`` keeps printing the key in force while
``habeas key rotate`` hands over to a new one; see ``habeas.ledger.rotation`` for what makes
a rotation trustworthy.
"""

from __future__ import annotations

from typing import Annotated

import typer

from habeas.cli import ledger as ledger_commands
from habeas.cli.common import DbOption, resolve_db
from habeas.cli.ledger import KeyOption

key_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)


@key_app.callback()
def key(ctx: typer.Context, db: DbOption = None) -> None:
    """Print the verifier key (C2SP vkey) that checks this ledger's new checkpoints;
    `habeas key rotate` hands over to a new key.

    \b
    Example:
      $ habeas key
      habeas.local/0b6f...+1c2d3e4f+AV...
    """
    if ctx.invoked_subcommand is None:
        ledger_commands.key(db)


@key_app.command()
def rotate(db: DbOption = None, key: KeyOption = None,
           reason: Annotated[str, typer.Option(help="Why the key is rotated (logged).")] = ""
           ) -> None:
    """Rotate the signing key: log the handover, sign it with the old and the new key, and
    put the new key in the key file (the old one is kept as <key>.retired-<hash>).

    Checkpoints signed before stay verifiable with the key that was in force; a monitor
    that trusts the old key learns the new one from the signed handover.

    \b
    Example:
      $ habeas key rotate --db cases.db --reason "yearly rotation"
      rotated at seq 41: new verifier key habeas.local/0b6f...+9a8b7c6d+AX...
    """
    from habeas.ledger import Ledger
    from habeas.ledger.rotation import rotate_key

    with Ledger.open(resolve_db(db), key) as ledger:
        result = rotate_key(ledger, reason)
    typer.echo(f"rotated at seq {result.record.seq}: new verifier key "
               f"{result.new_verifier_key}")
    if result.retired_key_path is not None:
        typer.echo(f"old key kept in {result.retired_key_path}")


def register(app: typer.Typer) -> None:
    """Replace the plain ``key`` command with the ``key`` group."""
    app.registered_commands = [c for c in app.registered_commands
                               if c.callback is not ledger_commands.key]
    app.add_typer(key_app, name="key")
