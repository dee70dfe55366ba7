"""The authorisation matrix: every route of the app against every role, and no token at all.

Generated from the route table, so a new route is checked the moment it exists: one without
a permission makes ``create_app`` fail, and each route's answer must follow ``GRANTS``.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.conftest import build
from habeas.api.auth import route_permission
from habeas.app import require_permissions, route_table
from habeas.service import GRANTS, Permission, Role
from service.harness import make_rig

#: A real value for every path parameter, so that allowed calls reach the service.
PARAMS = {"person_id": "abrego-garcia", "movement_id": "gxa6122", "order_id": "withholding-2019",
          "seq": "3", "sub_id": "sub_0", "token_id": "tok_0", "obligation_id": "obl_0"}
OBJECTS = {"orders": "withholding-2019", "groups": "aea-venezuelans", "holders": "us-ice",
           "statements": "leavitt"}
API = build(make_rig())
ROUTES = sorted((r.path, method) for r in route_table() for method in r.methods
                if method != "HEAD")
WHO = [role.value for role in Role] + ["nobody"]


def concrete(path: str) -> str:
    if "{obj_id}" in path:
        return path.replace("{obj_id}", OBJECTS[path.split("/")[2]])
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], path)


def permission_of(path: str, method: str) -> Permission:
    for route in route_table():
        if route.path == path and method in route.methods:
            found = route_permission(route)
            assert found is not None, f"{method} {path} names no permission"
            return found
    raise AssertionError(path)


def sign_in(client: TestClient, token: str) -> str:
    page = client.get("/login")
    nonce = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert nonce is not None
    client.post("/login", data={"token": token, "csrf": nonce.group(1)})
    home = client.get("/")
    found = re.search(r'name="csrf" value="([^"]+)"', home.text)
    return found.group(1) if found else ""


@pytest.fixture(scope="module")
def browsers() -> dict[str, tuple[TestClient, str]]:
    """A signed-in browser and its CSRF token per role."""
    signed = {}
    for role in Role:
        client = TestClient(API.app, follow_redirects=False)
        signed[role.value] = (client, sign_in(client, API.tokens[role.value]))
    return signed


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("path", "method"), ROUTES)
def test_route_answers_as_the_grants_say(path: str, method: str, who: str,
                                         browsers: dict[str, tuple[TestClient, str]]) -> None:
    permission = permission_of(path, method)
    allowed = permission is Permission.anonymous or (
        who != "nobody" and Role(who) in GRANTS[permission])
    web = not path.startswith(("/api/", "/-/"))
    url = concrete(path)
    if web:
        client, csrf = browsers[who] if who != "nobody" else (
            TestClient(API.app, follow_redirects=False), "")
        if path == "/logout" and who != "nobody":  # keep the shared session signed in
            client = TestClient(API.app, follow_redirects=False)
            csrf = sign_in(client, API.tokens[who])
        reply = client.request(method, url, data={"csrf": csrf} if method == "POST" else None)
    else:
        reply = API.client.request(method, url, headers=API.auth(who),
                                   json={} if method == "POST" else None)
    assert reply.status_code < 500, reply.text
    if allowed:
        assert reply.status_code not in (401, 403), (who, reply.text)
    elif who == "nobody":
        assert (reply.status_code, reply.headers.get("location", "/login")[:6]) in (
            (401, "/login"), (303, "/login")), reply.status_code
    else:
        assert reply.status_code == 403, (who, reply.status_code)


def test_every_role_has_a_rule_for_every_permission() -> None:
    assert set(GRANTS) == set(Permission)
    assert all(GRANTS[Permission.anonymous] >= GRANTS[p] for p in Permission)


def test_a_route_without_a_permission_is_refused_at_start_up() -> None:
    from fastapi import APIRouter

    stray = APIRouter()
    stray.add_api_route("/api/stray", lambda: {}, methods=["GET"])
    with pytest.raises(RuntimeError, match="/api/stray"):
        require_permissions([*route_table(), *stray.routes])  # type: ignore[list-item]


def test_the_route_table_is_what_the_app_serves() -> None:
    served = {p for p in API.client.get("/openapi.json").json()["paths"]}
    assert served == {r.path.replace(":path}", "}") for r in route_table()
                      if r.include_in_schema}  # OpenAPI drops Starlette's path converter
