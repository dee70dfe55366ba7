"""``habeas witness``: run a C2SP tlog-witness for Habeas logs (or any checkpoint log with
Ed25519 keys): ``init`` makes its key, ``serve`` answers ``POST /add-checkpoint``.

The shell is the standard library's HTTP server: a witness is one small, separate process
(ideally run by someone other than the log's operator), and needs nothing of the service.
"""

from __future__ import annotations

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Annotated

import typer

from habeas.errors import ConfigError

witness_app = typer.Typer(help="A witness that cosigns only consistent extensions of a log.",
                          no_args_is_help=True)
MAX_REQUEST = 64 * 1024

WitnessKeyOption = Annotated[Path, typer.Option("--key", help="The witness's private key file.")]


def register(app: typer.Typer) -> None:
    app.add_typer(witness_app, name="witness")


@witness_app.command("init")
def init(name: Annotated[str, typer.Option("--name", help="The witness's name (a schema-less "
                                           "URL, e.g. witness.example.org/w1).")],
         key: WitnessKeyOption) -> None:
    """Make a witness key (mode 0600, never overwritten); print its verifier key.

    Example: habeas witness init --name witness.example.org/w1 --key w1.key
    """
    from habeas.ledger.cosignature import Cosigner

    cosigner = Cosigner.generate(name)
    try:
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"key file {key}: already exists; refusing to overwrite it") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(cosigner.text() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    typer.echo(cosigner.verifier().text())


@witness_app.command("serve")
def serve(key: WitnessKeyOption,
          state: Annotated[Path, typer.Option(
              "--state", help="Where the latest cosigned checkpoint of each log is kept.")],
          log: Annotated[list[str], typer.Option(
              "--log", help="The verifier key (vkey) of a log to witness; repeat for more.")],
          host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port")] = 8100) -> None:
    """Serve POST /add-checkpoint (C2SP tlog-witness) until interrupted.

    Example: habeas witness serve --key w1.key --state w1.json --log "$(habeas key)"
    """
    from habeas.ledger import keys
    from habeas.ledger.cosignature import Cosigner
    from habeas.ledger.note import Verifier
    from habeas.ledger.witness import Witness

    keys.check_private(key)
    cosigner = Cosigner.parse(key.read_text())
    logs = {v.name: v for v in (Verifier.parse(text) for text in log)}
    witness = Witness(cosigner, logs, state)
    witness.latest()  # an unreadable state file stops the witness before it listens

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.path != "/add-checkpoint":
                self._answer(404, "not found\n", "text/plain")
            elif not 0 < length <= MAX_REQUEST:
                self._answer(400, "a body of 1 to 65536 bytes is required\n", "text/plain")
            else:
                answer = witness.add_checkpoint(self.rfile.read(length))
                self._answer(answer.status, answer.body, answer.content_type)

        def _answer(self, status: int, body: str, kind: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer((host, port), Handler)
    typer.echo(f"witness {cosigner.name} on http://{host}:{server.server_port}", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
