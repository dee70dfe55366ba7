"""Commands of the ledger: init, append, log, checkpoint, prove, verify, key.

Each is a few lines over ``habeas.ledger.Ledger``; errors are ``HabeasError``s that
``run_app`` turns into one ``Error: ...`` line (exit 1 when the log is not intact).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from habeas.cli.common import DbOption, JsonOption, read_input_file, resolve_db
from habeas.errors import Problem, ValidationError
from habeas.ledger import Ledger, Record, RecordDraft
from habeas.ledger.verify import ProgressFn

KeyOption = Annotated[Path | None, typer.Option(
    "--key", help="Signing key file (default: $HABEAS_KEY, else <db>.key beside a SQLite "
    "file, else ~/.config/habeas/signing.key).", show_default=False)]
PROGRESS_FROM = 50_000
QuorumOption = Annotated[int | None, typer.Option(
    "--quorum", help="How many of the --witness keys must have cosigned (default: all).",
    show_default=False)]
WitnessKeysOption = Annotated[list[str] | None, typer.Option(
    "--witness", help="A witness's cosignature key (vkey); repeat for a k-of-n policy with "
    "--quorum.", show_default=False)]


def _read_drafts(source: str) -> list[RecordDraft]:
    text = sys.stdin.read() if source == "-" else read_input_file(source, source)
    drafts: list[RecordDraft] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValidationError(Problem(f"line {number}", line, f"not JSON: {error.msg}"),
                                  source=source) from None
        except RecursionError:
            raise ValidationError(Problem(f"line {number}", line[:40], "nested too deeply"),
                                  source=source) from None
        drafts.append(RecordDraft.from_json(data, f"records[{len(drafts)}]"))
    return drafts


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressFn | None]:
    """A Rich progress bar on stderr, only for a person watching a terminal."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("verifying", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _row(record: Record) -> str:
    return (f"{record.seq:>8}  {record.recorded_at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}  "
            f"{record.leaf_hash.hex()[:16]}  {record.kind}")


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def init(db: DbOption = None, key: KeyOption = None,
         origin: Annotated[str | None, typer.Option(
             "--origin", help="Checkpoint origin and key name (default: "
             "habeas.local/<ledger uuid>).", show_default=False)] = None) -> None:
    """Create a new ledger and its Ed25519 signing key; print the verifier key.

    \b
    Example:
      $ habeas init --db cases.db
      habeas.local/0b6f...+1c2d3e4f+AV...
    """
    with Ledger.init(resolve_db(db), key, origin) as ledger:
        typer.echo(ledger.verifier_key())


def append(source: Annotated[str, typer.Argument(
               metavar="[FILE|-]", help="JSON Lines, one record per line (- for stdin).")] = "-",
           db: DbOption = None) -> None:
    """Append records atomically (all or none); print the seq each one was given.

    Each line is an object with kind, payload and optionally occurred_at, source, actor,
    idempotency_key, corrects, retracts.

    \b
    Example:
      $ echo '{"kind":"note","payload":{"text":"hi"},"actor":"clerk"}' | habeas append -
      0
    """
    drafts = _read_drafts(source)
    with Ledger.open(resolve_db(db)) as ledger:
        for record in ledger.append(drafts):
            typer.echo(record.seq)


def log(db: DbOption = None, as_json: JsonOption = False,
        start: Annotated[int, typer.Option("--from", help="First seq to show.")] = 0,
        last: Annotated[int | None, typer.Option(
            "--to", help="Last seq to show (inclusive).", show_default=False)] = None) -> None:
    """List records: seq, recorded time, leaf hash (first 16 hex digits) and kind.

    \b
    Example:
      $ habeas log --from 0 --to 1 --json
      {"seq": 0, "recorded_at": "2025-03-16T01:02:03.000000Z", ..., "leaf_hash": "..."}
    """
    with Ledger.open(resolve_db(db)) as ledger:
        end = ledger.size() if last is None else min(last + 1, ledger.size())
        for record in ledger.scan(start, end):
            typer.echo(json.dumps(record.to_json(), ensure_ascii=False) if as_json
                       else _row(record))


