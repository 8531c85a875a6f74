"""The budget and collaboration KPI functions as they were before the one-pass rewrite
(issue #23, main at 3943b28), copied unchanged from kpis/budget.py and kpis/projects.py: the
oracle tests/test_budget_one_pass.py compares the rewritten functions against (and the
chart builders of charts/, whose Vega-Lite specs must stay the same). Do not
optimise these; they are meant to stay the plain version."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import altair as alt
import pandas as pd

from charts.budget import (
    DRIFT_ROW_STEP,
    FORECAST_COLOR,
    LEGEND_DEPARTMENTS,
    SERIES_COLORS,
    _series_color,
    _series_frame,
)
from charts.projects import (
    FIT_WIDTH,
    GOAL_STATUS_COLORS,
    ISSUE_STROKE,
    MISSING_COLOR,
    ROW_STEP,
    SEVERAL_COLOR,
    _department_scale,
    agreed_boundaries,
)
from charts.theme import MONEY_LABEL_EXPR, MONTH_AXIS_FORMAT, RAG_COLORS, TEXT, department_colors
from kpis.common import KpiValue, not_available, ratio
from kpis.periods import add_months, fiscal_year_end, fiscal_year_start
from kpis.targets import Rag, Target, rag

# ---- kpis/budget.py at 3943b28 ----

CLOSED_STATUSES = ("done", "cancelled")


def realisation(*, actual: float | None, planned: float | None) -> KpiValue:
    """Budget realisation = Σ actual / Σ planned over the lines in the period.

    1.0 means spend exactly as planned; 1.12 means 12% over plan. n/a when nothing was
    planned in the period (reason `kpi.na.no_plan`).
    """
    return ratio(actual or 0.0, planned, reason_if_zero="kpi.na.no_plan")


def variance(*, actual: float | None, planned: float | None) -> float:
    """Variance in euros = Σ actual − Σ planned (positive means overspend)."""
    return (actual or 0.0) - (planned or 0.0)


def variance_pct(*, actual: float | None, planned: float | None) -> KpiValue:
    """Variance in % of plan = (Σ actual − Σ planned) / Σ planned, as a ratio (0.12 = +12%).

    n/a when nothing was planned (reason `kpi.na.no_plan`), e.g. a month with actuals but
    no plan.
    """
    return ratio(variance(actual=actual, planned=planned), planned, reason_if_zero="kpi.na.no_plan")


def frame_totals(frame: pd.DataFrame) -> dict[str, float]:
    """{"planned": Σ planned, "actual": Σ actual} over every row of a budget frame."""
    if frame.empty:
        return {"planned": 0.0, "actual": 0.0}
    return {"planned": float(frame["planned"].sum()), "actual": float(frame["actual"].sum())}


def up_to(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The rows of a budget frame for months up to and including `as_of` (to date)."""
    return frame[frame["month"] <= as_of]


def for_project(table: pd.DataFrame, code: str) -> pd.DataFrame:
    """The rows of a table with a `project` column that belong to project `code`."""
    return table[table["project"] == code].reset_index(drop=True) if not table.empty else table


def project_earned_value(table: pd.DataFrame, code: str) -> EarnedValue | None:
    """One project's EarnedValue from an `earned_value_table`; None when it is not there."""
    rows = for_project(table, code)
    return None if rows.empty else rows.loc[0, "ev_figures"]


