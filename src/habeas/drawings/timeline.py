"""The case timeline: orders, notices, movements and statements on one time axis, as SVG.

The question a court asks of a night like 15 March 2025 is one of order: was the plane
still in the air when the order took effect? Sources give intervals ("landed between 7:30
and 9:50 p.m."), so each fact is drawn as a span whose width is its uncertainty, and each
order's effect time is drawn across every lane once per reading of the law (oral or
written), so a reader sees at a glance which facts fall before or after it under each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo

from habeas.domain import Case, When
from habeas.domain.time import zone
from habeas.drawings.style import FONT, INK, MUTED, movement_style
from habeas.drawings.svg import Node, document, el, points, text_width
from habeas.drawings.timescale import TimeScale
from habeas.drawings.words import event_phrase, movement_name, order_phrase
from habeas.law.force import Force
from habeas.law.interpretation import EFFECTS, Effect, Interpretation

LANE_LABEL_W = 150.0
ROW_H = 22.0
BAR_H = 7.0
LABEL_SIZE = 10.5
GAP = 8.0
READING_COLOUR = {"oral": "#b2182b", "written": "#2166ac"}
READING_DASH: dict[str, str | None] = {"oral": None, "written": "6 3"}
BOTH_COLOUR = INK
MAX_UNSHOWN = 8


@dataclass(frozen=True)
class Item:
    """One fact to draw: its lane, its span in valid time, and the words beside it."""

    lane: str
    kind: str
    id: str
    when: When
    label: str
    detail: str
    colour: str


@dataclass(frozen=True)
class EffectLine:
    """The moment an order binds under some readings; several orders may share one."""

    when: When
    parts: tuple[tuple[str, tuple[Effect, ...]], ...]  # (order id, readings)

    @property
    def readings(self) -> tuple[Effect, ...]:
        return tuple(r for r in EFFECTS if any(r in rs for _, rs in self.parts))


def case_timeline(case: Case, tz: str | tzinfo,
                  interpretations: Sequence[Effect] = EFFECTS,
                  focus: tuple[datetime, datetime] | None = None,
                  width: float = 960) -> str:
    """The case as lanes over time in ``tz``, with each order's effect time marked under each
    reading in ``interpretations``. ``focus`` is the window shown (aware datetimes); by
    default the movements' night, from the first to the last movement event."""
    zone_info = zone(tz) if isinstance(tz, str) else tz
    items = _items(case, zone_info)
    effects = _effects(case, interpretations)
    start, end = focus or _default_window(items, effects)
    scale = TimeScale(start, end, LANE_LABEL_W + 6, width - 12, zone_info)
    shown = [_timed(i, zone_info) for i in items if _visible(i.when, start, end)]
    unshown = [i for i in items if not _visible(i.when, start, end)]
    effects = [e for e in effects if _visible(e.when, start, end)]

    body: list[Node] = []
    y = 8.0
    header, y = _effect_header(effects, scale, zone_info, y)
    axis_top = y + 12
    y += 34
    lanes_top = y
    lane_nodes: list[Node] = []
    for lane in _lane_order(shown):
        node, y = _lane(lane, [i for i in shown if i.lane == lane], scale, y)
        lane_nodes.append(node)
    lanes_bottom = y
    body += scale.grid(axis_top + 16, lanes_bottom)
    body.append(scale.axis(axis_top + 14))
    body += lane_nodes
    body += _effect_lines(effects, scale, lanes_top - 6, lanes_bottom)
    body += header
    y = lanes_bottom + 18
    body.append(el("text", class_="zone-note", x=4, y=y, font_size=10, font_family=FONT,
                   fill=MUTED, text=f"Times in {scale.zone_label()}. Spans show the interval "
                   "the sources allow; a diamond marks an exact time."))
    y = _unshown(body, unshown, zone_info, y, width)
    height = y + 10
    return document(width, height, f"Timeline: {case.title}", *body,
                    class_="habeas-case-timeline")


def _items(case: Case, tz: tzinfo) -> list[Item]:
    items: list[Item] = []
    for order in case.orders.values():
        items.append(Item("Orders", "order", order.id, order.issued,
                          f"{order_phrase(order)} issued", order.court, INK))
    for notice in case.notices.values():
        items.append(Item("Notices", "notice", notice.id, notice.at,
                          f"{notice.party.split(' (')[0]} knew of {notice.order}",
                          notice.how or "", MUTED))
    movement_lanes = {m_id: movement_name(m) for m_id, m in case.movements.items()}
    colours = {m: movement_style(i)[0] for i, m in enumerate(case.movements)}
    for event in case.events.values():
        if event.kind == "position":
            continue
        lane = movement_lanes.get(event.movement or "", "People")
        colour = colours.get(event.movement or "", INK)
        items.append(Item(lane, event.kind, event.id, event.at, event_phrase(case, event),
                          event.note or "", colour))
    for statement in case.statements.values():
        speaker = statement.speaker.split(",")[0]
        items.append(Item("Statements", "statement", statement.id, statement.at,
                          f"{speaker}: “{_clip(statement.text, 48)}”", statement.text, MUTED))
    return sorted(items, key=lambda i: (i.when.earliest, i.when.latest, i.id))


