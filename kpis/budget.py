"""Budget realisation: planned against actual, earned value and the year-end forecast.

The functions take small "budget frames" as returned by
data_access.budget.load_budget_by_month: one row per month and group, with `month`
(first of the month), optional `project` / `department` / `category` / `status`
columns, and float `planned` and `actual` (actual counts 0 after the as-of month). A
what-if scenario may transform such a frame and call the same functions.

Values that cannot be computed (a division by zero, no progress data) are KpiValue
n/a with an i18n key as the reason, never inf or NaN. Funding drift is in kpis.funding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.months import as_dates, fiscal_year_end, fiscal_year_start
from domain.statuses import CLOSED_STATUSES

# Compatibility re-exports; import from kpis.funding.
from domain.targets import Rag, Target, rag
from kpis.common import KpiValue, not_available, ratio


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


def month_range(frame: pd.DataFrame, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
    """The rows of a budget frame ordered by month (as `load_budget_by_month` returns it)
    with start <= month <= end (None: unbounded): the same rows, in the same order, as
    masking `frame["month"]` with both comparisons, found by binary search instead of
    comparing every row's date object."""
    months = frame["month"].to_numpy()
    first = 0 if start is None else int(np.searchsorted(months, start, side="left"))
    last = len(months) if end is None else int(np.searchsorted(months, end, side="right"))
    return frame.iloc[first : max(first, last)]


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
    # The planned rows, then the actual rows up to `as_of`, built column by column (the
    # same values and dtypes as assigning, filtering and concatenating two frames).
    shown = (monthly["month"] <= as_of).to_numpy()
    planned, actual = monthly["planned"], monthly["actual"]
    return pd.DataFrame(
        {
            "month": pd.concat([monthly["month"], monthly["month"][shown]], ignore_index=True),
            "series": pd.Series(["planned"] * len(monthly) + ["actual"] * int(shown.sum())),
            "amount": pd.concat([planned, actual[shown]], ignore_index=True),
            "cumulative": pd.concat([planned.cumsum(), actual.cumsum()[shown]], ignore_index=True),
        }
    )


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
    return year_frame[[start <= month <= end for month in as_dates(year_frame["month"])]]


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


def _project_sums(all_frame: pd.DataFrame, codes: pd.Series, as_of: dt.date) -> tuple[np.ndarray, ...]:
    """Per project of `codes` (in their order): Σ planned over all months, Σ planned and
    Σ actual over months ≤ `as_of` (0.0 for a project without rows). One factorisation of the
    project codes serves the three grouped sums; grouping on the integer keys adds each
    group's rows in the same order as grouping by the codes, so the sums are the same."""
    sums = [np.zeros(len(codes), dtype="float64") for _ in range(3)]
    if all_frame.empty:
        return tuple(sums)
    keys, names = pd.factorize(all_frame["project"])
    position = names.get_indexer(codes)
    found = position >= 0
    amounts = all_frame[["planned", "actual"]].reset_index(drop=True)
    to_date = (all_frame["month"] <= as_of).to_numpy()
    plan = amounts["planned"].groupby(keys).sum()
    dated = amounts[to_date].groupby(keys[to_date]).sum()
    for target, grouped in zip(sums, (plan, dated["planned"], dated["actual"]), strict=True):
        group = grouped.index.to_numpy()
        known = group >= 0  # a row without a project code is in no project's sums
        values = np.zeros(len(names), dtype="float64")
        values[group[known]] = grouped.to_numpy(dtype="float64")[known]
        target[:] = np.where(found, values[np.maximum(position, 0)], 0.0)
    return tuple(sums)


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
    codes = projects["project"]
    bacs, pvs, acs = (values.tolist() for values in _project_sums(all_frame, codes, as_of))
    pcts = [None if pct is None or pd.isna(pct) else float(pct) for pct in projects["pct_complete"]]
    figures = [
        earned_value(bac=bac, pv=planned, ac=actual, pct_complete=pct)
        for bac, planned, actual, pct in zip(bacs, pvs, acs, pcts, strict=True)
    ]
    table = {
        "project": list(codes),
        "status": list(projects["status"]),
        "has_progress": [pct is not None for pct in pcts],
        "ev_figures": figures,
        "bac": [f.bac for f in figures],
        "pv": [f.pv for f in figures],
        "ac": [f.ac for f in figures],
        "pct_complete": pcts,
        **{name: [getattr(f, name) for f in figures] for name in kpis},
    }
    return pd.DataFrame(table, columns=columns + kpis)


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


def portfolio_earned_value_of(
    all_frame: pd.DataFrame, projects: pd.DataFrame, *, as_of: dt.date
) -> EarnedValue:
    """`portfolio_earned_value(earned_value_table(all_frame, projects, as_of=as_of))` without
    the per-project table (for figures at many month closes): the same sums over the projects
    with progress data, in the same order, so the same figures to the last bit."""
    pct = np.array(
        [np.nan if value is None or pd.isna(value) else float(value) for value in projects["pct_complete"]],
        dtype="float64",
    )
    tracked = ~np.isnan(pct)
    if not tracked.any():
        return earned_value(bac=0.0, pv=0.0, ac=0.0, pct_complete=None)
    bacs, pvs, acs = (values[tracked] for values in _project_sums(all_frame, projects["project"], as_of))
    bac, pv, ac = (float(pd.Series(values).sum()) for values in (bacs, pvs, acs))
    ev = float(sum((pct[tracked] / 100.0 * bacs).tolist()))
    return earned_value(bac=bac, pv=pv, ac=ac, pct_complete=ev / bac * 100.0 if bac else 0.0)


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
    # Status and CPI per project as dicts (a Series lookup per project was the cost).
    if ev_table.empty:
        status_by: dict = {}
        cpi_by: dict = {}
    else:
        status_by = dict(zip(ev_table["project"], ev_table["status"].to_numpy(), strict=True))
        cpi_by = dict(zip(ev_table["project"], ev_table["cpi"].to_numpy(), strict=True))
    total = float(actual_ytd.sum())
    for code, plan_left in remaining.items():
        status = status_by.get(code)
        if status in CLOSED_STATUSES:
            continue
        cpi = cpi_by.get(code)
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
