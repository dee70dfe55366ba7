"""A synthetic national year, seeded and reproducible, for benchmarks of the engine.

DESIGN.md plans for roughly 500,000 people, 20,000 removal flights, 5,000,000 events (most
of them position fixes) and 100,000 orders a year, of which a few dozen are class-wide. This
module builds such a ``Case`` directly, without a bundle or a ledger:

* Objects are made from a validated template with ``model_construct``-style copying
  (``_maker``): validating millions of generated values would measure Pydantic, not the
  engine, and every template is itself validated once.
* Position fixes are kept columnar (``EventTable``): a ``Mapping[str, Event]`` that holds
  ordinary events in a dict and materialises each position ``Event`` when it is read. The
  engine sees an ordinary mapping and pays for every event it reads; only the memory of
  4.9 million idle Python objects is saved.

Example: ``national_year(seed=1, scale=0.01)`` is a 1 % year: 5,000 people, 200 flights,
50,000 events, 1,000 orders.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Callable, Iterator, Mapping, ValuesView
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel

from habeas.domain import (
    Authority,
    Case,
    ClassScope,
    Event,
    Holder,
    Movement,
    Order,
    Period,
    Person,
    Place,
    Prohibition,
    Scope,
    When,
)
from habeas.domain.orders import Directive

M = TypeVar("M", bound=BaseModel)
YEAR = datetime(2025, 1, 1, tzinfo=UTC)
SECONDS_IN_YEAR = 365 * 86_400
FOREIGN = ("MX", "GT", "HN", "SV", "VE", "CO", "EC", "HT", "DO", "NI")
BASES = (("title8", 0.70), ("expedited", 0.20), ("reinstatement", 0.08), ("aea", 0.02))
DISTRICTS = tuple(f"D-{i:02d}" for i in range(20))


def _maker(model: type[M], template: M) -> Callable[..., M]:
    """A fast constructor: a copy of the validated ``template``'s fields, updated."""
    base = dict(template.__dict__)
    fields_set = template.__pydantic_fields_set__
    new, put = object.__new__, object.__setattr__

    def make(**values: Any) -> M:
        obj = new(model)
        fields = base.copy()
        fields.update(values)
        put(obj, "__dict__", fields)
        put(obj, "__pydantic_fields_set__", fields_set)
        put(obj, "__pydantic_extra__", None)
        put(obj, "__pydantic_private__", None)
        return obj

    return make


_YEAR_TS = YEAR.timestamp()
_from_ts = datetime.fromtimestamp


def _instant(seconds: float) -> When:
    moment = _from_ts(_YEAR_TS + seconds, UTC)
    return When(moment, moment, 0)


_MINUTES: dict[int, When] = {}


def _minute(minute: int) -> When:
    """The instant ``minute`` minutes into the year, shared: position fixes fall on whole
    minutes, so half a million ``When`` objects serve five million fixes."""
    found = _MINUTES.get(minute)
    if found is None:
        found = _MINUTES[minute] = _instant(60.0 * minute)
    return found


def _span(seconds: float, width: float) -> When:
    first = YEAR + timedelta(seconds=seconds)
    return When(first, first + timedelta(seconds=width), 0)


_EVENT = Event(at=_instant(0), kind="position", movement="f0", lat=0.0, lon=0.0)
_make_event = _maker(Event, _EVENT)
_POSITION, _POSITION_SET = dict(_EVENT.__dict__), _EVENT.__pydantic_fields_set__
_new, _put = object.__new__, object.__setattr__


class _Values(ValuesView[Event]):
    def __init__(self, table: EventTable) -> None:
        super().__init__(table)
        self.table = table

    def __iter__(self) -> Iterator[Event]:
        yield from self.table.regular.values()
        for row in range(len(self.table.flight)):
            yield self.table.position(row)


