"""Straightforward What-if computations: the oracles for the faster paths of `kpis.scenario`
and `charts.whatif` (issue #23, "instant at production scale").

These are the implementations the app used before (kpis/scenario.py and charts/whatif.py at
df2426b, copied verbatim; only the names carry a `straight_` prefix). They stay here, in the
tests, so the tests can show that the faster paths give exactly the same figures and the same
Vega-Lite specs, and so production code cannot come to depend on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import altair as alt
import pandas as pd

from charts.theme import MONEY_LABEL_EXPR, MONTH_AXIS_FORMAT, MUTED
from charts.whatif import SERIES, SERIES_COLORS
from domain.months import as_date as _day
from domain.months import fiscal_year_end, fiscal_year_start, month_end
from kpis.budget import (
    EarnedValue,
    Forecast,
    YearSummary,
    earned_value_table,
    forecast_year_end,
    portfolio_earned_value,
    year_summary,
)
from kpis.common import KpiValue, not_available
from kpis.funding import funding_balance, funding_drift, joint_projects, max_funding_drift
from kpis.portfolio import goals_on_time
from kpis.scenario.transforms import BaselineFrames


def straight_future(frame: pd.DataFrame, as_of: dt.date) -> pd.Series:
    return pd.Series([m > as_of for m in frame["month"]], index=frame.index, dtype=bool)


def straight_regroup(frame: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    if frame.empty:
        return frame.reset_index(drop=True)
    return frame.groupby(keys, as_index=False, sort=True)[values].sum()


def straight_line_frame(frames: BaselineFrames) -> pd.DataFrame:
    """The budget rows the selected departments booked themselves (all rows without a filter)."""
    if not frames.line_departments:
        return frames.budget
    return frames.budget[frames.budget["department"].isin(list(frames.line_departments))]


def straight_year_frame(frames: BaselineFrames) -> pd.DataFrame:
    """straight_line_frame's rows of the as-of (fiscal) year."""
    lines = straight_line_frame(frames)
    if lines.empty:
        return lines
    start = fiscal_year_start(frames.as_of, frames.fiscal_year_start_month)
    end = fiscal_year_end(frames.as_of, frames.fiscal_year_start_month)
    return lines[[start <= m <= end for m in lines["month"]]]


def straight_projected_spend(frames: BaselineFrames) -> pd.DataFrame:
    """Spend at completion: actual up to the as-of month, plan after it (as column `actual`)."""
    budget = frames.budget
    if budget.empty:
        return budget
    future = straight_future(budget, frames.as_of)
    return budget.assign(actual=budget["actual"].where(~future, budget["planned"]))


def straight_goals_due_rest_of_year(
    goals: pd.DataFrame, *, as_of: dt.date, fiscal_year_start_month: int = 1
) -> int:
    """Goals not reached by the as-of month's end whose target date falls after it and on or
    before the last day of the as-of (fiscal) year: 31 December with a calendar year, 31 March
    with an April start (what is still due this year)."""
    if goals.empty:
        return 0
    as_of_end, year_end = month_end(as_of), month_end(fiscal_year_end(as_of, fiscal_year_start_month))
    count = 0
    for target, achieved in zip(goals["target_date"], goals["achieved_date"], strict=True):
        if target is None or (not isinstance(target, dt.date) and pd.isna(target)):
            continue
        reached = (
            achieved is not None
            and not (not isinstance(achieved, dt.date) and pd.isna(achieved))
            and _day(achieved) <= as_of_end
        )
        if not reached and as_of_end < _day(target) <= year_end:
            count += 1
    return count


class straight_ScenarioFigures:
    """The intermediate tables of one set of frames (earned value, forecast, drift), each
    computed once on first use and shared by the KPI definitions."""

    def __init__(self, frames: BaselineFrames, tolerance: float) -> None:
        self.frames = frames
        self.tolerance = tolerance

    @cached_property
    def ev_table(self) -> pd.DataFrame:
        return earned_value_table(
            straight_line_frame(self.frames), self.frames.projects, as_of=self.frames.as_of
        )

    @cached_property
    def portfolio(self) -> EarnedValue:
        return portfolio_earned_value(self.ev_table)

    @cached_property
    def summary(self) -> YearSummary:
        return year_summary(
            straight_year_frame(self.frames),
            as_of=self.frames.as_of,
            fiscal_year_start_month=self.frames.fiscal_year_start_month,
        )

    @cached_property
    def forecast(self) -> Forecast:
        return forecast_year_end(
            straight_year_frame(self.frames),
            self.ev_table,
            as_of=self.frames.as_of,
            fiscal_year_start_month=self.frames.fiscal_year_start_month,
        )

    @cached_property
    def drift_to_date(self) -> pd.DataFrame:
        return funding_drift(self.frames.budget, self.frames.funding, tolerance=self.tolerance)

    @cached_property
    def drift_at_completion(self) -> pd.DataFrame:
        """Funding drift on projected spend (actual to date, plan after it)."""
        return funding_drift(
            straight_projected_spend(self.frames), self.frames.funding, tolerance=self.tolerance
        )


