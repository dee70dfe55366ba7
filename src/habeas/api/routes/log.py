"""The log as a mirrorable C2SP ``tlog-tiles`` tree under ``/-/log/``, and offline
receipts in the C2SP ``tlog-proof`` form.

Hash tiles are public, like checkpoints (they are hashes, no personal data) and immutable,
so any file server or CDN may cache them for ever; entry bundles carry the records and
need the ``read_all`` permission, as raw records do.
"""

from __future__ import annotations

from fastapi import APIRouter, Path
from fastapi.responses import PlainTextResponse, Response

from habeas.api.auth import Svc, Who, needs
from habeas.ledger.tiles import TilePath, read_entries, read_tile
from habeas.service import Permission

router = APIRouter(tags=["log"])
IMMUTABLE = "public, max-age=31536000, immutable"
TILE_TYPE = "application/octet-stream"


@router.get("/-/log/checkpoint", response_class=PlainTextResponse,
            **needs(Permission.anonymous))
def checkpoint(svc: Svc, who: Who) -> Response:
    """The latest checkpoint (cosigned when witnesses are configured): the tiles' root."""
    return PlainTextResponse(svc.checkpoint(), headers={"Cache-Control": "max-age=5"})


@router.get("/-/log/tile/entries/{index:path}", **needs(Permission.read_all))
def entries(svc: Svc, who: Who, index: str = Path(max_length=200)) -> Response:
    """An entry bundle: the records' leaf bytes, each behind a big-endian uint16 length."""
    tile = TilePath.parse(f"tile/entries/{index}")
    body = read_entries(svc.ledger.store, tile, svc.ledger.size())
    return Response(body, media_type=TILE_TYPE,
                    headers={"Cache-Control": IMMUTABLE.replace("public", "private")})


@router.get("/-/log/tile/{path:path}", **needs(Permission.anonymous))
def tile(svc: Svc, who: Who, path: str = Path(max_length=200)) -> Response:
    """A Merkle tree tile ``<L>/<N>[.p/<W>]``: up to 256 hashes at height ``8 * L``."""
    found = TilePath.parse(f"tile/{path}")
    body = read_tile(svc.ledger.store, found, svc.ledger.size())
    return Response(body, media_type=TILE_TYPE, headers={"Cache-Control": IMMUTABLE})


@router.get("/api/proofs/receipt/{seq}", response_class=PlainTextResponse,
            **needs(Permission.read_all))
def receipt(svc: Svc, who: Who, seq: int = Path(ge=0, le=2**53)) -> Response:
    """An offline receipt for record ``seq`` (C2SP tlog-proof: the record's bytes as
    ``extra``, its inclusion proof, the checkpoint)."""
    return PlainTextResponse(svc.ledger.receipt(seq), media_type="text/plain")
