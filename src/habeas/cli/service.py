"""``habeas serve``, ``habeas demo`` and ``habeas token``: the shared service from the shell."""

from __future__ import annotations

import json
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from habeas.cli.common import DbOption, JsonOption, resolve_db
from habeas.ratelimit import API_BURST, API_RATE

if TYPE_CHECKING:
    from habeas.service import Service
    from habeas.service.accounts import Accounts

HostOption = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")]
KeyOption = Annotated[str | None, typer.Option("--key", help="Signing key file (default: "
                                               "beside a SQLite ledger, or $HABEAS_KEY).")]
LocalHooksOption = Annotated[bool, typer.Option(
    "--local-webhooks", help="Allow webhooks to http:// and private addresses (testing only).")]
ForwardedOption = Annotated[str | None, typer.Option(
    "--forwarded-allow-ips", help="Comma-separated addresses (or networks) of the TLS proxy in "
    "front: its X-Forwarded-For/-Proto are believed, so cookies are Secure, HSTS is sent and "
    "limits key on the real client.")]
RateOption = Annotated[float, typer.Option(
    "--rate-limit", min=0, help=f"API calls per second per token, with bursts of {API_BURST} "
    "(0: no limit).")]
#: uvicorn's own loggers, and the app's access log (by route: habeas.api.middleware).
LOG_CONFIG = {
    "version": 1, "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s: %(name)s: %(message)s"}},
    "handlers": {"err": {"class": "logging.StreamHandler", "formatter": "plain",
                         "stream": "ext://sys.stderr"}},
    "loggers": {"uvicorn": {"handlers": ["err"], "level": "INFO"},
                "habeas": {"handlers": ["err"], "level": "INFO"}},
}
#: The flagship case, shipped in the package: an installed copy has no repository checkout.
FLAGSHIP = "data/jgg-2025-03-15.yaml"
DEMO_CLIENT = "abrego-garcia"
#: The demo operator acts for the agency that must acknowledge new orders.
DEMO_AGENCY = "U.S. Immigration and Customs Enforcement"

token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.add_typer(token_app, name="token")


def serve(db: DbOption = None, host: HostOption = "127.0.0.1", port: PortOption = 8000,
          key: KeyOption = None, local_webhooks: LocalHooksOption = False,
          forwarded_allow_ips: ForwardedOption = None, rate_limit: RateOption = API_RATE,
          witness: Annotated[list[str] | None, typer.Option(
              "--witness", help="URL=VKEY of a witness (C2SP tlog-witness) that cosigns "
              "each new checkpoint published at /-/checkpoint; repeat for more.",
              show_default=False)] = None) -> None:
    """Serve the HTTP API and the web pages over a ledger, delivering alerts as they arise.

    Example: habeas serve --db postgresql://habeas@localhost/habeas --port 8000
    --forwarded-allow-ips 127.0.0.1
    """
    from habeas.ledger.witnessing import WitnessClient
    from habeas.service import Service

    service = Service.open(resolve_db(db), key_path=key, local_webhooks=local_webhooks)
    service.witnesses = [WitnessClient.parse(spec) for spec in witness or []]
    _run(service, host, port, forwarded_allow_ips, rate_limit)


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
        party = DEMO_AGENCY if role is Role.operator else None
        _, secret = service.create_token(role.value, name=f"demo {role.value}", people=people,
                                         party=party)
        scope = f" (client: {DEMO_CLIENT})" if people else f" (acts for {party})" if party \
            else ""
        typer.echo(f"  {role.value:<9} {secret}{scope}")
    typer.echo("")
    _run(service, host, port)


def _run(service: Service, host: str, port: int, forwarded_allow_ips: str | None = None,
         rate_limit: float = API_RATE) -> None:
    import uvicorn

    from habeas.app import create_app

    app = create_app(service, worker=True, forwarded_allow_ips=forwarded_allow_ips,
                     api_rate=(rate_limit, API_BURST) if rate_limit > 0 else None)
    # The app logs each request by route (habeas.access): uvicorn's access log prints paths,
    # and a path can name a person.
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False,
                access_log=False, log_config=LOG_CONFIG)


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
    party: Annotated[str | None, typer.Option(
        help="The party the token acts for (an agency, a court, an organisation): only its "
             "tokens acknowledge orders on its behalf.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a token; its secret is printed once and stored only as a hash.

    Example: habeas token create --role operator --party "U.S. Immigration and Customs
    Enforcement" --name "ICE duty officer"
    """
    from datetime import UTC, datetime

    accounts = _accounts(db)
    info, secret = accounts.create_token(role, name=name, people=tuple(person or ()),
                                         party=party, now=datetime.now(UTC))
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
        party = f"  for: {t.party}" if t.party else ""
        typer.echo(f"{t.id}  {t.role.value:<9} {t.name}  ({state}){people}{party}")


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