@dataclass
class EventTable(Mapping[str, Event]):
    """Ordinary events by id, and position fixes as compact columns: the flight (an index
    into ``flights``), the minute of the year, latitude and longitude."""

    regular: dict[str, Event]
    flights: list[str]
    flight: array[int] = field(default_factory=lambda: array("i"))
    minute: array[int] = field(default_factory=lambda: array("i"))
    lat: array[float] = field(default_factory=lambda: array("f"))
    lon: array[float] = field(default_factory=lambda: array("f"))

    def position(self, row: int) -> Event:
        flight = self.flights[self.flight[row]]
        event = _new(Event)
        _put(event, "__dict__", {**_POSITION, "id": f"{flight}.position.{row}",
                                 "at": _minute(self.minute[row]), "movement": flight,
                                 "lat": self.lat[row], "lon": self.lon[row]})
        _put(event, "__pydantic_fields_set__", _POSITION_SET)
        _put(event, "__pydantic_extra__", None)
        _put(event, "__pydantic_private__", None)
        return event

    def __getitem__(self, key: str) -> Event:
        found = self.regular.get(key)
        if found is not None:
            return found
        stem, sep, row = key.rpartition(".position.")
        if not sep or not row.isdigit() or int(row) >= len(self.flight) or \
                self.flights[self.flight[int(row)]] != stem:
            raise KeyError(key)
        return self.position(int(row))

    def __iter__(self) -> Iterator[str]:
        yield from self.regular
        for row, index in enumerate(self.flight):
            yield f"{self.flights[index]}.position.{row}"

    def __len__(self) -> int:
        return len(self.regular) + len(self.flight)

    def values(self) -> _Values:
        return _Values(self)


def _world() -> tuple[dict[str, Place], dict[str, Holder], dict[str, Authority]]:
    places = {f"us{i}": Place(id=f"us{i}", name=f"US airport {i}", country="US",
                              district=DISTRICTS[i % len(DISTRICTS)]) for i in range(40)}
    places.update({c.lower(): Place(id=c.lower(), name=f"Airport {c}", country=c)
                   for c in FOREIGN})
    holders = {f"ice-{d}": Holder(id=f"ice-{d}", name=f"ICE {d}", country="US", district=d)
               for d in DISTRICTS}
    holders.update({f"police-{c.lower()}": Holder(id=f"police-{c.lower()}",
                                                  name=f"Police {c}", country=c)
                    for c in FOREIGN})
    kinds = {"title8": "title8_final_order", "expedited": "expedited_removal",
             "reinstatement": "reinstatement", "aea": "proclamation"}
    authorities = {k: Authority.model_validate({"id": k, "kind": v}) for k, v in kinds.items()}
    return places, holders, authorities


def _people(rng: random.Random, count: int) -> dict[str, Person]:
    make = _maker(Person, Person(id="p0", name="p0", nationality=("MX",), basis=("title8",),
                                 held_by="ice-D-00", birth_year=1990))
    names = [name for name, _ in BASES]
    weights = [weight for _, weight in BASES]
    people = {}
    for i in range(count):
        pid = f"p{i}"
        district = DISTRICTS[rng.randrange(len(DISTRICTS))]
        people[pid] = make(id=pid, name=pid, nationality=(rng.choice(FOREIGN),),
                           basis=(rng.choices(names, weights)[0],), held_by=f"ice-{district}",
                           birth_year=rng.randint(1950, 2007))
    return people


