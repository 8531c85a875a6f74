"""The single view for the steering meeting: every KPI group at a month's close, its trend
over the last months and its change since the previous month, plus the exceptions.

This composes data_access loaders (aggregated in the database) with the pure KPI
functions in kpis/; it knows nothing of Streamlit, so the Overview, the meeting pack and
the what-if page all get the same figures. Frames are loaded once per filter set; the
trend months are computed from those frames, not by querying again per month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from data_access.budget import (
    load_budget_by_month,
    load_funding_shares,
    load_progress_history,
    load_project_progress,
)
from data_access.history import load_history_start, months_before_history
from data_access.projects import (
    load_funding_by_months,
    load_funding_split,
    load_insight_goals,
    load_ownership_by_months,
    load_responsibility_areas,
    load_team_by_months,
)
from data_access.reference import load_month_bounds
from data_access.steering import load_actions
from data_access.survey import load_respondent_scores, load_survey_dimensions, load_trust_groups, load_waves
from data_access.targets import load_targets
from domain.filters import Filters
from domain.months import add_months, as_of_options, fiscal_year_start, month_end
from domain.targets import Rag, Target, rag
from kpis.budget import (
    earned_value_table,
    forecast_year_end,
    frame_totals,
    portfolio_earned_value,
    realisation,
)
from kpis.common import KpiValue, not_available
from kpis.exceptions import (
    ExceptionItem,
    collect_exceptions,
    forecast_items,
    with_names,
    without_cancelled,
)
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
from kpis.steering import count_follow_through, follow_through
from kpis.survey_stats import OVERALL
from kpis.teams import count_mixed, fte_balance_median, mixed_teams_share, team_mix_by_month
from kpis.trends import (
    cpi_by_month,
    goals_on_time_by_month,
    joint_share_by_month,
    ownership_clarity_by_month,
    progress_by_month,
)
from kpis.trust import TrustReport, significant_drops, trust_core
from kpis.trust_index import latest_wave_trust
from services.instrument import names_by_language

TREND_MONTHS = 6
_SEVERITY = {None: 0, "green": 1, "amber": 2, "red": 3}


def worst(*rags: Rag | None) -> Rag | None:
    """The most severe of `rags` (red > amber > green); None when none is known."""
    return max(rags, key=lambda value: _SEVERITY[value])


@dataclass(frozen=True)
class Tile:
    """One KPI group on the Overview.

    `code` is the KPI's catalogue code (name, definition and target come from there);
    `trend` holds the value at each of the last months' close, oldest first, ending with
    the as-of month (None where n/a); `change` is the value minus the previous month's
    (for the trust index: minus the previous wave's, see `change_basis`). `detail` is an
    i18n key with its parameters for the caption under the value.
    """

    code: str
    value: KpiValue
    rag: Rag | None
    unit: str
    trend: tuple[float | None, ...]
    change: KpiValue
    change_basis: str = "month"
    detail: tuple[str, dict] | None = None
    note: tuple[str, dict] | None = None


@dataclass(frozen=True)
class SingleView:
    as_of: dt.date
    trend_months: tuple[dt.date, ...]
    tiles: tuple[Tile, ...]
    exceptions: tuple[ExceptionItem, ...]
    hidden_survey_groups: int = 0
    targets: dict[str, Target] = field(default_factory=dict)
    # For charts of the pack: the trust mirror (already past the confidentiality gate) and
    # the insight-goal timeline at the as-of month.
    mirror: pd.DataFrame | None = None
    timeline: pd.DataFrame | None = None
    # History (data_access.history): the first day with recorded ownership, funding, team and
    # status history (None: nothing recorded), and the trend months that closed before it,
    # whose state is assumed rather than recorded (their trend points are left out).
    history_start: dt.date | None = None
    months_without_history: tuple[dt.date, ...] = ()

    def tile(self, code: str) -> Tile:
        return next(tile for tile in self.tiles if tile.code == code)


def trend_months(as_of: dt.date, count: int = TREND_MONTHS) -> list[dt.date]:
    """The `count` month closes ending with `as_of`, oldest first."""
    return [add_months(as_of, offset) for offset in range(-(count - 1), 1)]


def period_for(filters: Filters, month: dt.date) -> Filters:
    """The filters replayed at an earlier month close: same choices, as-of `month`.

    A year-to-date period stays year to date (from the first month of that month's fiscal
    year); another period keeps its start, or starts at `month` when it began later.
    """
    year_to_date = filters.period_start == filters.year_start
    start = (
        fiscal_year_start(month, filters.fiscal_year_start_month)
        if year_to_date
        else min(filters.period_start, month)
    )
    return replace(filters, as_of=month, period_start=start)


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


def _budget_tiles(
    engine: Engine, filters: Filters, months: list[dt.date], targets: dict[str, Target]
) -> tuple[list[Tile], dict[str, Any]]:
    spend = load_budget_by_month(
        engine=engine, filters=filters, by=("project", "department"), span="all", department_filter="funders"
    )
    if filters.departments:
        lines = load_budget_by_month(engine=engine, filters=filters, by=("project",), span="all")
    else:
        # Without a department filter the project lines are the spend summed over departments:
        # one scan of the budget lines instead of two.
        lines = spend.groupby(["month", "project"], as_index=False)[["planned", "actual"]].sum()
    funding = load_funding_shares(engine=engine, filters=filters, as_of=filters.as_of)
    projects = load_project_progress(engine=engine, filters=filters)
    history = load_progress_history(engine=engine, filters=filters)
    tolerance = targets["funding_drift_pp"].green

    def realisation_at(month: dt.date) -> KpiValue:
        period = period_for(filters, month)
        window = lines[(lines["month"] >= period.period_start) & (lines["month"] <= month)]
        return realisation(**frame_totals(window))

    cpi_series = cpi_by_month(lines, projects["project"], history, months[:-1])
    # % complete as it stood at the as-of month (the latest progress on or before it).
    at_close = projects.assign(
        pct_complete=progress_by_month(projects["project"], history, [filters.as_of])[0]
    )
    ev_table = earned_value_table(lines, at_close, as_of=filters.as_of)
    portfolio = portfolio_earned_value(ev_table)
    drift = funding_drift(spend[spend["month"] <= filters.as_of], funding, tolerance=tolerance)
    budget_values = _series(months, realisation_at)
    totals = frame_totals(lines[(lines["month"] >= filters.period_start) & (lines["month"] <= filters.as_of)])
    flagged, measured = count_drifting(drift)
    largest = max_funding_drift(drift)
    year_lines = lines[[filters.year_start <= month <= filters.year_end for month in lines["month"]]]
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
        "forecast": forecast_items(
            forecast_ratio=forecast_ratio,
            forecast=forecast.eac_based,
            year_budget=forecast.planned_full_year,
            year=filters.year_start.year,
            target=targets["forecast_ratio"],
            fiscal_year_start_month=filters.fiscal_year_start_month,
        ),
    }


def _portfolio_tiles(
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


def _collaboration_tiles(
    engine: Engine,
    filters: Filters,
    months: list[dt.date],
    targets: dict[str, Target],
    goals: pd.DataFrame,
    statuses: dict[str, str],
) -> tuple[list[Tile], pd.DataFrame, pd.DataFrame]:
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
    return tiles, exceptions, timeline


def _steering_tile(
    engine: Engine, filters: Filters, months: list[dt.date], targets: dict[str, Target]
) -> tuple[Tile, pd.DataFrame]:
    actions = load_actions(engine=engine, up_to_month=filters.as_of)
    values = _series(months, lambda m: follow_through(actions, as_of_end=month_end(m)))
    on_time, due = count_follow_through(actions, as_of_end=filters.as_of_end)
    tile = _tile(
        "follow_through",
        values,
        targets["follow_through"],
        "ratio",
        detail=("single.detail.follow_through", {"on_time": on_time, "due": due}),
    )
    return tile, actions


def _trust_tiles(
    engine: Engine,
    filters: Filters,
    months: list[dt.date],
    targets: dict[str, Target],
    min_group: int,
    shared: dict[tuple, Any],
) -> tuple[list[Tile], TrustReport | None, int]:
    waves = load_waves(engine=engine, filters=filters)
    if waves.empty:
        missing = not_available("kpi.na.no_survey")
        blank = tuple(None for _ in months)
        return (
            [
                Tile("trust_index", missing, None, "index", blank, missing, "wave"),
                Tile("perception_gap", missing, None, "points", blank, missing, "wave"),
            ],
            None,
            0,
        )
    wave_ids = [int(i) for i in waves["id"]]
    # The report depends on the waves, the rating departments and the threshold only: two
    # views of one meeting (compute_meeting_views) share it unless a wave came in between.
    key = ("trust", tuple(wave_ids), tuple(sorted(filters.departments)), min_group)
    if key not in shared:
        groups = load_trust_groups(engine=engine, filters=filters, wave_ids=wave_ids)
        shared[key] = (
            groups,
            trust_core(
                waves=waves,
                respondent_scores=load_respondent_scores(engine=engine, filters=filters, wave_ids=wave_ids),
                groups=groups,
                min_group=min_group,
            ),
        )
    groups, report = shared[key]

    fielded = pd.to_datetime(waves["fielded_on"])

    def waves_until(month: dt.date) -> pd.DataFrame:
        return waves[fielded <= pd.Timestamp(month_end(month))]

    def latest(until: pd.DataFrame) -> Any:
        # The trend months see a few distinct sets of waves: each is computed once (and once
        # for both views of a meeting).
        wave_set = (*key, "latest", tuple(int(i) for i in until["id"]))
        if wave_set not in shared:
            shared[wave_set] = latest_wave_trust(until, groups, min_group=min_group)
        return shared[wave_set]

    def index_at(month: dt.date) -> KpiValue:
        until = waves_until(month)
        return latest(until).current.index if not until.empty else not_available("kpi.na.no_survey")

    headline = latest(waves)
    trend = [index_at(month) for month in months]
    overall = report.trend[(report.trend["dimension"] == OVERALL) & (report.trend["wave_id"] == wave_ids[-1])]
    significant = bool(overall["significant"].iloc[0]) if not overall.empty else False
    p_value = (
        float(overall["p_value"].iloc[0])
        if not overall.empty and pd.notna(overall["p_value"].iloc[0])
        else None
    )
    trust_tile = Tile(
        code="trust_index",
        value=headline.current.index,
        rag=rag(headline.current.index.value, targets["trust_index"]),
        unit="index",
        trend=tuple(value.value for value in trend),
        change=headline.change,
        change_basis="wave",
        detail=(
            "single.detail.trust",
            {"wave": headline.wave_code, "respondents": headline.current.respondents},
        ),
        note=(
            ("single.note.trust_significant", {"p": p_value})
            if significant
            else ("single.note.trust_not_significant", {"p": p_value})
        )
        if headline.change.available
        else None,
    )

    gaps = report.gaps
    mutual = gaps[(gaps["kind"] == "mutual") & (gaps["dimension"] == OVERALL) & gaps["shown"]]

    def gap_at(month: dt.date) -> KpiValue:
        until = set(int(i) for i in waves_until(month)["id"])
        rows = mutual[mutual["wave_id"].isin(until)]
        if rows.empty:
            return not_available("kpi.na.no_gap")
        latest = rows[rows["wave_id"] == rows["wave_id"].max()]
        return KpiValue(float(latest["gap"].abs().max()))

    gap_values = [gap_at(month) for month in months]
    latest_gap = mutual[mutual["wave_id"] == wave_ids[-1]]
    gap_detail = None
    if not latest_gap.empty:
        row = latest_gap.loc[latest_gap["gap"].abs().idxmax()]
        gap_detail = (
            "single.detail.gap",
            {
                "a": row["department_a"],
                "b": row["department_b"],
                "index_a": row["index_a"],
                "index_b": row["index_b"],
            },
        )
    wave_change = [value.value for value in gap_values]
    gap_tile = Tile(
        code="perception_gap",
        value=gap_values[-1],
        rag=rag(gap_values[-1].value, targets["perception_gap"]),
        unit="points",
        trend=tuple(wave_change),
        change=_gap_change(mutual, wave_ids),
        change_basis="wave",
        detail=gap_detail,
    )
    return [trust_tile, gap_tile], report, headline.current.hidden_groups


def _gap_change(mutual: pd.DataFrame, wave_ids: list[int]) -> KpiValue:
    if len(wave_ids) < 2:
        return not_available("kpi.na.no_previous_wave")
    by_wave = mutual.groupby("wave_id")["gap"].apply(lambda gaps: gaps.abs().max())
    if wave_ids[-1] not in by_wave.index or wave_ids[-2] not in by_wave.index:
        return not_available("kpi.na.no_previous_wave")
    return KpiValue(float(by_wave[wave_ids[-1]] - by_wave[wave_ids[-2]]))


def compute_single_view(
    *, engine: Engine, filters: Filters, min_group: int, trend: int = TREND_MONTHS
) -> SingleView:
    """Every KPI group of the Overview at `filters.as_of`, with trends over the last `trend`
    months (the Alignment health page asks for more) and exceptions."""
    return _single_view(engine, filters, min_group, {}, trend=trend)


@dataclass(frozen=True)
class MeetingViews:
    """The single view of the as-of month and of the month before it (the previous meeting's;
    None when the data starts in the as-of month): what "since the last meeting" compares.

    `previous` is the month before's view at its close only: its tiles' values, statuses and
    details and its exceptions, without trends (its `trend_months` is that month alone, so a
    tile's trend is its value and its month-on-month change is n/a). The meeting summary
    compares no more than that.
    """

    current: SingleView
    previous: SingleView | None


def compute_meeting_views(*, engine: Engine, filters: Filters, min_group: int) -> MeetingViews:
    """`compute_single_view` at the as-of month, and the month before's view without trends,
    computed together: what both need is computed once (the trust report, unless a wave came
    in between). The current view equals `compute_single_view`; the previous one equals it in
    every value, status and exception (tests/kpis/test_one_pass.py)."""
    shared: dict[tuple, Any] = {}
    current = _single_view(engine, filters, min_group, shared)
    before = previous_meeting_filters(engine=engine, filters=filters)
    previous = _single_view(engine, before, min_group, shared, trend=1) if before is not None else None
    return MeetingViews(current=current, previous=previous)


def previous_meeting_filters(*, engine: Engine, filters: Filters) -> Filters | None:
    """The filters replayed at the month before the as-of month (the previous meeting's);
    None when the data starts later than that month."""
    previous_month = add_months(filters.as_of, -1)
    first_month = load_month_bounds(engine=engine)[0]
    if first_month is None or previous_month < first_month:
        return None
    return period_for(filters, previous_month)


def _single_view(
    engine: Engine, filters: Filters, min_group: int, shared: dict[tuple, Any], trend: int = TREND_MONTHS
) -> SingleView:
    """`compute_single_view` with `trend` trend months; `shared` holds results another view of
    the same call may reuse."""
    targets = load_targets(engine=engine, as_of=filters.as_of)
    months = trend_months(filters.as_of, trend)
    history_start = load_history_start(engine=engine)
    without_history = months_before_history(months, history_start)
    budget_tiles, budget_frames = _budget_tiles(engine, filters, months, targets)
    projects = budget_frames["projects"]
    statuses = dict(zip(projects["project"], projects["status"], strict=True))
    portfolio_tiles, portfolio_frames = _portfolio_tiles(engine, filters, months, targets, statuses)
    collaboration_tiles, collaboration, timeline = _collaboration_tiles(
        engine, filters, months, targets, portfolio_frames["goals"], statuses
    )
    follow_tile, actions = _steering_tile(engine, filters, months, targets)
    trust_tiles, report, hidden = _trust_tiles(engine, filters, months, targets, min_group, shared)
    tiles = [
        *budget_tiles,
        portfolio_tiles[0],
        *collaboration_tiles,
        *trust_tiles,
        portfolio_tiles[1],
        follow_tile,
    ]
    tiles = [mask_before_history(tile, months, without_history, history_start) for tile in tiles]
    exceptions = collect_exceptions(
        as_of_end=filters.as_of_end,
        targets=targets,
        ev_table=budget_frames["ev_table"],
        drift=budget_frames["drift"],
        collaboration=collaboration,
        actions=actions,
        trust_drops=significant_drops(report) if report is not None else None,
        forecast=budget_frames["forecast"],
    )
    areas = load_responsibility_areas(engine=engine)
    exceptions = with_names(
        exceptions,
        project_names=dict(zip(projects["project"], projects["name"], strict=True)),
        area_names={
            code: {"nl": nl, "en": en}
            for code, nl, en in zip(areas["code"], areas["name_nl"], areas["name_en"], strict=True)
        },
        dimension_names=names_by_language(load_survey_dimensions(engine=engine)),
    )
    return SingleView(
        as_of=filters.as_of,
        trend_months=tuple(months),
        tiles=tuple(tiles),
        exceptions=tuple(exceptions),
        hidden_survey_groups=hidden,
        targets=targets,
        mirror=report.mirror if report is not None else None,
        timeline=timeline,
        history_start=history_start,
        months_without_history=without_history,
    )


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


def default_view_filters(
    *, engine: Engine, today: dt.date | None = None, fiscal_year_start_month: int = 1
) -> tuple[Filters, ...]:
    """The filter sets a new session's Overview asks for: the default as-of month, from the
    start of its (fiscal) year, no other filters (as ui.filters opens), and the month before
    it (for "since the last meeting") when there is data for it. The server's warm-up
    (serve.py) computes their single views into the app's cache before the first visitor
    arrives; that also loads the base aggregates every other filter set reuses (budget
    rollup, survey cells, teams)."""
    first, last, last_actual = load_month_bounds(engine=engine)
    _, default = as_of_options(first, last, last_actual, today or dt.date.today())
    filters = Filters(
        as_of=default,
        period_start=max(fiscal_year_start(default, fiscal_year_start_month), first or default),
        fiscal_year_start_month=fiscal_year_start_month,
    )
    previous = add_months(default, -1)
    if first is not None and previous >= first:
        return (filters, period_for(filters, previous))
    return (filters,)
