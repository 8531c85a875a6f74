"""What-if scenarios: levers that transform the small baseline frames, never the stored data.

A `Scenario` holds levers; `apply_scenario(baseline, scenario)` returns new frames and the
SAME KPI functions (kpis.budget, kpis.portfolio, kpis.trust) run on baseline and scenario.
Every lever acts on the REMAINING plan only (months after the as-of month): what is booked
stays booked. Levers combine, in this order:

1. scale (cut or raise): the remaining planned amounts of a department or a cost category
   × (1 + pct / 100); past months untouched;
2. funding split: per project, each remaining month's planned total is re-divided between
   departments by the target shares (the month's total is unchanged). The AGREED split is
   never rewritten: drift is still measured against what the departments agreed, so a
   scenario that has one department pay more than agreed shows more drift, not less;
3. delay by N months: the project's remaining plan moves N months later (actuals and the
   measured % complete stay, they are facts), and its insight goals not yet due at the
   as-of month's end (target date after it, not reached) get their target date N months
   later; a goal already late stays late.
Nothing up to and including the as-of month changes, so every "to date" figure of the
scenario equals the baseline's. `lever_effects` gives each lever's effect on its own next
to the combined one.
Trust targets change no frame: they set a target index per survey dimension so the page
can show the gap to it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from domain.months import add_months, as_date, fiscal_year_end, fiscal_year_start, month_end
from kpis.budget import (
    EarnedValue,
    Forecast,
    YearSummary,
    eac_year_forecast,
    earned_value_table,
    forecast_year_end,
    funding_balance,
    funding_drift,
    joint_projects,
    max_funding_drift,
    portfolio_earned_value,
    year_summary,
)
from kpis.common import KpiValue, not_available
from kpis.portfolio import goals_on_time
from kpis.trust import DEFAULT_MIN_GROUP, pooled_index

ALL_JOINT = "ALL_JOINT"
SCALE_DIMENSIONS = ("department", "category")
MAX_DELAY_MONTHS = 36
SCALE_LIMITS = (-100.0, 200.0)
SHARE_TOLERANCE = 0.001


class ScenarioError(ValueError):
    """A scenario that cannot be read (bad URL parameter or stored JSON)."""


@dataclass(frozen=True)
class ScaleLever:
    """Scale the remaining plan of one department or cost category by `pct` percent."""

    dimension: str
    code: str
    pct: float


@dataclass(frozen=True)
class Scenario:
    """The levers of a what-if scenario (all empty: the baseline itself).

    - split_targets: project code (or ALL_JOINT for every joint project) -> {department:
      share 0..1}, shares summing to 1; a project's own entry wins over ALL_JOINT;
    - scale: ScaleLevers, applied one after the other;
    - delays: project code -> months (1..36);
    - trust_targets: survey dimension -> target index (0..100).
    """

    split_targets: dict[str, dict[str, float]] = field(default_factory=dict)
    scale: tuple[ScaleLever, ...] = ()
    delays: dict[str, int] = field(default_factory=dict)
    trust_targets: dict[str, float] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.split_targets or self.scale or self.delays or self.trust_targets)


@dataclass(frozen=True)
class BaselineFrames:
    """The small aggregated frames a scenario transforms.

    - budget: month, project, department, planned, actual (every plan month; the lines of
      every department of the projects the selected departments fund; actual 0 after as-of);
    - remaining_by_category: month, project, department, category, planned (months after
      as-of only: what a category lever needs);
    - funding: project, department, committed, agreed_share (kpis.budget.agreed_shares);
    - projects: project, name, status, pct_complete (latest on or before as-of);
    - goals: project, code, target_date, achieved_date, ...;
    - trust: dimension, department, respondents, score_sum, answers (latest wave);
    - line_departments: the selected departments (empty: all), for the figures that count
      only the selected departments' own lines.
    """

    as_of: dt.date
    budget: pd.DataFrame
    remaining_by_category: pd.DataFrame
    funding: pd.DataFrame
    projects: pd.DataFrame
    goals: pd.DataFrame
    trust: pd.DataFrame
    line_departments: tuple[str, ...] = ()
    fiscal_year_start_month: int = 1
    """The organisation's fiscal year (1: the calendar year) that "year" figures cover."""


