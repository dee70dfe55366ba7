"""The lens: what it lets through of any answer, for any shape of answer."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.service import Principal, Role
from habeas.service.lens import REDACTED, SIGHT, Lens, Sight
from service.harness import make_rig

RIG = make_rig()
CLIENT = "abrego-garcia"
COUNSEL = Principal("tok_c", "counsel", Role.counsel, frozenset({CLIENT}))
OTHERS = [p for pid, p in RIG.service.case().people.items() if pid != CLIENT]
HIDDEN_WORDS = sorted({w for p in OTHERS for w in (p.id, p.name)})
ATOMS = st.sampled_from([*HIDDEN_WORDS, CLIENT, "Kilmar Abrego Garcia", "aea-venezuelans",
                         "gxa6122", "tro-class-oral"])
TEXT = st.lists(st.one_of(ATOMS, st.sampled_from(["removed", "with", ";", "and", "(137)"])),
                max_size=6).map(" ".join)
JSON: st.SearchStrategy[Any] = st.recursive(
    st.one_of(ATOMS, TEXT, st.integers(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.one_of(ATOMS, st.sampled_from(["people", "x"])),
                                            inner, max_size=4)),
    max_leaves=20)


def named(text: str) -> list[str]:
    return [w for w in HIDDEN_WORDS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_counsel_never_gets_anyone_else_in_any_answer(value: Any) -> None:
    shown = RIG.service.lens(COUNSEL).redact(value)
    assert named(json.dumps(shown)) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(ATOMS, max_size=8))
def test_lists_keep_the_client_cohorts_and_objects_in_order(items: list[str]) -> None:
    shown = RIG.service.lens(COUNSEL).redact({"people": items})["people"]
    assert shown == [i for i in items if i not in {p.id for p in OTHERS}
                     for i in [REDACTED if named(i) else i]]


@settings(max_examples=100, deadline=None)
@given(JSON)
def test_whole_case_roles_get_the_answer_as_it_is(value: Any) -> None:
    for role in (Role.admin, Role.operator, Role.clerk, Role.monitor):
        assert RIG.service.lens(Principal("t", "t", role)).redact(value) == value


def test_the_public_sees_no_object_and_no_person() -> None:
    public = RIG.service.lens(Principal("t", "public", Role.public))
    case = public.case()
    assert not case.people and not case.orders and not case.movements and not case.sources
    assert named(json.dumps(public.redact({"people": HIDDEN_WORDS}))) == []


def test_every_role_has_one_row() -> None:
    assert set(SIGHT) == set(Role) and SIGHT[Role.counsel] is Sight.clients
    assert isinstance(RIG.service.lens(COUNSEL), Lens)
