"""Generated requests from the served OpenAPI schema: whatever a caller sends, no 5xx."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from api.conftest import build
from service.harness import make_rig

API = build(make_rig())
schema = schemathesis.openapi.from_asgi("/openapi.json", API.app)


@schema.parametrize()
@settings(max_examples=6, deadline=None,
          suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case: schemathesis.Case) -> None:
    for role in ("admin", "counsel"):
        response = case.call(headers={**(case.headers or {}), **API.auth(role)})
        assert response.status_code < 500, (case.method, case.path, response.text)
