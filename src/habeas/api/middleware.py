"""What every response carries and every request is held to: security headers, a body limit,
plain JSON."""

from __future__ import annotations

import logging
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from habeas.api import strictjson
from habeas.api.errors import problem_response

#: A case bundle is kilobytes; a few megabytes leaves room without inviting a memory attack.
MAX_BODY_BYTES = 8 * 1024 * 1024

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """Adds the headers of docs/security.md to every HTTP response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if tls:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # A bug, not the caller's mistake: logged here, and answered with the headers
            # (the framework's own 500 would go out without them).
            logging.getLogger("habeas.api").exception("unhandled error")
            if started:
                raise
            await problem_response(500, "internal error")(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request body over ``limit`` bytes with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(send, self.limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send, self.limit)


class _TooLarge(HTTPException):
    """Raised from the body stream: an ``HTTPException``, so that the framework's body
    parser passes it on as a 413 instead of calling it a malformed body (400)."""

    def __init__(self) -> None:
        super().__init__(413, f"request body larger than {MAX_BODY_BYTES} bytes")


class StrictJson:
    """Refuses a JSON body holding NaN, Infinity, 1e999, a 21-digit integer or a lone
    surrogate (422, naming each path) before any route reads it (``strictjson``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = dict(scope.get("headers", [])).get(b"content-type", b"").split(b";")[0].strip()
        if scope["type"] != "http" or not (kind == b"application/json"
                                           or kind.endswith(b"+json")):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # the client went away
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        found = strictjson.problems(body)
        if found:
            await problem_response(422, "the body is not plain JSON", found)(
                scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _too_large(send: Send, limit: int) -> None:
    body = (b'{"error":"too_large","problems":[{"path":"body","value":null,'
            b'"rule":"request body larger than ' + str(limit).encode() + b' bytes"}]}')
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class AccessLog:
    """One line per request naming the route, never the path: ``GET /api/people/{person_id}
    200 12ms``. A path such as ``/api/people/abrego-garcia`` names a person, and a query
    string may too; the route's template says what was asked without saying about whom.
    (``habeas serve`` turns uvicorn's own access log, which prints paths, off.)"""

    def __init__(self, app: ASGIApp, logger: str = "habeas.access") -> None:
        self.app = app
        self.log = logging.getLogger(logger)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.log.info("%s %s %d %.0fms", scope.get("method", ""), route_template(scope),
                          status, elapsed)


def route_template(scope: Scope) -> str:
    """The template of the route that answered (``/api/people/{person_id}``, set in the
    scope by the router), ``/static/...``, or ``(no route)``: never the path itself."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    mounted = scope.get("root_path", "")  # a mounted app (the static files) sets its prefix
    return f"{mounted}/..." if mounted else "(no route)"
