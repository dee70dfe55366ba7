"""``POST /api/hooks/courtlistener``: CourtListener docket alerts arrive as unconfirmed orders.

CourtListener's webhooks carry no signature. Its documentation says how to trust them
instead: the events come only from two published addresses (34.210.230.218 and
54.189.59.91), the endpoint's URL should hold a long random secret, and each event carries
an ``Idempotency-Key`` header. This receiver checks all three. It is configured by the
clerk in a JSON file named by ``HABEAS_COURTLISTENER_HOOK``::

    {"secret": "<long random string, at least 32 characters>",
     "allowed_ips": ["34.210.230.218", "54.189.59.91"],
     "dockets": {"69760064": {"court": "dcd", "case_number": "1:25-cv-00766"}}}

and CourtListener is given ``https://<host>/api/hooks/courtlistener?secret=<secret>``.
``dockets`` says, for each CourtListener docket id the clerk subscribed to, which court and
case it is, because webhook entries name their docket by id only. Without the file the
route answers 404, as if it did not exist.

Each new order is read exactly as ``habeas ingest courtlistener`` reads a file
(:func:`habeas.importers.courtlistener.read_documents`) and appended with its source:
``scope: unconfirmed``, protecting no one until a clerk confirms it. Entries the reader
refuses are left out and listed in the answer; a repeated delivery appends nothing.
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Header, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from habeas.api.auth import Svc, needs
from habeas.importers import append_report
from habeas.importers.courtlistener import Defaults, read_documents
from habeas.importers.report import Report
from habeas.service import Permission

router = APIRouter(prefix="/api/hooks", tags=["hooks"])
CONFIG_ENV = "HABEAS_COURTLISTENER_HOOK"
#: The addresses CourtListener documents as the only senders of its webhook events.
COURTLISTENER_IPS = ("34.210.230.218", "54.189.59.91")
MIN_SECRET = 32
#: A docket alert holds a few entries; anything this large is not one.
MAX_BODY = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class HookConfig:
    """What the clerk configured: the secret, the senders allowed, and the dockets."""

    secret: str
    allowed_ips: frozenset[str]
    dockets: dict[int, tuple[str | None, str | None]]

    @classmethod
    def load(cls, path: Path) -> HookConfig:
        """The configuration at ``path``; a bad file is a ``ValueError`` naming the field."""
        data = json.loads(path.read_text(encoding="utf-8"))
        secret = data.get("secret")
        if not isinstance(secret, str) or len(secret) < MIN_SECRET:
            raise ValueError(f"{path}: secret: at least {MIN_SECRET} random characters")
        ips = data.get("allowed_ips", list(COURTLISTENER_IPS))
        dockets: dict[int, tuple[str | None, str | None]] = {}
        for key, value in (data.get("dockets") or {}).items():
            if not str(key).isdigit() or not isinstance(value, dict):
                raise ValueError(f"{path}: dockets.{key}: a docket id with court and "
                                 "case_number")
            dockets[int(key)] = (value.get("court"), value.get("case_number"))
        return cls(secret, frozenset(ips), dockets)


def configured() -> HookConfig | None:
    """The clerk's configuration, read at each call so that a change needs no restart."""
    path = os.environ.get(CONFIG_ENV)
    return HookConfig.load(Path(path)) if path else None


@router.post("/courtlistener", **needs(Permission.anonymous))
async def courtlistener_hook(
    request: Request, svc: Svc, secret: str = Query(""),
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> dict[str, Any]:
    """Receive a CourtListener docket-alert webhook; append its new orders, unconfirmed."""
    config = configured()
    if config is None or not hmac.compare_digest(secret.encode(), config.secret.encode()):
        raise HTTPException(404, "Not Found")
    sender = request.client.host if request.client else ""
    if sender not in config.allowed_ips:
        raise HTTPException(403, f"sender {sender!r} is not an address CourtListener sends "
                            "webhooks from")
    if not idempotency_key:
        raise HTTPException(400, "Idempotency-Key: the header CourtListener sends with "
                            "every event is missing")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise HTTPException(413, f"body: larger than {MAX_BODY} bytes")
    try:
        envelope = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HTTPException(400, f"body: not JSON: {error}") from None
    report = receive(envelope, config)
    done = await run_in_threadpool(  # the append waits for a disk, never on the event loop
        svc.writes.external, lambda ledger: append_report(report, ledger, skip_bad=True))
    return {"idempotency_key": idempotency_key, "entries": report.rows,
            "orders": [t.obj.id for t in report.taken if t.section == "orders"],
            "added": done.added, "corrected": done.corrected, "unchanged": done.unchanged,
            "refused": [r.to_json() for r in report.refused], "notes": report.notes}


def receive(envelope: Any, config: HookConfig) -> Report:
    """The report of one webhook envelope, each entry given its docket's court and case."""
    report = Report("courtlistener webhook", "courtlistener", unit="entry")
    if not isinstance(envelope, dict) or "webhook" not in envelope or \
            not isinstance(envelope.get("payload"), dict):
        report.refuse(1, "", type(envelope).__name__, "a CourtListener webhook envelope "
                      "({'webhook': ..., 'payload': ...})")
        return report
    results = envelope["payload"].get("results")
    entries = results if isinstance(results, list) else []
    by_docket: dict[tuple[str | None, str | None], list[Any]] = {}
    for entry in entries:
        docket = entry.get("docket") if isinstance(entry, dict) else None
        docket_id = docket if isinstance(docket, int) else \
            (docket.get("id") if isinstance(docket, dict) else None)
        by_docket.setdefault(config.dockets.get(docket_id or -1, (None, None)), []).append(entry)
    for (court, case_number), group in by_docket.items():
        read_documents([{"webhook": envelope["webhook"], "payload": {"results": group}}],
                       report, Defaults(court, None, None, case_number))
    return report
