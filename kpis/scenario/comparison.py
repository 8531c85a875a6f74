"""What-if comparison: the SAME KPI functions (kpis.budget, kpis.portfolio, kpis.trust) on the
baseline and on the scenario frames, the plan and drift deltas, the goals a delay moves, the
gaps to trust targets and each lever's effect on its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from domain.confidentiality import DEFAULT_MIN_GROUP
from domain.months import as_date, fiscal_year_end, month_end
from domain.scenario import Scenario, lever_groups
from kpis.budget import (
    EarnedValue,
    Forecast,
    YearSummary,
    eac_year_forecast,
    earned_value_table,
    forecast_year_end,
    portfolio_earned_value,
    year_summary,
)
from kpis.common import KpiValue, not_available
from kpis.funding import funding_balance, funding_drift, max_funding_drift
from kpis.portfolio import goals_on_time
from kpis.scenario.transforms import BaselineFrames, _of_year, apply_scenario, line_frame, projected_spend
from kpis.trust_index import pooled_index


def goals_due_rest_of_year(goals: pd.DataFrame, *, as_of: dt.date, fiscal_year_start_month: int = 1) -> int:
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
            and as_date(achieved) <= as_of_end
        )
        if not reached and as_of_end < as_date(target) <= year_end:
            count += 1
    return count


class ScenarioFigures:
    """The intermediate tables of one set of frames (earned value, forecast, drift), each
    computed once on first use and shared by the KPI definitions."""

    def __init__(self, frames: BaselineFrames, tolerance: float) -> None:
        self.frames = frames
        self.tolerance = tolerance

    @cached_property
    def lines(self) -> pd.DataFrame:
        """`line_frame` of the frames."""
        return line_frame(self.frames)

    @cached_property
    def year_lines(self) -> pd.DataFrame:
        """`year_frame` of the frames (selected once, shared by the summary and the forecasts)."""
        return _of_year(self.lines, self.frames)

    @cached_property
    def ev_table(self) -> pd.DataFrame:
        return earned_value_table(self.lines, self.frames.projects, as_of=self.frames.as_of)

    @cached_property
    def portfolio(self) -> EarnedValue:
        return portfolio_earned_value(self.ev_table)

    @cached_property
    def summary(self) -> YearSummary:
        return year_summary(
            self.year_lines,
            as_of=self.frames.as_of,
            fiscal_year_start_month=self.frames.fiscal_year_start_month,
        )

    @cached_property
    def eac_year(self) -> float:
        """`forecast.eac_based` (kpis.budget.eac_year_forecast), without the year summary that
        `forecast_year_end` computes again: the comparison needs only this forecast."""
        return eac_year_forecast(
            self.year_lines,
            self.ev_table,
            as_of=self.frames.as_of,
            fiscal_year_start_month=self.frames.fiscal_year_start_month,
        )

    @cached_property
    def forecast(self) -> Forecast:
        return forecast_year_end(
            self.year_lines,
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
        return funding_drift(projected_spend(self.frames), self.frames.funding, tolerance=self.tolerance)


def figures(frames: BaselineFrames | ScenarioFigures, tolerance: float) -> ScenarioFigures:
    """ScenarioFigures of `frames` (returned as they are when already figures)."""
    return frames if isinstance(frames, ScenarioFigures) else ScenarioFigures(frames, tolerance)


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI of the comparison: code, i18n label key, unit and how to compute it."""

    code: str
    label_key: str
    unit: str  # "ratio", "eur", "pp", "index" or "count"
    compute: Callable[[ScenarioFigures], KpiValue]


