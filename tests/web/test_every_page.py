"""Every page of the flagship case renders, for every object and every interpretation."""

from __future__ import annotations

import itertools

import pytest

from api.conftest import Api
from web.test_pages import signed_in

EFFECTS = ("oral", "written")
COMPLETE = ("departure", "exit_territory", "custody_transfer")


@pytest.mark.parametrize("role", ["admin", "counsel", "public"])
def test_every_page_renders(api: Api, role: str) -> None:
    client, _ = signed_in(api, role)
    case = api.rig.service.case()
    pages = ["/", "/timeline", "/timeline?tz=UTC", "/audit", "/verify", "/alerts",
             "/forms/order", "/forms/event", "/records/0"]
    pages += [f"/people/{p}" for p in case.people] + [f"/movements/{m}" for m in case.movements]
    pages += [f"/orders/{o}?effect={e}&removal_complete_at={c}"
              for o, (e, c) in itertools.product(case.orders, itertools.product(EFFECTS,
                                                                              COMPLETE))]
    pages += [f"/audit?effect={e}&removal_complete_at={c}"
              for e, c in itertools.product(EFFECTS, COMPLETE)]
    for path in pages:
        reply = client.get(path)
        assert reply.status_code in (200, 403, 404), (path, reply.status_code)
        assert reply.headers["content-type"].startswith("text/html")
