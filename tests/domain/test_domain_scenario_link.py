"""The what-if link codec (domain/scenario_link.py): levers to JSON and base64url and back."""

from __future__ import annotations

import base64
import json

import pytest

from domain.scenario import ALL_JOINT, MAX_DELAY_MONTHS, SCALE_LIMITS, ScaleLever, Scenario, ScenarioError
from domain.scenario_link import decode, encode, from_dict, from_json, to_dict, to_json

FULL = Scenario(
    split_targets={ALL_JOINT: {"IT": 0.5, "MKT": 0.5}, "P-002": {"HR": 1.0}},
    scale=(ScaleLever("department", "MKT", -10.0), ScaleLever("category", "tools", 25.5)),
    delays={"P-003": 2, "P-001": MAX_DELAY_MONTHS},
    trust_targets={"ability": 65.0, "integrity": 100.0},
)


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(),
        FULL,
        Scenario(scale=(ScaleLever("department", "IT", SCALE_LIMITS[0]),)),
        Scenario(scale=(ScaleLever("category", "x", SCALE_LIMITS[1]),)),
        Scenario(split_targets={"P-9": {"A": 1 / 3, "B": 1 / 3, "C": 1 / 3}}),
        Scenario(delays={"P-1": 1}, trust_targets={"ability": 0.0}),
        Scenario(delays={"Pé-ü 1": 3}),  # codes are text: non-ASCII survives the link
    ],
)
def test_round_trip_through_json_and_the_link(scenario: Scenario) -> None:
    assert from_dict(to_dict(scenario)) == scenario
    assert from_json(to_json(scenario)) == scenario
    assert decode(encode(scenario)) == scenario


def test_the_link_is_url_safe_without_padding_and_stable() -> None:
    text = encode(FULL)
    assert "=" not in text and "+" not in text and "/" not in text
    assert encode(FULL) == text  # sorted keys: the same scenario gives the same link
    assert json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))) == to_dict(FULL)


def test_empty_levers_are_left_out() -> None:
    assert to_dict(Scenario()) == {}
    assert to_json(Scenario()) == "{}"
    assert decode("e30") == Scenario()  # e30 = base64url of "{}"


@pytest.mark.parametrize("bad", ["", "!!!", encode(Scenario()) + "x", "A" * 4001, "w4g"])
def test_unreadable_links_are_refused(bad: str) -> None:
    with pytest.raises(ScenarioError):
        decode(bad)


@pytest.mark.parametrize(
    "text",
    [
        '{"delay": {"P-1": 0}}',
        '{"delay": {"P-1": 1.5}}',
        '{"delay": {"P-1": 37}}',
        '{"delay": {"P-1": true}}',
        '{"split": {"P-1": {"IT": 0.7, "MKT": 0.5}}}',
        '{"split": {"P-1": {}}}',
        '{"split": {"P-1": {"IT": -0.5, "MKT": 1.5}}}',
        '{"scale": [["status", "x", 5]]}',
        '{"scale": [["department", "IT", -150]]}',
        '{"scale": [["department", "IT", 201]]}',
        '{"scale": [["department", "", 5]]}',
        '{"scale": [["department", "IT"]]}',
        '{"trust": {"ability": 101}}',
        '{"trust": {"ability": NaN}}',
        '{"trust": {"' + "d" * 61 + '": 50}}',
        '{"oops": 1}',
        "[]",
        "1e999",
        "[" * 100_000,
    ],
)
def test_bad_json_is_refused(text: str) -> None:
    with pytest.raises(ScenarioError):
        from_json(text)
