"""Who a class predicate can reach, without scanning everyone for each order.

Subjects are grouped by the attributes a class predicate tests statically (basis,
nationality); an order's class then looks only at the groups it can match. Example: the
flagship class ``{basis: [aea-proclamation], held_by_country: US}`` reaches the five named
plaintiffs and the 137 AEA Venezuelans, never the Title 8 groups.
"""

from __future__ import annotations

from collections import defaultdict

from habeas.domain import Case, ClassScope


class Population:
    """People and groups, indexed by basis (``""`` for those with none)."""

    def __init__(self, case: Case) -> None:
        self._by_basis: dict[str, list[str]] = defaultdict(list)
        for collection in (case.people, case.groups):
            for sid, subject in collection.items():
                for basis in subject.basis or ("",):
                    self._by_basis[basis].append(sid)

    def reachable(self, cls: ClassScope) -> list[str]:
        """Subjects whose basis lets ``cls`` match them (all, when it names no basis)."""
        keys = cls.basis or tuple(self._by_basis)
        found = [s for key in keys for s in self._by_basis.get(key, ())]
        return list(dict.fromkeys(found)) if len(keys) > 1 else found
