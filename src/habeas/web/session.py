"""Web sign-in: a token buys a session cookie; every form carries the session's CSRF token.

The cookie is HttpOnly, SameSite=Strict, and Secure when the request came over TLS; the
session row stores only a hash of its id, as tokens do.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute

from habeas.routing import route_permission
from habeas.service import Permission, Service
from habeas.service.accounts import Session

COOKIE = "habeas_session"
LOGIN_COOKIE = "habeas_login"


class LoginRequired(Exception):
    """A page needs a session; the handler sends the browser to /login."""


class Forbidden(Exception):
    """The session's role may not open this page or send this form."""


def current(request: Request) -> Session | None:
    service: Service = request.app.state.service
    session_id = request.cookies.get(COOKIE)
    return service.accounts.session(session_id, now=service.clock.now()) if session_id else None


async def page_session(request: Request) -> Session:
    """The session behind a page, checked against the route's permission and, for a POST,
    against the form's CSRF token."""
    session = current(request)
    request.state.session = session
    route = request.scope.get("route")
    permission = route_permission(route) if isinstance(route, APIRoute) else None
    if permission is Permission.anonymous:
        return session  # type: ignore[return-value]
    if session is None:
        raise LoginRequired
    if permission is None or not session.principal.may(permission):
        raise Forbidden
    if request.method == "POST":
        form = await request.form()
        sent = form.get("csrf")
        if not isinstance(sent, str) or not hmac.compare_digest(sent, session.csrf):
            raise Forbidden
    return session


PageSession = Annotated[Session, Depends(page_session)]