KPIS: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        "realisation_ytd", "whatif.kpi.realisation_ytd", "ratio", lambda f: f.summary.realisation_ytd
    ),
    KpiDefinition(
        "planned_full_year",
        "whatif.kpi.planned_full_year",
        "eur",
        lambda f: KpiValue(f.summary.planned_full_year),
    ),
    KpiDefinition("eac_year", "whatif.kpi.eac_year", "eur", lambda f: KpiValue(f.eac_year)),
    KpiDefinition(
        "eac_year_variance",
        "whatif.kpi.eac_year_variance",
        "eur",
        # forecast.eac_variance: the EAC-based forecast − the full-year plan (kpis.budget.Forecast)
        lambda f: KpiValue(f.eac_year - f.summary.planned_full_year),
    ),
    KpiDefinition("bac", "whatif.kpi.bac", "eur", lambda f: KpiValue(f.portfolio.bac)),
    KpiDefinition("cpi", "whatif.kpi.cpi", "index", lambda f: f.portfolio.cpi),
    KpiDefinition("eac", "whatif.kpi.eac", "eur", lambda f: f.portfolio.eac),
    KpiDefinition("vac", "whatif.kpi.vac", "eur", lambda f: f.portfolio.vac),
    KpiDefinition(
        "max_drift_to_date",
        "whatif.kpi.max_drift_to_date",
        "pp",
        lambda f: max_funding_drift(f.drift_to_date),
    ),
    KpiDefinition(
        "max_drift_at_completion",
        "whatif.kpi.max_drift_at_completion",
        "pp",
        lambda f: max_funding_drift(f.drift_at_completion),
    ),
    KpiDefinition(
        "balance_at_completion",
        "whatif.kpi.balance_at_completion",
        "ratio",
        lambda f: funding_balance(f.drift_at_completion),
    ),
    KpiDefinition(
        "goals_on_time",
        "whatif.kpi.goals_on_time",
        "ratio",
        lambda f: goals_on_time(f.frames.goals, as_of_end=month_end(f.frames.as_of)),
    ),
    KpiDefinition(
        "goals_due_rest_of_year",
        "whatif.kpi.goals_due_rest_of_year",
        "count",
        lambda f: KpiValue(
            float(
                goals_due_rest_of_year(
                    f.frames.goals,
                    as_of=f.frames.as_of,
                    fiscal_year_start_month=f.frames.fiscal_year_start_month,
                )
            )
        ),
    ),
)


@dataclass(frozen=True)
class ComparisonRow:
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


def compare(
    baseline: BaselineFrames | ScenarioFigures,
    scenario: BaselineFrames | ScenarioFigures,
    *,
    tolerance: float,
    kpis: tuple[KpiDefinition, ...] = KPIS,
) -> list[ComparisonRow]:
    """Every KPI in `kpis` computed by the same function on both sets of frames (pass
    ScenarioFigures to reuse the tables `drift_effects` already computed)."""
    before, after = figures(baseline, tolerance), figures(scenario, tolerance)
    return [ComparisonRow(k.code, k.label_key, k.unit, k.compute(before), k.compute(after)) for k in kpis]


def plan_series(baseline: BaselineFrames, scenario: BaselineFrames, *, start: dt.date) -> pd.DataFrame:
    """Cumulative plan of baseline and scenario and cumulative actual, from `start`.

    -> rows (month, series, cumulative) with series "baseline", "scenario" (every month from
    `start` to the last planned month of either) and "actual" (months up to as-of).
    cumulative = running Σ from `start`, over line_frame's rows.
    """
    columns = ["month", "series", "cumulative"]
    same = scenario.budget is baseline.budget and scenario.line_departments == baseline.line_departments

    def by_month(frame: pd.DataFrame) -> pd.DataFrame:
        # Σ planned and Σ actual per month in one grouping (each column summed as on its own).
        if frame.empty:
            return pd.DataFrame({"planned": pd.Series(dtype=float), "actual": pd.Series(dtype=float)})
        return frame.groupby("month")[["planned", "actual"]].sum()

    base = by_month(line_frame(baseline))
    scen = base if same else by_month(line_frame(scenario))
    # The months of the grouped sums (a few dozen), not a set over every row.
    months = sorted({m for m in [*base.index, *([] if same else scen.index)] if m >= start})
    if not months:
        return pd.DataFrame(columns=columns)

    def running(monthly: pd.DataFrame, column: str) -> list[float]:
        return list(monthly[column].reindex(months, fill_value=0.0).cumsum())

    planned = running(base, "planned")
    parts = [
        pd.DataFrame({"month": months, "series": "baseline", "cumulative": planned}),
        pd.DataFrame(
            {
                "month": months,
                "series": "scenario",
                "cumulative": planned if same else running(scen, "planned"),
            }
        ),
        pd.DataFrame({"month": months, "series": "actual", "cumulative": running(base, "actual")}).pipe(
            lambda f: f[[m <= baseline.as_of for m in f["month"]]]
        ),
    ]
    return pd.concat(parts, ignore_index=True)[columns]


