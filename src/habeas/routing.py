"""What every route, API or page, declares: the permission it needs, the service it calls,
the reading in its query string and the ids in its path.

Shared by ``habeas.api`` and ``habeas.web`` so that neither imports the other; the
composition root (``habeas.app``) puts them in one application.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Request
from fastapi.routing import APIRoute

from habeas.law import Interpretation
from habeas.service import Permission, Service

PERMISSION_KEY = "x-permission"

ObjectId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$",
                               description="an id as in the case bundle")]


def needs(permission: Permission) -> dict[str, Any]:
    """Route keyword arguments that declare the permission a route requires."""
    return {"openapi_extra": {PERMISSION_KEY: permission.value}}


def route_permission(route: APIRoute) -> Permission | None:
    value = (route.openapi_extra or {}).get(PERMISSION_KEY)
    return Permission(value) if value else None


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


def reading(effect: Literal["oral", "written"] = "oral",
            removal_complete_at: Literal["departure", "exit_territory",
                                         "custody_transfer"] = "custody_transfer"
            ) -> Interpretation:
    """The interpretation, from the query string (docs/engine.md, "Interpretations")."""
    return Interpretation(effect=effect, removal_complete_at=removal_complete_at)


Svc = Annotated[Service, Depends(service)]
Reading = Annotated[Interpretation, Depends(reading)]
