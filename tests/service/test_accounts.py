"""Tokens are shown once and stored hashed; sessions end with their token."""

from __future__ import annotations

import pytest

from habeas.errors import NotFoundError, ValidationError
from habeas.service import Role
from habeas.service.accounts import digest
from service.harness import Rig


def test_a_token_is_stored_only_as_its_hash(any_rig: Rig) -> None:
    info, secret = any_rig.service.create_token("monitor", name="Court monitor")
    stored = any_rig.service.db.execute("SELECT hash FROM svc_tokens WHERE id = ?", (info.id,))
    assert stored == [(digest(secret),)]
    assert secret not in str(any_rig.service.db.execute("SELECT * FROM svc_tokens"))
    principal = any_rig.service.accounts.authenticate(secret)
    assert principal is not None and principal.role is Role.monitor
    assert any_rig.service.accounts.authenticate(secret + "x") is None


def test_revoking_a_token_ends_its_sessions(any_rig: Rig) -> None:
    accounts, now = any_rig.service.accounts, any_rig.clock.now()
    info, secret = any_rig.service.create_token("clerk")
    opened = accounts.open_session(secret, now=now)
    assert opened is not None
    session_id, session = opened
    assert accounts.session(session_id, now=now) == session
    accounts.revoke_token(info.id, now=now)
    assert accounts.authenticate(secret) is None
    assert accounts.session(session_id, now=now) is None
    assert [t.revoked_at is not None for t in accounts.list_tokens()] == [True]


def test_counsel_tokens_name_their_clients(rig: Rig) -> None:
    with pytest.raises(ValidationError) as caught:
        rig.service.create_token("counsel")
    assert caught.value.problems[0].path == "people"
    with pytest.raises(ValidationError):
        rig.service.create_token("monitor", people=("jgg",))
    with pytest.raises(ValidationError) as caught:
        rig.service.create_token("judge")
    assert caught.value.problems[0].value == "judge"
    with pytest.raises(NotFoundError):
        rig.service.accounts.revoke_token("tok_nothing", now=rig.clock.now())
