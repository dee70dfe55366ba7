"""``habeas serve``, ``habeas demo`` and ``habeas token``: the shared service from the shell."""

from __future__ import annotations

import json
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from habeas.cli.common import DbOption, JsonOption, resolve_db

if TYPE_CHECKING:
    from habeas.service import Service
    from habeas.service.accounts import Accounts

HostOption = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")]
KeyOption = Annotated[str | None, typer.Option("--key", help="Signing key file (default: "
                                               "beside a SQLite ledger, or $HABEAS_KEY).")]
LocalHooksOption = Annotated[bool, typer.Option(
    "--local-webhooks", help="Allow webhooks to http:// and private addresses (testing only).")]
#: The flagship case, shipped in the package: an installed copy has no repository checkout.
FLAGSHIP = "data/jgg-2025-03-15.yaml"
DEMO_CLIENT = "abrego-garcia"

token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.add_typer(token_app, name="token")


def serve(db: DbOption = None, host: HostOption = "127.0.0.1", port: PortOption = 8000,
          key: KeyOption = None, local_webhooks: LocalHooksOption = False,
          witness: Annotated[list[str] | None, typer.Option(
              "--witness", help="URL=VKEY of a witness (C2SP tlog-witness) that cosigns "
              "each new checkpoint published at /-/checkpoint; repeat for more.",
              show_default=False)] = None) -> None:
    """Serve the HTTP API and the web pages over a ledger, delivering alerts as they arise.

    Example: habeas serve --db postgresql://habeas@localhost/habeas --port 8000
    """
    from habeas.ledger.witnessing import WitnessClient
    from habeas.service import Service

    service = Service.open(resolve_db(db), key_path=key, local_webhooks=local_webhooks)
    service.witnesses = [WitnessClient.parse(spec) for spec in witness or []]
    _run(service, host, port)


def demo(port: PortOption = 8000, host: HostOption = "127.0.0.1",
         local_webhooks: LocalHooksOption = False,
         dir: Annotated[Path | None, typer.Option(
             "--dir", help="Folder for the demo ledger (default: a new temporary folder).",
             file_okay=False)] = None) -> None:
    """A ledger holding the removals of 15-16 March 2025, a token for every role, and the
    server: a newcomer sees the case within a minute. Run again with the same --dir, it
    reuses that ledger (the import adds nothing twice) and prints new tokens.

    Example: habeas demo --port 8000
    """
    from habeas.service import Principal, Role, Service

    folder = dir or Path(tempfile.mkdtemp(prefix="habeas-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    ledger = folder / "habeas.db"
    service = Service.open(str(ledger), create=not ledger.exists(),  # a second run reuses it
                           local_webhooks=local_webhooks)
    bundle = files("habeas.service").joinpath(FLAGSHIP).read_text(encoding="utf-8")
    result = service.import_bundle(Principal("", "habeas demo", Role.admin), bundle)
    typer.echo(f"Ledger: {ledger} ({result['size']} records: {result['title']})")
    typer.echo(f"Open http://{host}:{port}/ and sign in with one of these tokens:\n")
    for role in Role:
        people = (DEMO_CLIENT,) if role is Role.counsel else ()
        _, secret = service.create_token(role.value, name=f"demo {role.value}", people=people)
        scope = f" (client: {DEMO_CLIENT})" if people else ""
        typer.echo(f"  {role.value:<9} {secret}{scope}")
    typer.echo("")
    _run(service, host, port)


def _run(service: Service, host: str, port: int) -> None:
    import uvicorn

    from habeas.api import create_app

    uvicorn.run(create_app(service, worker=True), host=host, port=port, log_level="info",
                proxy_headers=False)


def _accounts(db: str | None) -> Accounts:
    from habeas.service.accounts import Accounts
    from habeas.service.database import Database

    return Accounts(Database(resolve_db(db)))


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="admin, operator, clerk, counsel, monitor or public.")],
    person: Annotated[list[str] | None, typer.Option(
        "--person", help="A client's person id (counsel; repeat for several).")] = None,
    name: Annotated[str, typer.Option(help="Who holds the token, for the audit trail.")] = "",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a token; its secret is printed once and stored only as a hash.

    Example: habeas token create --role counsel --person abrego-garcia --name "CASA counsel"
    """
    from datetime import UTC, datetime

    accounts = _accounts(db)
    info, secret = accounts.create_token(role, name=name, people=tuple(person or ()),
                                         now=datetime.now(UTC))
    if as_json:
        typer.echo(json.dumps({**info.to_json(), "token": secret}))
        return
    typer.echo(f"{info.id}  {info.role.value}  {info.name}")
    typer.echo(f"token: {secret}")
    typer.echo("Keep it now: it is not stored and cannot be shown again.")


@token_app.command("list")
def token_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List tokens (never their secrets).

    Example: habeas token list --db habeas.db
    """
    accounts = _accounts(db)
    tokens = accounts.list_tokens()
    if as_json:
        typer.echo(json.dumps([t.to_json() for t in tokens]))
        return
    for t in tokens:
        state = f"revoked {t.revoked_at}" if t.revoked_at else "active"
        people = f"  people: {', '.join(t.people)}" if t.people else ""
        typer.echo(f"{t.id}  {t.role.value:<9} {t.name}  ({state}){people}")


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id (tok_...).")],
                 db: DbOption = None) -> None:
    """Revoke a token at once; its web sessions end with it.

    Example: habeas token revoke tok_3f9a1c2b7d10
    """
    from datetime import UTC, datetime

    accounts = _accounts(db)
    accounts.revoke_token(token_id, now=datetime.now(UTC))
    typer.echo(f"revoked {token_id}")
