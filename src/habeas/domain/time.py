"""Valid time as the sources give it: an instant, or an interval when they are vague.

Sources rarely agree to the minute ("between 6:45 and 6:48 p.m.", "early Sunday morning"),
so every time in Habeas is an interval ``[earliest, latest]``; an instant is the interval of
one point. Both ends are kept in UTC for comparison, with the offset the source used for
display, and every comparison says whether it holds *certainly* or only *possibly*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

_ONE_MICROSECOND = timedelta(microseconds=1)


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; a ``ValueError`` naming it if the zone does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown IANA time zone {name!r}") from error


def _offset_minutes(moment: datetime) -> int:
    offset = moment.utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


@dataclass(frozen=True, slots=True, order=False)
class When:
    """A valid time: ``earliest`` and ``latest`` in UTC, equal for an instant.

    ``offset`` is the UTC offset in minutes that the source used (-240 for US Eastern in
    March 2025), kept so that a time prints as the source gave it.

    Example: the class-wide oral order of 15 March 2025 was pronounced between 18:45 and
    18:48 Eastern: ``When.parse(["2025-03-15T18:45", "2025-03-15T18:48"],
    ZoneInfo("America/New_York"))``.
    """

    earliest: datetime
    latest: datetime
    offset: int = 0

    def __post_init__(self) -> None:
        if self.earliest.tzinfo is None or self.latest.tzinfo is None:
            raise ValueError("times must carry a UTC offset")
        if self.earliest > self.latest:
            raise ValueError("interval start is after its end")

    # --- construction -----------------------------------------------------------------

    @classmethod
    def at(cls, moment: datetime) -> When:
        """The instant ``moment`` (which must be aware)."""
        if moment.tzinfo is None:
            raise ValueError("time has no UTC offset")
        try:
            utc = moment.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:59-14:00 is past the calendar's end in UTC
            raise ValueError(OUT_OF_RANGE) from None
        if not EARLIEST <= utc <= LATEST:
            raise ValueError(OUT_OF_RANGE)
        return cls(utc, utc, _offset_minutes(moment))

    @classmethod
    def parse(cls, value: Any, tz: tzinfo | None) -> When:
        """Read an ISO 8601 instant, a date (the whole day in ``tz``) or a pair of them.

        A time without an offset takes ``tz``; with no ``tz`` it is refused, because
        guessing the zone of "18:48" is how an order ends up an hour late.
        """
        if isinstance(value, When):
            return value
        if isinstance(value, (list, tuple)):
            if len(value) != 2:
                raise ValueError("an interval is a list of two times [earliest, latest]")
            first = cls.parse(value[0], tz)
            second = cls.parse(value[1], tz)
            if first.earliest > second.latest:
                raise ValueError("interval start is after its end")
            return cls(first.earliest, second.latest, first.offset)
        if isinstance(value, datetime):
            return cls.at(_localise(value, tz))
        if isinstance(value, date):
            return _whole_day(value, tz)
        if not isinstance(value, str):
            raise ValueError("a time is an ISO 8601 string or a list [earliest, latest]")
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return _whole_day(date.fromisoformat(text), tz)
        try:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError as error:
            raise ValueError("not an ISO 8601 date or time") from error
        return cls.at(_localise(moment, tz))

    # --- reading ----------------------------------------------------------------------

    @property
    def is_instant(self) -> bool:
        return self.earliest == self.latest

    @property
    def tz(self) -> tzinfo:
        """The fixed offset the source used."""
        return timezone(timedelta(minutes=self.offset))

    def local(self, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
        """Both ends in ``tz`` (default: the source's own offset)."""
        target = tz or self.tz
        return self.earliest.astimezone(target), self.latest.astimezone(target)

    def to_json(self) -> str | list[str]:
        """ISO 8601 in the source's offset: a string for an instant, else ``[earliest, latest]``."""
        first, last = self.local()
        if self.is_instant:
            return first.isoformat()
        return [first.isoformat(), last.isoformat()]

    def format(self, tz: tzinfo | None = None) -> str:
        """Human form: ``2025-03-15 18:45 EDT`` or ``2025-03-15 18:45–18:48 EDT``."""
        first, last = self.local(tz)
        if self.is_instant:
            return f"{first:%Y-%m-%d %H:%M %Z}"
        if first.date() == last.date():
            return f"{first:%Y-%m-%d %H:%M}–{last:%H:%M %Z}"
        return f"{first:%Y-%m-%d %H:%M} – {last:%Y-%m-%d %H:%M %Z}"

    # --- interval-aware comparisons -----------------------------------------------------

    def certainly_before(self, other: When) -> bool:
        """Every moment of ``self`` is strictly before every moment of ``other``."""
        return self.latest < other.earliest

    def possibly_before(self, other: When) -> bool:
        """Some moment of ``self`` is strictly before some moment of ``other``."""
        return self.earliest < other.latest

    def certainly_at_or_before(self, other: When) -> bool:
        return self.latest <= other.earliest

    def possibly_at_or_before(self, other: When) -> bool:
        return self.earliest <= other.latest

    def overlaps(self, other: When) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest

    def shifted(self, delta: timedelta) -> When:
        return When(self.earliest + delta, self.latest + delta, self.offset)

    def hull(self, other: When) -> When:
        """The smallest interval holding both."""
        return When(min(self.earliest, other.earliest), max(self.latest, other.latest),
                    self.offset)

    # --- pydantic integration ---------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any, info: core_schema.ValidationInfo) -> When:
            context = info.context or {}
            try:
                return cls.parse(value, context.get("tz"))
            except ValueError as error:
                raise PydanticCustomError("habeas_time", str(error)) from None

        return core_schema.with_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda when: when.to_json()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        moment = {
            "type": "string",
            "description": "ISO 8601 date-time (offset optional: the bundle's timezone "
            "applies) or a date (the whole day)",
        }
        return {
            "anyOf": [
                moment,
                {"type": "array", "items": moment, "minItems": 2, "maxItems": 2,
                 "description": "an interval [earliest, latest]"},
            ]
        }


def _localise(moment: datetime, tz: tzinfo | None) -> datetime:
    if moment.tzinfo is not None:
        return moment
    if tz is None:
        raise ValueError("time has no UTC offset and no timezone applies")
    return moment.replace(tzinfo=tz)


def _whole_day(day: date, tz: tzinfo | None) -> When:
    if tz is None:
        raise ValueError("a date alone needs a timezone to say which day it is")
    try:
        start = datetime(day.year, day.month, day.day, tzinfo=tz)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    except OverflowError:
        raise ValueError(OUT_OF_RANGE) from None
    first, last = When.at(start), When.at(end - _ONE_MICROSECOND)
    return When(first.earliest, last.latest, first.offset)


#: Times a record may hold: far from the calendar's ends, so that no arithmetic on them (a
#: day added, an offset applied, a deadline computed) can overflow.
EARLIEST = datetime(1000, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
OUT_OF_RANGE = "a time between the years 1000 and 9000"


_PERIOD = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?"
)


@dataclass(frozen=True, slots=True)
class Period:
    """An ISO 8601 duration with calendar parts: ``P14D`` (a TRO), ``P1Y`` (a detention term).

    Years and months are calendar units, so ``P1Y`` from 16 March 2025 ends on 16 March 2026
    whatever the length of the year.
    """

    years: int = 0
    months: int = 0
    days: int = 0
    seconds: int = 0

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.fullmatch(text.strip()) if isinstance(text, str) else None
        if not match or text.strip() in ("P", "PT") or text.strip().endswith("T"):
            raise ValueError("not an ISO 8601 duration such as P14D or PT6H")
        part = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
        return cls(
            years=part["years"],
            months=part["months"],
            days=part["days"] + 7 * part["weeks"],
            seconds=part["hours"] * 3600 + part["minutes"] * 60 + part["seconds"],
        )

    def add_to(self, moment: datetime) -> datetime:
        """``moment`` plus this period; the 29th of February rolls back to the 28th."""
        month_index = moment.month - 1 + self.months + 12 * self.years
        year, month = moment.year + month_index // 12, month_index % 12 + 1
        day = moment.day
        while True:
            try:
                shifted = moment.replace(year=year, month=month, day=day)
                break
            except ValueError:
                day -= 1
        return shifted + timedelta(days=self.days, seconds=self.seconds)

    def to_json(self) -> str:
        out = "P"
        out += f"{self.years}Y" if self.years else ""
        out += f"{self.months}M" if self.months else ""
        out += f"{self.days}D" if self.days else ""
        if self.seconds:
            hours, rest = divmod(self.seconds, 3600)
            minutes, seconds = divmod(rest, 60)
            out += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
            out += f"{seconds}S" if seconds else ""
        return out if out != "P" else "PT0S"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any) -> Period:
            if isinstance(value, Period):
                return value
            try:
                return cls.parse(value)
            except (ValueError, TypeError):
                raise PydanticCustomError(
                    "habeas_period", "not an ISO 8601 duration such as P14D or PT6H"
                ) from None

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda period: period.to_json()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": r"^P", "description": "ISO 8601 duration, e.g. P14D"}
