"""Hostile input at every door gets a 4xx naming what is wrong, with the security headers,
and writes nothing: out-of-range dates, numbers JSON cannot hold, lone surrogates, the wrong
shapes, reused idempotency keys, links that are not web links, bodies streamed past the
limit, and ids long enough to have made the server loop for ever."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.conftest import Api, build
from habeas.api.middleware import MAX_BODY_BYTES
from service.harness import make_rig

EVENT = {"kind": "departed", "movement": "gxa6122", "place": "hrl",
         "at": "2026-01-05T10:00:00+00:00"}
CHECK = {"action": {"action": "remove", "subjects": ["abrego-garcia"], "to": "SV"},
         "at": "2025-03-15T19:30:00-04:00"}
PAST_THE_END = "9999-12-31T23:59:59-14:00"
BEFORE_THE_START = "0001-01-01T00:00:00+14:00"
JSON = {"Content-Type": "application/json"}


def refused(reply: Any, status: int = 422) -> list[dict[str, Any]]:
    """The reply is the ``status`` refusal, with the security headers; its problems."""
    assert reply.status_code == status, (reply.status_code, reply.text[:300])
    assert reply.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
    problems: list[dict[str, Any]] = reply.json()["problems"]
    return problems


@pytest.mark.parametrize("path", ["/api/audit", "/api/audit/matrix"])
@pytest.mark.parametrize("as_of", [PAST_THE_END, BEFORE_THE_START, "0001-01-01T00:00:00Z"])
def test_out_of_range_as_of(api: Api, path: str, as_of: str) -> None:
    [problem] = refused(api.get(path, params={"as_of": as_of}))
    assert problem["path"] == "as_of" and "between the years 1000 and 9000" in problem["rule"]


@pytest.mark.parametrize("at", [PAST_THE_END, BEFORE_THE_START])
def test_out_of_range_times_in_bodies(api: Api, at: str) -> None:
    size = api.rig.service.ledger.size()
    [problem] = refused(api.client.post("/api/events", json={**EVENT, "at": at},
                                        headers=api.auth("operator")))
    assert (problem["path"], problem["value"]) == ("at", at)
    assert refused(api.client.post("/api/check", json={**CHECK, "at": at},
                                   headers=api.auth("operator")))[0]["path"] == "at"
    assert api.rig.service.ledger.size() == size


@pytest.mark.parametrize(("raw", "shown"), [
    (b"NaN", "NaN"), (b"Infinity", "Infinity"), (b"-Infinity", "-Infinity"),
    (b"1e999", "1e999"), (b"9" * 100_000, "9" * 40 + "..."),
])
def test_numbers_json_cannot_hold(api: Api, raw: bytes, shown: str) -> None:
    body = b'{"kind": "position", "movement": "gxa6122", "at": "2026-01-05T10:00:00Z", ' \
           b'"lat": ' + raw + b', "lon": 1}'
    size = api.rig.service.ledger.size()
    [problem] = refused(api.client.post("/api/events", content=body,
                                        headers={**api.auth("operator"), **JSON}))
    assert (problem["path"], problem["value"]) == ("lat", shown)
    assert api.rig.service.ledger.size() == size


@pytest.mark.parametrize("body", [
    b'{"kind": "departed", "movement": "gxa6122", "place": "hrl", "at": "2026-01-05T10:00Z",'
    b' "note": "\\ud800"}',
    b'{"kind": "departed", "movement": "gxa6122", "\\udfff": 1}',
    b'{"records": [{"kind": "person", "payload": {"id": "x", "name": "\\ud83d"}}]}',
])
def test_lone_surrogates(api: Api, body: bytes) -> None:
    path = "/api/records" if b"records" in body else "/api/events"
    [problem] = refused(api.client.post(path, content=body,
                                        headers={**api.auth("admin"), **JSON}))
    assert "lone surrogate" in problem["rule"] and problem["value"].startswith("\\ud")


@pytest.mark.parametrize("subjects", [[{"id": "abrego-garcia"}], [["abrego-garcia"]], [1],
                                      [None], {"a": 1}, 5])
def test_check_subjects_that_are_not_ids(api: Api, subjects: Any) -> None:
    body = {**CHECK, "action": {**CHECK["action"], "subjects": subjects}}  # type: ignore[dict-item]
    problems = refused(api.client.post("/api/check", json=body, headers=api.auth("operator")))
    assert problems and all(p["path"].startswith("subjects") for p in problems)


@pytest.mark.parametrize("field", ["movement", "to", "district"])
def test_check_fields_that_are_not_strings(api: Api, field: str) -> None:
    body = {**CHECK, "action": {**CHECK["action"], field: {"x": [1]}}}  # type: ignore[dict-item]
    problems = refused(api.client.post("/api/check", json=body, headers=api.auth("operator")))
    assert field in {p["path"] for p in problems}


def test_an_idempotency_key_reused_with_other_content_is_a_conflict(any_api: Api) -> None:
    api, c = any_api, any_api.client
    first = c.post("/api/events", json=EVENT, headers={**api.auth("operator"),
                                                       "Idempotency-Key": "op-1"})
    assert first.status_code == 201
    size = api.rig.service.ledger.size()
    again = c.post("/api/events", json=EVENT, headers={**api.auth("operator"),
                                                       "Idempotency-Key": "op-1"})
    assert again.status_code == 201 and again.json() == first.json()
    other = c.post("/api/events", json={**EVENT, "at": "2026-01-05T11:00:00+00:00"},
                   headers={**api.auth("operator"), "Idempotency-Key": "op-1"})
    assert other.status_code == 409 and "op-1" in other.json()["message"]
    assert api.rig.service.ledger.size() == size
    person = {"kind": "person", "payload": {"id": "p-1", "name": "P One"}}
    batch = c.post("/api/records", json={"records": [person]},
                   headers={**api.auth("admin"), "Idempotency-Key": "b-1"})
    assert batch.status_code == 201
    size = api.rig.service.ledger.size()
    longer = {"records": [person, {"kind": "person", "payload": {"id": "p-2", "name": "P Two"}}]}
    reply = c.post("/api/records", json=longer,
                   headers={**api.auth("admin"), "Idempotency-Key": "b-1"})
    assert reply.status_code == 409
    assert api.rig.service.ledger.size() == size, "a reused key appended part of a batch"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>",
                                 "file:///etc/passwd", "ftp://example.org/a", "//example.org",
                                 "https://", " https://example.org", "vbscript:msgbox"])
@pytest.mark.parametrize("kind", ["source", "statement"])
def test_links_are_web_links_only(api: Api, url: str, kind: str) -> None:
    payload: dict[str, Any] = {"id": "link-1", "url": url, "title": "A source"}
    if kind == "statement":
        payload = {"id": "link-1", "url": url, "speaker": "A", "at": "2025-03-16T10:00:00Z",
                   "text": "said"}
    problems = refused(api.client.post("/api/records", json={"records": [
        {"kind": kind, "payload": payload}]}, headers=api.auth("admin")))
    assert [p["rule"] for p in problems if p["path"] == "url"] == ["an http:// or https:// link"]


def test_http_and_https_links_are_kept(api: Api) -> None:
    for n, url in enumerate(["https://www.courtlistener.com/docket/69741724/",
                             "HTTP://example.org/a?b=c#d"]):
        reply = api.client.post("/api/records", json={"records": [{"kind": "source", "payload": {
            "id": f"src-{n}", "url": url, "title": "A source"}}]}, headers=api.auth("admin"))
        assert reply.status_code == 201, reply.text


def chunks(total: int, size: int = 1 << 20) -> Iterator[bytes]:
    while total > 0:
        yield b" " * min(size, total)
        total -= size


@pytest.mark.parametrize("path", ["/api/events", "/api/records", "/api/check", "/api/bundles"])
def test_a_chunked_body_over_the_limit_is_413(api: Api, path: str) -> None:
    """No Content-Length: the body is streamed, and counted as it comes."""
    reply = api.client.post(path, content=chunks(MAX_BODY_BYTES + 1),
                            headers={**api.auth("admin"), **JSON})
    assert refused(reply, 413)[0]["path"] == "body"


def test_a_chunked_form_over_the_limit_is_413(api: Api) -> None:
    reply = api.client.post("/login", content=chunks(MAX_BODY_BYTES + 1),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status_code == 413


def test_events_on_a_movement_with_a_100_character_id_do_not_loop(any_api: Api) -> None:
    """Ids for events sent without one were cut to 100 characters after the counter was
    added: for a movement whose id is that long, every candidate was the same, taken id, and
    the request held the service's lock for ever."""
    api, long_id = any_api, "m" * 100
    movement = {"id": long_id, "carries": ["abrego-garcia"], "from": "hrl", "to": "sal"}
    reply = api.client.post("/api/movements", json=movement, headers=api.auth("operator"))
    assert reply.status_code == 201, reply.text
    answers: list[int] = []

    def post_three() -> None:
        for _ in range(3):
            answers.append(api.client.post("/api/events", json={**EVENT, "movement": long_id},
                                           headers=api.auth("operator")).status_code)

    worker = threading.Thread(target=post_three, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the server is looping on a fresh id"
    assert answers == [201, 201, 201]
    ids = [e.id for e in api.rig.service.case().events.values() if e.movement == long_id]
    assert len(set(ids)) == 3 and all(len(i) <= 100 for i in ids)


HOSTILE = st.sampled_from([float("nan"), float("inf"), -float("inf"), 10**30, -(10**30),
                           "\ud800", "x\udfff", PAST_THE_END, BEFORE_THE_START, {"a": [1]},
                           [[[]]], None, True, "javascript:alert(1)", "", "\x00"])
BODIES: list[tuple[str, str, dict[str, Any]]] = [
    ("/api/events", "operator", EVENT),
    ("/api/check", "operator", CHECK),
    ("/api/orders", "clerk", {"order": {"id": "o-h", "court": "D.D.C.", "kind": "tro",
                                        "form": "oral", "issued": "2026-01-05T08:00:00Z",
                                        "protects": {"people": ["abrego-garcia"]},
                                        "forbids": ["remove"]}, "parties": ["DOJ"]}),
    ("/api/records", "admin", {"records": [{"kind": "source", "payload": {
        "id": "s-h", "title": "A", "url": "https://example.org/"}}]}),
    ("/api/subscriptions", "counsel", {"url": "https://counsel.example/hook",
                                       "people": ["abrego-garcia"]}),
    ("/api/tokens", "admin", {"role": "operator", "name": "x", "party": "ICE"}),
]
FUZZ_API = build(make_rig())


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))] or [path]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))] or [path]
    return [path]


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)  # type: ignore[index]
    return copy