def plan_delta(series: pd.DataFrame) -> pd.DataFrame:
    """Per month of `plan_series`: delta = cumulative scenario plan − cumulative baseline plan
    (what the two plan lines differ by, visible even when the lines lie on top of each other).
    -> rows (month, delta)."""
    if series.empty:
        return pd.DataFrame(columns=["month", "delta"])
    # What pivot_table(index="month", columns="series", aggfunc="sum") gives, without its overhead.
    wide = (
        series[series["series"].isin(["baseline", "scenario"])]
        .groupby(["month", "series"])["cumulative"]
        .sum()
        .unstack("series")
    )
    wide = wide.reindex(columns=["baseline", "scenario"], fill_value=0.0).fillna(0.0)
    return (
        (wide["scenario"] - wide["baseline"])
        .rename("delta")
        .reset_index()
        .rename_axis(columns=None)[["month", "delta"]]
    )


def drift_effects(
    baseline: BaselineFrames | ScenarioFigures,
    scenario: BaselineFrames | ScenarioFigures,
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
    before = figures(baseline, tolerance).drift_at_completion
    after = figures(scenario, tolerance).drift_at_completion
    if before.empty and after.empty:
        return pd.DataFrame(columns=columns)
    keys = ["project", "department"]
    missing = not_available("budget.na.no_actuals")

    def kpis(values: list[object]) -> list[KpiValue]:
        return [value if isinstance(value, KpiValue) else missing for value in values]

    def shares(values: list[object]) -> list[float]:
        return [0.0 if value is None or pd.isna(value) else float(value) for value in values]  # type: ignore[arg-type]

    if after is before:
        # The same figures on both sides (no lever moves money): each row against itself,
        # so nothing moved (a share equals itself once n/a is read as 0).
        project, department = before["project"].tolist(), before["department"].tolist()
        a_before = a_after = shares(before["agreed_share"].tolist())
        d_before = d_after = kpis(before["drift_pp"].tolist())
        changed = [False] * len(a_before)
    else:
        merged = before[[*keys, "agreed_share", "drift_pp"]].merge(
            after[[*keys, "agreed_share", "drift_pp"]], on=keys, how="outer", suffixes=("_before", "_after")
        )
        project, department = merged["project"].tolist(), merged["department"].tolist()
        a_before = shares(merged["agreed_share_before"].tolist())
        a_after = shares(merged["agreed_share_after"].tolist())
        d_before = kpis(merged["drift_pp_before"].tolist())
        d_after = kpis(merged["drift_pp_after"].tolist())
        changed = [
            d0.available != d1.available
            or (d0.available and abs(d1.value - d0.value) >= 0.05)  # type: ignore[operator]
            or a0 != a1
            for d0, d1, a0, a1 in zip(d_before, d_after, a_before, a_after, strict=True)
        ]
    rows = zip(project, department, a_before, a_after, d_before, d_after, changed, strict=True)
    return pd.DataFrame(list(rows), columns=columns).sort_values(keys).reset_index(drop=True)


def goal_status(target: object, achieved: object, *, as_of_end: dt.date) -> str:
    """ "on_time" (reached by its target), "late" (reached after it, or due and open),
    "open" (not due yet and not reached by the as-of date)."""
    reached = achieved is not None and not (not isinstance(achieved, dt.date) and pd.isna(achieved))
    if reached and as_date(achieved) <= as_of_end:
        return "on_time" if as_date(achieved) <= as_date(target) else "late"
    return "late" if as_date(target) <= as_of_end else "open"


def goal_effects(baseline: BaselineFrames, scenario: BaselineFrames) -> pd.DataFrame:
    """The goals whose target date the scenario moves: project, code, target_before,
    target_after, status_before, status_after (see `goal_status`)."""
    columns = ["project", "code", "target_before", "target_after", "status_before", "status_after"]
    # The same goals table (no delay lever; target dates are never missing): nothing moves.
    if baseline.goals.empty or scenario.goals is baseline.goals:
        return pd.DataFrame(columns=columns)
    as_of_end = month_end(baseline.as_of)
    before, after = baseline.goals, scenario.goals
    rows = []
    for project, code, target, achieved, target_after, achieved_after in zip(
        before["project"].tolist(),
        before["code"].tolist(),
        before["target_date"].tolist(),
        before["achieved_date"].tolist(),
        after["target_date"].tolist(),
        after["achieved_date"].tolist(),
        strict=True,
    ):
        if as_date(target) == as_date(target_after):
            continue
        rows.append(
            [
                project,
                code,
                as_date(target),
                as_date(target_after),
                goal_status(target, achieved, as_of_end=as_of_end),
                goal_status(target_after, achieved_after, as_of_end=as_of_end),
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def trust_gaps(
    trust: pd.DataFrame, targets: dict[str, float], *, min_group: int = DEFAULT_MIN_GROUP
) -> pd.DataFrame:
    """Per survey dimension in `trust`: index (kpis.trust.pooled_index over the groups that may
    be shown, so a hidden group never counts), target (None when none set), gap = target −
    index in points (KpiValue; n/a without a target or an index).

    Columns: dimension, index, target, gap, respondents, hidden_groups.
    """
    columns = ["dimension", "index", "target", "gap", "respondents", "hidden_groups"]
    dimensions = sorted(set(trust["dimension"]) | set(targets)) if not trust.empty else sorted(targets)
    rows = []
    for dimension in dimensions:
        groups = trust[trust["dimension"] == dimension] if not trust.empty else trust
        result = pooled_index(groups, min_group=min_group)
        target = targets.get(dimension)
        if target is None:
            gap = not_available("whatif.na.no_target")
        elif not result.index.available:
            gap = result.index
        else:
            gap = KpiValue(float(target) - result.index.value)  # type: ignore[operator]
        rows.append([dimension, result.index, target, gap, result.respondents, result.hidden_groups])
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class LeverEffect:
    """One lever on its own: `scenario` holds only that lever, `rows` its comparison with the
    baseline (ComparisonRow.delta is the lever's own effect)."""

    scenario: Scenario
    rows: list[ComparisonRow]


def lever_effect(
    baseline: BaselineFrames,
    lever: Scenario,
    *,
    tolerance: float,
    baseline_figures: ScenarioFigures | None = None,
    kpis: tuple[KpiDefinition, ...] = KPIS,
) -> LeverEffect:
    """One lever group applied alone to `baseline` and compared with it by `compare`
    (`baseline_figures`: the baseline's figures when already computed)."""
    before = baseline_figures if baseline_figures is not None else figures(baseline, tolerance)
    return LeverEffect(
        lever, compare(before, apply_scenario(baseline, lever), tolerance=tolerance, kpis=kpis)
    )


def lever_effects(
    baseline: BaselineFrames,
    scenario: Scenario,
    *,
    tolerance: float,
    baseline_figures: ScenarioFigures | None = None,
    kpis: tuple[KpiDefinition, ...] = KPIS,
) -> list[LeverEffect]:
    """`lever_effect` of each lever group of `scenario` (see `lever_groups`). Empty when the
    scenario has fewer than two groups (then the combined comparison is the lever's own
    effect). The effects need not add up to the combined one: a cut and a delay of the same
    months interact. `baseline` must hold what the levers need (the plan by category for a
    category lever)."""
    groups = lever_groups(scenario)
    if len(groups) < 2:
        return []
    before = baseline_figures if baseline_figures is not None else figures(baseline, tolerance)
    return [
        lever_effect(baseline, group, tolerance=tolerance, baseline_figures=before, kpis=kpis)
        for group in groups
    ]