def straight_figures(
    frames: BaselineFrames | straight_ScenarioFigures, tolerance: float
) -> straight_ScenarioFigures:
    """straight_ScenarioFigures of `frames` (returned as they are when already figures)."""
    return (
        frames
        if isinstance(frames, straight_ScenarioFigures)
        else straight_ScenarioFigures(frames, tolerance)
    )


@dataclass(frozen=True)
class straight_KpiDefinition:
    """One KPI of the comparison: code, i18n label key, unit and how to compute it."""

    code: str
    label_key: str
    unit: str  # "ratio", "eur", "pp", "index" or "count"
    compute: Callable[[straight_ScenarioFigures], KpiValue]


STRAIGHT_KPIS: tuple[straight_KpiDefinition, ...] = (
    straight_KpiDefinition(
        "realisation_ytd", "whatif.kpi.realisation_ytd", "ratio", lambda f: f.summary.realisation_ytd
    ),
    straight_KpiDefinition(
        "planned_full_year",
        "whatif.kpi.planned_full_year",
        "eur",
        lambda f: KpiValue(f.summary.planned_full_year),
    ),
    straight_KpiDefinition(
        "eac_year", "whatif.kpi.eac_year", "eur", lambda f: KpiValue(f.forecast.eac_based)
    ),
    straight_KpiDefinition(
        "eac_year_variance",
        "whatif.kpi.eac_year_variance",
        "eur",
        lambda f: KpiValue(f.forecast.eac_variance),
    ),
    straight_KpiDefinition("bac", "whatif.kpi.bac", "eur", lambda f: KpiValue(f.portfolio.bac)),
    straight_KpiDefinition("cpi", "whatif.kpi.cpi", "index", lambda f: f.portfolio.cpi),
    straight_KpiDefinition("eac", "whatif.kpi.eac", "eur", lambda f: f.portfolio.eac),
    straight_KpiDefinition("vac", "whatif.kpi.vac", "eur", lambda f: f.portfolio.vac),
    straight_KpiDefinition(
        "max_drift_to_date",
        "whatif.kpi.max_drift_to_date",
        "pp",
        lambda f: max_funding_drift(f.drift_to_date),
    ),
    straight_KpiDefinition(
        "max_drift_at_completion",
        "whatif.kpi.max_drift_at_completion",
        "pp",
        lambda f: max_funding_drift(f.drift_at_completion),
    ),
    straight_KpiDefinition(
        "balance_at_completion",
        "whatif.kpi.balance_at_completion",
        "ratio",
        lambda f: funding_balance(f.drift_at_completion),
    ),
    straight_KpiDefinition(
        "goals_on_time",
        "whatif.kpi.goals_on_time",
        "ratio",
        lambda f: goals_on_time(f.frames.goals, as_of_end=month_end(f.frames.as_of)),
    ),
    straight_KpiDefinition(
        "goals_due_rest_of_year",
        "whatif.kpi.goals_due_rest_of_year",
        "count",
        lambda f: KpiValue(
            float(
                straight_goals_due_rest_of_year(
                    f.frames.goals,
                    as_of=f.frames.as_of,
                    fiscal_year_start_month=f.frames.fiscal_year_start_month,
                )
            )
        ),
    ),
)


@dataclass(frozen=True)
class straight_ComparisonRow:
    """A KPI on the baseline and on the scenario; delta = scenario − baseline (n/a when
    either side is n/a)."""

    code: str
    label_key: str
    unit: str
    baseline: KpiValue
    scenario: KpiValue

    @property
    def delta(self) -> KpiValue:
        if not self.baseline.available:
            return self.baseline
        if not self.scenario.available:
            return self.scenario
        return KpiValue(self.scenario.value - self.baseline.value)  # type: ignore[operator]


