"""Targets: two-sided bands, effective-dated selection, entry in the tile's unit."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.targets import DEFAULT_TARGETS, Target, TargetVersion, rag, targets_in_force, with_default_band
from kpis.catalogue import SHOWN_AS, target_from_shown, target_shown, target_text, validate_target

BAND = DEFAULT_TARGETS["budget_realisation"]


@pytest.mark.parametrize(
    ("value", "colour"),
    [
        (0.5, "red"),  # a 50 % underspend is red, not green
        (0.89, "red"),
        (0.90, "amber"),
        (0.94, "amber"),
        (0.95, "green"),
        (1.0, "green"),
        (1.05, "green"),
        (1.10, "amber"),
        (1.15, "amber"),
        (1.16, "red"),
    ],
)
def test_budget_realisation_is_a_band(value, colour) -> None:
    assert BAND.two_sided
    assert rag(value, BAND) == colour


def test_one_sided_targets_are_unchanged_and_forecast_ratio_exists() -> None:
    assert rag(0.5, DEFAULT_TARGETS["funding_drift_pp"]) == "green"
    assert rag(0.96, DEFAULT_TARGETS["cpi"]) == "green" and rag(0.5, DEFAULT_TARGETS["cpi"]) == "red"
    assert DEFAULT_TARGETS["forecast_ratio"] == Target(green=1.0, amber=1.05, direction="lower")
    assert [rag(v, DEFAULT_TARGETS["forecast_ratio"]) for v in (0.8, 1.03, 1.1)] == ["green", "amber", "red"]
    assert rag(None, BAND) is None


def test_a_band_must_be_ordered_and_complete() -> None:
    with pytest.raises(ValueError, match="both floors"):
        Target(green=1.05, amber=1.15, direction="lower", low_green=0.95)
    with pytest.raises(ValueError, match="low_amber <= low_green <= green"):
        Target(green=1.05, amber=1.15, direction="lower", low_green=0.9, low_amber=0.95)
    with pytest.raises(ValueError, match="lower is better"):
        Target(green=0.9, amber=0.8, low_green=0.5, low_amber=0.4)


def _version(kpi: str, month: dt.date, green: float, at: int = 0) -> TargetVersion:
    return TargetVersion(
        kpi=kpi,
        effective_from=month,
        target=Target(green=green, amber=green - 0.1),
        recorded_at=dt.datetime(2026, 12, 1, 9, 0) + dt.timedelta(minutes=at),
    )


def test_a_month_is_judged_by_the_targets_in_force_at_its_close() -> None:
    versions = [
        _version("cpi", dt.date(2026, 3, 1), 0.9),
        _version("cpi", dt.date(2026, 10, 1), 0.8, at=1),
        _version("cpi", dt.date(2026, 10, 1), 0.85, at=2),  # same month, recorded later: wins
        _version("spi", dt.date(2026, 12, 1), 0.7),
        _version("nope", dt.date(2020, 1, 1), 0.1),
    ]
    assert targets_in_force(versions, as_of=dt.date(2026, 2, 1))["cpi"] == DEFAULT_TARGETS["cpi"]
    assert targets_in_force(versions, as_of=dt.date(2026, 9, 30))["cpi"].green == 0.9
    assert targets_in_force(versions, as_of=dt.date(2026, 10, 1))["cpi"].green == 0.85
    assert targets_in_force(versions, as_of=dt.date(2026, 11, 1))["spi"] == DEFAULT_TARGETS["spi"]
    latest = targets_in_force(versions, as_of=None)
    assert (latest["cpi"].green, latest["spi"].green) == (0.85, 0.7)
    assert "nope" not in latest


def test_a_stored_one_sided_budget_target_keeps_the_default_floor() -> None:
    old = Target(green=1.02, amber=1.1, direction="lower")
    banded = with_default_band("budget_realisation", old)
    assert (banded.low_green, banded.low_amber, banded.green) == (0.95, 0.90, 1.02)
    tight = with_default_band("budget_realisation", Target(green=0.93, amber=1.0, direction="lower"))
    assert tight.low_green == 0.93 and tight.low_amber == 0.90
    assert with_default_band("cpi", DEFAULT_TARGETS["cpi"]) == DEFAULT_TARGETS["cpi"]


def test_targets_are_entered_in_the_unit_the_tile_shows() -> None:
    assert set(SHOWN_AS) == set(DEFAULT_TARGETS)
    shown = target_shown("goals_on_time", DEFAULT_TARGETS["goals_on_time"])
    assert (shown["green"], shown["amber"], shown["low_green"]) == (80.0, 60.0, None)
    assert target_from_shown("goals_on_time", green=80, amber=60, direction="higher") == Target(0.8, 0.6)
    assert target_shown("cpi", DEFAULT_TARGETS["cpi"])["green"] == 0.95
    assert target_shown("perception_gap", DEFAULT_TARGETS["perception_gap"])["green"] == 5.0
    band = target_from_shown(
        "budget_realisation", green=105, amber=115, low_green=95, low_amber=90, direction="lower"
    )
    assert band == BAND


def test_target_text_shows_the_band_and_the_unit() -> None:
    units = {"catalogue.shown.percent": "%", "catalogue.shown.pp": "pp", "catalogue.shown.points": "points"}
    text = {
        code: target_text(code, DEFAULT_TARGETS[code], number=lambda v: f"{v:g}", translate=units.get)
        for code in DEFAULT_TARGETS
    }
    assert text["budget_realisation"] == "95–105 %"
    assert text["goals_on_time"] == "≥ 80 %"
    assert text["funding_drift_pp"] == "≤ 10 pp"
    assert text["trust_index"] == "≥ 65 points"
    assert text["cpi"] == "≥ 0.95"


def test_band_validation() -> None:
    ok = validate_target(green=105, amber=115, low_green=95, low_amber=90, direction="lower", two_sided=True)
    assert ok == []
    bad = validate_target(green=105, amber=115, low_green=95, low_amber=97, direction="lower", two_sided=True)
    assert [p.key for p in bad] == ["catalogue.error.order_band"]
    missing = validate_target(
        green=105, amber=115, low_green=None, low_amber=90, direction="lower", two_sided=True
    )
    assert [p.field for p in missing] == ["low_green"]
