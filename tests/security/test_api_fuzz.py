"""schemathesis over the whole served API with every role's token (and none): no 5xx, and
every response matches the schema it is documented with."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from api.conftest import build
from habeas.service import Role
from service.harness import make_rig

API = build(make_rig())
schema = schemathesis.openapi.from_asgi("/openapi.json", API.app)
ROLES = [role.value for role in Role] + ["anonymous"]
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
def test_every_role_gets_documented_answers(case: schemathesis.Case) -> None:
    for role in ROLES:
        headers = {**(case.headers or {}), **API.auth(role)}
        if role == "anonymous":
            headers.pop("Authorization", None)
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
