"""Reading the case: people, groups, holders, movements, orders, statements, records."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from habeas.api.auth import Svc, Who, needs
from habeas.api.models import ObjectId
from habeas.service import Permission
from habeas.service.pages import DEFAULT_LIMIT, MAX_LIMIT, Page

router = APIRouter(prefix="/api", tags=["case"])

#: Section -> permission to read it. Counsel's ``read`` is narrowed to its clients by the
#: service; statements, holders and groups are whole-case context, not about one client.
SECTIONS = {"people": Permission.read, "movements": Permission.read,
            "orders": Permission.read, "groups": Permission.read_all,
            "holders": Permission.read_all, "statements": Permission.read_all}


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]
Cursor = Annotated[str | None, Query(max_length=400, description="the previous page's "
                                     "X-Next-Cursor (opaque)")]
Filter = Annotated[str | None, Query(max_length=200)]


def _next_page(request: Request, response: Response, page: Page, limit: int) -> None:
    """The next page's cursor, as a header and as a ``Link`` (RFC 8288), so that the body
    stays the list it always was."""
    if page.next_cursor is None:
        return
    response.headers["X-Next-Cursor"] = page.next_cursor
    following = request.url.include_query_params(cursor=page.next_cursor, limit=limit)
    response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'


def _collection(section: str, permission: Permission) -> None:
    @router.get(f"/{section}", name=f"list_{section}", **needs(permission))
    def listing(request: Request, response: Response, svc: Svc, who: Who,
                limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None, q: Filter = None,
                court: Filter = None, case: Filter = None, date: Filter = None,
                tail: Filter = None, status: Filter = None) -> list[dict[str, Any]]:
        """One page in id order; filters: people ``q`` (name or identifier), orders
        ``court`` and ``case``, movements ``date`` (YYYY-MM-DD), ``tail`` and ``status``."""
        page = svc.entities(who, section, limit=limit, cursor=cursor, q=q, court=court,
                            case=case, date=date, tail=tail, status=status)
        _next_page(request, response, page, limit)
        return page.items

    if section in ("people", "movements"):
        return  # these have richer views below

    @router.get(f"/{section}/{{obj_id}}", name=f"get_{section}", **needs(permission))
    def one(svc: Svc, who: Who, obj_id: ObjectId) -> dict[str, Any]:
        return svc.entity(who, section, obj_id)


for _section, _permission in SECTIONS.items():
    _collection(_section, _permission)


@router.get("/people/{person_id}", **needs(Permission.read))
def person(svc: Svc, who: Who, person_id: ObjectId) -> dict[str, Any]:
    """A person with custody history, protections in force, movements and alerts."""
    return svc.person_view(who, person_id)


@router.get("/movements/{movement_id}", **needs(Permission.read))
def movement(svc: Svc, who: Who, movement_id: ObjectId) -> dict[str, Any]:
    """A movement with its manifest and its events in time order."""
    return svc.movement_view(who, movement_id)


@router.get("/records/{seq}", **needs(Permission.read_all))
def record(svc: Svc, who: Who, seq: int = Path(ge=0)) -> dict[str, Any]:
    """One ledger record as hashed (``habeas log --json``)."""
    return svc.record(who, seq)


@router.get("/export", **needs(Permission.read_all))
def export(svc: Svc, who: Who, since: int | None = Query(None, ge=0, le=2**53)
           ) -> dict[str, Any]:
    """The case as a bundle with the checkpoint and an inclusion proof per object; with
    ``since``, a consistency proof from that tree size (a checkpoint the reader kept)."""
    return svc.export(who, since)
