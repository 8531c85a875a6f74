"""The faster budget and collaboration KPI functions (issue #23, "instant at production
scale") give exactly the figures of their plain versions (tests/straight_budget.py, copied
unchanged from 3943b28): on hand-made edge cases, on random frames with awkward amounts and
three or four funders per project, and on the demo data with several filter sets, on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

import tests.straight_budget as straight
import tests.straight_project_charts as straight_charts
from data_access.budget import load_budget_by_month
from data_access.projects import load_funding_split
from domain.filters import Filters
from domain.months import add_months
from kpis import budget
from kpis import funding as funding_kpis
from services.single_view_model import trend_months
from tests.kpis.budget_cases import (
    APR,
    FEB,
    FILTER_IDS,
    FILTER_SETS,
    FUNDING,
    JAN,
    MAR,
    MAY,
    NAN,
    SPEND,
    TOLERANCE,
    _demo_inputs,
    _funding,
    _random_case,
)

# --- funding_balance_trend --------------------------------------------------------------


def _same_trend(spend: pd.DataFrame, funding: pd.DataFrame, months: list[dt.date], tolerance: float) -> None:
    fast = funding_kpis.funding_balance_trend(spend, funding, months=months, tolerance=tolerance)
    plain = straight.funding_balance_trend(spend, funding, months=months, tolerance=tolerance)
    assert fast == plain
    # and the definition: one drift table per month close
    assert fast == [
        straight.funding_balance(
            straight.funding_drift(spend[spend["month"] <= month], funding, tolerance=tolerance)
        )
        for month in months
    ]


@pytest.mark.parametrize("tolerance", [0.0, 5.0, TOLERANCE, 60.0])
def test_funding_balance_trend_hand_made(tolerance: float) -> None:
    months = [add_months(JAN, -1), JAN, FEB, MAR, APR, MAY]  # one before any spend
    _same_trend(SPEND, FUNDING, months, tolerance)
    values = funding_kpis.funding_balance_trend(SPEND, FUNDING, months=months, tolerance=tolerance)
    assert not values[0].available and values[0].reason == "budget.na.no_joint_actuals"


def test_funding_balance_trend_edge_cases() -> None:
    months = [JAN, FEB, MAR]
    _same_trend(SPEND, _funding([]), months, TOLERANCE)  # no funding
    _same_trend(SPEND, FUNDING[FUNDING["project"] == "C"], months, TOLERANCE)  # one funder
    _same_trend(SPEND.iloc[0:0], FUNDING, months, TOLERANCE)  # no spend
    _same_trend(SPEND, FUNDING, [], TOLERANCE)  # no months
    _same_trend(SPEND[SPEND["department"] == "IT"], FUNDING, months, TOLERANCE)  # a department filter
    _same_trend(SPEND[SPEND["month"] == MAR], FUNDING, [JAN, FEB, MAR, APR], TOLERANCE)  # empty months
    no_shares = FUNDING.assign(agreed_share=NAN)
    _same_trend(SPEND, no_shares, months, TOLERANCE)


@pytest.mark.parametrize("seed", range(6))
def test_funding_balance_trend_random(seed: int) -> None:
    spend, funding, months = _random_case(seed)
    for tolerance in (2.0, TOLERANCE, 25.0):
        _same_trend(spend, funding, months, tolerance)
        _same_trend(spend, funding, months[::3], tolerance)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_funding_balance_trend_on_demo_data(demo_engine, filters: Filters) -> None:
    spend, funding = _demo_inputs(demo_engine, filters)
    months = trend_months(filters.as_of)
    assert funding_kpis.joint_projects(funding)
    _same_trend(spend, funding, months, TOLERANCE)
    _same_trend(spend, funding, months, 2.0)


def _monthly_by_definition(spend: pd.DataFrame, joint: list[str]) -> pd.DataFrame:
    return (
        spend[spend["project"].isin(joint)]
        .groupby(["project", "department", "month"])["actual"]
        .sum()
        .unstack("month", fill_value=0.0)
    )


def _same_monthly(spend: pd.DataFrame, joint: list[str]) -> None:
    fast = funding_kpis._monthly_actuals(spend, joint)
    plain = _monthly_by_definition(spend, joint)
    pd.testing.assert_frame_equal(fast, plain, check_exact=True, check_column_type=False)
    assert (np.signbit(fast.to_numpy()) == np.signbit(plain.to_numpy())).all()  # 0.0, not −0.0


@pytest.mark.parametrize("seed", range(4))
def test_monthly_actuals_in_the_budget_frames_order_and_any_other(seed: int) -> None:
    spend, funding, _ = _random_case(seed)
    joint = funding_kpis.joint_projects(funding)
    # As data_access.budget gives it: one row per month, project and department, in that
    # order (each sum is its one value), with a −0.0 and a missing actual among them.
    ordered = spend.sort_values(["month", "project", "department"], ignore_index=True)
    ordered.loc[ordered.index[::7], "actual"] = -0.0
    ordered.loc[ordered.index[3::11], "actual"] = NAN
    _same_monthly(ordered, joint)
    _same_monthly(ordered.iloc[::-1], joint)  # another order: grouped
    _same_monthly(pd.concat([ordered, ordered.iloc[::5]], ignore_index=True), joint)  # repeated keys
    _same_monthly(spend, joint)
    _same_monthly(ordered, [])  # nothing joint


# --- funding_drift and its parts ------------------------------------------------------


def _same_drift(spend: pd.DataFrame, funding: pd.DataFrame, tolerance: float = TOLERANCE) -> None:
    assert funding_kpis.joint_projects(funding) == straight.joint_projects(funding)
    pd.testing.assert_frame_equal(
        funding_kpis.agreed_shares(funding), straight.agreed_shares(funding), check_exact=True
    )
    for name in ("funding_drift", "funding_drift_numbers", "portfolio_funding_drift"):
        fast = getattr(funding_kpis, name)(spend, funding, tolerance=tolerance)
        plain = getattr(straight, name)(spend, funding, tolerance=tolerance)
        pd.testing.assert_frame_equal(fast, plain, check_exact=True)
    drift = funding_kpis.funding_drift(spend, funding, tolerance=tolerance)
    assert funding_kpis.count_drifting(drift) == straight.count_drifting(drift)
    assert funding_kpis.funding_balance(drift) == straight.funding_balance(drift)


def test_funding_drift_hand_made() -> None:
    for tolerance in (0.0, TOLERANCE):
        _same_drift(SPEND, FUNDING, tolerance)
    _same_drift(SPEND, _funding([]))
    _same_drift(SPEND, FUNDING[FUNDING["project"] == "C"])
    _same_drift(SPEND.iloc[0:0], FUNDING)
    _same_drift(SPEND[SPEND["department"] == "MKT"], FUNDING)
    _same_drift(SPEND, FUNDING.assign(agreed_share=NAN))
    _same_drift(SPEND, FUNDING.astype({"project": object, "department": object}))
    _same_drift(SPEND, FUNDING.astype({"agreed_share": object}))  # shares as objects with NaN
    # As the app's loaders give them: spend codes as Python strings, funding codes as "str"
    # and shares as objects; this takes the keyed path (the others above may not).
    app_spend = SPEND.astype({"project": object, "department": object})
    app_funding = FUNDING.astype({"project": "str", "department": "str", "agreed_share": object})
    joint = funding_kpis.joint_projects(app_funding)
    assert funding_kpis._drift_numbers_by_key(app_spend, app_funding, joint, TOLERANCE) is not None
    for tolerance in (0.0, TOLERANCE):
        _same_drift(app_spend, app_funding, tolerance)
    duplicated = pd.concat([app_funding, app_funding.iloc[:1]], ignore_index=True)
    assert funding_kpis._drift_numbers_by_key(app_spend, duplicated, joint, TOLERANCE) is None
    _same_drift(app_spend, duplicated)


@pytest.mark.parametrize("seed", range(6))
def test_funding_drift_random(seed: int) -> None:
    spend, funding, _ = _random_case(seed)
    _same_drift(spend, funding)
    _same_drift(spend, funding, 2.0)
    app_spend = spend.astype({"project": object, "department": object})
    app_funding = funding.astype({"project": "str", "department": "str"})
    assert (
        funding_kpis._drift_numbers_by_key(
            app_spend, app_funding, funding_kpis.joint_projects(app_funding), 2.0
        )
        is not None
    )
    _same_drift(app_spend, app_funding, 2.0)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_funding_drift_on_demo_data(demo_engine, filters: Filters) -> None:
    spend, funding = _demo_inputs(demo_engine, filters)
    assert (
        funding_kpis._drift_numbers_by_key(spend, funding, funding_kpis.joint_projects(funding), TOLERANCE)
        is not None
    )
    _same_drift(spend[spend["month"] <= filters.as_of], funding)
    _same_drift(spend, funding, 2.0)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_budget_and_funding_chart_specs_unchanged(demo_sqlite_engine, filters: Filters) -> None:
    """The budget charts, the funding split and the FTE chart give the very same Vega-Lite
    JSON as before their properties moved into the layer and chart calls."""
    from charts import budget as budget_charts
    from charts import projects as project_charts

    def same(name: str, module, *args, **kwargs) -> None:
        fast = getattr(module, name)(*args, **kwargs).to_dict()
        oracle = straight if module is budget_charts else straight_charts
        plain = getattr(oracle, name)(*args, **kwargs).to_dict()
        assert json.dumps(fast) == json.dumps(plain), name

    frame = load_budget_by_month(engine=demo_sqlite_engine, filters=filters, span="period_to_year_end")
    series = budget.cumulative_series(frame, as_of=filters.as_of)
    labels = {"planned": "Plan", "actual": "Actual", "forecast": "Forecast"}
    texts = {"labels": labels, "title": "T", "x_title": "Month", "y_title": "€", "legend_title": "Series"}
    same("monthly_chart", budget_charts, series, **texts)
    same("cumulative_chart", budget_charts, series, **texts)
    same(
        "forecast_chart",
        budget_charts,
        series,
        forecast_end=float(series["cumulative"].max()) * 1.1,
        year_end=pd.Timestamp(filters.year_end),
        **texts,
    )
    spend, funding = _demo_inputs(demo_sqlite_engine, filters)
    drift = funding_kpis.funding_drift(spend[spend["month"] <= filters.as_of], funding, tolerance=2.0)
    assert not drift.empty
    same(
        "drift_chart",
        budget_charts,
        budget_charts.largest_drifts(drift)[0],
        tolerance=2.0,
        department_names={"IT": "IT", "MKT": "Marketing"},
        title="Drift",
        x_title="pp",
        y_title="Project",
        legend_title="Department",
    )
    split = funding_kpis.resolve_agreed_shares(
        load_funding_split(engine=demo_sqlite_engine, filters=filters, as_of=filters.as_of)
    )
    same(
        "funding_split_chart",
        project_charts,
        split,
        title="Split",
        share_title="Share",
        project_title="Project",
        department_title="Department",
        agreed_title="Agreed",
    )
    fte = pd.DataFrame(
        {
            "month": [JAN, JAN, FEB, FEB],
            "department": ["IT", "MKT", "IT", "MKT"],
            "fte": [1.5, 2.0, 1.0, 2.5],
            "members": [2, 3, 1, 3],
        }
    )
    same(
        "fte_chart",
        project_charts,
        fte,
        title="FTE",
        month_title="Month",
        fte_title="FTE",
        department_title="Dep",
    )


# --- forecast_year_end ------------------------------------------------------------------


def _same_forecast(
    year_frame: pd.DataFrame, ev_table: pd.DataFrame, as_of: dt.date, start_month: int = 1
) -> None:
    fast = budget.forecast_year_end(year_frame, ev_table, as_of=as_of, fiscal_year_start_month=start_month)
    plain = straight.forecast_year_end(year_frame, ev_table, as_of=as_of, fiscal_year_start_month=start_month)
    assert type(fast).__name__ == type(plain).__name__ and asdict(fast) == asdict(plain)


def test_forecast_year_end_hand_made() -> None:
    months = [add_months(dt.date(2025, 10, 1), i) for i in range(15)]
    year_frame = pd.DataFrame(
        {
            "month": [month for month in months for _ in ("A", "B", "C", "D")],
            "project": ["A", "B", "C", "D"] * len(months),
            "planned": [100.0, 0.1, 30.0, 7.7] * len(months),
            "actual": [120.0, 0.3, 0.0, 7.7] * len(months),
        }
    )
    projects = pd.DataFrame(
        {
            "project": ["A", "B", "C", "E"],
            "status": ["active", "done", "active", "cancelled"],
            "pct_complete": [40.0, None, 0.0, 10.0],
        }
    )
    for as_of in (dt.date(2026, 1, 1), dt.date(2026, 6, 1), dt.date(2026, 12, 1)):
        ev_table = budget.earned_value_table(year_frame, projects, as_of=as_of)
        for start_month in (1, 4, 10):
            _same_forecast(year_frame, ev_table, as_of, start_month)
        _same_forecast(year_frame, ev_table.iloc[0:0], as_of)  # no earned value table
        _same_forecast(year_frame.iloc[0:0], ev_table, as_of)  # no lines


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_forecast_year_end_on_demo_data(demo_engine, filters: Filters) -> None:
    from data_access.budget import load_project_progress

    year_frame = load_budget_by_month(engine=demo_engine, filters=filters, by=("project",), span="year")
    all_frame = load_budget_by_month(engine=demo_engine, filters=filters, by=("project",), span="all")
    projects = load_project_progress(engine=demo_engine, filters=filters)
    ev_table = budget.earned_value_table(all_frame, projects, as_of=filters.as_of)
    assert not year_frame.empty and not ev_table.empty
    _same_forecast(year_frame, ev_table, filters.as_of, filters.fiscal_year_start_month)
    _same_forecast(year_frame, ev_table, filters.as_of, 4)


# --- cumulative_series ------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [dt.date(2025, 12, 1), JAN, MAR, MAY, dt.date(2027, 1, 1)])
def test_cumulative_series_hand_made(as_of: dt.date) -> None:
    for frame in (
        SPEND,
        SPEND[SPEND["month"] == MAR],
        SPEND.sample(frac=1.0, random_state=3),
        SPEND.iloc[0:0],
    ):
        pd.testing.assert_frame_equal(
            budget.cumulative_series(frame, as_of=as_of),
            straight.cumulative_series(frame, as_of=as_of),
            check_exact=True,
        )
    timestamps = SPEND.assign(month=pd.to_datetime(SPEND["month"]))
    pd.testing.assert_frame_equal(
        budget.cumulative_series(timestamps, as_of=pd.Timestamp(as_of)),
        straight.cumulative_series(timestamps, as_of=pd.Timestamp(as_of)),
        check_exact=True,
    )


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_cumulative_series_on_demo_data(demo_engine, filters: Filters) -> None:
    for span in ("period_to_year_end", "all"):
        frame = load_budget_by_month(engine=demo_engine, filters=filters, span=span)
        assert not frame.empty
        pd.testing.assert_frame_equal(
            budget.cumulative_series(frame, as_of=filters.as_of),
            straight.cumulative_series(frame, as_of=filters.as_of),
            check_exact=True,
        )
