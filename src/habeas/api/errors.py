"""Errors as JSON that name the field, the value and the rule; 4xx for the caller's mistakes.

One shape for all: ``{"error": <kind>, "message": ..., "problems": [{path, value, rule}]}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from habeas.errors import (
    ConfigError,
    IntegrityError,
    NotFoundError,
    Problem,
    ValidationError,
    VerificationError,
)

API_PREFIXES = ("/api/", "/-/", "/openapi.json")
_KIND = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "validation",
         429: "too_many_requests", 500: "internal"}


def _value(value: Any) -> Any:
    """The offending value, as JSON, cut short: an error must not echo a whole upload."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        text = json.dumps(repr(value))
    if len(text) > 200:
        return text[:197] + "..."
    shown = json.loads(text)
    try:
        json.dumps(shown, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: shown as its escape
        return text
    return shown


def problem_response(status: int, message: str, problems: list[Problem] = (),  # type: ignore[assignment]
                     headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": _KIND.get(status, "error"), "message": message,
            "problems": [{"path": p.path, "value": _value(p.value), "rule": p.rule}
                         for p in problems]}
    return JSONResponse(body, status_code=status, headers=headers)


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


HtmlErrors = Callable[[Request, int, str, list[Problem]], Response]


def _respond(request: Request, status: int, message: str, problems: list[Problem] = (),  # type: ignore[assignment]
             headers: dict[str, str] | None = None) -> Response:
    """JSON for the API, a page for a browser on a web page."""
    html: HtmlErrors | None = getattr(request.app.state, "html_errors", None)
    if html is not None and not request.url.path.startswith(API_PREFIXES):
        return html(request, status, message, list(problems))
    return problem_response(status, message, problems, headers)


def install(app: FastAPI) -> None:
    """Map every error Habeas raises on purpose, and the framework's own, to its status."""

    @app.exception_handler(ValidationError)
    async def validation(request: Request, error: ValidationError) -> Response:
        return _respond(request, 422, str(error), error.problems)

    @app.exception_handler(RequestValidationError)
    async def request_validation(request: Request, error: RequestValidationError) -> Response:
        problems = [Problem(_location(tuple(e["loc"])), e.get("input"), e["msg"])
                    for e in error.errors()]
        return _respond(request, 422, "the request does not match the schema", problems)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, error: NotFoundError) -> Response:
        return _respond(request, 404, str(error))

    @app.exception_handler(IntegrityError)
    async def conflict(request: Request, error: IntegrityError) -> Response:
        return _respond(request, 409, str(error))

    @app.exception_handler(VerificationError)
    async def unverified(request: Request, error: VerificationError) -> Response:
        """The server's own log failed a check (a proof, the signer's consistency check):
        not the caller's mistake, and nothing it can fix by asking again."""
        return _respond(request, 503, f"the ledger failed verification: {error}")

    @app.exception_handler(PermissionError)
    async def forbidden(request: Request, error: PermissionError) -> Response:
        return _respond(request, 403, str(error))

    @app.exception_handler(ConfigError)
    async def config(request: Request, error: ConfigError) -> Response:
        return _respond(request, 503, str(error))

    @app.exception_handler(HTTPException)
    async def http(request: Request, error: HTTPException) -> Response:
        return _respond(request, error.status_code, str(error.detail),
                        headers=getattr(error, "headers", None))
