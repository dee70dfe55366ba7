"""Idempotent writes: a retried request gets the first answer; a key reused for other
content is a conflict, never a silent replay.

A client that retries sends the same ``Idempotency-Key`` with the same body. The answer is
stored with a fingerprint of what was asked (the kind, the payload, the parties), so the
same key with anything else is refused (``409``) instead of answered with the first
request's result while the new write is dropped.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from habeas.errors import IntegrityError
from habeas.service.database import Database


def fingerprint(*parts: Any) -> str:
    """A digest of what a request asked for, the same however its JSON keys were ordered."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=True, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Requests:
    """The answers to idempotent requests, by token-scoped key (table ``svc_requests``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def replay(self, key: str, asked: str, *, shown: str) -> dict[str, Any] | None:
        """The stored answer to ``key``, or None; ``IntegrityError`` when ``key`` was used for
        a request other than ``asked`` (answers stored before fingerprints were kept replay
        as before). ``shown`` is the key as the client sent it, for the message."""
        rows = self.db.execute("SELECT response, fingerprint FROM svc_requests WHERE key = ?",
                               (key,))
        if not rows:
            return None
        response, stored = rows[0]
        if stored is not None and stored != asked:
            raise IntegrityError(f"Idempotency-Key {shown!r} was used for another request; "
                                 "send new content with a new key")
        answer: dict[str, Any] = json.loads(response)
        return answer

    def remember(self, key: str, asked: str, answer: dict[str, Any], at: str) -> None:
        self.db.execute("INSERT INTO svc_requests (key, response, created_at, fingerprint) "
                        "VALUES (?, ?, ?, ?)", (key, json.dumps(answer), at, asked))
