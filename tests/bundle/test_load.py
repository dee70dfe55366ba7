"""Reading case bundles: the flagship loads; every kind of bad input is named by its path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from habeas.bundle import load_bundle, parse_bundle
from habeas.errors import ValidationError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jgg-2025-03-15.yaml"

MINIMAL = """
habeas: 1
title: t
timezone: America/New_York
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        parse_bundle(text, source="case.yaml")
    return [str(p) for p in caught.value.problems]


def test_flagship_loads_with_every_section() -> None:
    case = load_bundle(EXAMPLE)
    assert case.timezone == "America/New_York"
    assert set(case.movements) == {"gxa6143", "gxa6145", "gxa6122"}
    assert case.groups["aea-venezuelans"].count == 137
    oral = case.orders["tro-class-oral"]
    assert oral.form == "oral" and oral.directs[0].action == "return_in_transit"
    assert oral.protects.class_ is not None
    assert oral.protects.class_.basis == ("aea-proclamation",)
    assert case.orders["withholding-2019"].forbids[0].countries == ("SV",)
    assert len(case.events) == 21 and len(case.notices) == 3


def test_list_items_get_stable_ids_whatever_their_order(tmp_path: Path) -> None:
    text = EXAMPLE.read_text()
    head, _, events = text.partition("\nevents:\n")
    lines = [line for line in events.splitlines() if line.startswith("  - ")]
    shuffled = head + "\nevents:\n" + "\n".join(reversed(lines)) + "\n"
    first, second = load_bundle(EXAMPLE), parse_bundle(shuffled)
    assert first.events == second.events
    assert "gxa6143.departed.1" in first.events and "gxa6143.departed.2" in first.events
    assert first.events["gxa6143.departed.1"].place == "hrl"


def test_json_bundles_load_too(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"habeas": 1, "title": "t", "timezone": "UTC",
                                "places": {"p": {"name": "P", "country": "US"}}}))
    assert load_bundle(path).places["p"].country == "US"


def test_unknown_field_names_its_path() -> None:
    assert problems(MINIMAL + "places:\n  p: {name: P, country: US, colour: red}\n") == [
        "places.p.colour: 'red': unknown field"]


def test_interval_backwards_names_its_path() -> None:
    text = MINIMAL + """
orders:
  o: {court: C, kind: tro, form: oral, issued: [2025-03-15T18:48, 2025-03-15T18:45]}
"""
    assert problems(text) == ["orders.o.issued: ['2025-03-15T18:48', '2025-03-15T18:45']: "
                              "interval start is after its end"]


def test_unknown_reference_names_its_path() -> None:
    text = MINIMAL + """
authorities:
  aea: {kind: proclamation}
orders:
  tro-class-oral:
    court: D.D.C.
    kind: tro
    form: oral
    issued: 2025-03-15T18:45
    protects: {class: {basis: [aea, nope]}}
"""
    assert problems(text) == [
        "orders.tro-class-oral.protects.class.basis[1]: 'nope': no authority with this id"]


def test_unknown_kind_and_missing_timezone() -> None:
    assert "kind: 'banana'" in problems(
        MINIMAL + "orders:\n  o: {court: C, kind: banana, form: oral, issued: 2025-03-15}\n")[0]
    assert problems("habeas: 1\ntitle: t\n") == [
        "timezone: required: an IANA time zone such as America/New_York"]
    assert problems("habeas: 1\ntitle: t\ntimezone: Mars/Olympus\n") == [
        "timezone: 'Mars/Olympus': not an IANA time zone"]


def test_every_problem_is_reported_at_once() -> None:
    text = MINIMAL + """
places:
  a: {name: A, country: usa}
  b: {name: B}
"""
    found = problems(text)
    assert len(found) == 2
    assert found == [
        "places.a.country: 'usa': not an ISO 3166-1 alpha-2 country code such as US or SV",
        "places.b.country: required field",
    ]


def test_event_needs_a_subject() -> None:
    found = problems(MINIMAL + "events:\n  - {at: 2025-03-15T10:00, kind: landed}\n")
    assert found == ["events[0]: {'at': '2025-03-15T10:00', 'kind': 'landed'}: "
                     "an event names a movement or people"]


def test_version_is_required() -> None:
    assert problems("title: t\ntimezone: UTC\n") == ["habeas: format version must be 1"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("a: &x [1]\nb: *x\n", "aliases are not allowed"),
        ("a: !!python/object:os.system {}\n", "not valid YAML"),
        ("- 1\n- 2\n", "a bundle is a mapping"),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_hostile_yaml_is_refused(text: str, rule: str) -> None:
    assert rule in problems(text)[0]


def test_error_message_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL + "places:\n  p: {name: P, country: usa}\n")
    with pytest.raises(ValidationError, match=r"bad\.yaml: places\.p\.country"):
        load_bundle(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read"):
        load_bundle(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"habeas": 1, "title": "t", "timezone": "UTC", "people": {"p": {"name": "x", '
         '"identifiers": {"\\udc00": "1"}}}}', "people.p.identifiers."),
        ('{"habeas": 1, "title": "t\\ud800", "timezone": "UTC"}', "title"),
        ('{"habeas": 1, "title": "t", "timezone": "UTC", "events": [{"note": "\\ud800"}]}',
         "events[0].note"),
    ],
)
def test_lone_surrogates_are_refused_not_replaced(text: str, path: str) -> None:
    found = problems(text)
    assert len(found) == 1 and found[0].startswith(path)
    assert "not valid Unicode (a lone surrogate)" in found[0]


@pytest.mark.parametrize("text", [
    "habeas: 1\ntitle: First\ntitle: Second\n",
    "habeas: 1\ntitle: T\npeople:\n  ag:\n    name: A\n    name: B\n",
    "habeas: 1\ntitle: T\norders:\n  o1: {court: D.D.C., court: D. Md.}\n",
])
def test_a_key_twice_in_one_mapping_is_refused(text: str) -> None:
    """PyYAML keeps the last of two equal keys without a word: a reviewer reading the first
    would approve what is not imported."""
    with pytest.raises(ValidationError) as caught:
        parse_bundle(text, source="dup.yaml")
    assert "appears twice in one mapping" in str(caught.value)
    assert "(line " in str(caught.value)


def test_keys_are_duplicates_when_a_mapping_would_merge_them() -> None:
    """The number 1 and the string '1' are two keys; 1 and true are one in a mapping, so
    the second would silently replace the first."""
    import yaml

    from habeas.bundle.yamlsafe import load_yaml

    assert load_yaml("1: a\n'1': b\n") == {1: "a", "1": "b"}
    with pytest.raises(yaml.YAMLError, match="appears twice"):
        load_yaml("1: a\ntrue: c\n")