def _timed(item: Item, tz: tzinfo) -> Item:
    """The label with its clock time, for facts short enough that the time is the point."""
    if item.when.latest - item.when.earliest > timedelta(hours=12):
        return item
    return replace(item, label=f"{item.label} {TimeScale.clock(item.when, tz, zone=False)}")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _lane_order(items: list[Item]) -> list[str]:
    """Orders and notices on top, then each movement in case order, then people and
    statements: cause above effect."""
    fixed_top, fixed_bottom = ["Orders", "Notices"], ["People", "Statements"]
    present = list(dict.fromkeys(i.lane for i in items))
    middle = [lane for lane in present if lane not in fixed_top + fixed_bottom]
    return [lane for lane in (*fixed_top, *middle, *fixed_bottom) if lane in present]


def _effects(case: Case, readings: Sequence[Effect]) -> list[EffectLine]:
    """Effect times grouped by interval, so orders that bind at the same moment share one
    line instead of drawing over each other."""
    grouped: dict[tuple[datetime, datetime], list[tuple[str, Effect, When]]] = {}
    for reading in readings:
        force = Force(case.orders, Interpretation(effect=reading))
        for order in case.orders.values():
            when = force.effect(order.id)
            if when is not None:
                grouped.setdefault((when.earliest, when.latest), []).append(
                    (order.id, reading, when))
    effects = []
    for key in sorted(grouped):
        entries = grouped[key]
        by_order: dict[str, list[Effect]] = {}
        for order_id, reading, _ in entries:
            by_order.setdefault(order_id, []).append(reading)
        effects.append(EffectLine(entries[0][2], tuple((o, tuple(r)) for o, r in by_order.items())))
    return effects


def _default_window(items: list[Item], effects: list[EffectLine]) -> tuple[datetime, datetime]:
    """The movements from first to last event, widened to any effect time up to six hours
    before; without movements, everything."""
    moving = [i for i in items if i.lane not in ("Orders", "Notices", "Statements", "People")]
    basis = moving or items
    if not basis:
        epoch = datetime(2000, 1, 1, tzinfo=UTC)
        return epoch, epoch + timedelta(hours=1)
    start = min(i.when.earliest for i in basis)
    end = max(i.when.latest for i in basis)
    for effect in effects:
        if start - timedelta(hours=6) <= effect.when.earliest < start:
            start = effect.when.earliest
    pad = (end - start) * 0.03 or timedelta(minutes=30)
    return start - pad, end + pad


def _visible(when: When, start: datetime, end: datetime) -> bool:
    return when.latest >= start and when.earliest <= end


@dataclass(frozen=True)
class _Placed:
    item: Item
    x0: float
    x1: float
    label_x: float
    row: int


def _pack(items: list[Item], scale: TimeScale) -> list[_Placed]:
    """Rows within a lane: each span and its label take the first row where both clear
    what is already there."""
    ends: list[float] = []
    placed = []
    for item in items:
        x0, x1 = scale.x(item.when.earliest), scale.x(item.when.latest)
        label_w = text_width(item.label, LABEL_SIZE)
        label_x = min(max(x0, scale.left), scale.right - label_w)
        begin = min(label_x, max(x0, scale.left) - 5)
        finish = max(min(x1, scale.right) + 5, label_x + label_w) + GAP
        row = next((r for r, end in enumerate(ends) if end <= begin), len(ends))
        if row == len(ends):
            ends.append(finish)
        else:
            ends[row] = finish
        placed.append(_Placed(item, x0, x1, label_x, row))
    return placed


def _lane(name: str, items: list[Item], scale: TimeScale, top: float) -> tuple[Node, float]:
    placed = _pack(items, scale)
    rows = max(p.row for p in placed) + 1
    height = rows * ROW_H + 6
    nodes: list[Node] = [
        el("line", x1=0, y1=top, x2=scale.right, y2=top, stroke="#d0d0d0", stroke_width=0.8),
        el("text", class_="lane-label", x=4, y=top + 16, font_size=11, font_family=FONT,
           font_weight="bold", fill=INK, text=name),
    ]
    nodes += [_span(p, scale, top + 4 + p.row * ROW_H) for p in placed]
    return el("g", *nodes, class_="lane", data_lane=name, data_rows=rows), top + height


