"""What-if charts: baseline and scenario stay distinguishable when they lie close together."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from charts.whatif import delta_chart, scenario_chart
from kpis.scenario.comparison import plan_delta

D = dt.date


def series() -> pd.DataFrame:
    months = [D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]
    return pd.DataFrame(
        {
            "month": months * 3,
            "series": ["baseline"] * 3 + ["scenario"] * 3 + ["actual"] * 3,
            "cumulative": [100.0, 200.0, 300.0, 100.0, 200.0, 249.0, 90.0, 180.0, 270.0],
        }
    )


def test_plan_delta_is_scenario_minus_baseline_per_month() -> None:
    delta = plan_delta(series())
    assert list(delta["delta"]) == [0.0, 0.0, -51.0]
    assert list(delta.columns) == ["month", "delta"]
    assert plan_delta(series().iloc[0:0]).empty


def test_the_lines_differ_in_dash_and_carry_markers_and_the_delta_has_its_own_panel() -> None:
    labels = {"baseline": "Plan", "scenario": "Scenario", "actual": "Actual"}
    spec = scenario_chart(
        series(), labels=labels, title="t", x_title="x", y_title="y", legend_title="l"
    ).to_dict()
    assert spec["mark"]["point"]["filled"] is True
    assert (
        spec["encoding"]["strokeDash"]["scale"]["range"][0]
        != spec["encoding"]["strokeDash"]["scale"]["range"][1]
    )
    bars = delta_chart(plan_delta(series()), title="d", x_title="x", y_title="y").to_dict()
    data = next(iter(bars["datasets"].values()))
    assert [row["delta"] for row in data if row.get("delta") is not None] == [0.0, 0.0, -51.0]
