"""The vocabulary of custody as validated models (see docs/bundle.md for the fields)."""

from habeas.domain.agreements import Agreement, Assertion, Fee, Statement
from habeas.domain.base import Entity, Model, RecordRef
from habeas.domain.case import KIND_TO_SECTION, SECTIONS, Case
from habeas.domain.movements import Event, Movement
from habeas.domain.orders import ClassScope, Directive, Motion, Notice, Order, Prohibition, Scope
from habeas.domain.parties import Authority, Conditions, Group, Holder, Person, Place, Source
from habeas.domain.time import Period, When

__all__ = [
    "KIND_TO_SECTION", "SECTIONS", "Agreement", "Assertion", "Authority", "Case", "ClassScope",
    "Conditions", "Directive", "Entity", "Event", "Fee", "Group", "Holder", "Model", "Motion",
    "Movement", "Notice", "Order", "Period", "Person", "Place", "Prohibition", "RecordRef",
    "Scope", "Source", "Statement", "When",
]