def straight_compare(
    baseline: BaselineFrames | straight_ScenarioFigures,
    scenario: BaselineFrames | straight_ScenarioFigures,
    *,
    tolerance: float,
    kpis: tuple[straight_KpiDefinition, ...] = STRAIGHT_KPIS,
) -> list[straight_ComparisonRow]:
    """Every KPI in `kpis` computed by the same function on both sets of frames (pass
    straight_ScenarioFigures to reuse the tables `straight_drift_effects` already computed)."""
    before, after = straight_figures(baseline, tolerance), straight_figures(scenario, tolerance)
    return [
        straight_ComparisonRow(k.code, k.label_key, k.unit, k.compute(before), k.compute(after)) for k in kpis
    ]


def straight_plan_series(
    baseline: BaselineFrames, scenario: BaselineFrames, *, start: dt.date
) -> pd.DataFrame:
    """Cumulative plan of baseline and scenario and cumulative actual, from `start`.

    -> rows (month, series, cumulative) with series "baseline", "scenario" (every month from
    `start` to the last planned month of either) and "actual" (months up to as-of).
    cumulative = running Σ from `start`, over straight_line_frame's rows.
    """
    columns = ["month", "series", "cumulative"]
    base, scen = straight_line_frame(baseline), straight_line_frame(scenario)
    months = sorted({m for m in list(base["month"]) + list(scen["month"]) if m >= start})
    if not months:
        return pd.DataFrame(columns=columns)

    def running(frame: pd.DataFrame, column: str) -> list[float]:
        monthly = frame.groupby("month")[column].sum() if not frame.empty else pd.Series(dtype=float)
        return list(monthly.reindex(months, fill_value=0.0).cumsum())

    parts = [
        pd.DataFrame({"month": months, "series": "baseline", "cumulative": running(base, "planned")}),
        pd.DataFrame({"month": months, "series": "scenario", "cumulative": running(scen, "planned")}),
        pd.DataFrame({"month": months, "series": "actual", "cumulative": running(base, "actual")}).pipe(
            lambda f: f[[m <= baseline.as_of for m in f["month"]]]
        ),
    ]
    return pd.concat(parts, ignore_index=True)[columns]


def straight_plan_delta(series: pd.DataFrame) -> pd.DataFrame:
    """Per month of `straight_plan_series`: delta = cumulative scenario plan − cumulative baseline plan
    (what the two plan lines differ by, visible even when the lines lie on top of each other).
    -> rows (month, delta)."""
    if series.empty:
        return pd.DataFrame(columns=["month", "delta"])
    wide = series[series["series"].isin(["baseline", "scenario"])].pivot_table(
        index="month", columns="series", values="cumulative", aggfunc="sum"
    )
    wide = wide.reindex(columns=["baseline", "scenario"], fill_value=0.0).fillna(0.0)
    return (
        (wide["scenario"] - wide["baseline"])
        .rename("delta")
        .reset_index()
        .rename_axis(columns=None)[["month", "delta"]]
    )


def straight_drift_effects(
    baseline: BaselineFrames | straight_ScenarioFigures,
    scenario: BaselineFrames | straight_ScenarioFigures,
    *,
    tolerance: float,
) -> pd.DataFrame:
    """Funding drift at completion (projected spend) per joint project and department, on
    both sides: project, department, agreed_before, agreed_after, drift_before, drift_after
    (KpiValue, pp), changed (True when the agreed share or the drift moved by ≥ 0.05 pp)."""
    columns = [
        "project",
        "department",
        "agreed_before",
        "agreed_after",
        "drift_before",
        "drift_after",
        "changed",
    ]
    before = straight_figures(baseline, tolerance).drift_at_completion
    after = straight_figures(scenario, tolerance).drift_at_completion
    if before.empty and after.empty:
        return pd.DataFrame(columns=columns)
    keys = ["project", "department"]
    merged = before[[*keys, "agreed_share", "drift_pp"]].merge(
        after[[*keys, "agreed_share", "drift_pp"]], on=keys, how="outer", suffixes=("_before", "_after")
    )
    missing = not_available("budget.na.no_actuals")

    def kpi(value: object) -> KpiValue:
        return value if isinstance(value, KpiValue) else missing

    def share(value: object) -> float:
        return 0.0 if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]

    rows = []
    for row in merged.itertuples(index=False):
        d_before, d_after = kpi(row.drift_pp_before), kpi(row.drift_pp_after)
        a_before, a_after = share(row.agreed_share_before), share(row.agreed_share_after)
        moved = d_before.available != d_after.available or (
            d_before.available and abs(d_after.value - d_before.value) >= 0.05  # type: ignore[operator]
        )
        rows.append(
            [row.project, row.department, a_before, a_after, d_before, d_after, moved or a_before != a_after]
        )
    return pd.DataFrame(rows, columns=columns).sort_values(keys).reset_index(drop=True)


