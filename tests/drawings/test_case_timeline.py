"""The flagship's timeline: lanes, spans proportional to the sources' intervals, effect
times under each reading, and clock labels in the zone asked for."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from habeas.domain import Case
from habeas.drawings import case_timeline
from habeas.drawings.svg import text_width

from .svgparse import find_all, parse, texts

NY = "America/New_York"


def items(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-id", ""): g for g in find_all(root, "g", "item")}


def effects(root: ET.Element) -> list[ET.Element]:
    return find_all(root, "g", "effect")


def effect_x(g: ET.Element) -> float:
    return float(find_all(g, "line")[0].get("x1", ""))


def mark_x(g: ET.Element) -> tuple[float, float]:
    """Left and right edge of an item's bar or diamond."""
    rects = find_all(g, "rect")
    if rects:
        x = float(rects[0].get("x", ""))
        return x, x + float(rects[0].get("width", ""))
    xs = [float(p.split(",")[0]) for p in find_all(g, "polygon")[0].get("points", "").split()]
    return min(xs), max(xs)


def test_lanes_run_from_orders_to_statements(flagship: Case) -> None:
    lanes = [g.get("data-lane") for g in find_all(parse(case_timeline(flagship, NY)), "g",
                                                    "lane")]
    assert lanes == ["Orders", "Notices", "GXA6143 (N278GX)", "GXA6145 (N837VA)",
                     "GXA6122 (N630VA)", "People", "Statements"]


def test_each_flight_lane_holds_its_own_events(flagship: Case) -> None:
    root = parse(case_timeline(flagship, NY))
    for lane in find_all(root, "g", "lane"):
        name = lane.get("data-lane", "")
        if name.startswith("GXA"):
            flight = name.split()[0].lower()
            ids = [g.get("data-id", "") for g in find_all(lane, "g", "item")]
            assert ids and all(i.startswith(flight + ".") for i in ids)
            assert {i.split(".")[1] for i in ids} == {"departed", "exited_us", "landed",
                                                      "custody_transferred"}


def test_labels_and_bars_do_not_overlap(flagship: Case) -> None:
    root = parse(case_timeline(flagship, NY))
    boxes: list[tuple[float, float, float, float]] = []
    for g in find_all(root, "g", "item"):
        label = find_all(g, "text")[0]
        x, y = float(label.get("x", "")), float(label.get("y", ""))
        size = float(label.get("font-size", ""))
        boxes.append((x, y - size, x + text_width(label.text or "", size), y))
        left, right = mark_x(g)
        bar_y = y + 3
        boxes.append((left, bar_y, right, bar_y + 7))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] and b[1] < a[3]
            if overlap and not _same_item(a, b, boxes):
                raise AssertionError(f"overlap: {a} {b}")


def _same_item(a: tuple[float, ...], b: tuple[float, ...], boxes: list[tuple[float, ...]]
               ) -> bool:
    """A label may sit right above its own bar."""
    i, j = boxes.index(a), boxes.index(b)
    return i // 2 == j // 2


def test_interval_widths_are_proportional_to_duration(flagship: Case) -> None:
    root = parse(case_timeline(flagship, NY))
    ratios = []
    for g in find_all(root, "g", "item"):
        if g.get("data-clipped"):
            continue
        rects = find_all(g, "rect", "interval")
        if not rects:
            continue
        start = datetime.fromisoformat(g.get("data-start", ""))
        end = datetime.fromisoformat(g.get("data-end", ""))
        seconds = (end - start).total_seconds()
        if seconds >= 3600:
            ratios.append(float(rects[0].get("width", "")) / seconds)
    assert len(ratios) >= 12
    assert max(ratios) - min(ratios) < 1e-4 * max(ratios) + 0.01 / 3600
    # landed in Honduras: 7:30-9:50 p.m.: 2 h 20 min; exited the US: 5:25-7:25 p.m.: 2 h
    found = items(root)
    landed = mark_x(found["gxa6143.landed.1"])
    exited = mark_x(found["gxa6143.exited_us.1"])
    assert abs((landed[1] - landed[0]) / (exited[1] - exited[0]) - 140 / 120) < 0.01


