"""The composition root: one ASGI application of the API's routers and the web pages over
one service, with static files, errors, headers, and the threads that follow the log.

``create_app`` takes a ready service, so tests, ``habeas serve`` and ``habeas demo`` build
the same app over whichever ledger they hold. ``habeas.api`` and ``habeas.web`` know
nothing of each other; only this module puts them together.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import habeas
from habeas.api import errors
from habeas.api.middleware import AccessLog, BodyLimit, SecurityHeaders, StrictJson
from habeas.api.routes import alerts, cases, courtlistener_hook, law, log, meta, tokens, writes
from habeas.errors import Problem
from habeas.ratelimit import API_BURST, API_RATE, RequestLimiter
from habeas.routing import route_permission
from habeas.service import Service
from habeas.service.alerts import Worker
from habeas.service.background import Background
from habeas.web import pages
from habeas.web.render import page
from habeas.web.session import Forbidden, LoginRequired

ROUTERS = (meta.router, log.router, cases.router, law.router, writes.router, alerts.router,
           tokens.router, courtlistener_hook.router, pages.router)
DESCRIPTION = """A custody ledger in which court orders are executable.

Authenticate with `Authorization: Bearer <token>` (create one with `habeas token create`).
Errors are JSON naming the field, the value and the rule. See docs/api.md and
docs/security.md."""


def create_app(service: Service, *, worker: bool = False, worker_interval: float = 2.0,
               forwarded_allow_ips: str | None = None,
               api_rate: tuple[float, int] | None = (API_RATE, API_BURST)) -> FastAPI:
    """The app over ``service``; with ``worker``, a thread follows the log (others'
    appends are folded within a poll, or at once on PostgreSQL's NOTIFY) and another
    delivers alerts and escalates notices while the app runs. ``forwarded_allow_ips`` names
    the TLS proxies whose ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed (so
    cookies are ``Secure``, HSTS is sent and limits key on the real client); ``api_rate`` is
    each token's calls per second and burst (``None``: unlimited)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        threads: list[Background] = [service.watcher(), Worker(
            service.tick, worker_interval)] if worker else []
        for thread in threads:
            thread.start()
        yield
        for thread in threads:
            thread.stop()

    app = FastAPI(title="Habeas", version=habeas.__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.service = service
    require_permissions(route_table())
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("habeas.web", "static")]), name="static")
    errors.install(app)
    _install_page_errors(app)
    app.state.api_limiter = RequestLimiter(*api_rate) if api_rate else None
    app.add_middleware(StrictJson)  # innermost: reads a body BodyLimit has counted
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)
    if forwarded_allow_ips:  # outermost: everything inside sees the client's scheme and address
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=forwarded_allow_ips)
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