def _future(frame: pd.DataFrame, as_of: dt.date) -> pd.Series:
    # One NumPy comparison over the month objects: the same `m > as_of` per row as a list
    # comprehension, about seven times faster on 100,000 rows.
    return pd.Series(_months(frame) > as_of, index=frame.index, dtype=bool)


def _months(frame: pd.DataFrame) -> np.ndarray:
    """The `month` column as an array of the month objects themselves (dates)."""
    return frame["month"].to_numpy(dtype=object)


def _regroup(frame: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    if frame.empty:
        return frame.reset_index(drop=True)
    return frame.groupby(keys, as_index=False, sort=True)[values].sum()


def needs_categories(scenario: Scenario) -> bool:
    """Whether applying `scenario` needs the remaining plan by cost category (a category lever)."""
    return any(lever.dimension == "category" for lever in scenario.scale)


def scale_remaining(frames: BaselineFrames, lever: ScaleLever) -> BaselineFrames:
    """Remaining planned amounts of `lever.code` (a department or a category) × (1 + pct/100).

    Months up to and including the as-of month are untouched. For a category the extra
    amount per month, project and department is taken from `remaining_by_category`.
    """
    factor = 1.0 + lever.pct / 100.0
    budget, by_category = frames.budget.copy(), frames.remaining_by_category.copy()
    if lever.dimension == "department":
        rows = _future(budget, frames.as_of) & (budget["department"] == lever.code)
        budget.loc[rows, "planned"] = budget.loc[rows, "planned"] * factor
        if not by_category.empty:
            chosen = by_category["department"] == lever.code
            by_category.loc[chosen, "planned"] = by_category.loc[chosen, "planned"] * factor
    elif lever.dimension == "category":
        if by_category.empty:
            return frames
        chosen = by_category["category"] == lever.code
        extra = (
            by_category[chosen]
            .groupby(["month", "project", "department"], as_index=False)["planned"]
            .sum()
            .assign(extra=lambda f: f["planned"] * (factor - 1.0))
            .drop(columns="planned")
        )
        budget = budget.merge(extra, on=["month", "project", "department"], how="left")
        budget = budget.assign(planned=budget["planned"] + budget["extra"].fillna(0.0)).drop(columns="extra")
        by_category.loc[chosen, "planned"] = by_category.loc[chosen, "planned"] * factor
    else:
        raise ScenarioError(f"Scale only by {SCALE_DIMENSIONS}, not {lever.dimension!r}")
    return replace(frames, budget=budget, remaining_by_category=by_category)


def _redivide(frame: pd.DataFrame, targets: dict[str, dict[str, float]], keys: list[str]) -> pd.DataFrame:
    """Rows of the projects in `targets`: each (keys) total re-divided by the target shares."""
    chosen = frame["project"].isin(list(targets))
    if not chosen.any():
        return frame
    totals = frame[chosen].groupby(keys, as_index=False)["planned"].sum()
    shares = pd.DataFrame(
        [
            (project, department, share)
            for project, split in targets.items()
            for department, share in split.items()
        ],
        columns=["project", "department", "share"],
    )
    new = totals.merge(shares, on="project").assign(planned=lambda f: f["planned"] * f["share"])
    if "actual" in frame.columns:
        new = new.assign(actual=0.0)
    return pd.concat([frame[~chosen], new[frame.columns]], ignore_index=True)


def resolve_split_targets(scenario: Scenario, funding: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per project code, the target shares: ALL_JOINT expanded to every joint project in
    `funding`, a project's own entry taking precedence."""
    resolved: dict[str, dict[str, float]] = {}
    if ALL_JOINT in scenario.split_targets:
        for code in joint_projects(funding):
            resolved[code] = dict(scenario.split_targets[ALL_JOINT])
    for code, shares in scenario.split_targets.items():
        if code != ALL_JOINT:
            resolved[code] = dict(shares)
    return resolved


def split_remaining(frames: BaselineFrames, targets: dict[str, dict[str, float]]) -> BaselineFrames:
    """Re-divide each remaining month's planned total of the projects in `targets` between
    departments by the target shares; the agreed split (`funding`) stays as agreed.

    Per project and month after as-of: planned(d) = Σ planned of the month × share(d); the
    month's total is unchanged. Departments outside the target plan 0 from then on. Months
    up to as-of and the funding rows (committed amounts, agreed shares) are untouched, so
    drift compares the scenario's spend with the agreement.
    """
    targets = {code: shares for code, shares in targets.items() if shares}
    if not targets:
        return frames
    budget = frames.budget
    future = _future(budget, frames.as_of)
    budget = pd.concat(
        [budget[~future], _redivide(budget[future], targets, ["month", "project"])], ignore_index=True
    )
    by_category = frames.remaining_by_category
    if not by_category.empty:
        by_category = _redivide(by_category, targets, ["month", "project", "category"])
    return replace(
        frames,
        budget=_regroup(budget, ["month", "project", "department"], ["planned", "actual"]),
        remaining_by_category=_regroup(
            by_category, ["month", "project", "department", "category"], ["planned"]
        ),
    )


def _shift_date(day: object, months: int) -> object:
    if day is None or (not isinstance(day, dt.date) and pd.isna(day)):
        return day
    if isinstance(day, pd.Timestamp):
        day = day.date()
    shifted = add_months(day, months)  # type: ignore[arg-type]
    return min(shifted.replace(day=min(day.day, month_end(shifted).day)), month_end(shifted))  # type: ignore[union-attr]


def delay_projects(frames: BaselineFrames, delays: dict[str, int]) -> BaselineFrames:
    """Move each delayed project's remaining plan N months later and its goals not yet due.

    Budget rows of the project after the as-of month get month + N (the plan ends N months
    later; nothing is planned in the first N remaining months). Goals whose target date is
    after the as-of month's end and whose achieved date is empty or after it get target
    date + N months (the day kept, clipped to the month's end); a goal due by the as-of
    month's end keeps its date (its being late is a fact). Actuals and the measured %
    complete do not change.
    """
    delays = {code: int(months) for code, months in delays.items() if int(months) != 0}
    if not delays:
        return frames

    def shift(frame: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
        if frame.empty:
            return frame
        moving = _future(frame, frames.as_of) & frame["project"].isin(list(delays))
        months = [
            add_months(m, delays[p]) if move else m
            for m, p, move in zip(frame["month"], frame["project"], moving, strict=True)
        ]
        return _regroup(frame.assign(month=months), keys, values)

    as_of_end = month_end(frames.as_of)
    goals = frames.goals.copy()
    if not goals.empty:
        open_goal = [
            p in delays
            and not _missing(target)
            and as_date(target) > as_of_end
            and (_missing(a) or as_date(a) > as_of_end)
            for p, target, a in zip(
                goals["project"], goals["target_date"], goals["achieved_date"], strict=True
            )
        ]
        goals["target_date"] = [
            _shift_date(target, delays[p]) if move else target
            for target, p, move in zip(goals["target_date"], goals["project"], open_goal, strict=True)
        ]
    return replace(
        frames,
        budget=shift(frames.budget, ["month", "project", "department"], ["planned", "actual"]),
        remaining_by_category=shift(
            frames.remaining_by_category, ["month", "project", "department", "category"], ["planned"]
        ),
        goals=goals,
    )


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, dt.date) and bool(pd.isna(value)))


def apply_scenario(baseline: BaselineFrames, scenario: Scenario) -> BaselineFrames:
    """The scenario's frames: scale levers, then the funding split, then delays (see module)."""
    frames = baseline
    for lever in scenario.scale:
        frames = scale_remaining(frames, lever)
    frames = split_remaining(frames, resolve_split_targets(scenario, frames.funding))
    return delay_projects(frames, scenario.delays)


def line_frame(frames: BaselineFrames) -> pd.DataFrame:
    """The budget rows the selected departments booked themselves (all rows without a filter)."""
    if not frames.line_departments:
        return frames.budget
    return frames.budget[frames.budget["department"].isin(list(frames.line_departments))]


def year_frame(frames: BaselineFrames) -> pd.DataFrame:
    """line_frame's rows of the as-of (fiscal) year."""
    return _of_year(line_frame(frames), frames)


def _of_year(lines: pd.DataFrame, frames: BaselineFrames) -> pd.DataFrame:
    """The rows of `lines` in the as-of (fiscal) year of `frames`."""
    if lines.empty:
        return lines
    start = fiscal_year_start(frames.as_of, frames.fiscal_year_start_month)
    end = fiscal_year_end(frames.as_of, frames.fiscal_year_start_month)
    months = _months(lines)
    return lines[(months >= start) & (months <= end)]


def projected_spend(frames: BaselineFrames) -> pd.DataFrame:
    """Spend at completion: actual up to the as-of month, plan after it (as column `actual`)."""
    budget = frames.budget
    if budget.empty:
        return budget
    future = _future(budget, frames.as_of)
    return budget.assign(actual=budget["actual"].where(~future, budget["planned"]))


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
class Change:
    """One change of a scenario in words: an i18n key and its parameters (codes, numbers)."""

    key: str
    params: dict[str, object]


def describe_changes(scenario: Scenario) -> list[Change]:
    """The scenario's levers as sentences to translate, in the order they apply."""
    changes = [
        Change(f"whatif.change.scale_{lever.dimension}", {"code": lever.code, "pct": lever.pct})
        for lever in scenario.scale
    ]
    for project, shares in scenario.split_targets.items():
        key = "whatif.change.split_all" if project == ALL_JOINT else "whatif.change.split"
        changes.append(Change(key, {"project": project, "shares": dict(shares)}))
    changes += [
        Change("whatif.change.delay", {"project": code, "months": months})
        for code, months in sorted(scenario.delays.items())
    ]
    changes += [
        Change("whatif.change.trust", {"dimension": dimension, "target": target})
        for dimension, target in sorted(scenario.trust_targets.items())
    ]
    return changes


def lever_groups(scenario: Scenario) -> list[Scenario]:
    """The scenario split into its levers as the page offers them, each a Scenario of its own:
    every scale lever, the funding split (all its projects), the delay (all its projects).
    Trust targets change no frame and form no group. In the order the levers apply."""
    groups = [Scenario(scale=(lever,)) for lever in scenario.scale]
    if scenario.split_targets:
        groups.append(Scenario(split_targets=dict(scenario.split_targets)))
    if scenario.delays:
        groups.append(Scenario(delays=dict(scenario.delays)))
    return groups


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


def restrict(
    scenario: Scenario,
    *,
    projects: set[str],
    departments: set[str],
    categories: set[str],
    dimensions: set[str],
) -> tuple[Scenario, bool]:
    """The scenario without levers on unknown codes, and whether anything was dropped."""
    split = {
        p: s
        for p, s in scenario.split_targets.items()
        if (p == ALL_JOINT or p in projects) and set(s) <= departments
    }
    known = {"department": departments, "category": categories}
    scale = tuple(lever for lever in scenario.scale if lever.code in known[lever.dimension])
    delays = {p: m for p, m in scenario.delays.items() if p in projects}
    trust = {d: v for d, v in scenario.trust_targets.items() if d in dimensions}
    kept = Scenario(split_targets=split, scale=scale, delays=delays, trust_targets=trust)
    return kept, kept != scenario


def default_split(funding: pd.DataFrame) -> dict[str, float]:
    """A starting point for the split lever: an equal split between the departments that
    fund at least half of the joint projects (the usual partners: Marketing and IT give
    50/50); {} without joint projects."""
    joint = joint_projects(funding)
    if not joint:
        return {}
    # Distinct joint projects per department (what groupby("department").nunique() counts,
    # missing codes left out), in plain Python: a few thousand funding rows.
    chosen = set(joint)
    pairs = {
        (project, department)
        for project, department in zip(
            funding["project"].tolist(), funding["department"].tolist(), strict=True
        )
        if project in chosen and not _missing(department) and not _missing(project)
    }
    counts = Counter(department for _, department in pairs)
    partners = sorted(department for department, count in counts.items() if count * 2 >= len(joint))
    return {d: 1.0 / len(partners) for d in partners}
