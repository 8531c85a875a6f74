"""Portfolio KPIs: joint share and insight goals on time."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpis.common import KpiValue, not_available, ratio


def joint_share(funding: pd.DataFrame) -> KpiValue:
    """Joint share = committed budget in jointly funded projects / all committed budget.

    `funding` has one row per project: `committed` (the selected departments' commitment)
    and `n_funders` (how many departments fund the project at all). A project is joint
    when two or more departments fund it.
    """
    if funding.empty:
        return not_available("kpi.na.no_projects")
    joint = funding.loc[funding["n_funders"] >= 2, "committed"].sum()
    return ratio(float(joint), float(funding["committed"].sum()), reason_if_zero="kpi.na.no_funding")


def count_joint_projects(funding: pd.DataFrame) -> int:
    """Number of projects in `funding` that two or more departments fund."""
    return int((funding["n_funders"] >= 2).sum()) if not funding.empty else 0


def count_goals(goals: pd.DataFrame, *, as_of_end: dt.date) -> tuple[int, int]:
    """(goals reached on time, goals due) by `as_of_end`; see `goals_on_time`."""
    if goals.empty:
        return 0, 0
    target = pd.to_datetime(goals["target_date"])
    achieved = pd.to_datetime(goals["achieved_date"])
    cutoff = pd.Timestamp(as_of_end)
    due = target <= cutoff
    on_time = due & achieved.notna() & (achieved <= target) & (achieved <= cutoff)
    return int(on_time.sum()), int(due.sum())


def goals_on_time(goals: pd.DataFrame, *, as_of_end: dt.date) -> KpiValue:
    """Insight goals on time = goals reached by their target date / goals due by `as_of_end`.

    `goals` has `target_date` and `achieved_date` (None when not reached). A goal is due
    when its target date is on or before the as-of date; it counts as on time when it was
    reached on or before its target date (and on or before the as-of date, so a replayed
    month does not see later achievements).
    """
    on_time, due = count_goals(goals, as_of_end=as_of_end)
    return ratio(float(on_time), float(due), reason_if_zero="kpi.na.no_goals_due")
