"""Roles, permissions and the principal behind a request: who may do what.

The grant table is the single statement of the access policy; the API, the web pages and
the authorisation-matrix test all read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """A token's role (see docs/security.md for what each one sees)."""

    admin = "admin"
    operator = "operator"
    clerk = "clerk"
    counsel = "counsel"
    monitor = "monitor"
    public = "public"


class Permission(StrEnum):
    """One kind of use; each route names exactly one."""

    anonymous = "anonymous"          # health, versions, the latest checkpoint
    verify = "verify"                # checkpoints, proofs, schemas, aggregate counts
    read = "read"                    # people, orders, movements... (counsel: own clients only)
    read_all = "read_all"            # whole-case views: timeline, statements, export
    guard = "guard"                  # ask whether an action is allowed
    record_movement = "record_movement"
    enter_order = "enter_order"      # orders and notices
    acknowledge = "acknowledge"      # a party acknowledges an order
    subscribe = "subscribe"
    append = "append"                # raw records and bundle import
    manage = "manage"                # tokens


_EVERYONE = frozenset(Role)
GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.anonymous: _EVERYONE,
    Permission.verify: _EVERYONE,
    Permission.read: frozenset({Role.admin, Role.operator, Role.clerk, Role.monitor,
                                Role.counsel}),
    Permission.read_all: frozenset({Role.admin, Role.operator, Role.clerk, Role.monitor}),
    Permission.guard: frozenset({Role.admin, Role.operator}),
    Permission.record_movement: frozenset({Role.admin, Role.operator}),
    Permission.enter_order: frozenset({Role.admin, Role.clerk}),
    Permission.acknowledge: frozenset({Role.admin, Role.operator, Role.counsel}),
    Permission.subscribe: frozenset({Role.admin, Role.operator, Role.counsel, Role.monitor}),
    Permission.append: frozenset({Role.admin}),
    Permission.manage: frozenset({Role.admin}),
}


@dataclass(frozen=True)
class Principal:
    """Who is asking: a token's id, name, role, for counsel the clients it may see, and the
    party it acts for (an agency, a court, an organisation), if any."""

    token_id: str
    name: str
    role: Role
    people: frozenset[str] = field(default_factory=frozenset)
    party: str | None = None

    def may(self, permission: Permission) -> bool:
        return self.role in GRANTS[permission]

    def acts_for(self, party: str) -> bool:
        """Whether this token speaks for ``party``: only a token made for that very party
        does, whatever its role; an admin token acts for nobody but its own party. The
        engine reads an acknowledgement as the moment the party knew of an order, so no one
        may give it on another's behalf."""
        return self.party is not None and self.party == party

    @property
    def scoped(self) -> bool:
        """Counsel sees only its clients and what touches them."""
        return self.role is Role.counsel


#: Whoever calls without a token; only anonymous routes admit them.
ANONYMOUS = Principal(token_id="", name="anonymous", role=Role.public)
