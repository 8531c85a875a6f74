"""The headline KPIs on tiny hand-made frames with hand-computed answers."""

import datetime as dt

import pandas as pd
import pytest

from domain.confidentiality import validate_min_group
from domain.filters import Filters
from domain.months import add_months, last_closed_month, month_end, months_between
from domain.targets import DEFAULT_TARGETS, Target, rag
from kpis.budget import realisation, variance
from kpis.common import ratio
from kpis.portfolio import count_goals, count_joint_projects, goals_on_time, joint_share
from kpis.trust_index import index_from_mean, latest_wave_trust, pooled_index


def test_realisation_is_actual_over_planned() -> None:
    assert realisation(actual=110.0, planned=100.0).value == pytest.approx(1.10)
    assert variance(actual=110.0, planned=100.0) == pytest.approx(10.0)


def test_realisation_without_plan_is_not_available_with_reason() -> None:
    result = realisation(actual=50.0, planned=0.0)
    assert result.value is None and result.reason == "kpi.na.no_plan"


def test_ratio_rejects_non_finite() -> None:
    assert ratio(float("nan"), 2.0, reason_if_zero="x").value is None
    assert ratio(1.0, float("inf"), reason_if_zero="x").reason == "x"


def test_joint_share_weights_by_committed_budget() -> None:
    funding = pd.DataFrame(
        {"code": ["A", "B", "C"], "committed": [300.0, 100.0, 600.0], "n_funders": [2, 1, 3]}
    )
    assert joint_share(funding).value == pytest.approx(0.9)  # (300 + 600) / 1000
    assert count_joint_projects(funding) == 2


def test_joint_share_of_nothing_is_not_available() -> None:
    empty = pd.DataFrame(columns=["code", "committed", "n_funders"])
    assert joint_share(empty).reason == "kpi.na.no_projects"
    zero = pd.DataFrame({"code": ["A"], "committed": [0.0], "n_funders": [2]})
    assert joint_share(zero).reason == "kpi.na.no_funding"


def test_goals_on_time_counts_only_goals_due_and_reached_by_their_date() -> None:
    goals = pd.DataFrame(
        {
            "target_date": [
                dt.date(2026, 3, 31),
                dt.date(2026, 6, 30),
                dt.date(2026, 8, 31),
                dt.date(2027, 1, 31),
            ],
            "achieved_date": [dt.date(2026, 3, 1), dt.date(2026, 7, 15), None, dt.date(2026, 9, 1)],
        }
    )
    # As of October 2026: three due (the 2027 goal is not), one reached on time.
    assert count_goals(goals, as_of_end=dt.date(2026, 10, 31)) == (1, 3)
    assert goals_on_time(goals, as_of_end=dt.date(2026, 10, 31)).value == pytest.approx(1 / 3)
    # Replaying February 2026: nothing due yet.
    assert goals_on_time(goals, as_of_end=dt.date(2026, 2, 28)).reason == "kpi.na.no_goals_due"


def test_goal_reached_after_the_as_of_date_does_not_count_in_a_replay() -> None:
    goals = pd.DataFrame({"target_date": [dt.date(2026, 3, 31)], "achieved_date": [dt.date(2026, 3, 20)]})
    assert count_goals(goals, as_of_end=dt.date(2026, 3, 31)) == (1, 1)
    goals_late_booked = pd.DataFrame(
        {"target_date": [dt.date(2026, 3, 31)], "achieved_date": [dt.date(2026, 3, 20)]}
    )
    assert count_goals(goals_late_booked, as_of_end=dt.date(2026, 3, 10)) == (0, 0)


def test_trust_index_maps_the_scale_to_0_100() -> None:
    assert index_from_mean(1.0) == 0.0
    assert index_from_mean(5.0) == 100.0
    assert index_from_mean(3.6) == pytest.approx(65.0)


def test_pooled_index_leaves_small_groups_out_entirely() -> None:
    groups = pd.DataFrame(
        {
            "department": ["MKT", "IT", "FIN"],
            "respondents": [10, 20, 4],
            "score_sum": [10 * 30 * 4.0, 20 * 30 * 3.0, 4 * 30 * 1.0],
            "answers": [300, 600, 120],
        }
    )
    result = pooled_index(groups, min_group=5)
    # Mean over MKT and IT only: (1200 + 1800) / 900 = 3.333…; FIN's 1.0 scores must not pull it down.
    assert result.index.value == pytest.approx((3000 / 900 - 1) / 4 * 100)
    assert result.respondents == 30 and result.hidden_groups == 1


def test_pooled_index_of_only_small_groups_shows_nothing() -> None:
    groups = pd.DataFrame({"department": ["FIN"], "respondents": [4], "score_sum": [480.0], "answers": [120]})
    result = pooled_index(groups, min_group=5)
    assert result.index.value is None and result.index.reason == "kpi.na.group_too_small"


def test_min_group_below_three_is_refused() -> None:
    with pytest.raises(ValueError, match="below 3"):
        validate_min_group(2)
    assert validate_min_group(3) == 3


def test_latest_wave_trust_and_change() -> None:
    waves = pd.DataFrame({"id": [1, 2], "code": ["W1", "W2"]})
    groups = pd.DataFrame(
        {
            "wave_id": [1, 2],
            "department": ["MKT", "MKT"],
            "respondents": [10, 10],
            "score_sum": [300 * 3.0, 300 * 3.4],
            "answers": [300, 300],
        }
    )
    trust = latest_wave_trust(waves, groups)
    assert trust.wave_code == "W2"
    assert trust.current.index.value == pytest.approx(60.0)
    assert trust.change.value == pytest.approx(10.0)


def test_rag_in_both_directions() -> None:
    cpi = Target(green=0.95, amber=0.85)
    assert [rag(v, cpi) for v in (1.0, 0.95, 0.9, 0.85, 0.8)] == ["green", "green", "amber", "amber", "red"]
    drift = Target(green=10, amber=15, direction="lower")
    assert [rag(v, drift) for v in (5, 10, 12, 20)] == ["green", "green", "amber", "red"]
    assert rag(None, cpi) is None
    assert DEFAULT_TARGETS["cpi"] == cpi
    with pytest.raises(ValueError):
        Target(green=0.8, amber=0.9)


def test_month_arithmetic() -> None:
    assert add_months(dt.date(2026, 11, 1), 2) == dt.date(2027, 1, 1)
    assert add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert month_end(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert last_closed_month(dt.date(2026, 11, 29)) == dt.date(2026, 10, 1)
    assert len(months_between(dt.date(2024, 1, 1), dt.date(2026, 12, 1))) == 36


def test_filters_reject_inconsistent_periods() -> None:
    with pytest.raises(ValueError):
        Filters(as_of=dt.date(2026, 10, 15), period_start=dt.date(2026, 1, 1))
    with pytest.raises(ValueError):
        Filters(as_of=dt.date(2026, 1, 1), period_start=dt.date(2026, 2, 1))
    assert Filters.year_to_date(dt.date(2026, 10, 1)).period_start == dt.date(2026, 1, 1)
