"""The single view's tiles from the project data: budget (realisation with the year-end
forecast, CPI, funding balance), portfolio (joint share, goals on time), collaboration (mixed
teams, ownership clarity) and steering (follow-through), each with its trend over the trend
months; and the masking of trend months before the recorded history began.

Each builder loads its frames once per filter set (data_access, aggregated in the database)
and computes every trend month from them. The survey tiles are in services.single_view_trust.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from data_access.budget import (
    load_budget_by_month,
    load_funding_shares,
    load_progress_history,
    load_project_progress,
)
from data_access.projects import (
    load_funding_by_months,
    load_funding_split,
    load_insight_goals,
    load_ownership_by_months,
    load_team_by_months,
)
from data_access.steering import load_actions
from domain.filters import Filters
from domain.months import month_end
from domain.targets import Target, rag
from kpis.budget import (
    earned_value_table,
    forecast_year_end,
    frame_totals,
    month_range,
    portfolio_earned_value,
    realisation,
)
from kpis.common import KpiValue, not_available
from kpis.exceptions import forecast_items, without_cancelled
from kpis.funding import (
    count_drifting,
    funding_balance,
    funding_balance_trend,
    funding_drift,
    max_funding_drift,
)
from kpis.goals import goal_timeline
from kpis.ownership import ownership_issues, ownership_status
from kpis.portfolio import count_goals, count_joint_projects
from kpis.projects import collaboration_exceptions
from kpis.steering import count_follow_through, follow_through_by_month
from kpis.teams import count_mixed, fte_balance_median, mixed_teams_share, team_mix_by_month
from kpis.trends import (
    cpi_by_month,
    goals_on_time_by_month,
    joint_share_by_month,
    ownership_clarity_by_month,
    progress_by_month,
)
from services.single_view_model import Tile, period_for, worst


def _change(values: list[float | None]) -> KpiValue:
    if len(values) < 2 or values[-1] is None:
        return not_available("kpi.na.no_value")
    if values[-2] is None:
        return not_available("kpi.na.no_previous_month")
    return KpiValue(values[-1] - values[-2])


def _series(months: list[dt.date], compute: Callable[[dt.date], KpiValue]) -> list[KpiValue]:
    return [compute(month) for month in months]


def _tile(
    code: str,
    values: list[KpiValue],
    target: Target | None,
    unit: str,
    **extra: object,
) -> Tile:
    numbers = [value.value for value in values]
    current = values[-1]
    return Tile(
        code=code,
        value=current,
        rag=rag(current.value, target) if target is not None else None,
        unit=unit,
        trend=tuple(numbers),
        change=_change(numbers),
        **extra,  # type: ignore[arg-type]
    )


def budget_tiles(
    engine: Engine, filters: Filters, months: list[dt.date], targets: dict[str, Target]
) -> tuple[list[Tile], dict[str, Any]]:
    spend = load_budget_by_month(
        engine=engine, filters=filters, by=("project", "department"), span="all", department_filter="funders"
    )
    # Both frames come ordered by month: a month window is a slice (month_range).
    lines = load_budget_by_month(engine=engine, filters=filters, by=("project",), span="all")
    funding = load_funding_shares(engine=engine, filters=filters, as_of=filters.as_of)
    projects = load_project_progress(engine=engine, filters=filters)
    history = load_progress_history(engine=engine, filters=filters)
    tolerance = targets["funding_drift_pp"].green

    def realisation_at(month: dt.date) -> KpiValue:
        period = period_for(filters, month)
        window = month_range(lines, period.period_start, month)
        return realisation(**frame_totals(window))

    cpi_series = cpi_by_month(lines, projects["project"], history, months[:-1])
    # % complete as it stood at the as-of month (the latest progress on or before it).
    at_close = projects.assign(
        pct_complete=progress_by_month(projects["project"], history, [filters.as_of])[0]
    )
    ev_table = earned_value_table(lines, at_close, as_of=filters.as_of)
    portfolio = portfolio_earned_value(ev_table)
    drift = funding_drift(month_range(spend, None, filters.as_of), funding, tolerance=tolerance)
    budget_values = _series(months, realisation_at)
    totals = frame_totals(month_range(lines, filters.period_start, filters.as_of))
    flagged, measured = count_drifting(drift)
    largest = max_funding_drift(drift)
    year_lines = month_range(lines, filters.year_start, filters.year_end)
    forecast = forecast_year_end(
        year_lines, ev_table, as_of=filters.as_of, fiscal_year_start_month=filters.fiscal_year_start_month
    )
    forecast_ratio = realisation(actual=forecast.eac_based, planned=forecast.planned_full_year)
    forecast_rag = rag(forecast_ratio.value, targets["forecast_ratio"])
    budget_tile = _tile(
        "budget_realisation",
        budget_values,
        targets["budget_realisation"],
        "ratio",
        detail=("single.detail.budget", {"actual": totals["actual"], "planned": totals["planned"]}),
        note=(
            "single.note.forecast",
            {
                "forecast": forecast.eac_based,
                "run_rate": forecast.run_rate.value,
                "year_budget": forecast.planned_full_year,
                "forecast_ratio": forecast_ratio.value,
                "forecast_rag": forecast_rag,
            },
        )
        if forecast_ratio.available
        else None,
    )
    # The tile tells the year: its status is the worse of realisation to date and the
    # year-end forecast against the year budget (target "forecast_ratio").
    budget_tile = replace(budget_tile, rag=worst(budget_tile.rag, forecast_rag))
    tiles = [
        budget_tile,
        _tile(
            "cpi",
            [*cpi_series, portfolio.cpi],
            targets["cpi"],
            "index",
            detail=(
                "single.detail.ev",
                {"spi": portfolio.spi.value, "spi_rag": rag(portfolio.spi.value, targets["spi"])},
            ),
        ),
        _tile(
            "funding_balance",
            [
                *funding_balance_trend(spend, funding, months=months[:-1], tolerance=tolerance),
                funding_balance(drift),
            ],
            targets["funding_balance"],
            "ratio",
            detail=(
                "single.detail.drift",
                {"flagged": flagged, "measured": measured, "largest": largest.value, "tolerance": tolerance},
            ),
        ),
    ]
    return tiles, {
        "ev_table": ev_table,
        "drift": drift,
        "projects": projects,
        "lines": lines,
        "forecast": forecast_items(
            forecast_ratio=forecast_ratio,
            forecast=forecast.eac_based,
            year_budget=forecast.planned_full_year,
            year=filters.year_start.year,
            target=targets["forecast_ratio"],
            fiscal_year_start_month=filters.fiscal_year_start_month,
        ),
    }


def portfolio_tiles(
    engine: Engine,
    filters: Filters,
    months: list[dt.date],
    targets: dict[str, Target],
    statuses: dict[str, str],
) -> tuple[list[Tile], dict[str, pd.DataFrame]]:
    # Each month with the filters replayed at its close (period_for): one pass for all months.
    funding = load_funding_by_months(engine=engine, filters=filters, months=months)
    latest = funding[funding["month"] == filters.as_of]
    # A cancelled project's goals were dropped with it: never due, never late.
    goals = without_cancelled(load_insight_goals(engine=engine, filters=filters), statuses)
    joint_values = joint_share_by_month(funding, months)
    goal_values = goals_on_time_by_month(goals, months)
    reached, due = count_goals(goals, as_of_end=filters.as_of_end)
    tiles = [
        _tile(
            "joint_share",
            joint_values,
            targets["joint_share"],
            "ratio",
            detail=(
                "single.detail.joint",
                {"joint": count_joint_projects(latest), "total": len(latest)},
            ),
        ),
        _tile(
            "goals_on_time",
            goal_values,
            targets["goals_on_time"],
            "ratio",
            detail=("single.detail.goals", {"reached": reached, "due": due}),
        ),
    ]
    return tiles, {"goals": goals}


def collaboration_tiles(
    engine: Engine,
    filters: Filters,
    months: list[dt.date],
    targets: dict[str, Target],
    goals: pd.DataFrame,
    statuses: dict[str, str],
) -> tuple[list[Tile], pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The mixed-teams and ownership tiles, the collaboration exceptions and the goal timeline,
    and the frames they came from: "ownership" (`load_ownership_by_months`) and "mixes"
    (`team_mix_by_month` at each of `months`)."""
    funding = load_funding_split(engine=engine, filters=filters, as_of=filters.as_of)
    # period_for(filters, m) only moves the as-of month, so all months come from one pass;
    # each month uses the memberships recorded at its close.
    teams = load_team_by_months(engine=engine, filters=filters, months=months, replay=True)
    by_month = team_mix_by_month(teams, funding)
    mixes = [by_month[m] for m in months]
    mixed_values = [mixed_teams_share(mix) for mix in mixes]
    mixed, with_team = count_mixed(mixes[-1])
    balance = fte_balance_median(mixes[-1])
    # Ownership of a cancelled project no longer matters; an on-hold one may resume. Each
    # month with the filters replayed at its close (period_for), all months in one pass.
    ownership = load_ownership_by_months(engine=engine, filters=filters, months=months)
    now = ownership[ownership["month"] == filters.as_of].drop(columns="month").reset_index(drop=True)
    status = ownership_status(without_cancelled(now, statuses))
    cancelled = {code for code, state in statuses.items() if state == "cancelled"}
    ownership_values = ownership_clarity_by_month(ownership, months, cancelled=cancelled)
    tiles = [
        _tile(
            "mixed_teams",
            mixed_values,
            targets["mixed_teams"],
            "ratio",
            detail=("single.detail.mixed", {"mixed": mixed, "joint": with_team, "balance": balance.value}),
        ),
        _tile(
            "ownership_clarity",
            ownership_values,
            targets["ownership_clarity"],
            "ratio",
            detail=("single.detail.ownership", {"issues": len(ownership_issues(status))}),
        ),
    ]
    timeline = goal_timeline(goals, as_of_end=filters.as_of_end)
    exceptions = without_cancelled(collaboration_exceptions(mixes[-1], status, timeline), statuses)
    return tiles, exceptions, timeline, {"ownership": ownership, "mixes": by_month}


