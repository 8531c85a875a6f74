"""The single view's trends in one pass (kpis.trends over the stacked month facts of
data_access.projects) give exactly the figures of the month-by-month computation
(tests/straight.py): on the demo data with several filter sets, on SQLite and PostgreSQL,
and on hand-made edge cases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data_access.budget import load_budget_by_month, load_progress_history, load_project_progress
from data_access.projects import (
    load_funding_by_months,
    load_funding_by_project,
    load_insight_goals,
    load_ownership,
    load_ownership_by_months,
)
from data_access.reference import load_month_bounds
from domain.filters import Filters
from kpis.common import KpiValue, not_available
from kpis.exceptions import without_cancelled
from kpis.trends import (
    cpi_by_month,
    goals_on_time_by_month,
    joint_share_by_month,
    ownership_clarity_by_month,
    progress_by_month,
)
from services.single_view import compute_single_view
from services.single_view_model import period_for, trend_months
from tests.kpis.test_one_pass import AS_OF, FILTER_SETS
from tests.straight import (
    straight_cpi,
    straight_goals_on_time,
    straight_joint_share,
    straight_ownership_clarity,
    straight_progress_at,
)

MORE_FILTER_SETS = [
    *FILTER_SETS,
    # A period that is not year to date, and a project choice.
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year - 1, 7, 1), statuses=("active", "closed")),
    Filters(
        as_of=dt.date(AS_OF.year, 6, 1), period_start=dt.date(AS_OF.year, 1, 1), departments=("FIN", "IT")
    ),
]
IDS = ["all", "IT", "MKT-active", "march", "from-july", "june-FIN-IT"]


def _months(engine, filters: Filters) -> list[dt.date]:
    """The trend months, plus the first months of the data (before any history or project)."""
    first = load_month_bounds(engine=engine)[0]
    return sorted({*trend_months(filters.as_of), first, *trend_months(first, 3)})


def _values(values: list[KpiValue]) -> list[tuple]:
    return [(value.value, value.reason) for value in values]


@pytest.mark.parametrize("filters", MORE_FILTER_SETS, ids=IDS)
def test_stacked_funding_and_ownership_equal_each_month_on_its_own(demo_engine, filters: Filters) -> None:
    months = _months(demo_engine, filters)
    funding = load_funding_by_months(engine=demo_engine, filters=filters, months=months)
    ownership = load_ownership_by_months(engine=demo_engine, filters=filters, months=months)
    assert len(funding) > 0 and len(ownership) > 0
    for month in months:
        replayed = period_for(filters, month)
        alone = load_funding_by_project(engine=demo_engine, filters=replayed, as_of=month)
        _same_rows(funding[funding["month"] == month].drop(columns="month"), alone)
        alone = load_ownership(engine=demo_engine, filters=replayed, as_of=month)
        _same_rows(ownership[ownership["month"] == month].drop(columns="month"), alone)


def _same_rows(stacked: pd.DataFrame, alone: pd.DataFrame) -> None:
    """A month's rows of a stacked frame equal that month's frame on its own (an empty month
    has no rows either way; its frame on its own has no column types to compare)."""
    if alone.empty:
        assert stacked.empty and list(stacked.columns) == list(alone.columns)
        return
    pd.testing.assert_frame_equal(stacked.reset_index(drop=True), alone, check_exact=True)


@pytest.mark.parametrize("filters", MORE_FILTER_SETS, ids=IDS)
def test_trend_kpis_equal_the_month_by_month_figures(demo_engine, filters: Filters) -> None:
    months = _months(demo_engine, filters)
    projects = load_project_progress(engine=demo_engine, filters=filters)
    statuses = dict(zip(projects["project"], projects["status"], strict=True))
    funding = load_funding_by_months(engine=demo_engine, filters=filters, months=months)
    assert _values(joint_share_by_month(funding, months)) == _values(
        straight_joint_share(demo_engine, filters, months)
    )
    ownership = load_ownership_by_months(engine=demo_engine, filters=filters, months=months)
    cancelled = {code for code, status in statuses.items() if status == "cancelled"}
    assert _values(ownership_clarity_by_month(ownership, months, cancelled=cancelled)) == _values(
        straight_ownership_clarity(demo_engine, filters, months, statuses)
    )
    goals = without_cancelled(load_insight_goals(engine=demo_engine, filters=filters), statuses)
    assert _values(goals_on_time_by_month(goals, months)) == _values(straight_goals_on_time(goals, months))
    lines = load_budget_by_month(engine=demo_engine, filters=filters, by=("project",), span="all")
    history = load_progress_history(engine=demo_engine, filters=filters)
    fast = cpi_by_month(lines, projects["project"], history, months)
    assert _values(fast) == _values(straight_cpi(lines, projects, history, months))
    assert sum(value.available for value in fast) >= 3


@pytest.mark.parametrize("filters", MORE_FILTER_SETS[:3], ids=IDS[:3])
def test_the_single_views_trends_are_the_month_by_month_figures(demo_engine, filters: Filters) -> None:
    view = compute_single_view(engine=demo_engine, filters=filters, min_group=5)
    months = list(view.trend_months)
    projects = load_project_progress(engine=demo_engine, filters=filters)
    statuses = dict(zip(projects["project"], projects["status"], strict=True))
    lines = load_budget_by_month(engine=demo_engine, filters=filters, by=("project",), span="all")
    history = load_progress_history(engine=demo_engine, filters=filters)
    goals = without_cancelled(load_insight_goals(engine=demo_engine, filters=filters), statuses)
    expected = {
        "joint_share": straight_joint_share(demo_engine, filters, months),
        "ownership_clarity": straight_ownership_clarity(demo_engine, filters, months, statuses),
        "goals_on_time": straight_goals_on_time(goals, months),
        "cpi": straight_cpi(lines, projects, history, months[:-1]),
    }
    for code, values in expected.items():
        trend = view.tile(code).trend
        shown = [
            value
            for month, value in zip(months, trend, strict=True)
            if month not in view.months_without_history
        ]
        wanted = [
            value.value
            for month, value in zip(months, values, strict=False)
            if month not in view.months_without_history
        ]
        assert shown[: len(wanted)] == wanted, code


# Hand-made edge cases.

M1, M2, M3 = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def test_joint_share_by_month_edges() -> None:
    funding = pd.DataFrame(
        {
            "month": [M1, M2, M2, M2],
            "code": ["A", "A", "B", "C"],
            "committed": [0.0, 100.0, 50.5, 0.1],
            "n_funders": [2, 2, 1, 3],
        }
    )
    values = joint_share_by_month(funding, [M1, M2, M3])
    assert values[0] == not_available("kpi.na.no_funding")
    assert values[1] == KpiValue((100.0 + 0.1) / (100.0 + 50.5 + 0.1))
    assert values[2] == not_available("kpi.na.no_projects")


def test_ownership_clarity_by_month_edges() -> None:
    ownership = pd.DataFrame(
        {
            "month": [M1, M1, M1, M1, M2, M2],
            "project": ["A", "A", "B", "X", "B", "X"],
            "owners": [1, 1, 1, 1, 2, 1],
            "off_rule": [0, 1, 0, 0, 0, 0],
        }
    )
    values = ownership_clarity_by_month(ownership, [M1, M2, M3], cancelled={"X"})
    assert values[0] == KpiValue(1 / 2)  # A breaches the house rule in one area; X is cancelled
    assert values[1] == KpiValue(0.0)  # B has two owners
    assert values[2] == not_available("projects.na.no_ownership")
    only_cancelled = ownership_clarity_by_month(ownership[ownership["project"] == "X"], [M1], cancelled={"X"})
    assert only_cancelled == [not_available("projects.na.no_ownership")]


def test_goals_on_time_by_month_edges() -> None:
    goals = pd.DataFrame(
        {
            "target_date": [dt.date(2026, 1, 31), dt.date(2026, 2, 10), dt.date(2026, 2, 20), None],
            "achieved_date": [dt.date(2026, 1, 15), dt.date(2026, 3, 5), None, dt.date(2026, 1, 2)],
        }
    )
    values = goals_on_time_by_month(goals, [dt.date(2025, 12, 1), M1, M2, M3])
    assert values[0] == not_available("kpi.na.no_goals_due")
    assert values[1] == KpiValue(1.0)
    assert values[2] == KpiValue(1 / 3)  # the second was reached late, the third not yet
    assert values[3] == KpiValue(1 / 3)
    assert goals_on_time_by_month(goals.iloc[:0], [M1]) == [not_available("kpi.na.no_goals_due")]


def test_progress_by_month_takes_the_last_value_recorded_by_then() -> None:
    history = pd.DataFrame(
        {
            "project": ["A", "A", "A", "B", "B"],
            "month": [M1, M2, M2, M2, M3],
            "pct_complete": [10.0, 20.0, 25.0, np.nan, 40.0],
        }
    )
    projects = pd.DataFrame({"project": ["A", "B", "C"]})
    table = progress_by_month(projects["project"], history, [dt.date(2025, 12, 1), M1, M2, M3])
    for row, month in enumerate([dt.date(2025, 12, 1), M1, M2, M3]):
        straight = straight_progress_at(projects, history, month)["pct_complete"].to_numpy(dtype="float64")
        np.testing.assert_array_equal(table[row], straight)
    assert table[2].tolist()[0] == 25.0 and np.isnan(table[2][1])


def test_cpi_by_month_edges() -> None:
    lines = pd.DataFrame(
        {
            "month": [M1, M2, M3, M1, M2],
            "project": ["A", "A", "A", "B", "B"],
            "planned": [100.0, 100.0, 100.0, 50.0, 50.0],
            "actual": [80.0, np.nan, np.nan, -200.0, 10.0],
        }
    )
    history = pd.DataFrame({"project": ["A", "B"], "month": [M2, M3], "pct_complete": [30.0, 50.0]})
    projects = pd.DataFrame({"project": ["A", "B", "C"]})
    months = [M1, M2, M3]
    fast = cpi_by_month(lines, projects["project"], history, months)
    assert _values(fast) == _values(straight_cpi(lines, projects, history, months))
    assert fast[0] == not_available("budget.na.no_progress")
    assert fast[1] == KpiValue(0.3 * 300.0 / 80.0)
    assert fast[2] == not_available("budget.na.net_credit")  # B's credit makes the actuals negative
