"""API tokens and web sessions: secrets shown once, stored only as SHA-256 hashes.

A token is 32 random bytes; hashing it unsalted is enough because it is not guessable,
and lets a request find its token with one indexed lookup. Comparison of the stored hash
with the presented one is constant-time all the same.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from habeas.errors import NotFoundError, Problem, ValidationError
from habeas.service.access import Principal, Role
from habeas.service.clock import iso
from habeas.service.database import Database

TOKEN_PREFIX = "hbs_"
SESSION_LIFETIME = timedelta(hours=12)
MAX_PARTY = 200


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    """What ``habeas token list`` shows: never the secret."""

    id: str
    name: str
    role: Role
    people: tuple[str, ...]
    created_at: str
    revoked_at: str | None
    party: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "role": self.role.value,
                "people": list(self.people), "party": self.party,
                "created_at": self.created_at, "revoked_at": self.revoked_at}


@dataclass(frozen=True)
class Session:
    """A signed-in browser: the principal and the per-session CSRF token of its forms."""

    principal: Principal
    csrf: str


class Accounts:
    """Tokens and sessions in the operational tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create_token(self, role: str, *, name: str, people: tuple[str, ...], now: datetime,
                     party: str | None = None) -> tuple[TokenInfo, str]:
        """A new token and its secret, which is returned here once and never again.
        ``party`` is whom the token acts for: only such a token may acknowledge an order
        on that party's behalf."""
        try:
            chosen = Role(role)
        except ValueError:
            raise ValidationError(Problem("role", role, "one of " + ", ".join(Role))) from None
        if chosen is Role.counsel and not people:
            raise ValidationError(Problem("people", [], "counsel tokens name their clients"))
        if chosen is not Role.counsel and people:
            raise ValidationError(Problem("people", list(people),
                                          "only counsel tokens are limited to people"))
        party = party.strip() if party else None
        if party is not None and (chosen is Role.public or len(party) > MAX_PARTY):
            raise ValidationError(Problem("party", party, "a party of at most "
                                          f"{MAX_PARTY} characters, on a token that is not "
                                          "public"))
        token_id = "tok_" + secrets.token_hex(6)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        info = TokenInfo(token_id, name or chosen.value, chosen, tuple(people), iso(now),
                         None, party)
        self.db.execute(
            "INSERT INTO svc_tokens (id, name, role, people, hash, created_at, party) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (info.id, info.name, chosen.value, json.dumps(list(people)), digest(secret),
             info.created_at, party))
        return info, secret

    def list_tokens(self) -> list[TokenInfo]:
        rows = self.db.execute("SELECT id, name, role, people, created_at, revoked_at, party "
                               "FROM svc_tokens ORDER BY created_at, id")
        return [TokenInfo(r[0], r[1], Role(r[2]), tuple(json.loads(r[3])), r[4], r[5], r[6])
                for r in rows]

    def revoke_token(self, token_id: str, *, now: datetime) -> None:
        if not self.db.execute("SELECT id FROM svc_tokens WHERE id = ?", (token_id,)):
            raise NotFoundError(f"no token {token_id!r}")
        self.db.execute("UPDATE svc_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                        (iso(now), token_id))
        self.db.execute("DELETE FROM svc_sessions WHERE token_id = ?", (token_id,))
        # Its webhooks stop with it: deliveries check the subscription is active when sent.
        self.db.execute("UPDATE svc_subscriptions SET active = 0 WHERE token_id = ?",
                        (token_id,))

    def authenticate(self, secret: str) -> Principal | None:
        """The principal of a live token, or None for an unknown or revoked one."""
        wanted = digest(secret)
        rows = self.db.execute("SELECT id, name, role, people, party, hash FROM svc_tokens "
                               "WHERE hash = ? AND revoked_at IS NULL", (wanted,))
        if not rows or not hmac.compare_digest(rows[0][5], wanted):
            return None
        return _principal(rows[0][:5])

    def open_session(self, secret: str, *, now: datetime) -> tuple[str, Session] | None:
        """Sign in with a token: a fresh session id (for the cookie) and its CSRF token."""
        principal = self.authenticate(secret)
        if principal is None:
            return None
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        self.db.execute("INSERT INTO svc_sessions VALUES (?, ?, ?, ?, ?)",
                        (digest(session_id), principal.token_id, csrf, iso(now),
                         iso(now + SESSION_LIFETIME)))
        return session_id, Session(principal, csrf)

    def session(self, session_id: str, *, now: datetime) -> Session | None:
        rows = self.db.execute(
            "SELECT t.id, t.name, t.role, t.people, t.party, s.csrf FROM svc_sessions s "
            "JOIN svc_tokens t ON t.id = s.token_id "
            "WHERE s.hash = ? AND s.expires_at > ? AND t.revoked_at IS NULL",
            (digest(session_id), iso(now)))
        if not rows:
            return None
        return Session(_principal(rows[0][:5]), rows[0][5])

    def close_session(self, session_id: str) -> None:
        self.db.execute("DELETE FROM svc_sessions WHERE hash = ?", (digest(session_id),))


def _principal(row: tuple[Any, ...]) -> Principal:
    """A principal from a token row's ``id, name, role, people, party``."""
    token_id, name, role, people, party = row
    return Principal(token_id, name, Role(role), frozenset(json.loads(people)), party)
