"""The maturity measures that are not already a KPI of the single view, month by month.

Each function gives one value per month of `months` (a month close), n/a with its reason
where the data says nothing; `kpis.maturity` maps the values to levels. The inputs are the
frames the existing loaders return (see services/health_page.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from domain.months import add_months, month_end
from kpis.common import KpiValue, not_available, ratio
from kpis.teams import fte_balance_median
from kpis.trends import progress_by_month

PROCESSING_AREAS = ("data_processing", "data_policy")
CUSTOMER_DATA_AREAS = ("customer_database",)
MEETING_WINDOW = 12  # months of steering meetings that count for "outcomes per meeting"
NOT_RECORDED = "maturity.na.not_recorded"


def latest_wave_values(
    waves: pd.DataFrame, trend: pd.DataFrame, dimension: str, months: Iterable[dt.date]
) -> list[KpiValue]:
    """The trust index of `dimension` (or OVERALL) in the latest wave fielded by each month's
    close, as `trend` (kpis.trust.trend_frame, past the confidentiality gate) shows it; n/a
    when no wave was fielded yet or the cell is hidden."""
    if waves.empty or trend.empty:
        return [not_available("kpi.na.no_survey") for _ in months]
    fielded = pd.to_datetime(waves["fielded_on"]).dt.date
    shown = trend[(trend["dimension"] == dimension) & trend["shown"].astype(bool)]
    index = dict(zip(shown["wave_id"].astype(int), shown["index"], strict=True))
    values = []
    for month in months:
        until = waves.loc[(fielded <= month_end(month)).to_numpy(), "id"]
        if until.empty:
            values.append(not_available("kpi.na.no_survey"))
            continue
        value = index.get(int(until.iloc[-1]))
        values.append(
            KpiValue(float(value))
            if value is not None and pd.notna(value)
            else not_available("kpi.na.group_too_small")
        )
    return values


def _kept(ownership: pd.DataFrame, cancelled: set[str]) -> pd.DataFrame:
    return ownership[~ownership["project"].isin(cancelled)]


def areas_by_rule_by_month(
    ownership: pd.DataFrame, months: Iterable[dt.date], *, areas: Iterable[str], cancelled: set[str]
) -> list[KpiValue]:
    """Share of the (project, area) cells of `areas` whose only accountable department is the
    one the house rule expects, at each month (cancelled projects left out).

    `ownership`: month, project, area, owners, expected, off_rule (load_ownership_by_months)."""
    kept = _kept(ownership, cancelled)
    kept = kept[kept["area"].isin(list(areas)) & kept["expected"].notna()]
    values = []
    for month in months:
        cells = kept[kept["month"] == month]
        ok = int(((cells["owners"] == 1) & (cells["off_rule"] == 0)).sum())
        values.append(ratio(float(ok), float(len(cells)), reason_if_zero="projects.na.no_ownership"))
    return values


def breach_share_by_month(
    ownership: pd.DataFrame, months: Iterable[dt.date], *, cancelled: set[str]
) -> list[KpiValue]:
    """Share of the projects with ownership recorded that have a house-rule breach (an
    accountable department other than the rule's) at each month, cancelled left out."""
    kept = _kept(ownership, cancelled)
    breach = (kept["off_rule"] > 0).groupby([kept["month"], kept["project"]], sort=False).any()
    values = []
    for month in months:
        rows = breach[breach.index.get_level_values(0) == month] if not breach.empty else breach
        values.append(ratio(float(rows.sum()), float(len(rows)), reason_if_zero="projects.na.no_ownership"))
    return values


def meeting_outcomes_by_month(
    decisions: pd.DataFrame, actions: pd.DataFrame, months: Iterable[dt.date], *, window: int = MEETING_WINDOW
) -> list[KpiValue]:
    """Decisions and actions recorded per steering meeting, over the meetings of the
    `window` months up to each month (a meeting = a month with a decision or an action);
    n/a when no meeting was held in that window."""
    recorded = pd.concat(
        [
            pd.Series(pd.to_datetime(decisions["meeting_month"]).dt.date, dtype=object),
            pd.Series(pd.to_datetime(actions["meeting_month"]).dt.date, dtype=object),
        ],
        ignore_index=True,
    )
    values = []
    for month in months:
        start = add_months(month, -(window - 1))
        inside = recorded[[start <= day <= month for day in recorded]]
        meetings = inside.nunique()
        values.append(ratio(float(len(inside)), float(meetings), reason_if_zero="maturity.na.no_meetings"))
    return values


def ev_coverage_by_month(
    projects: pd.DataFrame,
    history: pd.DataFrame,
    months: list[dt.date],
    *,
    started: Mapping[str, dt.date] | None = None,
) -> list[KpiValue]:
    """Share of the running projects (active, on hold or done) with progress recorded by
    each month's close, so that their earned value can be computed. With `started` (project
    → its first plan month) a month counts only the projects started by then, so a project
    that began later does not lower an earlier month's share.

    `projects`: project, status (load_project_progress); `history`: project, month,
    pct_complete (load_progress_history)."""
    running = projects[projects["status"].isin(["active", "on_hold", "done"])]
    if running.empty:
        return [not_available("kpi.na.no_projects") for _ in months]
    tracked = ~np.isnan(progress_by_month(running["project"], history, months))
    values = []
    for row, month in zip(tracked, months, strict=True):
        counted = (
            np.array([code in started and started[code] <= month for code in running["project"]])
            if started is not None
            else np.ones(len(running), dtype=bool)
        )
        values.append(
            KpiValue(float(row[counted].mean())) if counted.any() else not_available("kpi.na.no_projects")
        )
    return values


def fte_balance_by_month(mixes: dict[dt.date, pd.DataFrame], months: Iterable[dt.date]) -> list[KpiValue]:
    """`kpis.projects.fte_balance_median` of each month's team mix."""
    return [fte_balance_median(mixes[month]) for month in months]


def forecast_accuracy(realisation: KpiValue) -> KpiValue:
    """How far spending is from plan: |realisation − 100 %| (lower is better)."""
    if realisation.value is None:
        return realisation
    return KpiValue(abs(realisation.value - 1.0))


def returners_by_month(months: Iterable[dt.date]) -> list[KpiValue]:
    """People returning to their department after a project: the data does not record where
    a person goes after a project, so this measure is n/a (it lowers the skills confidence)."""
    return [not_available(NOT_RECORDED) for _ in months]