def _encode(value: Any) -> bytes:
    """JSON as Python writes it: NaN and Infinity as bare words, surrogates escaped."""
    import json

    return json.dumps(value).encode()


@given(target=st.sampled_from(BODIES), data=st.data(), hostile=HOSTILE)
@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
def test_a_hostile_value_anywhere_in_a_body_is_a_4xx(target: tuple[str, str, dict[str, Any]],
                                                     data: st.DataObject, hostile: Any) -> None:
    path, role, body = target
    leaf = data.draw(st.sampled_from(_leaves(body)))
    reply = FUZZ_API.client.post(path, content=_encode(_replace(body, leaf, hostile)),
                                 headers={**FUZZ_API.auth(role), **JSON})
    assert reply.status_code < 500, (path, leaf, hostile, reply.text[:300])
    assert reply.headers["x-content-type-options"] == "nosniff"


def test_a_bug_is_a_500_with_the_security_headers() -> None:
    """The framework's own 500 went out without the headers; now the outermost middleware
    answers for it, and the traceback goes only to the log."""
    from fastapi.testclient import TestClient

    from habeas.app import create_app

    app = create_app(make_rig(flagship=False).service)

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/-/broken", broken)
    reply = TestClient(app, raise_server_exceptions=False).get("/-/broken")
    assert reply.json() == {"error": "internal", "message": "internal error", "problems": []}
    assert refused(reply, 500) == [] and "a bug" not in reply.text
