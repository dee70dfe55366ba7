"""Lists page (``limit``, an opaque cursor in ``X-Next-Cursor`` and ``Link``) and filter."""

from __future__ import annotations

from typing import Any

from api.conftest import Api


def pages(api: Api, url: str, role: str = "admin") -> list[list[dict[str, Any]]]:
    found, following = [], url
    while following:
        reply = api.client.get(following, headers=api.auth(role))
        assert reply.status_code == 200, reply.text
        found.append(reply.json())
        link = reply.headers.get("link")
        following = link[1:link.index(">")] if link else ""
        assert bool(link) == ("x-next-cursor" in reply.headers)
    return found


def test_paging_through_people_gives_each_once_in_id_order(api: Api) -> None:
    whole = api.get("/api/people").json()
    walked = pages(api, "/api/people?limit=2")
    assert [len(p) for p in walked[:-1]] == [2] * (len(walked) - 1)
    ids = [p["id"] for page in walked for p in page]
    assert ids == sorted(p["id"] for p in whole) and len(ids) == len(set(ids)) == 6


def test_a_page_stays_right_when_the_record_grows_between_pages(api: Api) -> None:
    first = api.client.get("/api/people?limit=3", headers=api.auth("admin"))
    cursor = first.headers["x-next-cursor"]
    api.client.post("/api/records", headers=api.auth("admin"), json={"records": [
        {"kind": "person", "payload": {"id": "aaa-first", "name": "Added Before"}},
        {"kind": "person", "payload": {"id": "zzz-last", "name": "Added After"}}]})
    rest = api.client.get(f"/api/people?limit=100&cursor={cursor}",
                          headers=api.auth("admin")).json()
    seen = [p["id"] for p in first.json()] + [p["id"] for p in rest]
    assert "zzz-last" in seen and "aaa-first" not in seen  # before the cursor: next walk
    assert len(seen) == len(set(seen))


def test_filters_by_name_court_case_tail_date_and_status(api: Api) -> None:
    def ids(url: str) -> list[str]:
        reply = api.get(url)
        assert reply.status_code == 200, reply.text
        return [o["id"] for o in reply.json()]

    assert ids("/api/people?q=abrego") == ["abrego-garcia"]
    assert ids("/api/people?q=KILMAR") == ["abrego-garcia"]
    assert ids("/api/orders?case=24A949") == ["facilitate-apr10"]
    assert "withholding-2019" in ids("/api/orders?court=immigration")
    assert ids("/api/movements?tail=n278gx") == ["gxa6143"]
    assert set(ids("/api/movements?date=2025-03-15")) == {"gxa6122", "gxa6143", "gxa6145"}
    assert ids("/api/movements?date=2024-01-01") == []
    arrived, moving = ids("/api/movements?status=arrived"), ids("/api/movements?status=under_way")
    assert not set(arrived) & set(moving) and set(arrived) | set(moving) <= {
        "gxa6122", "gxa6143", "gxa6145"}


def test_a_bad_filter_or_cursor_names_the_field(api: Api) -> None:
    for url, field in (("/api/orders?q=x", "q"), ("/api/movements?status=flying", "status"),
                       ("/api/people?cursor=%25%25%25", "cursor"), ("/api/people?limit=0",
                                                                     "limit")):
        reply = api.get(url)
        assert reply.status_code == 422, url
        assert reply.json()["problems"][0]["path"] == field, reply.json()


def test_counsel_pages_through_its_clients_only(api: Api) -> None:
    assert [p["id"] for page in pages(api, "/api/people?limit=1", "counsel")
            for p in page] == ["abrego-garcia"]
    assert api.get("/api/people?q=J.G.G", "counsel").json() == []
