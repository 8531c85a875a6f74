"""The maturity rules pinned on hand-made values: each criterion, direction, missing data, overall."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from domain.maturity import (
    CRITERIA,
    DEFAULT_RULES,
    HIGHER,
    LOWER,
    MaturityRules,
    MeasureRule,
    RuleVersion,
    rules_in_force,
    threshold_problems,
)
from kpis.common import KpiValue, not_available
from kpis.maturity import confidence_of, score_criterion, score_profile
from kpis.maturity_measures import (
    areas_by_rule_by_month,
    breach_share_by_month,
    ev_coverage_by_month,
    forecast_accuracy,
    latest_wave_values,
    meeting_outcomes_by_month,
)

V = KpiValue
RULES = MaturityRules()
OCT = dt.date(2026, 10, 1)


def test_every_criterion_has_measures_and_every_rule_ascends() -> None:
    assert {rule.criterion for rule in DEFAULT_RULES} == set(CRITERIA)
    for rule in DEFAULT_RULES:
        assert list(rule.thresholds) == sorted(rule.thresholds), rule.code
        assert rule.direction in (HIGHER, LOWER)


def test_higher_is_better_counts_thresholds_reached() -> None:
    rule = MeasureRule("x", "skills", HIGHER, (0.2, 0.4, 0.6, 0.8), "ratio")
    assert [rule.level(v) for v in (0.0, 0.2, 0.39, 0.4, 0.6, 0.79, 0.8, 1.0)] == [1, 2, 2, 3, 4, 4, 5, 5]


def test_lower_is_better_counts_thresholds_stayed_within() -> None:
    rule = MeasureRule("x", "communications", LOWER, (3.0, 6.0, 10.0, 15.0), "points")
    assert [rule.level(v) for v in (0.0, 3.0, 3.1, 6.0, 10.0, 14.9, 15.0, 15.1, 40.0)] == [
        5,
        5,
        4,
        4,
        3,
        2,
        2,
        1,
        1,
    ]


@pytest.mark.parametrize(
    ("criterion", "values", "level"),
    [
        # communication 65 → 4, gap 7 → 2 (within 10 and 15), 3.5 outcomes → 4: mean 3.33 → 3
        (
            "communications",
            {"trust_communication": V(65.0), "perception_gap": V(7.0), "meeting_outcomes": V(3.5)},
            3,
        ),
        # goals 0.8 → 4, coverage 1.0 → 5, 4 % off plan → 4 (within 0.05, 0.1, 0.2): mean 4.33 → 4
        (
            "value_measurement",
            {"goals_on_time": V(0.8), "ev_coverage": V(1.0), "forecast_accuracy": V(0.04)},
            4,
        ),
        # clarity 0.9 → 4, breaches 0 → 5, follow-through 0.3 → 1: mean 3.33 → 3
        (
            "governance",
            {"ownership_clarity": V(0.9), "house_rule_breaches": V(0.0), "follow_through": V(0.3)},
            3,
        ),
        # joint 0.9 → 5, balance 0.5 → 2, benevolence 55 → 3, integrity 75 → 5: mean 3.75 → 3
        (
            "partnership",
            {
                "joint_share": V(0.9),
                "funding_balance": V(0.5),
                "trust_benevolence": V(55.0),
                "trust_integrity": V(75.0),
            },
            3,
        ),
        # processing 1.0 → 5, customer data 0.6 → 2: mean 3.5 → 3
        ("scope_architecture", {"processing_by_rule": V(1.0), "customer_data_by_rule": V(0.6)}, 3),
        # mixed 0.95 → 5, FTE 0.7 → 3, returners 0.5 → 3: mean 3.67 → 3
        ("skills", {"mixed_teams": V(0.95), "fte_balance": V(0.7), "returners": V(0.5)}, 3),
    ],
)
def test_each_criterion_is_the_floor_of_its_measures_mean_level(criterion, values, level) -> None:
    score = score_criterion(criterion, values, RULES)
    assert score.level == level
    assert score.confidence == "high"
    assert score.measured == len(values)


def test_a_missing_measure_lowers_confidence_never_the_level() -> None:
    full = {"goals_on_time": V(0.8), "ev_coverage": V(0.95), "forecast_accuracy": V(0.5)}  # 4, 5, 1 → 3
    assert score_criterion("value_measurement", full, RULES).level == 3
    # Without the weak measure the level is what the remaining data says (4), never pushed down.
    missing = {**full, "forecast_accuracy": not_available("maturity.na.no_data")}
    score = score_criterion("value_measurement", missing, RULES)
    assert (score.level, score.confidence, score.measured) == (4, "medium", 2)
    # Left out of the values entirely: same.
    absent = {"goals_on_time": V(0.8), "ev_coverage": V(0.95)}
    assert score_criterion("value_measurement", absent, RULES).level == 4
    only = score_criterion("value_measurement", {"goals_on_time": V(0.8)}, RULES)
    assert (only.level, only.confidence) == (4, "low")
    nothing = score_criterion("value_measurement", {}, RULES)
    assert (nothing.level, nothing.confidence) == (None, "none")


def test_confidence_by_share_of_measures_with_data() -> None:
    assert [confidence_of(n, 4) for n in (4, 3, 2, 1, 0)] == ["high", "medium", "medium", "low", "none"]


def _all(level_value: float) -> dict[str, KpiValue]:
    """Values that put every higher-is-better measure at the same level (lower ones at 5)."""
    return {rule.code: V(level_value if rule.direction == HIGHER else 0.0) for rule in DEFAULT_RULES}


def test_overall_is_the_weakest_criterion() -> None:
    values = _all(1000.0)  # every measure level 5
    values["follow_through"] = V(0.0)  # governance: 5, 5, 1 → floor(11/3) = 3
    profile = score_profile(values)
    assert profile.criterion("governance").level == 3
    assert all(profile.criterion(c).level == 5 for c in CRITERIA if c != "governance")
    assert (profile.level, profile.weakest, profile.confidence) == (3, ("governance",), "high")


def test_overall_ignores_an_unmeasured_criterion_but_its_confidence_drops() -> None:
    values = {
        code: value for code, value in _all(1000.0).items() if not code.startswith(("processing", "customer"))
    }
    profile = score_profile(values)
    assert profile.criterion("scope_architecture").level is None
    assert profile.level == 5
    assert profile.confidence == "none"


def test_rule_versions_apply_from_their_month() -> None:
    versions = [
        RuleVersion(dt.date(2026, 6, 1), {"mixed_teams": (0.1, 0.2, 0.3, 0.4)}),
        RuleVersion(dt.date(2026, 9, 1), {"mixed_teams": (0.6, 0.7, 0.8, 0.99)}),
    ]
    assert rules_in_force(versions, as_of=dt.date(2026, 5, 1)).rule("mixed_teams").thresholds == (
        0.5,
        0.65,
        0.8,
        0.9,
    )
    assert rules_in_force(versions, as_of=dt.date(2026, 8, 1)).rule("mixed_teams").level(0.35) == 4
    assert rules_in_force(versions, as_of=OCT).rule("mixed_teams").level(0.35) == 1
    # Other measures keep their defaults.
    assert rules_in_force(versions, as_of=OCT).rule("fte_balance") == RULES.rule("fte_balance")


def test_threshold_problems() -> None:
    assert threshold_problems([1, 2, 3, 4]) == []
    assert threshold_problems([1, 2, 3]) == ["maturity.error.four"]
    assert threshold_problems([1, "x", 3, 4]) == ["maturity.error.number"]
    assert threshold_problems([1, math.nan, 3, 4]) == ["maturity.error.number"]
    assert threshold_problems([1, 3, 2, 4]) == ["maturity.error.ascending"]


def test_trust_dimension_comes_from_the_latest_wave_by_the_month_and_hidden_is_missing() -> None:
    waves = pd.DataFrame(
        {"id": [1, 2], "code": ["A", "B"], "fielded_on": [dt.date(2026, 3, 15), dt.date(2026, 9, 15)]}
    )
    trend = pd.DataFrame(
        {
            "wave_id": [1, 2, 1, 2],
            "dimension": ["communication", "communication", "overall", "overall"],
            "index": [50.0, None, 55.0, 60.0],
            "shown": [True, False, True, True],
        }
    )
    months = [dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 9, 1)]
    values = latest_wave_values(waves, trend, "communication", months)
    assert [v.value for v in values] == [None, 50.0, None]
    assert values[0].reason == "kpi.na.no_survey"
    assert values[2].reason == "kpi.na.group_too_small"


def test_ownership_measures_by_month() -> None:
    ownership = pd.DataFrame(
        {
            "month": [OCT] * 6,
            "project": ["P1", "P1", "P2", "P2", "P3", "P3"],
            "area": ["data_processing", "customer_database"] * 3,
            "owners": [1, 1, 1, 2, 1, 1],
            "expected": ["IT", "MKT"] * 3,
            "off_rule": [0, 0, 1, 1, 0, 0],
        }
    )
    assert breach_share_by_month(ownership, [OCT], cancelled=set())[0].value == pytest.approx(1 / 3)
    assert areas_by_rule_by_month(ownership, [OCT], areas=["data_processing"], cancelled=set())[0].value == (
        pytest.approx(2 / 3)
    )
    # P3 cancelled: left out; a month without ownership is n/a.
    values = areas_by_rule_by_month(
        ownership, [OCT, dt.date(2026, 9, 1)], areas=["customer_database"], cancelled={"P3"}
    )
    assert values[0].value == pytest.approx(1 / 2)
    assert values[1].value is None


def test_meeting_outcomes_per_meeting_in_the_window() -> None:
    decisions = pd.DataFrame(
        {"meeting_month": [dt.date(2025, 5, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)]}
    )
    actions = pd.DataFrame({"meeting_month": [dt.date(2026, 5, 1)] * 3})
    values = meeting_outcomes_by_month(decisions, actions, [dt.date(2026, 4, 1), OCT])
    assert values[0].value == pytest.approx(1.0)  # only the May 2025 meeting (one decision) in the window
    assert values[1].value == pytest.approx(5 / 2)  # May (1 + 3) and June (1)


def test_ev_coverage_and_forecast_accuracy() -> None:
    projects = pd.DataFrame(
        {"project": ["A", "B", "C", "D"], "status": ["active", "done", "cancelled", "active"]}
    )
    history = pd.DataFrame(
        {
            "project": ["A", "B"],
            "month": [dt.date(2026, 9, 1), dt.date(2026, 10, 1)],
            "pct_complete": [10.0, 100.0],
        }
    )
    values = ev_coverage_by_month(projects, history, [dt.date(2026, 9, 1), OCT])
    assert [v.value for v in values] == [pytest.approx(1 / 3), pytest.approx(2 / 3)]
    # D started only in October: September counts A and B alone (A has progress by then).
    started = {"A": dt.date(2026, 1, 1), "B": dt.date(2026, 1, 1), "D": OCT}
    values = ev_coverage_by_month(projects, history, [dt.date(2026, 9, 1), OCT], started=started)
    assert [v.value for v in values] == [pytest.approx(1 / 2), pytest.approx(2 / 3)]
    nothing = ev_coverage_by_month(projects, history, [dt.date(2025, 1, 1)], started=started)
    assert nothing[0].reason == "kpi.na.no_projects"
    assert forecast_accuracy(V(1.04)).value == pytest.approx(0.04)
    assert forecast_accuracy(V(0.9)).value == pytest.approx(0.1)
    assert forecast_accuracy(not_available("kpi.na.no_plan")).reason == "kpi.na.no_plan"
