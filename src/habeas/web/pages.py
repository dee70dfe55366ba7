"""The pages: each one a service call and a template. Forms post back to themselves and,
when the service refuses the input, show its problems beside the fields they name."""

from __future__ import annotations

import math
import secrets
from typing import Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from habeas.errors import Problem, ValidationError
from habeas.ratelimit import SignInLimiter
from habeas.routing import ObjectId, Reading, Svc, needs
from habeas.service import Permission
from habeas.service.accounts import SESSION_LIFETIME
from habeas.service.alerts import TOPICS
from habeas.web.forms import EVENT_KINDS, ORDER_KINDS, ZONES, event_payload, order_payload
from habeas.web.render import page
from habeas.web.session import COOKIE, LOGIN_COOKIE, PageSession, page_session

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_session)])


@router.get("/login", **needs(Permission.anonymous))
def login_form(request: Request, next: str = Query("/", max_length=300)) -> HTMLResponse:
    nonce = secrets.token_urlsafe(24)
    response = page(request, "login.html", title="Sign in", nonce=nonce, next=_local(next))
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=900)
    return response


@router.post("/login", **needs(Permission.anonymous))
def login(request: Request, svc: Svc, token: str = Form(max_length=200),
          csrf: str = Form(max_length=100), next: str = Form("/", max_length=300)) -> Response:
    """Sign in with an API token; the login form's CSRF token is a double-submit cookie."""
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not nonce or not secrets.compare_digest(nonce, csrf):
        return page(request, "login.html", 403, title="Sign in", nonce="", next=_local(next),
                    error="This form has expired. Reload the page and sign in again.")
    # A valid token always signs in: the limit slows failures only, so that a guesser
    # behind the same address (a proxy, a campus) cannot lock the rightful users out.
    # The address is the real client's (habeas serve --forwarded-allow-ips).
    opened = svc.accounts.open_session(token.strip(), now=svc.clock.now())
    if opened is None:
        limiter, address = _limiter(request), request.client.host if request.client else ""
        limiter.failed(address)
        wait = math.ceil(limiter.retry_after(address))
        if wait:
            refused = page(request, "login.html", 429, title="Sign in", nonce=nonce,
                           next=_local(next), error=f"Too many failed sign-ins from this "
                           f"address. Try again in {wait} seconds.")
            refused.headers["Retry-After"] = str(wait)
            return refused
        return page(request, "login.html", 401, title="Sign in", nonce=nonce, next=_local(next),
                    error="This token is not valid, or it was revoked.")
    session_id, _ = opened
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https",
                        max_age=int(SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE)
    return response


def _limiter(request: Request) -> SignInLimiter:
    """The app's sign-in limiter, made on first use (one per app, shared by its workers)."""
    state = request.app.state
    if not hasattr(state, "sign_in_limiter"):
        state.sign_in_limiter = SignInLimiter()
    limiter: SignInLimiter = state.sign_in_limiter
    return limiter


