"""KPI trends in one pass over the trend months (issue #23).

Each function gives, for every month of a trend, the same value as the KPI function it is
named after applied month by month (tests/straight.py keeps that month-by-month version
as the oracle, and tests/kpis/test_trend_facts.py checks both agree exactly). The inputs are
fact frames with a `month` column (one row per project × month close, or per line); the
work is a few grouped or vectorised operations for all months instead of the same pandas
calls once per month. Sums of money are taken per month over the same rows in the same
order as the month-by-month version, so each figure is equal to the last bit.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from domain.frames import isin
from domain.months import month_end
from kpis.common import KpiValue, not_available, ratio


def joint_share_by_month(funding: pd.DataFrame, months: list[dt.date]) -> list[KpiValue]:
    """`kpis.portfolio.joint_share` at each of `months`.

    `funding`: month, code, committed (the selected departments' commitment), n_funders,
    as `data_access.projects.load_funding_by_months` gives it.
    """
    month_of = funding["month"].to_numpy()
    committed = funding["committed"].to_numpy(dtype="float64")
    joint = funding["n_funders"].to_numpy() >= 2
    values = []
    for month in months:
        rows = month_of == month
        if not rows.any():
            values.append(not_available("kpi.na.no_projects"))
            continue
        values.append(
            ratio(
                float(committed[rows & joint].sum()),
                float(committed[rows].sum()),
                reason_if_zero="kpi.na.no_funding",
            )
        )
    return values


def ownership_clarity_by_month(
    ownership: pd.DataFrame, months: list[dt.date], *, cancelled: set[str]
) -> list[KpiValue]:
    """`kpis.projects.ownership_clarity` of each month's ownership without the cancelled
    projects (`kpis.exceptions.without_cancelled`), at each of `months`.

    `ownership`: month, project, owners, off_rule (and more), as
    `data_access.projects.load_ownership_by_months` gives it. A cell is clear ("ok") when it
    has exactly one accountable department and that is the one the house rule expects; a
    project is clear when all its cells are.
    """
    kept = ownership[~isin(ownership["project"], cancelled)]
    ok = (kept["owners"] == 1) & (kept["off_rule"] == 0)
    clear = ok.groupby([kept["month"], kept["project"]], sort=False).all()
    per_month = clear.groupby(level=0, sort=False).agg(["sum", "size"])
    values = []
    for month in months:
        if month not in per_month.index:
            values.append(not_available("projects.na.no_ownership"))
            continue
        clear_count, projects = per_month.loc[month]
        values.append(ratio(float(clear_count), float(projects), reason_if_zero="projects.na.no_ownership"))
    return values


def goals_on_time_by_month(goals: pd.DataFrame, months: list[dt.date]) -> list[KpiValue]:
    """`kpis.portfolio.goals_on_time` at each of `months`' close."""
    cutoffs = np.array([np.datetime64(month_end(month), "ns") for month in months])
    if goals.empty:
        return [ratio(0.0, 0.0, reason_if_zero="kpi.na.no_goals_due") for _ in months]
    target = pd.to_datetime(goals["target_date"]).to_numpy()[:, None]
    achieved = pd.to_datetime(goals["achieved_date"]).to_numpy()[:, None]
    due = target <= cutoffs[None, :]
    reached = ~np.isnat(achieved) & (achieved <= target) & (achieved <= cutoffs[None, :])
    on_time = (due & reached).sum(axis=0)
    return [
        ratio(float(hits), float(count), reason_if_zero="kpi.na.no_goals_due")
        for hits, count in zip(on_time, due.sum(axis=0), strict=True)
    ]


def progress_by_month(projects: pd.Series, history: pd.DataFrame, months: list[dt.date]) -> np.ndarray:
    """% complete of each of `projects` (codes) as it stood at each of `months`: an array
    of months × projects, NaN where a project had no progress recorded by then.

    `history`: project, month, pct_complete (`data_access.budget.load_progress_history`).
    A month's value is the last recorded one on or before it (rows in stable month order;
    a row without a value does not hide an earlier value), as `groupby(...).last()` takes it.
    """
    known = history[history["pct_complete"].notna()].sort_values("month", kind="stable")
    if known.empty:
        return np.full((len(months), len(projects)), np.nan)
    last = known.groupby(["month", "project"], sort=True)["pct_complete"].last().unstack("project")
    filled = last.ffill().reindex(columns=pd.Index(projects))
    position = (
        np.searchsorted(np.array(filled.index, dtype=object), np.array(months, dtype=object), "right") - 1
    )
    table = filled.to_numpy(dtype="float64")
    out = np.full((len(months), len(projects)), np.nan)
    seen = position >= 0
    out[seen] = table[position[seen]]
    return out


def cpi_by_month(
    lines: pd.DataFrame, projects: pd.Series, history: pd.DataFrame, months: list[dt.date]
) -> list[KpiValue]:
    """`kpis.budget.portfolio_cpi` with each project's % complete as it stood at each of
    `months` (`progress_by_month`): Σ EV / Σ AC over the projects with progress then, where
    EV = % complete / 100 × BAC (Σ planned, all months) and AC = Σ actual up to the month.

    `lines`: month, project, planned, actual (one row per project and month, any order);
    `projects`: the codes of the view's projects, in its order.
    """
    if not months:
        return []
    pct = progress_by_month(projects, history, months)
    codes = pd.Index(projects)
    bac = lines.groupby("project")["planned"].sum().reindex(codes, fill_value=0.0).to_numpy(dtype="float64")
    line_project = codes.get_indexer(lines["project"])
    line_month = lines["month"].to_numpy()
    actual = lines["actual"].to_numpy(dtype="float64")
    actual = np.where(np.isnan(actual), 0.0, actual)
    values = []
    for row, month in enumerate(months):
        tracked = ~np.isnan(pct[row])
        if not tracked.any():
            values.append(not_available("budget.na.no_progress"))
            continue
        tracked_lines = (line_project >= 0) & tracked[np.maximum(line_project, 0)]
        ac = float(actual[tracked_lines & (line_month <= month)].sum())
        ev = float((pct[row][tracked] / 100.0 * bac[tracked]).sum())
        if ac < 0:
            values.append(not_available("budget.na.net_credit"))
            continue
        values.append(ratio(ev, ac, reason_if_zero="budget.na.no_actuals"))
    return values
