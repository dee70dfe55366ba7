"""The Jinja2 environment: autoescaped templates and the filters that show times and ids."""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from habeas.domain import When
from habeas.drawings.words import place_name
from habeas.law.describe import Describe
from habeas.law.findings import human_duration
from habeas.reports.describe import requirements, route, scope


def when(value: Any, tz: str = "UTC") -> str:
    """An ISO time or ``[earliest, latest]`` for a reader: ``2025-03-15 18:45–18:48 EDT``."""
    if value in (None, "", []):
        return "—"
    try:
        return When.parse(value, None).format(ZoneInfo(tz))
    except (ValueError, KeyError):
        return str(value)


def humanise(value: Any) -> str:
    return str(value).replace("_", " ")


ORDER_KINDS = {
    "tro": "Temporary restraining order", "preliminary_injunction": "Preliminary injunction",
    "permanent_injunction": "Permanent injunction", "stay_of_removal": "Stay of removal",
    "administrative_stay": "Administrative stay",
    "withholding_of_removal": "Grant of withholding of removal",
    "order_to_facilitate": "Order to facilitate return", "vacatur": "Vacatur", "stay": "Stay",
    "modification": "Modification", "habeas_grant": "Grant of habeas corpus", "other": "Order",
}


def order_kind(kind: Any) -> str:
    return ORDER_KINDS.get(str(kind), humanise(kind))


def sentence(value: Any) -> str:
    """First letter up, the rest as written: "United States" keeps its capitals."""
    text = str(value)
    return text[:1].upper() + text[1:]


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("habeas.web", "templates"),
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(place_name=place_name, requirements=requirements, route=route,
                       protects=lambda case, order: scope(Describe(case), order.protects))
    env.filters.update(when=when, humanise=humanise, duration=human_duration, sentence=sentence,
                       order_kind=order_kind,
                       tojson_pretty=lambda v: json.dumps(v, indent=2, ensure_ascii=False))
    return env


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the signed-in session (if any) and the case's time zone."""
    session = getattr(request.state, "session", None)
    service = request.app.state.service
    tz = context.pop("tz", None) or service.snapshot().case.timezone
    html = environment().get_template(template).render(
        request=request, session=session, who=session.principal if session else None,
        csrf=session.csrf if session else "", tz=tz, title=context.pop("title", "Habeas"),
        **context)
    return HTMLResponse(html, status_code=status)
