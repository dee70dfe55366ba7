"""When an order binds under each reading of the law, for drawing.

The parties disagreed on 15 March 2025 whether the oral order bound before the written one
was entered. Under the ``oral`` reading (the courts' rule) an order binds when it takes
effect as pronounced; under ``written``, an oral order binds only once the written order
that memorializes it takes effect, and not at all if none does.
"""

from __future__ import annotations

from typing import Literal

from habeas.domain import Case, Order, When

Reading = Literal["oral", "written"]
READINGS: tuple[Reading, ...] = ("oral", "written")


def effect_under(case: Case, order: Order, reading: Reading) -> When | None:
    """The effect time of ``order`` under ``reading``; ``None`` when it never binds."""
    if order.form == "written" or reading == "oral":
        return order.takes_effect
    written = [o.takes_effect for o in case.orders.values()
               if o.memorializes == order.id and o.form == "written"]
    return min(written, key=lambda w: (w.earliest, w.latest)) if written else None