def test_effect_times_are_marked_for_each_reading(flagship: Case) -> None:
    root = parse(case_timeline(flagship, NY))
    marks = {(g.get("data-orders"), g.get("data-interpretation")): g for g in effects(root)}
    oral = marks[("tro-class-oral", "oral")]
    # Under the written reading the oral order never binds; the written one binds under both.
    written = marks[("tro-class-written", "oral written")]
    assert not any(o == "tro-class-oral" and "written" in r for o, r in marks)
    assert oral.get("data-start") == "2025-03-15T22:45:00+00:00"
    assert written.get("data-start") == "2025-03-15T23:25:00+00:00"
    assert "effect-oral" in (oral.get("class") or "")
    found = items(root)
    # The first two planes left before the oral order; the third after the written one.
    assert mark_x(found["gxa6143.departed.1"])[1] < effect_x(oral)
    assert mark_x(found["gxa6145.departed.1"])[1] < effect_x(oral)
    assert mark_x(found["gxa6122.departed.1"])[0] > effect_x(written)
    labels = texts(root)
    assert "In force 18:45\N{EN DASH}18:48 EDT: tro-class-oral (oral reading)" in labels
    assert "In force 19:25\N{EN DASH}19:26 EDT: tro-class-written (both readings)" in labels


def test_one_reading_only(flagship: Case) -> None:
    root = parse(case_timeline(flagship, NY, interpretations=("written",)))
    assert [g.get("data-interpretation") for g in effects(root)] == ["written"]
    assert not find_all(root, "g", "effect-oral")


def test_times_are_shown_in_the_zone_asked_for(flagship: Case) -> None:
    for zone, clock in (("America/Chicago", "17:45\N{EN DASH}17:48 CDT"),
                        ("UTC", "22:45\N{EN DASH}22:48 UTC"),
                        ("America/El_Salvador", "16:45\N{EN DASH}16:48 CST")):
        root = parse(case_timeline(flagship, zone))
        assert f"In force {clock}: tro-class-oral (oral reading)" in texts(root)
        ticks = find_all(root, "text", "tick")
        assert ticks
        for tick in ticks:
            moment = datetime.fromisoformat(tick.get("data-time", ""))
            assert tick.text == f"{moment:%H:%M}"
            assert moment.minute == 0
        assert any(zone in t for t in texts(root))


def test_a_focus_window_lists_what_it_leaves_out(flagship: Case) -> None:
    focus = (datetime(2025, 3, 15, 21, 0, tzinfo=UTC), datetime(2025, 3, 16, 1, 0, tzinfo=UTC))
    root = parse(case_timeline(flagship, NY, focus=focus))
    shown = set(items(root))
    assert "gxa6143.departed.1" in shown
    assert "gxa6143.landed.2" not in shown  # 23:30 ET at the earliest: after the window
    left_out = [t.text or "" for t in find_all(root, "text", "unshown")]
    assert left_out[0] == "Outside this window:"
    assert any("withholding-2019" in line for line in left_out)


def test_text_from_the_case_is_escaped(flagship: Case) -> None:
    statements = dict(flagship.statements)
    statements["leavitt"] = statements["leavitt"].model_copy(
        update={"speaker": "<img src=x onerror=alert(1)>"})
    svg = case_timeline(dataclasses.replace(flagship, statements=statements), NY)
    assert "<img" not in svg and "&lt;img" in svg
    parse(svg)


def test_output_is_deterministic(flagship: Case) -> None:
    assert case_timeline(flagship, NY) == case_timeline(flagship, NY)


def test_an_empty_case_draws_an_empty_chart() -> None:
    root = parse(case_timeline(Case(title="empty"), "UTC"))
    assert not find_all(root, "g", "lane") and not effects(root)


def test_without_movements_the_window_covers_everything(flagship: Case) -> None:
    case = dataclasses.replace(flagship, movements={}, events={})
    found = items(parse(case_timeline(case, NY)))
    assert {"withholding-2019", "tro-class-oral", "vacatur-apr7", "leavitt"} <= set(found)