def steering_tile(
    engine: Engine, filters: Filters, months: list[dt.date], targets: dict[str, Target]
) -> tuple[Tile, pd.DataFrame]:
    actions = load_actions(engine=engine, up_to_month=filters.as_of)
    values = follow_through_by_month(actions, as_of_ends=[month_end(m) for m in months])
    on_time, due = count_follow_through(actions, as_of_end=filters.as_of_end)
    tile = _tile(
        "follow_through",
        values,
        targets["follow_through"],
        "ratio",
        detail=("single.detail.follow_through", {"on_time": on_time, "due": due}),
    )
    return tile, actions


# Tiles computed from the recorded history (ownership, funding, teams): their trend months
# before history began show no value, and the tile says from when history is recorded.
HISTORY_TILES = ("joint_share", "funding_balance", "mixed_teams", "ownership_clarity")


def mask_before_history(
    tile: Tile, months: list[dt.date], without: tuple[dt.date, ...], history_start: dt.date | None
) -> Tile:
    """`tile` with its trend points (and change) left out for the months in `without` when it
    is computed from the recorded history; the note names where history starts."""
    if tile.code not in HISTORY_TILES or not without or history_start is None:
        return tile
    trend = tuple(
        None if month in without else value for month, value in zip(months, tile.trend, strict=True)
    )
    return replace(
        tile,
        trend=trend,
        change=_change(list(trend)),
        note=tile.note or ("single.note.history_starts", {"history_date": history_start}),
    )
