"""Budget charts, built directly: the series keep their names and colours, the drift chart
leaves unmeasured rows out and draws the tolerance, the forecast runs from the last actual."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from charts.budget import (
    FORECAST_COLOR,
    SERIES_COLORS,
    cumulative_chart,
    drift_chart,
    forecast_chart,
    largest_drifts,
    monthly_chart,
)
from kpis.common import KpiValue, not_available

LABELS = {"planned": "Gepland", "actual": "Werkelijk", "forecast": "Prognose"}
TITLES = {"title": "T", "x_title": "Maand", "y_title": "Bedrag", "legend_title": "Reeks"}


def series() -> pd.DataFrame:
    months = [dt.date(2026, m, 1) for m in (1, 2, 3)]
    return pd.DataFrame(
        {
            "month": months * 2,
            "series": ["planned"] * 3 + ["actual"] * 3,
            "amount": [100.0, 100.0, 100.0, 90.0, 120.0, 80.0],
            "cumulative": [100.0, 200.0, 300.0, 90.0, 210.0, 290.0],
        }
    )


def _values(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def test_monthly_chart_names_and_colours_the_two_series() -> None:
    spec = monthly_chart(series(), labels=LABELS, **TITLES).to_dict()
    color = spec["encoding"]["color"]
    assert color["scale"] == {
        "domain": ["Gepland", "Werkelijk"],
        "range": [SERIES_COLORS["planned"], SERIES_COLORS["actual"]],
    }
    assert spec["mark"]["type"] == "bar" and spec["title"] == "T"
    assert sorted({row["label"] for row in _values(spec)}) == ["Gepland", "Werkelijk"]
    assert sum(row["amount"] for row in _values(spec)) == 590.0


def test_cumulative_chart_is_an_area_of_actuals_under_a_dashed_plan() -> None:
    spec = cumulative_chart(series(), labels=LABELS, **TITLES).to_dict()
    marks = [layer["mark"] for layer in spec["layer"]]
    assert marks[0]["type"] == "area" and marks[1]["type"] == "line" and marks[1]["strokeDash"] == [6, 4]
    filters = [layer["transform"][0]["filter"] for layer in spec["layer"]]
    assert filters == ["(datum.series === 'actual')", "(datum.series === 'planned')"]


def drift_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project": ["A", "A", "B", "B", "C", "C"],
            "department": ["MKT", "IT", "MKT", "IT", "MKT", "IT"],
            "drift_pp": [
                KpiValue(12.0),
                KpiValue(-12.0),
                KpiValue(3.0),
                KpiValue(-3.0),
                not_available("kpi.na.no_actuals"),
                not_available("kpi.na.no_actuals"),
            ],
        }
    )


def test_largest_drifts_keeps_whole_projects_largest_first() -> None:
    shown, left_out = largest_drifts(drift_rows(), max_rows=3)
    assert list(shown["project"]) == ["A", "A"] and left_out == 1  # B would need 2 more bars; C unmeasured
    shown, left_out = largest_drifts(drift_rows(), max_rows=1)
    assert list(shown["project"]) == ["A", "A"] and left_out == 1  # at least one project
    shown, left_out = largest_drifts(drift_rows())
    assert set(shown["project"]) == {"A", "B"} and left_out == 0


def test_drift_chart_leaves_unmeasured_rows_out_and_draws_the_tolerance() -> None:
    names = {"MKT": "Marketing", "IT": "IT"}
    spec = drift_chart(drift_rows(), tolerance=5.0, department_names=names, **TITLES).to_dict()
    bars, rules = spec["layer"]
    rows = spec["datasets"][bars["data"]["name"]]
    assert [row["row"] for row in rows] == ["A · Marketing", "A · IT", "B · Marketing", "B · IT"]
    assert [row["drift_pp"] for row in rows] == [12.0, -12.0, 3.0, -3.0]
    limits = spec["datasets"][rules["data"]["name"]]
    assert [row["limit"] for row in limits] == [-5.0, 5.0]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["IT", "Marketing"]


def test_forecast_runs_from_the_last_actual_to_year_end() -> None:
    year_end = pd.Timestamp(2026, 12, 1)
    spec = forecast_chart(series(), forecast_end=1200.0, year_end=year_end, labels=LABELS, **TITLES).to_dict()
    ahead = spec["layer"][2]
    line = spec["datasets"][ahead["data"]["name"]]
    assert [row["cumulative"] for row in line] == [290.0, 1200.0]
    assert line[0]["month"].startswith("2026-03-01") and line[1]["month"].startswith("2026-12-01")
    assert spec["layer"][0]["encoding"]["color"]["scale"]["range"][-1] == FORECAST_COLOR


def test_forecast_without_actuals_is_the_cumulative_chart() -> None:
    plan_only = series().query("series == 'planned'")
    spec = forecast_chart(
        plan_only, forecast_end=0.0, year_end=pd.Timestamp(2026, 12, 1), labels=LABELS, **TITLES
    ).to_dict()
    assert len(spec["layer"]) == 2