def checkpoint(db: DbOption = None,
               witness: Annotated[list[str] | None, typer.Option(
                   "--witness", help="URL=VKEY of a witness (C2SP tlog-witness) to cosign "
                   "it; repeat for more.", show_default=False)] = None,
               quorum: QuorumOption = None) -> None:
    """Sign and print a checkpoint of the log as it is now (C2SP tlog-checkpoint note),
    cosigned by the --witness servers that accept it (fail below --quorum of them).

    \b
    Example:
      $ habeas checkpoint
      habeas.local/0b6f...
      3
      Sm9...=

      — habeas.local/0b6f... HQ...
    """
    from habeas.ledger.witnessing import WitnessClient

    clients = [WitnessClient.parse(spec) for spec in witness or []]
    with Ledger.open(resolve_db(db)) as ledger:
        if clients:
            required = len(clients) if quorum is None else quorum
            typer.echo(ledger.witnessed_checkpoint(clients, required), nl=False)
        else:
            typer.echo(ledger.checkpoint(), nl=False)


def prove(seq: Annotated[int | None, typer.Argument(
              help="The seq to prove included.", show_default=False)] = None,
          size: Annotated[int | None, typer.Option(
              "--size", help="Tree size to prove against (default: now).",
              show_default=False)] = None,
          consistency: Annotated[tuple[int, int] | None, typer.Option(
              "--consistency", metavar="OLD NEW",
              help="Prove the tree of size OLD a prefix of the tree of size NEW.",
              show_default=False)] = None,
          receipt: Annotated[bool, typer.Option(
              "--receipt", help="Print SEQ's offline receipt as a C2SP tlog-proof (the "
              "record's bytes, its inclusion proof and the checkpoint) instead.")] = False,
          db: DbOption = None) -> None:
    """Print an inclusion proof (or, with --consistency, a consistency proof) as JSON,
    with the signed checkpoint it is against.

    \b
    Example:
      $ habeas prove 1 --size 3
      {"leaf_index": 1, "tree_size": 3, "leaf_hash": "...", "path": [...], ...}
      $ habeas prove --consistency 2 3
    """
    if (seq is None) == (consistency is None):
        raise ValidationError(Problem("prove", [seq, consistency],
                                      "give either SEQ or --consistency OLD NEW"))
    with Ledger.open(resolve_db(db)) as ledger:
        if consistency is not None:
            _print_json(ledger.consistency_proof(*consistency).to_json())
        elif receipt:
            assert seq is not None
            typer.echo(ledger.receipt(seq), nl=False)
        else:
            assert seq is not None
            _print_json(ledger.inclusion_proof(seq, size).to_json())


def verify(db: DbOption = None,
           checkpoint_file: Annotated[Path | None, typer.Option(
               "--checkpoint", help="An earlier signed checkpoint the log must still extend.",
               show_default=False)] = None,
           deep: Annotated[bool, typer.Option(
               "--deep", help="Also recompute every stored tree node (the nodes proofs are "
               "made from); about twice the work.")] = False,
           witness: WitnessKeysOption = None, quorum: QuorumOption = None) -> None:
    """Recompute every leaf and the root; check every stored checkpoint (signature and
    consistency) and, if given, an earlier one. Exit 0 if intact, 1 naming the first bad seq.

    \b
    Example:
      $ habeas verify --checkpoint saved.note
      intact: 3 records, root 5dc9...4328, stored checkpoints checked: 2
    """
    from habeas.ledger.cosignature import WitnessPolicy

    policy = WitnessPolicy.parse(witness or [], quorum)
    given = None
    if checkpoint_file is not None:
        given = read_input_file(checkpoint_file, "--checkpoint")
    if policy is not None:
        if given is None:
            raise ValidationError(Problem("--witness", witness, "give the cosigned "
                                          "checkpoint to hold the policy to (--checkpoint)"))
        policy.check(given)
    with Ledger.open(resolve_db(db)) as ledger, _progress(ledger.size() >= PROGRESS_FROM) as bar:
        report = ledger.verify(given, bar, deep)
    extra = (f", consistent with the given checkpoint of size {report.given.size}"
             if report.given else "")
    typer.echo(f"intact: {report.size} records, root {report.root.hex()}, "
               f"stored checkpoints checked: {report.checkpoints}{extra}")


def key(db: DbOption = None) -> None:
    """Print the verifier key (C2SP vkey) that checks this ledger's checkpoints.

    \b
    Example:
      $ habeas key
      habeas.local/0b6f...+1c2d3e4f+AV...
    """
    with Ledger.open(resolve_db(db)) as ledger:
        typer.echo(ledger.verifier_key())


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    for command in (init, append, log, checkpoint, prove, verify, key):
        app.command()(command)