def cumulative_series(frame: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Monthly and cumulative planned and actual, long format for a chart.

    frame (month, ..., planned, actual) -> rows (month, series, amount, cumulative), with
    series "planned" for every month of the frame and "actual" only for months up to and
    including `as_of` (later months have no closed books, so they are left out rather than
    drawn as zero). cumulative = running Σ from the frame's first month.
    """
    if frame.empty:
        return pd.DataFrame(columns=["month", "series", "amount", "cumulative"])
    monthly = frame.groupby("month", as_index=False)[["planned", "actual"]].sum().sort_values("month")
    planned = monthly.assign(series="planned", amount=monthly["planned"])
    actual = monthly.assign(series="actual", amount=monthly["actual"])
    planned = planned.assign(cumulative=planned["amount"].cumsum())
    actual = actual.assign(cumulative=actual["amount"].cumsum()).pipe(up_to, as_of)
    return pd.concat([planned, actual], ignore_index=True)[["month", "series", "amount", "cumulative"]]


def monthly_trend(frame: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Per closed month up to `as_of`: planned, actual, realisation (KpiValue: actual / planned).

    frame (month, ..., planned, actual) -> (month, planned, actual, realisation). A month
    with actuals but no plan has realisation n/a (`kpi.na.no_plan`).
    """
    monthly = up_to(frame, as_of).groupby("month", as_index=False)[["planned", "actual"]].sum()
    return monthly.assign(
        realisation=[
            realisation(actual=a, planned=p)
            for a, p in zip(monthly["actual"], monthly["planned"], strict=True)
        ]
    )


def variance_table(frame: pd.DataFrame, *, by: str, target: Target) -> pd.DataFrame:
    """Planned against actual per value of `by` (e.g. "department"), summed over the months.

    Columns: `by`, planned, actual, variance (€ = actual − planned), variance_pct
    (KpiValue, (actual − planned) / planned), realisation (KpiValue, actual / planned) and
    rag (realisation against `target`, None when n/a). Rows ordered by `by`.
    """
    columns = [by, "planned", "actual", "variance", "variance_pct", "realisation", "rag"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    grouped = frame.groupby(by, as_index=False)[["planned", "actual"]].sum().sort_values(by)
    pairs = list(zip(grouped["actual"], grouped["planned"], strict=True))
    values = [realisation(actual=a, planned=p) for a, p in pairs]
    return grouped.assign(
        variance=grouped["actual"] - grouped["planned"],
        variance_pct=[variance_pct(actual=a, planned=p) for a, p in pairs],
        realisation=values,
        rag=pd.Series([rag(v.value, target) for v in values], index=grouped.index, dtype=object),
    )[columns].reset_index(drop=True)


@dataclass(frozen=True)
class YearSummary:
    """Year to date and full year of the as-of year (see `year_summary`)."""

    planned_ytd: float
    actual_ytd: float
    planned_full_year: float
    realisation_ytd: KpiValue
    variance_ytd: float
    variance_pct_ytd: KpiValue
    months_elapsed: int
    months_remaining: int


def _in_fiscal_year(
    year_frame: pd.DataFrame, *, as_of: dt.date, fiscal_year_start_month: int
) -> pd.DataFrame:
    """The rows whose month lies in the fiscal year holding `as_of`."""
    if year_frame.empty:
        return year_frame
    start = fiscal_year_start(as_of, fiscal_year_start_month)
    end = fiscal_year_end(as_of, fiscal_year_start_month)
    return year_frame[[start <= _month_date(m) <= end for m in year_frame["month"]]]


def _month_date(month: object) -> dt.date:
    return month.date() if isinstance(month, pd.Timestamp | dt.datetime) else month  # type: ignore[return-value]


def year_summary(
    year_frame: pd.DataFrame, *, as_of: dt.date, fiscal_year_start_month: int = 1
) -> YearSummary:
    """Year to date (first month of the fiscal year .. as-of month) and full fiscal year
    (its twelve months) figures; with the default start the calendar year (January ..
    December), with `fiscal_year_start_month` 4 April .. March.

    `year_frame` holds the months of the as-of year (span "year"). planned_ytd and
    actual_ytd = Σ over months ≤ as_of; planned_full_year = Σ planned over all 12 months;
    realisation_ytd = actual_ytd / planned_ytd; variance_ytd = actual_ytd − planned_ytd;
    months_elapsed = months from the year's start to the as-of month, both included
    (1..12); months_remaining = 12 − months_elapsed.
    """
    in_year = _in_fiscal_year(year_frame, as_of=as_of, fiscal_year_start_month=fiscal_year_start_month)
    start = fiscal_year_start(as_of, fiscal_year_start_month)
    elapsed = (as_of.year - start.year) * 12 + as_of.month - start.month + 1
    ytd = frame_totals(up_to(in_year, as_of)) if not in_year.empty else frame_totals(in_year)
    full = frame_totals(in_year)
    return YearSummary(
        planned_ytd=ytd["planned"],
        actual_ytd=ytd["actual"],
        planned_full_year=full["planned"],
        realisation_ytd=realisation(**ytd),
        variance_ytd=variance(**ytd),
        variance_pct_ytd=variance_pct(**ytd),
        months_elapsed=elapsed,
        months_remaining=12 - elapsed,
    )


@dataclass(frozen=True)
class EarnedValue:
    """Earned-value figures of one project or of the portfolio (see `earned_value`)."""

    bac: float
    pv: float
    ac: float
    pct_complete: float | None
    ev: KpiValue
    cpi: KpiValue
    spi: KpiValue
    eac: KpiValue
    vac: KpiValue


def earned_value(*, bac: float, pv: float, ac: float, pct_complete: float | None) -> EarnedValue:
    """Earned value from budget at completion, planned value, actual cost and % complete.

    - BAC (budget at completion) = Σ planned over the whole plan;
    - PV (planned value) = Σ planned up to and including the as-of month;
    - AC (actual cost) = Σ actual up to and including the as-of month;
    - EV (earned value) = % complete / 100 × BAC;
    - CPI (cost performance index) = EV / AC: below 1 means more spent than earned;
    - SPI (schedule performance index) = EV / PV: below 1 means behind schedule;
    - EAC (estimate at completion) = BAC / CPI;
    - VAC (variance at completion) = BAC − EAC: negative means an expected overrun.
    Without progress data EV and everything after it are n/a (`budget.na.no_progress`);
    AC = 0 makes CPI n/a (`budget.na.no_actuals`), AC < 0 too (`budget.na.net_credit`);
    PV = 0 makes SPI n/a (`budget.na.no_pv`); CPI = 0 (nothing earned yet) makes EAC n/a
    (`budget.na.nothing_earned`).
    """
    if pct_complete is None:
        missing = not_available("budget.na.no_progress")
        return EarnedValue(bac, pv, ac, None, missing, missing, missing, missing, missing)
    ev = pct_complete / 100.0 * bac
    if ac < 0:
        cpi = not_available("budget.na.net_credit")
    else:
        cpi = ratio(ev, ac, reason_if_zero="budget.na.no_actuals")
    spi = ratio(ev, pv, reason_if_zero="budget.na.no_pv")
    if not cpi.available:
        eac = vac = not_available(cpi.reason or "budget.na.no_actuals")
    else:
        eac = ratio(bac, cpi.value, reason_if_zero="budget.na.nothing_earned")
        vac = KpiValue(bac - eac.value) if eac.available else eac
    return EarnedValue(bac, pv, ac, pct_complete, KpiValue(ev), cpi, spi, eac, vac)


def earned_value_table(all_frame: pd.DataFrame, projects: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Earned value per project.

    `all_frame` is a budget frame with `project` over the whole plan (span "all");
    `projects` has project, status and pct_complete (latest on or before as-of, None when
    none). For each project in `projects`: BAC = Σ planned (all months), PV = Σ planned
    over months ≤ as_of, AC = Σ actual over months ≤ as_of; the rest as in
    `earned_value`. Columns: project, status, has_progress, ev_figures (EarnedValue),
    bac, pv, ac, pct_complete, ev, cpi, spi, eac, vac (the last five KpiValue).
    """
    columns = ["project", "status", "has_progress", "ev_figures", "bac", "pv", "ac", "pct_complete"]
    kpis = ["ev", "cpi", "spi", "eac", "vac"]
    if projects.empty:
        return pd.DataFrame(columns=columns + kpis)
    plan = all_frame.groupby("project")["planned"].sum() if not all_frame.empty else pd.Series(dtype=float)
    to_date = up_to(all_frame, as_of) if not all_frame.empty else all_frame
    pv = to_date.groupby("project")["planned"].sum() if not to_date.empty else pd.Series(dtype=float)
    ac = to_date.groupby("project")["actual"].sum() if not to_date.empty else pd.Series(dtype=float)
    rows = []
    for code, status, pct in zip(
        projects["project"], projects["status"], projects["pct_complete"], strict=True
    ):
        pct_value = None if pct is None or pd.isna(pct) else float(pct)
        figures = earned_value(
            bac=float(plan.get(code, 0.0)),
            pv=float(pv.get(code, 0.0)),
            ac=float(ac.get(code, 0.0)),
            pct_complete=pct_value,
        )
        rows.append(
            {
                "project": code,
                "status": status,
                "has_progress": pct_value is not None,
                "ev_figures": figures,
                "bac": figures.bac,
                "pv": figures.pv,
                "ac": figures.ac,
                "pct_complete": pct_value,
                **{name: getattr(figures, name) for name in kpis},
            }
        )
    return pd.DataFrame(rows, columns=columns + kpis)


def portfolio_earned_value(table: pd.DataFrame) -> EarnedValue:
    """Portfolio earned value = the project figures summed over projects WITH progress data.

    BAC, PV, AC and EV are Σ over those projects (a project without progress data would
    add cost without earned value and so bias CPI down); CPI = ΣEV / ΣAC,
    SPI = ΣEV / ΣPV, EAC = ΣBAC / CPI, VAC = ΣBAC − EAC; pct_complete is the BAC-weighted
    % complete (ΣEV / ΣBAC × 100). n/a (`budget.na.no_progress`) when no project has
    progress data.
    """
    tracked = table[table["has_progress"]] if not table.empty else table
    if tracked.empty:
        return earned_value(bac=0.0, pv=0.0, ac=0.0, pct_complete=None)
    bac, pv, ac = (float(tracked[name].sum()) for name in ("bac", "pv", "ac"))
    ev = float(sum(value.value for value in tracked["ev"]))
    pct = ev / bac * 100.0 if bac else 0.0
    return earned_value(bac=bac, pv=pv, ac=ac, pct_complete=pct)


def count_tracked(table: pd.DataFrame) -> tuple[int, int]:
    """(projects with progress data, projects) in an earned-value table."""
    return (int(table["has_progress"].sum()) if not table.empty else 0), len(table)


def run_rate_forecast(*, actual_ytd: float, months_elapsed: int, months_remaining: int) -> KpiValue:
    """Run-rate forecast to year end = actual YTD + (actual YTD / months elapsed) × months remaining.

    It assumes the average monthly spend so far goes on. n/a without elapsed months.
    """
    monthly = ratio(actual_ytd, float(months_elapsed), reason_if_zero="budget.na.no_months")
    if not monthly.available:
        return monthly
    return KpiValue(actual_ytd + monthly.value * months_remaining)


@dataclass(frozen=True)
class Forecast:
    """Year-end forecasts against the full-year plan (see `forecast_year_end`)."""

    planned_full_year: float
    actual_ytd: float
    run_rate: KpiValue
    eac_based: float
    run_rate_variance: KpiValue
    eac_variance: float


def eac_year_forecast(
    year_frame: pd.DataFrame, ev_table: pd.DataFrame, *, as_of: dt.date, fiscal_year_start_month: int = 1
) -> float:
    """EAC-based forecast to year end = Σ over projects of (actual YTD + remaining plan / CPI).

    For each project, the plan of the months after `as_of` up to December is expected to
    cost plan / CPI, the project's cost efficiency so far carried into the rest of the
    year (BAC / CPI scaled to the year's remaining plan). Projects without a CPI (no
    progress data, no actuals yet) keep their remaining plan as it is (CPI taken as 1).
    Done and cancelled projects (CLOSED_STATUSES) spend nothing more. `year_frame` has
    `project` and the months of the as-of year; `ev_table` is `earned_value_table`'s
    result. The year is the fiscal year starting in `fiscal_year_start_month` (its end is
    then the month before that start, e.g. March for April).
    """
    if year_frame.empty:
        return 0.0
    in_year = _in_fiscal_year(year_frame, as_of=as_of, fiscal_year_start_month=fiscal_year_start_month)
    actual_ytd = up_to(in_year, as_of).groupby("project")["actual"].sum()
    remaining = in_year[in_year["month"] > as_of].groupby("project")["planned"].sum()
    info = ev_table.set_index("project") if not ev_table.empty else pd.DataFrame(columns=["status", "cpi"])
    total = float(actual_ytd.sum())
    for code, plan_left in remaining.items():
        status = info["status"].get(code) if code in info.index else None
        if status in CLOSED_STATUSES:
            continue
        cpi = info["cpi"].get(code) if code in info.index else None
        factor = cpi.value if cpi is not None and cpi.available and cpi.value > 0 else 1.0
        total += float(plan_left) / factor
    return total


def forecast_year_end(
    year_frame: pd.DataFrame, ev_table: pd.DataFrame, *, as_of: dt.date, fiscal_year_start_month: int = 1
) -> Forecast:
    """Both year-end forecasts against the full-year plan of the as-of (fiscal) year, to the
    end of the fiscal year starting in `fiscal_year_start_month` (1: December).

    run_rate = `run_rate_forecast` on the year's actuals; eac_based = `eac_year_forecast`;
    the variances are forecast − full-year plan (positive means a forecast overspend).
    """
    summary = year_summary(year_frame, as_of=as_of, fiscal_year_start_month=fiscal_year_start_month)
    run_rate = run_rate_forecast(
        actual_ytd=summary.actual_ytd,
        months_elapsed=summary.months_elapsed,
        months_remaining=summary.months_remaining,
    )
    eac = eac_year_forecast(
        year_frame, ev_table, as_of=as_of, fiscal_year_start_month=fiscal_year_start_month
    )
    return Forecast(
        planned_full_year=summary.planned_full_year,
        actual_ytd=summary.actual_ytd,
        run_rate=run_rate,
        eac_based=eac,
        run_rate_variance=KpiValue(run_rate.value - summary.planned_full_year)
        if run_rate.available
        else run_rate,
        eac_variance=eac - summary.planned_full_year,
    )


def agreed_shares(funding: pd.DataFrame) -> pd.DataFrame:
    """Each funder's agreed share of its project, with unrecorded shares resolved.

    `funding` has project, department, committed, agreed_share (0..1 or None). A recorded
    share stands; the funders without a recorded share split what is left equally:
    (1 − Σ recorded shares of the project) / number of funders without one, never below 0.
    So with no share recorded at all every funder gets 1 / n. Adds column `share`.
    """
    if funding.empty:
        return funding.assign(share=pd.Series(dtype=float))
    ordered = funding.sort_values("project", kind="stable").reset_index(drop=True)
    recorded = pd.Series(
        [None if s is None or pd.isna(s) else float(s) for s in ordered["agreed_share"]], dtype="float64"
    )
    open_count = recorded.isna().groupby(ordered["project"]).transform("sum")
    recorded_sum = recorded.groupby(ordered["project"]).transform("sum")
    rest = (1.0 - recorded_sum).clip(lower=0.0) / open_count.where(open_count > 0)
    return ordered.assign(share=recorded.fillna(rest).fillna(0.0).astype("float64"))


def _drift_rows(actual: pd.Series, agreed: pd.Series, tolerance: float, no_spend: str) -> pd.DataFrame:
    """Per department (index): actual, actual_share, agreed_share, drift_pp (KpiValue), flagged."""
    departments = sorted(set(actual.index) | set(agreed.index))
    actual = actual.reindex(departments, fill_value=0.0)
    agreed = agreed.reindex(departments, fill_value=0.0)
    total = float(actual.sum())
    shares = (
        [ratio(float(a), total, reason_if_zero=no_spend) for a in actual]
        if total > 0
        else [not_available(no_spend) for _ in departments]
    )
    drifts = [
        KpiValue((s.value - float(g)) * 100.0) if s.available else s
        for s, g in zip(shares, agreed, strict=True)
    ]
    return pd.DataFrame(
        {
            "department": departments,
            "actual": [float(a) for a in actual],
            "actual_share": shares,
            "agreed_share": [float(g) for g in agreed],
            "drift_pp": drifts,
            "flagged": [d.available and abs(d.value) > tolerance for d in drifts],
        }
    )


def joint_projects(funding: pd.DataFrame) -> list[str]:
    """Codes of the projects two or more departments fund, in code order."""
    if funding.empty:
        return []
    counts = funding.groupby("project")["department"].nunique()
    return sorted(counts[counts >= 2].index)


def funding_drift(spend: pd.DataFrame, funding: pd.DataFrame, *, tolerance: float) -> pd.DataFrame:
    """Funding drift per jointly funded project and funding department.

    `spend` is a budget frame with project and department (actual to date; months and
    other columns are summed); `funding` as for `agreed_shares`. For every joint project
    (two or more funders) and every department that funds it or booked on it:
    actual_share = department's Σ actual / project's Σ actual (to date);
    drift_pp = (actual_share − agreed_share) × 100 in percentage points, positive when the
    department pays more than agreed; flagged when |drift_pp| > `tolerance`. A department
    that books without a funding row has agreed share 0. When the project's Σ actual is
    not positive (no actuals yet) shares and drift are n/a (`budget.na.no_actuals`).
    Columns: project, department, actual, actual_share, agreed_share, drift_pp, flagged.
    """
    columns = ["project", "department", "actual", "actual_share", "agreed_share", "drift_pp", "flagged"]
    rows = funding_drift_numbers(spend, funding, tolerance=tolerance)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    missing = not_available("budget.na.no_actuals")
    return rows.assign(
        actual_share=[missing if math.isnan(v) else KpiValue(float(v)) for v in rows["actual_share"]],
        drift_pp=[missing if math.isnan(v) else KpiValue(float(v)) for v in rows["drift_pp"]],
    )[columns]


def funding_drift_numbers(spend: pd.DataFrame, funding: pd.DataFrame, *, tolerance: float) -> pd.DataFrame:
    """`funding_drift` with plain floats: actual_share and drift_pp are NaN where that table
    has n/a. The same arithmetic; for trends, where building KpiValues per row is the cost."""
    columns = ["project", "department", "actual", "actual_share", "agreed_share", "drift_pp", "flagged"]
    joint = joint_projects(funding)
    if not joint:
        return pd.DataFrame(columns=columns)
    # One grouped pass over all joint projects (a loop per project is far too slow at
    # thousands of projects); the same figures as `_drift_rows` per project.
    agreed = _joint_agreed(funding, joint)
    actual = (
        spend[spend["project"].isin(joint)].groupby(["project", "department"])["actual"].sum()
        if not spend.empty
        else pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=["project", "department"]))
    )
    index = agreed.index.union(actual.index).sort_values()
    rows = pd.DataFrame(
        {
            "actual": actual.reindex(index, fill_value=0.0).astype("float64"),
            "agreed_share": agreed.reindex(index, fill_value=0.0).astype("float64"),
        }
    ).reset_index()
    share, drift = _share_and_drift(rows["actual"], rows["agreed_share"], rows["project"])
    return rows.assign(actual_share=share, drift_pp=drift, flagged=drift.notna() & (drift.abs() > tolerance))[
        columns
    ]


def _joint_agreed(funding: pd.DataFrame, joint: list[str]) -> pd.Series:
    """Agreed share per (project, department) of the joint projects (see `agreed_shares`)."""
    shares = agreed_shares(funding[funding["project"].isin(joint)])
    return shares.groupby(["project", "department"])["share"].sum()


def _share_and_drift(actual: pd.Series, agreed: pd.Series, project: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each department's actual share of its project's Σ actual and its drift in points,
    (share − agreed) × 100: `ratio()` vectorised, NaN where the project's Σ actual is not
    positive."""
    totals = actual.groupby(project).transform("sum")
    share = actual / totals.where(totals > 0)
    return share, (share - agreed) * 100.0


def funding_balance_numbers(drift: pd.DataFrame) -> KpiValue:
    """`funding_balance` of a `funding_drift_numbers` table (the same figure)."""
    measured = drift[drift["drift_pp"].notna()] if not drift.empty else drift
    flagged = measured.groupby("project")["flagged"].any() if not measured.empty else pd.Series(dtype=bool)
    return ratio(
        float(len(flagged) - int(flagged.sum())),
        float(len(flagged)),
        reason_if_zero="budget.na.no_joint_actuals",
    )


def funding_balance_trend(
    spend: pd.DataFrame, funding: pd.DataFrame, *, months: list[dt.date], tolerance: float
) -> list[KpiValue]:
    """`funding_balance(funding_drift(spend[spend.month <= m], funding, ...))` for each month
    close m in `months`, from one pivot of the monthly actuals (cumulated over the months)
    instead of one drift table per month. `spend` needs month, project, department, actual.
    """
    joint = joint_projects(funding)
    if not joint or spend.empty:
        return [
            funding_balance_numbers(funding_drift_numbers(spend, funding, tolerance=tolerance))
            for _ in months
        ]
    agreed = _joint_agreed(funding, joint)
    monthly = (
        spend[spend["project"].isin(joint)]
        .groupby(["project", "department", "month"])["actual"]
        .sum()
        .unstack("month", fill_value=0.0)
    )
    cumulative = monthly.T.sort_index().cumsum().T
    index = agreed.index.union(monthly.index).sort_values()
    agreed_share = agreed.reindex(index, fill_value=0.0).astype("float64")
    projects = pd.Series(index.get_level_values("project"), index=index)
    values = []
    for month in months:
        closed = [column for column in cumulative.columns if column <= month]
        actual = (
            cumulative[closed[-1]].reindex(index, fill_value=0.0).astype("float64")
            if closed
            else pd.Series(0.0, index=index)
        )
        _, drift = _share_and_drift(actual, agreed_share, projects)
        rows = pd.DataFrame(
            {
                "project": projects.to_numpy(),
                "drift_pp": drift.to_numpy(),
                "flagged": (drift.notna() & (drift.abs() > tolerance)).to_numpy(),
            }
        )
        values.append(funding_balance_numbers(rows))
    return values


def portfolio_funding_drift(spend: pd.DataFrame, funding: pd.DataFrame, *, tolerance: float) -> pd.DataFrame:
    """Funding drift over all joint projects together, per department.

    actual_share = department's Σ actual over joint projects / Σ actual of joint projects;
    agreed_share = committed-weighted agreed share: Σ_p committed_p × share_p,d / Σ_p
    committed_p, with committed_p the project's total commitment (so a big project's
    agreement weighs more, as its money does; projects without any commitment weigh 0);
    drift_pp = (actual_share − agreed_share) × 100; flagged when |drift_pp| > tolerance.
    Columns: department, actual, actual_share, agreed_share, drift_pp, flagged.
    """
    columns = ["department", "actual", "actual_share", "agreed_share", "drift_pp", "flagged"]
    joint = joint_projects(funding)
    if not joint:
        return pd.DataFrame(columns=columns)
    shares = agreed_shares(funding[funding["project"].isin(joint)])
    committed = shares.groupby("project")["committed"].sum()
    weight_total = float(committed.sum())
    weighted = shares.assign(weight=shares["project"].map(committed) * shares["share"])
    agreed = (
        weighted.groupby("department")["weight"].sum() / weight_total
        if weight_total > 0
        else weighted.groupby("department")["weight"].sum() * 0.0
    )
    actual = (
        spend[spend["project"].isin(joint)].groupby("department")["actual"].sum()
        if not spend.empty
        else pd.Series(dtype=float)
    )
    return _drift_rows(actual, agreed, tolerance, "budget.na.no_actuals")[columns]


def max_funding_drift(drift: pd.DataFrame) -> KpiValue:
    """The largest |drift_pp| in a `funding_drift` (or portfolio) table, in percentage points.

    n/a (`budget.na.no_joint_actuals`) when no joint project has actuals yet.
    """
    values = [abs(d.value) for d in drift["drift_pp"] if d.available] if not drift.empty else []
    return KpiValue(max(values)) if values else not_available("budget.na.no_joint_actuals")


def count_drifting(drift: pd.DataFrame) -> tuple[int, int]:
    """(joint projects with a flagged department, joint projects with actuals) in a drift table."""
    if drift.empty:
        return 0, 0
    measured = drift[[d.available for d in drift["drift_pp"]]]
    flagged = measured.groupby("project")["flagged"].any()
    return int(flagged.sum()), len(flagged)


def funding_balance(drift: pd.DataFrame) -> KpiValue:
    """Funding balance = joint projects with every department within tolerance / joint
    projects with actuals (from a `funding_drift` table; tolerance was applied there).

    n/a (`budget.na.no_joint_actuals`) when no joint project has actuals yet.
    """
    flagged, measured = count_drifting(drift)
    return ratio(float(measured - flagged), float(measured), reason_if_zero="budget.na.no_joint_actuals")


def rag_of(value: KpiValue, target: Target) -> Rag | None:
    """The RAG colour of a KpiValue against a target; None when n/a."""
    return rag(value.value, target)


def portfolio_cpi(all_frame: pd.DataFrame, pct_complete: pd.Series, *, as_of: dt.date) -> KpiValue:
    """Portfolio CPI = Σ EV / Σ AC over the projects with progress data, without the table.

    The same figure as `portfolio_earned_value(earned_value_table(...)).cpi`, vectorised for
    trend lines: `pct_complete` maps project → % complete at `as_of` (NaN when none);
    EV = % complete / 100 × BAC (Σ planned, all months); AC = Σ actual over months ≤ as_of.
    """
    tracked = pct_complete.dropna()
    if tracked.empty:
        return not_available("budget.na.no_progress")
    lines = all_frame[all_frame["project"].isin(tracked.index)]
    bac = lines.groupby("project")["planned"].sum().reindex(tracked.index, fill_value=0.0)
    ac = float(lines.loc[lines["month"] <= as_of, "actual"].sum())
    ev = float((tracked.astype("float64") / 100.0 * bac).sum())
    if ac < 0:
        return not_available("budget.na.net_credit")
    return ratio(ev, ac, reason_if_zero="budget.na.no_actuals")


# ---- kpis/projects.py at 3943b28 ----

OWNERSHIP_STATUSES = ("ok", "missing", "double", "breach")
GOAL_STATUSES = ("reached_on_time", "reached_late", "overdue", "open")
PROGRESS_DISPLAY_CAP = 1.5  # per-goal value progress beyond 150% is shown as 150%


def _as_date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value != ""


def resolve_agreed_shares(funding: pd.DataFrame) -> pd.DataFrame:
    """Funding rows with the agreed split made explicit and the committed split beside it.

    In: project, department, committed, agreed_share (NaN = not recorded).
    Out: the same plus `agreed` (agreed_share, or an equal part of 1 − Σ recorded shares of
    the project for each unrecorded one, never below 0), `committed_share` (committed /
    the project's total committed; NaN when the project has nothing committed),
    `n_funders` and `joint` (n_funders ≥ 2).
    Example: MKT 0.6, IT NaN → IT agreed 0.4; MKT NaN, IT NaN → 0.5 each.
    """
    if funding.empty:
        return funding.assign(agreed=[], committed_share=[], n_funders=[], joint=[])
    by_project = funding["project"]
    recorded = funding["agreed_share"].fillna(0.0).groupby(by_project).transform("sum")
    unrecorded = funding["agreed_share"].isna().groupby(by_project).transform("sum")
    equal_part = ((1.0 - recorded).clip(lower=0.0) / unrecorded.where(unrecorded > 0)).fillna(0.0)
    total = funding["committed"].groupby(by_project).transform("sum")
    n_funders = funding["department"].groupby(by_project).transform("count").astype("int64")
    return funding.assign(
        agreed=funding["agreed_share"].where(funding["agreed_share"].notna(), equal_part),
        committed_share=funding["committed"] / total.where(total != 0),
        n_funders=n_funders,
        joint=n_funders >= 2,
    )


def split_text(funding: pd.DataFrame) -> dict[str, str]:
    """Per project the committed split as text, e.g. {"P-1": "IT 50% · MKT 50%"} (codes, whole %)."""
    if funding.empty:
        return {}
    shares = resolve_agreed_shares(funding).sort_values(["project", "department"])
    parts = [
        f"{dept} {round(share * 100)}%" if pd.notna(share) else f"{dept} –"
        for dept, share in zip(shares["department"], shares["committed_share"], strict=True)
    ]
    joined = pd.Series(parts, index=shares.index).groupby(shares["project"], sort=True).agg(" · ".join)
    return {str(project): text for project, text in joined.items()}


TEAM_MIX_COLUMNS = (
    "project",
    "joint",
    "members",
    "fte",
    "has_team",
    "missing_departments",
    "mixed",
    "fte_balance",
)


def team_mix(team: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """Per funded project: is the team mixed, and how balanced is its FTE against the split.

    In: `team` (project, department, members, fte: members active in the as-of month) and
    `funding` (project, department, committed, agreed_share).
    Out, one row per project in `funding`: project, joint, members, fte, has_team,
    missing_departments (funding departments without a team member, comma-separated),
    mixed (True/False for joint projects with a team, None otherwise), fte_balance
    (min over funding departments with an agreed share > 0 of FTE share / agreed share;
    None unless joint with a team of FTE > 0).
    """
    return team_mix_by_month({None: team}, funding)[None]


def team_mix_by_month(
    teams: Mapping[object, pd.DataFrame], funding: pd.DataFrame
) -> dict[object, pd.DataFrame]:
    """`team_mix` of each team in `teams` (e.g. one per trend month) against one `funding`,
    in one pass: the teams are stacked with a month key and grouped by (month, project), so
    six months cost about what one does. Each group holds the same rows in the same order as
    a single month's would, so every sum and minimum is the one `team_mix` gives."""
    keys = list(teams)
    if funding.empty:
        return {key: pd.DataFrame(columns=list(TEAM_MIX_COLUMNS)) for key in keys}
    shares = resolve_agreed_shares(funding)
    stacked = pd.concat(
        [
            teams[key][["project", "department", "members", "fte"]].assign(month=number)
            for number, key in enumerate(keys)
        ],
        ignore_index=True,
    )
    per_dept = stacked.groupby(["month", "project", "department"], as_index=False)[["members", "fte"]].sum()
    months = pd.DataFrame({"month": range(len(keys))})
    funders = (
        shares[["project", "department", "agreed"]]
        .merge(months, how="cross")
        .merge(per_dept, on=["month", "project", "department"], how="left")
        .fillna({"members": 0, "fte": 0.0})
    )
    totals = stacked.groupby(["month", "project"])[["members", "fte"]].sum()
    joint = shares.groupby("project", sort=True)["joint"].first()
    grid = pd.MultiIndex.from_product([range(len(keys)), joint.index], names=["month", "project"])
    projects = pd.DataFrame({"joint": joint.reindex(grid, level="project")}, index=grid)
    projects = projects.join(totals, how="left").fillna({"members": 0, "fte": 0.0})
    projects["members"] = projects["members"].astype("int64")
    projects["fte"] = projects["fte"].astype("float64")
    projects["has_team"] = projects["members"] > 0
    absent = funders[funders["members"] <= 0].sort_values("department")
    missing = absent.groupby(["month", "project"])["department"].agg(",".join)
    projects["missing_departments"] = missing.reindex(projects.index).fillna("")
    with_team = projects["joint"] & projects["has_team"]
    mixed = [
        (not missing_text) if staffed else None
        for staffed, missing_text in zip(with_team, projects["missing_departments"], strict=True)
    ]
    group = [funders["month"], funders["project"]]
    total_fte = pd.Series(
        projects["fte"].reindex(pd.MultiIndex.from_arrays(group)).to_numpy(), index=funders.index
    )
    share_ratio = (funders["fte"] / total_fte.where(total_fte > 0)) / funders["agreed"].where(
        funders["agreed"] > 0
    )
    balance = share_ratio.groupby(group).min()
    eligible = with_team & (projects["fte"] > 0)
    aligned = balance.reindex(projects.index).to_numpy(dtype="float64")
    fte_balance = [
        float(value) if ok and pd.notna(value) else None
        for value, ok in zip(aligned, eligible.to_numpy(dtype=bool), strict=True)
    ]
    result = projects.reset_index()
    bounds = result["month"].searchsorted(range(len(keys) + 1))
    # Each month's columns of True/False/None and numbers/None are made from that month's
    # values alone, so their dtypes are those a single month gives.
    return {
        key: result.iloc[bounds[number] : bounds[number + 1]]
        .reset_index(drop=True)
        .assign(
            mixed=mixed[bounds[number] : bounds[number + 1]],
            fte_balance=fte_balance[bounds[number] : bounds[number + 1]],
        )[list(TEAM_MIX_COLUMNS)]
        for number, key in enumerate(keys)
    }


def team_text(team: pd.DataFrame) -> dict[str, str]:
    """Per project the members per home department, e.g. {"P-1": "IT 4 · MKT 3"}."""
    if team.empty:
        return {}
    ordered = team.sort_values(["project", "department"])
    parts = [f"{dept} {int(n)}" for dept, n in zip(ordered["department"], ordered["members"], strict=True)]
    joined = pd.Series(parts, index=ordered.index).groupby(ordered["project"], sort=True).agg(" · ".join)
    return {str(project): text for project, text in joined.items()}


def mixed_teams_share(mix: pd.DataFrame) -> KpiValue:
    """Mixed teams = joint projects staffed from every funding department / joint projects
    with a team in the as-of month (`mix` from `team_mix`)."""
    staffed = mix[mix["joint"] & mix["has_team"]] if not mix.empty else mix
    mixed = int(staffed["mixed"].astype(bool).sum()) if not staffed.empty else 0
    return ratio(float(mixed), float(len(staffed)), reason_if_zero="projects.na.no_joint_teams")


def fte_balance_median(mix: pd.DataFrame) -> KpiValue:
    """FTE balance of the portfolio = median of the joint projects' FTE balance (see `team_mix`)."""
    values = mix["fte_balance"].dropna() if not mix.empty else pd.Series(dtype="float64")
    if values.empty:
        return not_available("projects.na.no_joint_teams")
    return KpiValue(float(values.astype("float64").median()))


def ownership_status(ownership: pd.DataFrame) -> pd.DataFrame:
    """Each (project, area) cell with its status, worst first: missing (no accountable
    department), double (two or more), breach (one owner, not the house rule's department),
    ok. In: project, area, owners, owner_codes, expected, off_rule; out: the same + status."""
    if ownership.empty:
        return ownership.assign(status=pd.Series(dtype="str"))
    status = [
        "missing" if owners == 0 else "double" if owners >= 2 else "breach" if off_rule > 0 else "ok"
        for owners, off_rule in zip(ownership["owners"], ownership["off_rule"], strict=True)
    ]
    return ownership.assign(status=status)


def project_ownership(status: pd.DataFrame) -> dict[str, str]:
    """Per project its worst ownership status (missing > double > breach > ok)."""
    order = ("missing", "double", "breach", "ok")
    worst = status["status"].map(order.index).groupby(status["project"], sort=True).min()
    return {str(project): order[rank] for project, rank in worst.items()}


def ownership_clarity(status: pd.DataFrame) -> KpiValue:
    """Ownership clarity = projects whose every area is "ok" (exactly one accountable
    department, the one the house rule expects) / projects with ownership rows."""
    if status.empty:
        return not_available("projects.na.no_ownership")
    clear = status["status"].eq("ok").groupby(status["project"]).all()
    return ratio(float(clear.sum()), float(len(clear)), reason_if_zero="projects.na.no_ownership")


def ownership_issues(status: pd.DataFrame) -> pd.DataFrame:
    """The cells that are not ok: project, area, status, owner_codes, expected (ordered)."""
    columns = ["project", "area", "status", "owner_codes", "expected"]
    if status.empty:
        return pd.DataFrame(columns=columns)
    return status.loc[status["status"] != "ok", columns].reset_index(drop=True)


def goal_timeline(goals: pd.DataFrame, *, as_of_end: dt.date) -> pd.DataFrame:
    """Goals as they stood at `as_of_end`, with status, slippage and value progress.

    In: load_insight_goals (project, code, target_date, achieved_date, target_value,
    achieved_value, ...). An achievement after `as_of_end` is not yet known: its date and
    value are blanked. Adds:
    - status: reached_on_time (achieved ≤ target), reached_late, overdue (not reached,
      target date on or before as_of_end), open (not reached, target still ahead).
    - slippage_days: achieved − target for reached goals (negative = early), as_of_end −
      target for overdue ones, None for open ones.
    - progress: achieved_value / target_value for reached goals, 0 for unreached, None
      when the target is 0 (no meaningful ratio); progress_display is it capped at 150%.
    - late: reached_late or overdue.
    """
    frame = goals.copy()
    target = [_as_date(v) for v in frame["target_date"]]
    achieved = [_as_date(v) for v in frame["achieved_date"]]
    known = [a if a is not None and a <= as_of_end else None for a in achieved]
    statuses, slippage, progress = [], [], []
    values = frame["achieved_value"].tolist()
    for tgt, got, value, target_value in zip(target, known, values, frame["target_value"], strict=True):
        if got is not None:
            statuses.append("reached_on_time" if got <= tgt else "reached_late")
            slippage.append((got - tgt).days)
        elif tgt <= as_of_end:
            statuses.append("overdue")
            slippage.append((as_of_end - tgt).days)
        else:
            statuses.append("open")
            slippage.append(None)
        if not target_value:
            progress.append(None)
        elif got is None or value is None or pd.isna(value):
            progress.append(0.0)
        else:
            progress.append(float(value) / float(target_value))
    progress_series = pd.Series(progress, index=frame.index, dtype="float64")
    return frame.assign(
        target_date=target,
        achieved_date=known,
        achieved_value=[v if k is not None else None for v, k in zip(values, known, strict=True)],
        status=statuses,
        slippage_days=pd.array(slippage, dtype="Int64"),
        progress=progress_series,
        progress_display=progress_series.clip(upper=PROGRESS_DISPLAY_CAP),
        late=[s in ("reached_late", "overdue") for s in statuses],
    )


def late_goals(timeline: pd.DataFrame) -> pd.DataFrame:
    """Goals reached late or overdue: project, code, goal, status, target_date, slippage_days."""
    columns = ["project", "code", "goal", "status", "target_date", "slippage_days"]
    return timeline.loc[timeline["late"], columns].reset_index(drop=True)


def value_progress(timeline: pd.DataFrame, *, as_of_end: dt.date) -> KpiValue:
    """Value delivered = mean over goals due by `as_of_end` (target date on or before it,
    target value ≠ 0) of min(achieved / target, 1); an unreached due goal counts 0.
    `timeline` from `goal_timeline`."""
    due = timeline[[d <= as_of_end for d in timeline["target_date"]]] if not timeline.empty else timeline
    due = due[due["progress"].notna()] if not due.empty else due
    if due.empty:
        return not_available("kpi.na.no_goals_due")
    return KpiValue(float(due["progress"].clip(upper=1.0).mean()))


def first_insight_days(timeline: pd.DataFrame) -> pd.DataFrame:
    """Per project with a reached goal: project, first_achieved, days (first achieved −
    the project's planned_start). `timeline` from `goal_timeline` (needs planned_start)."""
    reached = timeline[timeline["achieved_date"].notna()]
    if reached.empty:
        return pd.DataFrame(columns=["project", "first_achieved", "days"])
    first = reached.groupby("project").agg(
        first_achieved=("achieved_date", "min"), planned_start=("planned_start", "first")
    )
    days = [
        (got - _as_date(start)).days
        for got, start in zip(first["first_achieved"], first["planned_start"], strict=True)
    ]
    return first.reset_index().assign(days=days)[["project", "first_achieved", "days"]]


def median_days_to_first_insight(timeline: pd.DataFrame) -> KpiValue:
    """Time to first insight = median over projects of (first reached goal − planned start), in days."""
    days = first_insight_days(timeline)
    if days.empty:
        return not_available("projects.na.no_insight_yet")
    return KpiValue(float(pd.Series(days["days"], dtype="float64").median()))


def goals_per_million(timeline: pd.DataFrame, spend: pd.DataFrame) -> KpiValue:
    """Insight per euro = goals reached by the as-of end / (actual spend up to the as-of
    month / 1,000,000 in the organisation's currency). `spend` has project, actual; n/a when
    there are no goals at all, or when nothing (or less) was spent."""
    if timeline.empty:
        return not_available("projects.na.no_goals")
    reached = int(timeline["achieved_date"].notna().sum())
    spent = float(spend["actual"].sum()) if not spend.empty else 0.0
    if spent <= 0:
        return not_available("projects.na.no_spend")
    return ratio(float(reached), spent / 1_000_000, reason_if_zero="projects.na.no_spend")


def next_goals(timeline: pd.DataFrame) -> pd.DataFrame:
    """Per project its next unreached goal (earliest target date): project, code, goal, target_date, status."""
    columns = ["project", "code", "goal", "target_date", "status"]
    open_goals = timeline[timeline["achieved_date"].isna()]
    if open_goals.empty:
        return pd.DataFrame(columns=columns)
    return (
        open_goals.sort_values(["project", "target_date", "code"])
        .groupby("project", sort=True)
        .head(1)[columns]
        .reset_index(drop=True)
    )


def shift_date(day: dt.date, months: int) -> dt.date:
    """`day` moved `months` months; a month end stays a month end, other days clamp to the month."""
    moved = add_months(day, months)
    last = calendar.monthrange(moved.year, moved.month)[1]
    is_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return moved.replace(day=last if is_month_end else min(day.day, last))


def shift_goals(
    goals: pd.DataFrame,
    *,
    months: int,
    projects: Iterable[str] | None = None,
    as_of_end: dt.date | None = None,
) -> pd.DataFrame:
    """What-if: goals with the target dates of `projects` (all when None) moved `months`
    months (negative = earlier). With `as_of_end`, goals already reached by then keep their
    dates (the past does not move). Achieved dates are never changed. Returns a new frame."""
    chosen = None if projects is None else set(projects)
    shifted = []
    for project, target, achieved in zip(
        goals["project"], goals["target_date"], goals["achieved_date"], strict=True
    ):
        target_day = _as_date(target)
        reached = _as_date(achieved)
        settled = as_of_end is not None and reached is not None and reached <= as_of_end
        if target_day is None or settled or (chosen is not None and project not in chosen):
            shifted.append(target_day)
        else:
            shifted.append(shift_date(target_day, months))
    return goals.assign(target_date=shifted)


def project_table(
    projects: pd.DataFrame,
    *,
    funding: pd.DataFrame,
    team: pd.DataFrame,
    mix: pd.DataFrame,
    ownership: pd.DataFrame,
    timeline: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The portfolio table: one row per project of `projects` (load_projects).

    Columns: code, name, status, rag, rag_reason, split (committed split text), joint,
    team (members per department), mixed, fte_balance, ownership (worst status),
    next_goal, next_goal_date, late_goals, has_issue (ownership not ok, unmixed team or a
    late goal). Codes in status, rag and ownership are replaced
    by `labels[code]` where given (translated by the caller).
    """
    labels = labels or {}
    splits = split_text(funding)
    teams = team_text(team)
    mix_by = mix.set_index("project") if not mix.empty else pd.DataFrame()
    owners = project_ownership(ownership) if not ownership.empty else {}
    upcoming = next_goals(timeline).set_index("project")
    late = timeline.groupby("project")["late"].sum() if not timeline.empty else pd.Series(dtype="int64")
    rows = []
    for row in projects.itertuples():
        code = row.code
        mixed = mix_by["mixed"].get(code) if not mix_by.empty else None
        mixed = mixed if _present(mixed) else None
        balance = mix_by["fte_balance"].get(code) if not mix_by.empty else None
        rows.append(
            {
                "code": code,
                "name": row.name,
                "status": labels.get(row.status, row.status),
                "rag": labels.get(row.rag, row.rag) if _present(row.rag) else labels.get("none", ""),
                "rag_reason": row.rag_reason if _present(row.rag_reason) else "",
                "split": splits.get(code, ""),
                "joint": bool(mix_by["joint"].get(code, False)) if not mix_by.empty else False,
                "team": teams.get(code, ""),
                "mixed": labels.get(f"mixed.{bool(mixed)}", str(bool(mixed))) if mixed is not None else "",
                "fte_balance": float(balance) if balance is not None and pd.notna(balance) else None,
                "ownership": labels.get(owners[code], owners[code]) if code in owners else "",
                "next_goal": upcoming["goal"].get(code, "") if code in upcoming.index else "",
                "next_goal_date": upcoming["target_date"].get(code),
                "late_goals": int(late.get(code, 0)),
                "has_issue": bool(
                    owners.get(code, "ok") != "ok"
                    or (mixed is not None and not mixed)
                    or int(late.get(code, 0)) > 0
                ),
            }
        )
    columns = [
        "code",
        "name",
        "status",
        "rag",
        "rag_reason",
        "split",
        "joint",
        "team",
        "mixed",
        "fte_balance",
        "ownership",
        "next_goal",
        "next_goal_date",
        "late_goals",
        "has_issue",
    ]
    return pd.DataFrame(rows, columns=columns)


def filter_project_table(
    table: pd.DataFrame, *, search: str = "", joint_only: bool = False, issues_only: bool = False
) -> pd.DataFrame:
    """Rows of `project_table` whose code or name contains `search` (case-insensitive),
    optionally only joint projects and/or only those with an issue (ownership not ok, team
    not mixed, or a late goal)."""
    keep = pd.Series(True, index=table.index)
    text = search.strip().lower()
    if text:
        keep &= table["code"].str.lower().str.contains(text, regex=False) | table[
            "name"
        ].str.lower().str.contains(text, regex=False)
    if joint_only:
        keep &= table["joint"]
    if issues_only:
        keep &= table["has_issue"]
    return table[keep].reset_index(drop=True)


def collaboration_exceptions(
    mix: pd.DataFrame, ownership: pd.DataFrame, timeline: pd.DataFrame
) -> pd.DataFrame:
    """Everything the steering meeting should see, one row each: project, kind, subject.

    kind is one of house_rule_breach, missing_owner, double_owner (subject: the area code),
    unmixed_team (subject: the funding departments missing from the team) and late_goal
    (subject: the goal code; reached late or overdue at the as-of end).
    """
    rows: list[dict[str, str]] = []
    kinds = {"breach": "house_rule_breach", "missing": "missing_owner", "double": "double_owner"}
    for issue in ownership_issues(ownership).itertuples():
        rows.append({"project": issue.project, "kind": kinds[issue.status], "subject": issue.area})
    if not mix.empty:
        for team in mix[mix["mixed"].eq(False)].itertuples():
            rows.append(
                {"project": team.project, "kind": "unmixed_team", "subject": team.missing_departments}
            )
    if not timeline.empty:
        for goal in late_goals(timeline).itertuples():
            rows.append({"project": goal.project, "kind": "late_goal", "subject": goal.code})
    frame = pd.DataFrame(rows, columns=["project", "kind", "subject"])
    return frame.sort_values(["project", "kind", "subject"]).reset_index(drop=True)


def label_codes(frame: pd.DataFrame, labels: Mapping[str, str], columns: Iterable[str]) -> pd.DataFrame:
    """A copy of `frame` with the codes in `columns` replaced by `labels[code]` (unknown kept)."""
    return frame.assign(
        **{c: [labels.get(v, v) if isinstance(v, str) else v for v in frame[c]] for c in columns}
    )


def count_mixed(mix: pd.DataFrame) -> tuple[int, int]:
    """(mixed joint teams, joint projects with a team): the parts of `mixed_teams_share`."""
    if mix.empty:
        return 0, 0
    staffed = mix[mix["joint"] & mix["has_team"]]
    return int(staffed["mixed"].astype(bool).sum()), len(staffed)


def count_reached(timeline: pd.DataFrame) -> int:
    """Goals reached by the as-of end (`timeline` from `goal_timeline`)."""
    return int(timeline["achieved_date"].notna().sum()) if not timeline.empty else 0


def total_spend(spend: pd.DataFrame) -> float:
    """Σ actual spend of `load_actual_spend_by_project`."""
    return float(spend["actual"].sum()) if not spend.empty else 0.0


@dataclass(frozen=True)
class ProjectDetail:
    """One project's slices of the page's frames, for its detail view."""

    funding: pd.DataFrame  # department, committed, committed_share, agreed
    team: pd.DataFrame  # department, members, fte
    ownership: pd.DataFrame  # area, owner_codes, expected, status
    goals: pd.DataFrame  # code, goal, measure, target_value, target_date, achieved_value, achieved_date, progress_display, status, slippage_days


def project_detail(
    code: str, *, split: pd.DataFrame, team: pd.DataFrame, ownership: pd.DataFrame, timeline: pd.DataFrame
) -> ProjectDetail:
    """The rows of project `code` in each frame (split from resolve_agreed_shares,
    team from load_team_by_department, ownership from ownership_status, timeline from goal_timeline)."""

    def rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        if frame.empty:
            return pd.DataFrame(columns=columns)
        return frame.loc[frame["project"] == code, columns].reset_index(drop=True)

    return ProjectDetail(
        funding=rows(split, ["department", "committed", "committed_share", "agreed"]),
        team=rows(team, ["department", "members", "fte"]),
        ownership=rows(ownership, ["area", "owner_codes", "expected", "status"]),
        goals=rows(
            timeline,
            [
                "code",
                "goal",
                "measure",
                "target_value",
                "target_date",
                "achieved_value",
                "achieved_date",
                "progress_display",
                "status",
                "slippage_days",
            ],
        ),
    )


CHART_PROJECTS = 40  # rows a per-project chart shows at most; the tables beside it hold all
CHART_GOALS = 90  # goal rows the goal timeline shows at most (18 px each: well under 2,000 px)


@dataclass(frozen=True)
class ChartSelection:
    """The projects a per-project chart shows (`shown`, in priority order) out of `total`.

    A chart with a bar per project is unreadable (and slow) for thousands of projects, so
    it shows the `CHART_PROJECTS` that need attention first; the tables keep every row.
    """

    shown: list[str]
    total: int

    @property
    def limited(self) -> bool:
        return len(self.shown) < self.total


def _select(
    priority: pd.DataFrame, limit: int | None, *, rows: pd.Series | None = None, max_rows: int = 0
) -> ChartSelection:
    """`priority` has project and score (higher first; ties by project code). With `rows`
    (chart rows per project) whole projects are taken while their rows fit in `max_rows`."""
    limit = CHART_PROJECTS if limit is None else limit
    ranked = priority.sort_values(["score", "project"], ascending=[False, True], kind="stable")
    codes = list(dict.fromkeys(ranked["project"].tolist()))
    shown = codes[:limit]
    if rows is not None and max_rows:
        kept: list[str] = []
        used = 0
        for code in shown:
            count = int(rows.get(code, 1))
            if kept and used + count > max_rows:
                break
            kept.append(code)
            used += count
        shown = kept
    return ChartSelection(shown, len(codes))


def funding_chart_projects(split: pd.DataFrame, *, limit: int | None = None) -> ChartSelection:
    """The projects whose committed split strays furthest from the agreed split first:
    score = max over its departments of |committed_share − agreed| (NaN counts as 0).
    In: resolve_agreed_shares output."""
    if split.empty:
        return ChartSelection([], 0)
    gap = (split["committed_share"].astype("float64") - split["agreed"].astype("float64")).abs().fillna(0.0)
    score = gap.groupby(split["project"]).max()
    return _select(pd.DataFrame({"project": score.index, "score": score.to_numpy()}), limit)


def ownership_chart_projects(status: pd.DataFrame, *, limit: int | None = None) -> ChartSelection:
    """The projects with ownership problems first: score = number of cells that are not ok
    (missing, double or breach). In: ownership_status output."""
    if status.empty:
        return ChartSelection([], 0)
    score = status["status"].ne("ok").groupby(status["project"]).sum()
    return _select(pd.DataFrame({"project": score.index, "score": score.to_numpy(dtype="float64")}), limit)


def goal_chart_projects(timeline: pd.DataFrame, *, limit: int | None = None) -> ChartSelection:
    """The projects with the most slipped goals first: score = the largest slippage in days
    of an overdue or late goal (0 for projects without one), as many whole projects as
    have `CHART_GOALS` goal rows between them. In: goal_timeline output."""
    if timeline.empty:
        return ChartSelection([], 0)
    slip = timeline["slippage_days"].astype("float64").where(timeline["late"].astype(bool), 0.0).fillna(0.0)
    score = slip.clip(lower=0.0).groupby(timeline["project"]).max()
    goals = timeline.groupby("project").size()
    return _select(
        pd.DataFrame({"project": score.index, "score": score.to_numpy()}),
        limit,
        rows=goals,
        max_rows=CHART_GOALS,
    )


# ---- charts/projects.py at 3943b28 (the builders whose construction changed) ----


def ownership_matrix_chart(
    status: pd.DataFrame,
    *,
    area_names: Mapping[str, str],
    status_names: Mapping[str, str],
    title: str,
    project_title: str,
    area_title: str,
    owner_title: str,
    expected_title: str,
    status_title: str,
    none_label: str,
    several_label: str,
) -> alt.Chart:
    """Projects × responsibility areas, each cell coloured by its accountable department
    (grey when several, light grey when none); cells that are not ok get a red border and
    a "!" after the owner codes. In: ownership_status output."""
    codes = sorted({c for owners in status["owner_codes"] for c in str(owners).split(",") if c})
    data = status.assign(
        area_name=[area_names.get(a, a) for a in status["area"]],
        status_name=[status_names.get(s, s) for s in status["status"]],
        owner=[
            none_label if n == 0 else several_label if n > 1 else codes_text
            for n, codes_text in zip(status["owners"], status["owner_codes"], strict=True)
        ],
        label=[
            (str(owners) or "–") + (" !" if s != "ok" else "")
            for owners, s in zip(status["owner_codes"], status["status"], strict=True)
        ],
        issue=[s != "ok" for s in status["status"]],
    )
    colors = department_colors(codes)
    scale = alt.Scale(
        domain=[*codes, several_label, none_label],
        range=[*(colors[c] for c in codes), SEVERAL_COLOR, MISSING_COLOR],
    )
    area_order = list(dict.fromkeys(data["area_name"]))
    base = alt.Chart().encode(
        x=alt.X(
            "area_name:N",
            title=area_title,
            sort=area_order,
            axis=alt.Axis(labelAngle=0, orient="top", labelLimit=125),
        ),
        y=alt.Y("project:N", title=project_title, sort="ascending", axis=alt.Axis(labelOverlap=False)),
        tooltip=[
            alt.Tooltip("project:N", title=project_title),
            alt.Tooltip("area_name:N", title=area_title),
            alt.Tooltip("owner_codes:N", title=owner_title),
            alt.Tooltip("expected:N", title=expected_title),
            alt.Tooltip("status_name:N", title=status_title),
        ],
    )
    cells = base.mark_rect(cornerRadius=2).encode(
        color=alt.Color("owner:N", title=owner_title, scale=scale),
        stroke=alt.condition("datum.issue", alt.value(ISSUE_STROKE), alt.value("white")),
        strokeWidth=alt.condition("datum.issue", alt.value(3), alt.value(1)),
    )
    labels = base.mark_text(fontWeight="bold", color="white").encode(text=alt.Text("label:N"))
    return alt.layer(cells, labels, data=data).properties(
        title=title,
        height=22 * status["project"].nunique(),
        autosize=FIT_WIDTH,
    )


def goal_timeline_chart(
    timeline: pd.DataFrame,
    *,
    as_of_end: dt.date,
    status_names: Mapping[str, str],
    title: str,
    goal_title: str,
    date_title: str,
    target_title: str,
    achieved_title: str,
    status_title: str,
    slippage_title: str,
    as_of_title: str,
) -> alt.Chart:
    """Gantt-like goal timeline: per goal (project · code) a bar from the project's planned
    start to the target date (light), a diamond at the target, a dot at the achieved date,
    and a coloured slippage bar from target to achieved date (or to the as-of date when the
    goal is overdue); a dashed rule marks the as-of date. In: goal_timeline output."""
    end = [
        got if got is not None and pd.notna(got) else (as_of_end if s == "overdue" else tgt)
        for got, tgt, s in zip(
            timeline["achieved_date"], timeline["target_date"], timeline["status"], strict=True
        )
    ]
    data = timeline.assign(
        label=timeline["project"].astype(str) + " · " + timeline["code"].astype(str),
        start=pd.to_datetime(timeline["planned_start"]),
        target=pd.to_datetime(timeline["target_date"]),
        achieved=pd.to_datetime(timeline["achieved_date"]),
        slip_end=pd.to_datetime(pd.Series(end, index=timeline.index)),
        status_name=[status_names.get(s, s) for s in timeline["status"]],
        slippage=timeline["slippage_days"].astype("float64"),
    )[
        [
            "label",
            "project",
            "code",
            "goal",
            "start",
            "target",
            "achieved",
            "slip_end",
            "status",
            "status_name",
            "slippage",
        ]
    ]
    domain = [status_names.get(s, s) for s in GOAL_STATUS_COLORS]
    scale = alt.Scale(domain=domain, range=list(GOAL_STATUS_COLORS.values()))
    tooltip = [
        alt.Tooltip("label:N", title=goal_title),
        alt.Tooltip("goal:N", title=goal_title),
        alt.Tooltip("target:T", title=target_title, format="%d-%m-%Y"),
        alt.Tooltip("achieved:T", title=achieved_title, format="%d-%m-%Y"),
        alt.Tooltip("status_name:N", title=status_title),
        alt.Tooltip("slippage:Q", title=slippage_title),
    ]
    # "ascending" sorts the labels like sorted() did, without a list of every label in the spec.
    y = alt.Y("label:N", title=goal_title, sort="ascending", axis=alt.Axis(labelOverlap=False))
    # The layers share one top-level data set (alt.layer(..., data=)): layering charts that
    # each carry the frame makes Altair hash and copy it once per layer.
    base = alt.Chart().encode(y=y, tooltip=tooltip)
    plan = base.mark_bar(color=MISSING_COLOR, height=6).encode(
        x=alt.X("start:T", title=date_title, axis=alt.Axis(format="%b %Y")), x2="target:T"
    )
    slip = base.mark_bar(height=10).encode(
        x="target:T", x2="slip_end:T", color=alt.Color("status_name:N", title=status_title, scale=scale)
    )
    target = base.mark_point(shape="diamond", filled=True, size=70, color=TEXT).encode(x="target:T")
    achieved = base.mark_circle(size=70, color=RAG_COLORS["green"], stroke="white").encode(x="achieved:T")
    as_of = (
        alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(as_of_end)], "name": [as_of_title]}))
        .mark_rule(strokeDash=[4, 3], color=ISSUE_STROKE)
        .encode(x="as_of:T", tooltip=[alt.Tooltip("as_of:T", title=as_of_title, format="%d-%m-%Y")])
    )
    return (alt.layer(plan, slip, target, achieved, data=data) + as_of).properties(
        title=title, height=18 * data["label"].nunique(), autosize=FIT_WIDTH
    )


def funding_split_chart(
    split: pd.DataFrame,
    *,
    title: str,
    share_title: str,
    project_title: str,
    department_title: str,
    agreed_title: str,
) -> alt.Chart:
    """Stacked bars of each department's share of the committed funding per project, with
    a black tick where the agreed split puts the boundary. In: resolve_agreed_shares output."""
    data = split.assign(order=split["department"].rank(method="dense"))
    codes = sorted(split["department"].unique().tolist())
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("project:N", title=project_title, sort="ascending", axis=alt.Axis(labelOverlap=False)),
            x=alt.X(
                "committed_share:Q",
                title=share_title,
                stack="zero",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("department:N", title=department_title, scale=_department_scale(codes)),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("project:N", title=project_title),
                alt.Tooltip("department:N", title=department_title),
                alt.Tooltip("committed_share:Q", title=share_title, format=".0%"),
                alt.Tooltip("agreed:Q", title=agreed_title, format=".0%"),
            ],
        )
    )
    ticks = (
        alt.Chart(agreed_boundaries(split))
        .mark_tick(color=TEXT, thickness=3, size=18)
        .encode(
            y=alt.Y("project:N", sort="ascending"),
            x=alt.X("boundary:Q"),
            tooltip=[
                alt.Tooltip("project:N", title=project_title),
                alt.Tooltip("between:N", title=department_title),
                alt.Tooltip("boundary:Q", title=agreed_title, format=".0%"),
            ],
        )
    )
    return (bars + ticks).properties(
        title=title, height=ROW_STEP * split["project"].nunique(), autosize=FIT_WIDTH
    )


def fte_chart(
    fte: pd.DataFrame, *, title: str, month_title: str, fte_title: str, department_title: str
) -> alt.Chart:
    """FTE per home department per month, stacked areas. In: month, department, fte."""
    codes = sorted(fte["department"].unique().tolist())
    return (
        alt.Chart(fte.assign(month=pd.to_datetime(fte["month"])))
        .mark_area(opacity=0.85, interpolate="step-after")
        .encode(
            x=alt.X("month:T", title=month_title, axis=alt.Axis(format="%b %Y", tickCount="month")),
            y=alt.Y("fte:Q", title=fte_title, stack="zero"),
            color=alt.Color("department:N", title=department_title, scale=_department_scale(codes)),
            tooltip=[
                alt.Tooltip("month:T", title=month_title, format="%b %Y"),
                alt.Tooltip("department:N", title=department_title),
                alt.Tooltip("fte:Q", title=fte_title, format=".1f"),
                alt.Tooltip("members:Q"),
            ],
        )
        .properties(title=title, height=260)
    )


# ---- charts/budget.py at 3943b28 (the builders whose construction changed) ----


def monthly_chart(
    series: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str, legend_title: str
) -> alt.Chart:
    """Grouped bars per month: planned and actual (from kpis.budget.cumulative_series)."""
    data = _series_frame(series, labels)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X(
                "yearmonth(month):O", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, labelAngle=-45)
            ),
            xOffset=alt.XOffset("label:N", sort=[labels["planned"], labels["actual"]]),
            y=alt.Y("amount:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR)),
            color=_series_color(labels, legend_title),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title=x_title, format="%B %Y"),
                alt.Tooltip("label:N", title=legend_title),
                alt.Tooltip("amount:Q", title=y_title, format="$,.0f"),
            ],
        )
        .properties(height=280)
    )


def cumulative_chart(
    series: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str, legend_title: str
) -> alt.LayerChart:
    """Cumulative actual as an area, with the cumulative plan as a dashed reference line."""
    data = _series_frame(series, labels)
    # One top-level data set for both layers (see charts.projects.goal_timeline_chart).
    base = alt.Chart(title=title).encode(
        x=alt.X("month:T", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month")),
        y=alt.Y("cumulative:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR)),
        color=_series_color(labels, legend_title),
        tooltip=[
            alt.Tooltip("month:T", title=x_title, format="%B %Y"),
            alt.Tooltip("label:N", title=legend_title),
            alt.Tooltip("cumulative:Q", title=y_title, format="$,.0f"),
        ],
    )
    actual = base.transform_filter(alt.datum.series == "actual").mark_area(opacity=0.35, line=True)
    planned = base.transform_filter(alt.datum.series == "planned").mark_line(strokeDash=[6, 4], strokeWidth=2)
    return alt.layer(actual, planned, data=data).properties(height=280)


def drift_chart(
    drift: pd.DataFrame,
    *,
    tolerance: float,
    department_names: dict[str, str],
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
) -> alt.LayerChart:
    """Drift in percentage points per project and department (from kpis.budget.funding_drift),
    one bar per project and department named "project · department", with the tolerance band
    drawn as red rules at ± tolerance. Rows without a drift are left out; pass
    `largest_drifts(...)[0]` to keep the chart within a screen at any size."""
    rows = drift[[value.available for value in drift["drift_pp"]]] if not drift.empty else drift
    names = [department_names.get(d, d) for d in rows["department"]] if not rows.empty else []
    projects = list(rows["project"]) if not rows.empty else []
    data = pd.DataFrame(
        {
            "project": projects,
            "department": names,
            "row": [f"{project} · {name}" for project, name in zip(projects, names, strict=True)],
            "drift_pp": [value.value for value in rows["drift_pp"]] if not rows.empty else [],
        }
    )
    codes = sorted(set(department_names) | set(rows["department"]))
    colors = department_colors(codes)
    shown_departments = set(data["department"])
    bars = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y(
                "row:N",
                title=y_title,
                sort=list(data["row"]),
                axis=alt.Axis(labelLimit=320, labelOverlap=False),
            ),
            x=alt.X("drift_pp:Q", title=x_title),
            color=alt.Color(
                "department:N",
                title=legend_title,
                scale=alt.Scale(
                    domain=[department_names.get(c, c) for c in codes], range=[colors[c] for c in codes]
                ),
                legend=alt.Legend(orient="top") if len(shown_departments) <= LEGEND_DEPARTMENTS else None,
            ),
            tooltip=[
                alt.Tooltip("project:N", title=y_title),
                alt.Tooltip("department:N", title=legend_title),
                alt.Tooltip("drift_pp:Q", title=x_title, format="+.1f"),
            ],
        )
    )
    limits = pd.DataFrame({"limit": [-tolerance, tolerance]})
    rules = alt.Chart(limits).mark_rule(color=RAG_COLORS["red"], strokeDash=[4, 4]).encode(x=alt.X("limit:Q"))
    return (bars + rules).properties(height=alt.Step(DRIFT_ROW_STEP))


def forecast_chart(
    series: pd.DataFrame,
    *,
    forecast_end: float,
    year_end: pd.Timestamp,
    labels: dict[str, str],
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
) -> alt.LayerChart:
    """Cumulative plan (dashed) and actual (area) of the year, as `cumulative_chart`, with the
    forecast to year end as a dotted line from the last actual month's cumulative amount to
    `forecast_end` at `year_end` (from kpis.budget.forecast_year_end). `labels` names the
    series "planned", "actual" and "forecast"."""
    actual = series[series["series"] == "actual"].sort_values("month")
    if actual.empty:
        return cumulative_chart(
            series, labels=labels, title=title, x_title=x_title, y_title=y_title, legend_title=legend_title
        )
    last = actual.iloc[-1]
    forecast = pd.DataFrame(
        {
            "month": [pd.Timestamp(last["month"]), pd.Timestamp(year_end)],
            "cumulative": [float(last["cumulative"]), float(forecast_end)],
            "label": labels["forecast"],
        }
    )
    data = _series_frame(series, labels)
    names = [labels["planned"], labels["actual"], labels["forecast"]]
    color = alt.Color(
        "label:N",
        title=legend_title,
        scale=alt.Scale(
            domain=names, range=[SERIES_COLORS["planned"], SERIES_COLORS["actual"], FORECAST_COLOR]
        ),
        legend=alt.Legend(orient="top"),
    )
    x = alt.X("month:T", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month"))
    y = alt.Y("cumulative:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR))
    base = alt.Chart(data).encode(x=x, y=y, color=color)
    actual_area = base.transform_filter(alt.datum.series == "actual").mark_area(opacity=0.35, line=True)
    planned = base.transform_filter(alt.datum.series == "planned").mark_line(strokeDash=[6, 4], strokeWidth=2)
    ahead = (
        alt.Chart(forecast)
        .mark_line(strokeDash=[2, 3], strokeWidth=3, point=True)
        .encode(x=x, y=y, color=color)
    )
    return alt.layer(actual_area, planned, ahead, title=title).properties(height=280)