@router.post("/logout", **needs(Permission.verify))
def logout(request: Request, svc: Svc, session: PageSession) -> Response:
    svc.accounts.close_session(request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/", **needs(Permission.verify))
def dashboard(request: Request, svc: Svc, session: PageSession) -> HTMLResponse:
    who = session.principal
    return page(request, "dashboard.html", title="Dashboard",
                board=svc.dashboard(who), case=svc.lens(who).case())


@router.get("/orders/{order_id}", **needs(Permission.read))
def order(request: Request, svc: Svc, session: PageSession, reading: Reading,
          order_id: ObjectId) -> HTMLResponse:
    view = svc.order_view(session.principal, order_id, reading)
    return page(request, "order.html", title=f"Order {order_id}", view=view, reading=reading,
                case=svc.lens(session.principal).case())


@router.get("/people/{person_id}", **needs(Permission.read))
def person(request: Request, svc: Svc, session: PageSession,
           person_id: ObjectId) -> HTMLResponse:
    view = svc.person_view(session.principal, person_id)
    return page(request, "person.html", title=view["person"]["name"], view=view,
                case=svc.lens(session.principal).case())


@router.get("/movements/{movement_id}", **needs(Permission.read))
def movement(request: Request, svc: Svc, session: PageSession,
             movement_id: ObjectId) -> HTMLResponse:
    who = session.principal
    view = svc.movement_view(who, movement_id)
    return page(request, "movement.html", title=f"Movement {movement_id}", view=view,
                case=svc.lens(who).case(), drawing=svc.views.route_map(who, movement_id))


@router.get("/timeline", **needs(Permission.read_all))
def timeline(request: Request, svc: Svc, session: PageSession,
             tz: str = Query("America/New_York", max_length=64)) -> HTMLResponse:
    view = svc.timeline(session.principal, tz)
    return page(request, "timeline.html", title="Timeline", view=view, tz=tz, zones=ZONES,
                drawing=svc.views.timeline_drawing(session.principal, tz))


@router.get("/audit", **needs(Permission.read))
def audit(request: Request, svc: Svc, session: PageSession,
          reading: Reading) -> HTMLResponse:
    return page(request, "audit.html", title="Audit", reading=reading,
                case=svc.lens(session.principal).case(),
                audit=svc.audit(session.principal, reading),
                matrix=svc.matrix(session.principal))


@router.get("/records/{seq}", **needs(Permission.read_all))
def record(request: Request, svc: Svc, session: PageSession,
           seq: int = Path(ge=0, le=2**53)) -> HTMLResponse:
    return page(request, "record.html", title=f"Record {seq}",
                record=svc.record(session.principal, seq), proof=svc.inclusion(seq))


@router.get("/verify", **needs(Permission.verify))
def verify(request: Request, svc: Svc, session: PageSession) -> HTMLResponse:
    return page(request, "verify.html", title="Verify", checkpoint=svc.checkpoint(),
                key=svc.verifier_key(), size=svc.ledger.size(), stats=svc.stats())


@router.get("/alerts", **needs(Permission.read))
def alerts(request: Request, svc: Svc, session: PageSession) -> HTMLResponse:
    return _alerts_page(request, svc, session)


@router.post("/alerts/subscriptions", **needs(Permission.subscribe))
async def subscribe(request: Request, svc: Svc, session: PageSession) -> HTMLResponse:
    """A webhook from the Alerts page; its secret is shown on the page this once."""
    form = await request.form()
    topics = [str(t) for t in form.getlist("topics")]
    people = [p.strip() for p in str(form.get("people", "")).split(",") if p.strip()]
    try:
        made = svc.alerts.subscribe(session.principal, str(form.get("url", "")).strip(),
                                    topics, people or sorted(session.principal.people))
    except ValidationError as error:
        return _alerts_page(request, svc, session, errors=error.problems, status=422)
    return _alerts_page(request, svc, session, created=made, status=201)


def _alerts_page(request: Request, svc: Svc, session: PageSession, *,
                 created: dict[str, Any] | None = None, errors: list[Problem] = (),  # type: ignore[assignment]
                 status: int = 200) -> HTMLResponse:
    who = session.principal
    return page(request, "alerts.html", status, title="Alerts",
                alerts=svc.alerts_for(who, limit=200), obligations=svc.obligations_for(who),
                subscriptions=svc.alerts.subscriptions(who) if who.may(Permission.subscribe)
                else [], created=created, errors=_problems_by_field(list(errors)),
                topics=TOPICS)


@router.post("/obligations/{obligation_id}/acknowledge", **needs(Permission.acknowledge))
def acknowledge(svc: Svc, session: PageSession,
                obligation_id: str = Path(pattern=r"^obl_[0-9a-f]{1,32}$")) -> Response:
    svc.acknowledge(session.principal, obligation_id)
    return RedirectResponse("/alerts", status_code=303)


@router.get("/forms/order", **needs(Permission.enter_order))
def order_form(request: Request, svc: Svc, session: PageSession) -> HTMLResponse:
    return _order_page(request, svc, session, {}, [])


@router.post("/forms/order", **needs(Permission.enter_order))
async def enter_order(request: Request, svc: Svc, session: PageSession) -> Response:
    form = {k: str(v) for k, v in (await request.form()).multi_items()}
    form["forbids"] = ",".join(str(v) for v in (await request.form()).getlist("forbids"))
    try:
        payload, parties = order_payload(form)
        added = svc.add(session.principal, "orders", payload, parties=parties)
    except ValidationError as error:
        return _order_page(request, svc, session, form, error.problems, status=422)
    return RedirectResponse(f"/orders/{added['id']}", status_code=303)


@router.get("/forms/event", **needs(Permission.record_movement))
def event_form(request: Request, svc: Svc, session: PageSession,
               movement: str = Query("", max_length=100)) -> HTMLResponse:
    return _event_page(request, svc, session, {"movement": movement}, [])


@router.post("/forms/event", **needs(Permission.record_movement))
async def record_event(request: Request, svc: Svc, session: PageSession) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        svc.add(session.principal, "events", event_payload(form))
    except ValidationError as error:
        return _event_page(request, svc, session, form, error.problems, status=422)
    target = form.get("movement") or ""
    return RedirectResponse(f"/movements/{target}" if target else "/alerts", status_code=303)


def _problems_by_field(problems: list[Problem]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for problem in problems:
        field = problem.path.split(".")[0].split("[")[0] or "form"
        fields.setdefault(field, []).append(problem.rule)
    return fields


def _order_page(request: Request, svc: Svc, session: PageSession, form: dict[str, Any],
                problems: list[Problem], status: int = 200) -> HTMLResponse:
    return page(request, "form_order.html", status, title="Enter an order", form=form,
                errors=_problems_by_field(problems), kinds=ORDER_KINDS, zones=ZONES,
                case=svc.lens(session.principal).case(), parties=svc.parties)


def _event_page(request: Request, svc: Svc, session: PageSession, form: dict[str, Any],
                problems: list[Problem], status: int = 200) -> HTMLResponse:
    return page(request, "form_event.html", status, title="Record a movement event",
                form=form, errors=_problems_by_field(problems), kinds=EVENT_KINDS, zones=ZONES,
                case=svc.lens(session.principal).case(), now=svc.clock.now())


def _local(target: str) -> str:
    """Only a path on this site: a login link must not send anyone elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
