"""A linear time axis in a chosen zone: positions, ticks and clock labels.

Ticks fall on round local times (18:00, not 17:47 UTC-ish), because a clerk reads the
chart against filings that give local times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from habeas.domain import When
from habeas.drawings.style import FONT, INK
from habeas.drawings.svg import Node, el

_STEPS = [timedelta(minutes=m) for m in (5, 10, 15, 30, 60, 120, 180, 360, 720)] + [
    timedelta(days=d) for d in (1, 2, 7, 14, 30, 61, 91, 182, 365)]
MIN_TICK_GAP = 64.0
DASH = "\N{EN DASH}"


@dataclass(frozen=True)
class TimeScale:
    """Maps ``start``..``end`` onto ``left``..``right`` pixels; labels in ``tz``."""

    start: datetime
    end: datetime
    left: float
    right: float
    tz: tzinfo

    @property
    def per_second(self) -> float:
        return (self.right - self.left) / max((self.end - self.start).total_seconds(), 1.0)

    def x(self, moment: datetime) -> float:
        return self.left + (moment - self.start).total_seconds() * self.per_second

    def step(self) -> timedelta:
        for step in _STEPS:
            if step.total_seconds() * self.per_second >= MIN_TICK_GAP:
                return step
        return _STEPS[-1]

    def ticks(self) -> list[datetime]:
        """Round local times within the window."""
        step = self.step()
        local = self.start.astimezone(self.tz)
        if step >= timedelta(days=1):
            first = local.replace(hour=0, minute=0, second=0, microsecond=0)
        else:
            minutes = int(step.total_seconds() // 60)
            midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
            since = int((local - midnight).total_seconds() // 60)
            first = midnight + timedelta(minutes=(since // minutes) * minutes)
        out = []
        tick = first
        while tick <= self.end:
            if tick >= self.start:
                out.append(tick)
            tick = (tick + step).astimezone(self.tz)
        return out

    def axis(self, y: float) -> Node:
        """Clock labels above ``y``, and above them the date wherever it changes."""
        nodes: list[Node] = [el("line", x1=self.left, y1=y, x2=self.right, y2=y, stroke=INK,
                                stroke_width=0.8)]
        previous_day = None
        daily = self.step() >= timedelta(days=1)
        for tick in self.ticks():
            x = self.x(tick)
            anchor = "middle" if x > self.left + 40 else "start"
            nodes.append(el("text", class_="tick", x=x, y=y - 4, font_size=10, font_family=FONT,
                            fill=INK, text_anchor=anchor, data_time=tick.isoformat(),
                            text=f"{tick:%d %b %Y}" if daily else f"{tick:%H:%M}"))
            if not daily and tick.date() != previous_day:
                nodes.append(el("text", class_="tick-date", x=x, y=y - 16, font_size=10,
                                font_family=FONT, font_weight="bold", fill=INK,
                                text_anchor=anchor, text=f"{tick:%a %d %b %Y}"))
            previous_day = tick.date()
        return el("g", *nodes, class_="axis")

    def grid(self, top: float, bottom: float) -> list[Node]:
        return [el("line", class_="grid", x1=self.x(t), y1=top, x2=self.x(t), y2=bottom,
                   stroke="#e4e4e4", stroke_width=0.8) for t in self.ticks()]

    def zone_label(self) -> str:
        """``America/New_York (EDT, UTC-04:00)``: the zone and what it meant in the window."""
        local = self.start.astimezone(self.tz)
        name = getattr(self.tz, "key", None) or local.tzname() or "UTC"
        offset = local.strftime("%z")
        return f"{name} ({local.tzname()}, UTC{offset[:3]}:{offset[3:]})"

    @staticmethod
    def clock(when: When, tz: tzinfo, zone: bool = True) -> str:
        """``18:45-18:48 EDT`` (with an en dash); the day too when the span crosses midnight."""
        first, last = when.local(tz)
        suffix = f" {last:%Z}" if zone else ""
        if when.is_instant:
            return f"{first:%H:%M}{suffix}"
        if first.date() == last.date():
            return f"{first:%H:%M}{DASH}{last:%H:%M}{suffix}"
        if (last.date() - first.date()).days == 1:
            return f"{first:%H:%M}{DASH}{last:%H:%M} (+1 day){suffix}"
        return f"{first:%d %b %H:%M}{DASH}{last:%d %b %H:%M}{suffix}"