def _flights(rng: random.Random, people: dict[str, Person], count: int, per_flight: int,
             positions: int) -> tuple[dict[str, Movement], EventTable]:
    """Flights by destination country, each carrying people of that nationality, with
    departed, exited_us, landed and custody_transferred events and position fixes."""
    pools: dict[str, list[str]] = {c: [] for c in FOREIGN}
    for pid, person in people.items():
        pools[person.nationality[0]].append(pid)
    for pool in pools.values():
        rng.shuffle(pool)
    make_movement = _maker(Movement, Movement(id="f0", from_="us0", to="mx", carries=("p0",)))
    movements: dict[str, Movement] = {}
    regular: dict[str, Event] = {}
    table = EventTable(regular, [])
    fixes = positions // max(count, 1)
    for i in range(count):
        country = FOREIGN[i % len(FOREIGN)]
        pool = pools[country]
        carries = tuple(pool.pop() for _ in range(min(per_flight, len(pool))))
        fid = f"f{i}"
        origin = f"us{rng.randrange(40)}"
        table.flights.append(fid)
        movements[fid] = make_movement(id=fid, from_=origin, to=country.lower(),
                                       flight=f"HAB{i}", carries=carries)
        start = 60.0 * rng.randrange(SECONDS_IN_YEAR // 60 - 1_440)
        steps: tuple[tuple[str, float, float, dict[str, str]], ...] = (
                 ("departed", start, 60, {"place": origin}),
                 ("exited_us", start + rng.uniform(600, 3_600), 600, {}),
                 ("landed", start + rng.uniform(7_200, 14_400), 300,
                  {"place": country.lower()}),
                 ("custody_transferred", start + rng.uniform(15_000, 20_000), 3_600,
                  {"place": country.lower(), "to": f"police-{country.lower()}"}))
        for kind, at, width, extra in steps:
            eid = f"{fid}.{kind}.1"
            regular[eid] = _make_event(id=eid, kind=kind, at=_span(at, width), movement=fid,
                                       lat=None, lon=None, **extra)
        for k in range(fixes):
            table.flight.append(i)
            table.minute.append(int(start // 60) + k + 1)
            table.lat.append(26.0 - k * 0.05)
            table.lon.append(-97.0 + k * 0.05)
    return movements, table


def _orders(rng: random.Random, people: dict[str, Person], count: int, class_wide: int,
            active_from: float | None) -> dict[str, Order]:
    """Individual stays and withholding grants (most), vacaturs of some, and a few dozen
    class-wide orders. With ``active_from``, every order takes effect before that time and
    none expires or is vacated: all are in force (the guard benchmark)."""
    stay = _maker(Order, Order(id="o", court="Immigration Court", kind="stay_of_removal",
                               form="written", issued=_instant(0),
                               protects=Scope(people=("p0",)),
                               forbids=(Prohibition(action="remove"),)))
    withholding = _maker(Order, Order(
        id="o", court="Immigration Court", kind="withholding_of_removal", form="written",
        issued=_instant(0), protects=Scope(people=("p0",)),
        forbids=(Prohibition(action="remove_to", countries=("MX",)),)))
    vacatur = _maker(Order, Order(id="o", court="BIA", kind="vacatur", form="written",
                                  issued=_instant(0), vacates=("o",)))
    ids = list(people)
    orders: dict[str, Order] = {}
    individual = count - class_wide
    for i in range(individual):
        oid = f"o{i}"
        pid = ids[rng.randrange(len(ids))]
        when = rng.uniform(0, active_from) if active_from else rng.uniform(0, SECONDS_IN_YEAR)
        if active_from is None and i % 10 == 9:
            target = f"o{i - 1}"
            orders[oid] = vacatur(id=oid, issued=_instant(when), vacates=(target,))
        elif i % 5 == 4:
            country = people[pid].nationality[0]
            orders[oid] = withholding(id=oid, issued=_instant(when - SECONDS_IN_YEAR),
                                      protects=Scope(people=(pid,)),
                                      forbids=(Prohibition(action="remove_to",
                                                           countries=(country,)),))
        else:
            orders[oid] = stay(id=oid, issued=_instant(when), protects=Scope(people=(pid,)),
                               expires=None if active_from else Period(days=30))
    for j in range(class_wide):
        oid = f"class{j}"
        basis = BASES[j % len(BASES)][0]
        when = rng.uniform(0, active_from) if active_from else rng.uniform(0, SECONDS_IN_YEAR)
        cls = ClassScope(basis=(basis,), nationality=(FOREIGN[j % len(FOREIGN)],),
                         held_by_country=("US",))
        forbids: tuple[Prohibition, ...] = (Prohibition(action="remove"),)
        if j % 3 == 2:
            cls = ClassScope(basis=(basis,), district=(DISTRICTS[j % len(DISTRICTS)],))
            forbids = (Prohibition(action="transfer_out_of",
                                   districts=(DISTRICTS[j % len(DISTRICTS)],)),)
        orders[oid] = Order(
            id=oid, court="U.S. District Court", kind="tro", form=("oral", "written")[j % 2],
            issued=_span(when, 180), protects=Scope(class_=cls), forbids=forbids,
            directs=(Directive(action="return_in_transit"),) if j % 4 == 0 else (),
            expires=None if active_from else Period(days=14))
    return orders


def national_year(seed: int = 0, scale: float = 1.0, *, people: int = 500_000,
                  flights: int = 20_000, events: int = 5_000_000, orders: int = 100_000,
                  class_wide: int = 36, per_flight: int = 20,
                  active_from: float | None = None) -> Case:
    """The synthetic year, every count multiplied by ``scale`` (class-wide orders excepted).

    ``active_from`` (seconds into 2025) makes every order in force from before that time:
    the setting of the guard benchmark ("10,000 active orders").
    """
    rng = random.Random(seed)
    places, holders, authorities = _world()
    subjects = _people(rng, max(1, int(people * scale)))
    n_flights = int(flights * scale)
    movements, table = _flights(rng, subjects, n_flights, per_flight,
                                max(0, int(events * scale) - 4 * n_flights))
    order_map = _orders(rng, subjects, max(class_wide + 1, int(orders * scale)),
                        class_wide, active_from)
    return Case(title=f"Synthetic national year (seed {seed}, scale {scale})",
                timezone="America/New_York", places=places, holders=holders,
                authorities=authorities, people=subjects, orders=order_map,
                movements=movements, events=table)
