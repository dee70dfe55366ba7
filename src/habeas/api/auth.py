"""Who is calling and whether they may: every route names one permission, checked here.

The permission travels on the route itself (``openapi_extra["x-permission"]``), so the route
table is the access policy's other half: ``create_app`` refuses a route without one, and the
authorisation-matrix test is generated from the same table.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.routing import APIRoute

from habeas.ratelimit import RequestLimiter
from habeas.routing import Svc, needs, route_permission, service
from habeas.service import Permission, Principal, Service
from habeas.service.access import ANONYMOUS

__all__ = ["Svc", "Who", "authorize", "bearer", "needs", "route_permission"]


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authorize(request: Request, svc: Annotated[Service, Depends(service)]) -> Principal:
    """The caller's principal, after checking the route's permission: 401 without a valid
    token (unless the route is anonymous), 403 when the role does not grant it."""
    route = request.scope.get("route")
    permission = route_permission(route) if isinstance(route, APIRoute) else None
    if permission is None:
        raise HTTPException(500, "route without a permission")  # create_app prevents this
    token = bearer(request)
    principal = svc.accounts.authenticate(token) if token else None
    if permission is Permission.anonymous:
        return principal or ANONYMOUS
    if principal is None:
        raise HTTPException(401, "a valid API token is required (Authorization: Bearer ...)",
                            headers={"WWW-Authenticate": "Bearer"})
    limiter: RequestLimiter | None = getattr(request.app.state, "api_limiter", None)
    wait = limiter.take(principal.token_id) if limiter else 0.0
    if wait:
        raise HTTPException(429, "too many requests with this token; slow down",
                            headers={"Retry-After": str(math.ceil(wait))})
    if not principal.may(permission):
        raise HTTPException(403, f"a {principal.role} token may not {permission.value}")
    return principal


Who = Annotated[Principal, Depends(authorize)]