def straight_goal_status(target: object, achieved: object, *, as_of_end: dt.date) -> str:
    """ "on_time" (reached by its target), "late" (reached after it, or due and open),
    "open" (not due yet and not reached by the as-of date)."""
    reached = achieved is not None and not (not isinstance(achieved, dt.date) and pd.isna(achieved))
    if reached and _day(achieved) <= as_of_end:
        return "on_time" if _day(achieved) <= _day(target) else "late"
    return "late" if _day(target) <= as_of_end else "open"


def straight_goal_effects(baseline: BaselineFrames, scenario: BaselineFrames) -> pd.DataFrame:
    """The goals whose target date the scenario moves: project, code, target_before,
    target_after, status_before, status_after (see `straight_goal_status`)."""
    columns = ["project", "code", "target_before", "target_after", "status_before", "status_after"]
    if baseline.goals.empty:
        return pd.DataFrame(columns=columns)
    as_of_end = month_end(baseline.as_of)
    rows = []
    for before, after in zip(
        baseline.goals.itertuples(index=False), scenario.goals.itertuples(index=False), strict=True
    ):
        if _day(before.target_date) == _day(after.target_date):
            continue
        rows.append(
            [
                before.project,
                before.code,
                _day(before.target_date),
                _day(after.target_date),
                straight_goal_status(before.target_date, before.achieved_date, as_of_end=as_of_end),
                straight_goal_status(after.target_date, after.achieved_date, as_of_end=as_of_end),
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def straight_default_split(funding: pd.DataFrame) -> dict[str, float]:
    """A starting point for the split lever: an equal split between the departments that
    fund at least half of the joint projects (the usual partners: Marketing and IT give
    50/50); {} without joint projects."""
    joint = joint_projects(funding)
    if not joint:
        return {}
    counts = funding[funding["project"].isin(joint)].groupby("department")["project"].nunique()
    partners = sorted(counts[counts * 2 >= len(joint)].index)
    return {d: 1.0 / len(partners) for d in partners}


def straight_scenario_chart(
    series: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str, legend_title: str
) -> alt.Chart:
    """Lines per series (from kpis.scenario.plan_series): baseline plan dashed, scenario plan
    solid, actual to date solid in the primary colour; a marker on every month so a line that
    runs on top of another still shows. Pair with `straight_delta_chart` for the difference."""
    data = series.assign(month=pd.to_datetime(series["month"]), label=series["series"].map(labels))
    names = [labels[name] for name in SERIES]
    return (
        alt.Chart(data, title=title)
        .mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=28, filled=True))
        .encode(
            x=alt.X("month:T", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month")),
            y=alt.Y("cumulative:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR)),
            color=alt.Color(
                "label:N",
                title=legend_title,
                scale=alt.Scale(domain=names, range=[SERIES_COLORS[name] for name in SERIES]),
                legend=alt.Legend(orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "label:N",
                scale=alt.Scale(domain=names, range=[[6, 4], [1, 0], [1, 0]]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("month:T", title=x_title, format="%B %Y"),
                alt.Tooltip("label:N", title=legend_title),
                alt.Tooltip("cumulative:Q", title=y_title, format="$,.0f"),
            ],
        )
        .properties(height=320)
    )


def straight_delta_chart(delta: pd.DataFrame, *, title: str, x_title: str, y_title: str) -> alt.Chart:
    """Bars per month of kpis.scenario.plan_delta (scenario − baseline cumulative plan), coloured
    by sign, with a zero rule: a difference too small to see between two lines shows here."""
    data = delta.assign(month=pd.to_datetime(delta["month"]), sign=[v >= 0 for v in delta["delta"]])
    bars = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("month:T", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month")),
            y=alt.Y("delta:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR, tickCount=4)),
            color=alt.Color(
                "sign:N",
                scale=alt.Scale(domain=[True, False], range=[SERIES_COLORS["scenario"], MUTED]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("month:T", title=x_title, format="%B %Y"),
                alt.Tooltip("delta:Q", title=y_title, format="$,.0f"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=MUTED).encode(y="zero:Q")
    return (bars + zero).properties(height=170)
