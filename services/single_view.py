"""The single view for the steering meeting: every KPI group at a month's close, its trend
over the last months and its change since the previous month, plus the exceptions; the two
views of a meeting; the filter sets a new session's Overview opens with.

This composes the tile builders (services.single_view_tiles, services.single_view_trust: the
data_access loaders, aggregated in the database, with the pure KPI functions in kpis/) into
the model of services.single_view_model; it knows nothing of Streamlit, so the Overview, the
meeting pack and the what-if page all get the same figures. Frames are loaded once per filter
set; the trend months are computed from those frames, not by querying again per month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from data_access.history import load_history_start, months_before_history
from data_access.projects import load_responsibility_areas
from data_access.reference import load_month_bounds
from data_access.survey import load_survey_dimensions
from data_access.targets import load_targets
from domain.filters import Filters
from domain.months import add_months, as_of_options, fiscal_year_start
from kpis.exceptions import collect_exceptions, with_names
from kpis.goals import late_goal_texts
from kpis.trust import significant_drops
from services.instrument import names_by_language
from services.single_view_model import TREND_MONTHS, MeetingViews, SingleView, period_for, trend_months
from services.single_view_tiles import (
    budget_tiles,
    collaboration_tiles,
    mask_before_history,
    portfolio_tiles,
    steering_tile,
)
from services.single_view_trust import trust_tiles


def compute_single_view(
    *, engine: Engine, filters: Filters, min_group: int, trend: int = TREND_MONTHS
) -> SingleView:
    """Every KPI group of the Overview at `filters.as_of`, with trends over the last `trend`
    months (the Alignment health page asks for more) and exceptions."""
    return _single_view(engine, filters, min_group, {}, trend=trend)[0]


@dataclass(frozen=True)
class ViewFrames:
    """What a single view was computed from, for a page that shows more of the same months
    (the Alignment health page) without loading or computing it again: the filtered
    projects with their progress at the as-of month (`load_project_progress`), their
    monthly budget over the whole plan (`load_budget_by_month` by project, span "all"), the
    insight goals without those of cancelled projects, the actions up to the as-of month,
    the ownership at each trend month's close (`load_ownership_by_months`) and the team mix
    at each (`kpis.teams.team_mix_by_month`, keyed by month). Callers must not change them."""

    projects: pd.DataFrame
    lines: pd.DataFrame
    goals: pd.DataFrame
    actions: pd.DataFrame
    ownership: pd.DataFrame
    mixes: dict[dt.date, pd.DataFrame]


def single_view_with_frames(
    *, engine: Engine, filters: Filters, min_group: int, trend: int = TREND_MONTHS
) -> tuple[SingleView, ViewFrames]:
    """`compute_single_view` and the frames it was computed from (ViewFrames)."""
    return _single_view(engine, filters, min_group, {}, trend=trend)


def compute_meeting_views(*, engine: Engine, filters: Filters, min_group: int) -> MeetingViews:
    """`compute_single_view` at the as-of month, and the month before's view without trends,
    computed together: what both need is computed once (the trust report, unless a wave came
    in between). The current view equals `compute_single_view`; the previous one equals it in
    every value, status and exception (tests/kpis/test_one_pass.py). The previous view keeps
    no frames for the pack's charts (mirror, timeline): only the meeting summary reads it, for
    its tiles and exceptions, and every cached pair of views (ui.data.cached) would hold them
    (at 2,000 projects the goal timeline was 650 of the pair's 1,600 kB)."""
    shared: dict[tuple, Any] = {}
    current = _single_view(engine, filters, min_group, shared)[0]
    before = previous_meeting_filters(engine=engine, filters=filters)
    if before is None:
        return MeetingViews(current=current, previous=None)
    previous = _single_view(engine, before, min_group, shared, trend=1)[0]
    return MeetingViews(current=current, previous=replace(previous, mirror=None, timeline=None))


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
) -> tuple[SingleView, ViewFrames]:
    """`compute_single_view` with `trend` trend months; `shared` holds results another view of
    the same call may reuse."""
    targets = load_targets(engine=engine, as_of=filters.as_of)
    months = trend_months(filters.as_of, trend)
    history_start = load_history_start(engine=engine)
    without_history = months_before_history(months, history_start)
    budget, budget_frames = budget_tiles(engine, filters, months, targets)
    projects = budget_frames["projects"]
    statuses = dict(zip(projects["project"], projects["status"], strict=True))
    portfolio, portfolio_frames = portfolio_tiles(engine, filters, months, targets, statuses)
    collaboration_pair, collaboration, timeline, collaboration_frames = collaboration_tiles(
        engine, filters, months, targets, portfolio_frames["goals"], statuses
    )
    follow_tile, actions = steering_tile(engine, filters, months, targets)
    trust, report, hidden = trust_tiles(engine, filters, months, targets, min_group, shared)
    tiles = [
        *budget,
        portfolio[0],
        *collaboration_pair,
        *trust,
        portfolio[1],
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
        goal_names=late_goal_texts(timeline),
    )
    view = SingleView(
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
    frames = ViewFrames(
        projects=projects,
        lines=budget_frames["lines"],
        goals=portfolio_frames["goals"],
        actions=actions,
        ownership=collaboration_frames["ownership"],
        mixes=collaboration_frames["mixes"],
    )
    return view, frames


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