def _span(p: _Placed, scale: TimeScale, row_top: float) -> Node:
    """A bar as wide as the interval (exactly proportional, clipped to the window), or a
    diamond for an instant, with its label above."""
    item = p.item
    bar_y = row_top + 14
    left, right = max(p.x0, scale.left), min(p.x1, scale.right)
    children: list[Node] = [el("title", text=f"{item.label}. {item.detail}".strip(". "))]
    if item.when.is_instant:
        cx = p.x0
        children.append(el("polygon", class_="instant",
                           points=points([(cx, bar_y - 1.5), (cx + 5, bar_y + BAR_H / 2),
                                          (cx, bar_y + BAR_H + 1.5), (cx - 5, bar_y + BAR_H / 2)]),
                           fill=item.colour))
    else:
        children.append(el("rect", class_="interval", x=left, y=bar_y, width=right - left,
                           height=BAR_H, fill=item.colour, fill_opacity=0.55, stroke=item.colour,
                           stroke_width=0.8))
        if right - left < 3:
            children.append(el("line", x1=left, y1=bar_y - 2, x2=left, y2=bar_y + BAR_H + 2,
                               stroke=item.colour, stroke_width=1.5))
    children.append(el("text", x=p.label_x, y=row_top + 11, font_size=LABEL_SIZE,
                       font_family=FONT, fill=INK, text=item.label))
    clipped = "start" if p.x0 < scale.left else ("end" if p.x1 > scale.right else None)
    return el("g", *children, class_="item", data_kind=item.kind, data_id=item.id,
              data_start=item.when.earliest.isoformat(), data_end=item.when.latest.isoformat(),
              data_clipped=clipped)


def _effect_header(effects: list[EffectLine], scale: TimeScale, tz: tzinfo,
                   top: float) -> tuple[list[Node], float]:
    """Labels of the effect lines, in rows above the axis so they never overlap."""
    size = 10.5
    ends: list[float] = []
    nodes: list[Node] = []
    for effect in effects:
        label = _effect_label(effect, tz)
        w = text_width(label, size)
        x = min(max(scale.x(effect.when.earliest), scale.left), scale.right - w)
        row = next((r for r, end in enumerate(ends) if end <= x), len(ends))
        if row == len(ends):
            ends.append(x + w + GAP)
        else:
            ends[row] = x + w + GAP
        nodes.append(el("text", class_="effect-label", x=x, y=top + 12 + row * 16,
                        font_size=size, font_family=FONT, font_weight="bold",
                        fill=_effect_colour(effect), text=label))
    return nodes, top + len(ends) * 16 + 4


def _effect_label(effect: EffectLine, tz: tzinfo) -> str:
    parts = []
    for order_id, readings in effect.parts:
        which = "both readings" if len(readings) == len(EFFECTS) else \
            " and ".join(readings) + " reading"
        parts.append(f"{order_id} ({which})")
    return f"In force {TimeScale.clock(effect.when, tz)}: " + "; ".join(parts)


def _effect_colour(effect: EffectLine) -> str:
    readings = effect.readings
    return READING_COLOUR[readings[0]] if len(readings) == 1 else BOTH_COLOUR


def _effect_lines(effects: list[EffectLine], scale: TimeScale, top: float,
                  bottom: float) -> list[Node]:
    nodes = []
    for effect in effects:
        colour = _effect_colour(effect)
        x0, x1 = scale.x(effect.when.earliest), scale.x(effect.when.latest)
        dash = READING_DASH[effect.readings[0]] if len(effect.readings) == 1 else "2 2"
        nodes.append(el(
            "g",
            el("rect", x=x0, y=top, width=x1 - x0, height=bottom - top, fill=colour,
               fill_opacity=0.12),
            el("line", x1=x0, y1=top, x2=x0, y2=bottom, stroke=colour, stroke_width=1.4,
               stroke_dasharray=dash),
            class_="effect " + " ".join(f"effect-{r}" for r in effect.readings),
            data_orders=" ".join(o for o, _ in effect.parts),
            data_interpretation=" ".join(effect.readings),
            data_start=effect.when.earliest.isoformat(),
            data_end=effect.when.latest.isoformat(),
        ))
    return nodes


def _unshown(body: list[Node], unshown: list[Item], tz: tzinfo, y: float,
             width: float) -> float:
    """What the window leaves out, one fact a line in two columns, so nothing is silently
    dropped and the chart stays short enough for a page."""
    if not unshown:
        return y
    y += 14
    body.append(el("text", class_="unshown", x=4, y=y, font_size=10, font_family=FONT,
                   fill=MUTED, text="Outside this window:"))
    lines = [f"{i.lane}: {i.label} ({i.when.format(tz)})" for i in unshown[:MAX_UNSHOWN]]
    if len(unshown) > MAX_UNSHOWN:
        lines.append(f"and {len(unshown) - MAX_UNSHOWN} more.")
    half = (len(lines) + 1) // 2
    column_chars = int((width / 2 - 16) / (0.6 * 10))
    for index, line in enumerate(lines):
        column, row = divmod(index, half)
        body.append(el("text", class_="unshown", x=4 + column * width / 2,
                       y=y + 13 * (row + 1), font_size=10, font_family=FONT, fill=MUTED,
                       text=_clip(line, column_chars)))
    return y + 13 * half
