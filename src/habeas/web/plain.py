"""An order's scope, prohibitions and directions in words a reader checks against the text."""

from __future__ import annotations

from habeas.domain import Case, Order
from habeas.geo import countries


def country_names(codes: tuple[str, ...]) -> str:
    known = countries()
    return ", ".join(known[c].name if c in known else c for c in codes)

_FORBIDS = {
    "remove": "removing them from the United States",
    "remove_to": "removing them to {countries}",
    "transfer_custody": "handing them to a foreign custodian{countries_to}",
    "transfer_out_of": "moving them out of {districts}",
    "depart": "any movement leaving with one of them aboard",
}
_DIRECTS = {
    "return_in_transit": "any movement under way with one of them aboard must turn back "
                         "to the United States",
    "facilitate_return": "the Government must facilitate their return",
    "notice_before_removal": "at least {hours} hours' notice before any removal{language}",
    "report": "a report to the court{within}",
}


def scope_words(order: Order, case: Case) -> list[str]:
    """"Everyone held under <the AEA proclamation>, held in US", "J.G.G., G.F.F."..."""
    scope, lines = order.protects, []
    if scope.people:
        lines.append("Named people: " + ", ".join(
            case.people[p].name if p in case.people else p for p in scope.people))
    if scope.groups:
        lines.append("Groups: " + ", ".join(
            (case.groups[g].name or g) if g in case.groups else g for g in scope.groups))
    rule = scope.class_
    if rule is not None:
        parts = []
        if rule.basis:
            parts.append("removable under " + " or ".join(
                (case.authorities[b].title or b) if b in case.authorities else b
                for b in rule.basis))
        if rule.nationality:
            parts.append("nationals of " + country_names(rule.nationality))
        if rule.held_by_country:
            parts.append("held in custody in " + country_names(rule.held_by_country))
        if rule.held_by:
            parts.append("held by " + ", ".join(rule.held_by))
        if rule.district:
            parts.append("in " + ", ".join(rule.district))
        lines.append("Everyone " + "; ".join(parts) if parts else "Everyone")
    return lines or ["No one (the order has no scope of its own)"]


def forbids_words(order: Order) -> list[str]:
    return [_FORBIDS[p.action].format(
        countries=country_names(p.countries),
        countries_to=(" of " + country_names(p.countries)) if p.countries else "",
        districts=", ".join(p.districts)) for p in order.forbids]


def directs_words(order: Order) -> list[str]:
    return [_DIRECTS[d.action].format(
        hours=d.hours, language=f", in {d.language}" if d.language else "",
        within=f" within {d.within.to_json()}" if d.within else "") for d in order.directs]
