"""The what-if scenario as a link: JSON of its levers, base64url for the `scn` query parameter."""

from __future__ import annotations

import base64
import binascii
import json
import math

from domain.scenario import (
    MAX_DELAY_MONTHS,
    SCALE_DIMENSIONS,
    SCALE_LIMITS,
    SHARE_TOLERANCE,
    ScaleLever,
    Scenario,
    ScenarioError,
)


def to_dict(scenario: Scenario) -> dict[str, object]:
    """A JSON-ready dict of the levers (empty levers left out)."""
    data: dict[str, object] = {}
    if scenario.split_targets:
        data["split"] = {p: dict(sorted(s.items())) for p, s in sorted(scenario.split_targets.items())}
    if scenario.scale:
        data["scale"] = [[lever.dimension, lever.code, lever.pct] for lever in scenario.scale]
    if scenario.delays:
        data["delay"] = dict(sorted(scenario.delays.items()))
    if scenario.trust_targets:
        data["trust"] = dict(sorted(scenario.trust_targets.items()))
    return data


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(f"{what} must be a number")
    return float(value)


def _code(value: object, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 60:
        raise ScenarioError(f"{what} must be a short text")
    return value


def from_dict(data: object) -> Scenario:
    """A Scenario from `to_dict`'s output; ScenarioError on anything else (unknown keys,
    shares outside 0..1 or not summing to 1, scale outside −100..+200 %, delays outside
    1..36 months, trust targets outside 0..100)."""
    if not isinstance(data, dict):
        raise ScenarioError("A scenario is a JSON object")
    unknown = set(data) - {"split", "scale", "delay", "trust"}
    if unknown:
        raise ScenarioError(f"Unknown levers: {sorted(unknown)}")
    split: dict[str, dict[str, float]] = {}
    raw_split = data.get("split", {})
    if not isinstance(raw_split, dict):
        raise ScenarioError("split must be an object")
    for project, shares in raw_split.items():
        if not isinstance(shares, dict) or not shares:
            raise ScenarioError("split shares must be a non-empty object")
        parsed = {_code(d, "department"): _number(s, "share") for d, s in shares.items()}
        if any(s < 0 or s > 1 for s in parsed.values()) or abs(sum(parsed.values()) - 1.0) > SHARE_TOLERANCE:
            raise ScenarioError("split shares must lie in 0..1 and sum to 1")
        split[_code(project, "project")] = parsed
    raw_scale = data.get("scale", [])
    if not isinstance(raw_scale, list):
        raise ScenarioError("scale must be a list")
    scale = []
    for item in raw_scale:
        if not isinstance(item, list) or len(item) != 3 or item[0] not in SCALE_DIMENSIONS:
            raise ScenarioError("scale items are [dimension, code, pct]")
        pct = _number(item[2], "pct")
        if not SCALE_LIMITS[0] <= pct <= SCALE_LIMITS[1]:
            raise ScenarioError("pct out of range")
        scale.append(ScaleLever(item[0], _code(item[1], "code"), pct))
    raw_delay = data.get("delay", {})
    if not isinstance(raw_delay, dict):
        raise ScenarioError("delay must be an object")
    delays = {}
    for project, months in raw_delay.items():
        value = _number(months, "months")
        if value != int(value) or not 1 <= value <= MAX_DELAY_MONTHS:
            raise ScenarioError("delays are whole months 1..36")
        delays[_code(project, "project")] = int(value)
    raw_trust = data.get("trust", {})
    if not isinstance(raw_trust, dict):
        raise ScenarioError("trust must be an object")
    trust = {}
    for dimension, target in raw_trust.items():
        value = _number(target, "target")
        if not 0 <= value <= 100:
            raise ScenarioError("trust targets lie in 0..100")
        trust[_code(dimension, "dimension")] = value
    return Scenario(split_targets=split, scale=tuple(scale), delays=delays, trust_targets=trust)


def to_json(scenario: Scenario) -> str:
    return json.dumps(to_dict(scenario), sort_keys=True, separators=(",", ":"))


def from_json(text: str) -> Scenario:
    try:
        return from_dict(json.loads(text))
    except (
        ValueError,
        TypeError,
        OverflowError,
        RecursionError,
    ) as exc:  # crafted: huge numbers, deep nesting
        raise ScenarioError("Not valid JSON") from exc


def encode(scenario: Scenario) -> str:
    """A compact URL-safe text for the `scn` query parameter (base64url of the JSON, no padding)."""
    return base64.urlsafe_b64encode(to_json(scenario).encode()).decode().rstrip("=")


def decode(text: str) -> Scenario:
    """The Scenario of an `encode` text; ScenarioError when it cannot be read."""
    if len(text) > 4000:
        raise ScenarioError("Scenario parameter too long")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ScenarioError("Not a scenario parameter") from exc
    return from_json(raw)
