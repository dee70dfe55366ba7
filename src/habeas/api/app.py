"""The ASGI application: API routers, web pages, static files, errors and headers.

``create_app`` takes a ready service, so tests, ``habeas serve`` and ``habeas demo`` build
the same app over whichever ledger they hold.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

import habeas
from habeas.api import errors
from habeas.api.auth import route_permission
from habeas.api.middleware import BodyLimit, SecurityHeaders
from habeas.api.routes import alerts, cases, law, log, meta, tokens, writes
from habeas.errors import Problem
from habeas.service import Service
from habeas.service.alerts import Worker
from habeas.web import pages
from habeas.web.render import page
from habeas.web.session import Forbidden, LoginRequired

ROUTERS = (meta.router, log.router, cases.router, law.router, writes.router, alerts.router,
           tokens.router, pages.router)
DESCRIPTION = """A custody ledger in which court orders are executable.

Authenticate with `Authorization: Bearer <token>` (create one with `habeas token create`).
Errors are JSON naming the field, the value and the rule. See docs/api.md and
docs/security.md."""


def create_app(service: Service, *, worker: bool = False, worker_interval: float = 2.0
               ) -> FastAPI:
    """The app over ``service``; with ``worker``, alerts are delivered and notices escalated
    from a background thread while the app runs."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        running = Worker(service.tick, worker_interval) if worker else None
        if running:
            running.start()
        yield
        if running:
            running.stop()

    app = FastAPI(title="Habeas", version=habeas.__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.service = service
    require_permissions(route_table())
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("habeas.web", "static")]), name="static")
    errors.install(app)
    _install_page_errors(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    return app


def route_table() -> list[APIRoute]:
    """Every route of the app, API and pages: what the authorisation matrix runs over."""
    return [route for router in ROUTERS for route in router.routes
            if isinstance(route, APIRoute)]


def require_permissions(routes: list[APIRoute]) -> None:
    """Refuse to start with a route that names no permission: no rule, no route."""
    unguarded = [route.path for route in routes if route_permission(route) is None]
    if unguarded:
        raise RuntimeError(f"routes without a permission: {unguarded}")


def _install_page_errors(app: FastAPI) -> None:
    def html_error(request: Request, status: int, message: str,
                   problems: list[Problem]) -> Response:
        return page(request, "error.html", status, title="Not found" if status == 404
                    else "Cannot do that", message=message, problems=problems)

    app.state.html_errors = html_error

    @app.exception_handler(LoginRequired)
    async def login(request: Request, _: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, _: Forbidden) -> Response:
        return page(request, "error.html", 403, title="Not allowed",
                    message="Your role may not open this page or send this form.")
