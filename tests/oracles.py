"""Test oracles: the loaders with the global filters applied in SQL, one query per call.

The app answers these from the memoised base aggregates (data_access.memo) filtered in
pandas; the tests compare both (tests/data_access/test_memo.py). They lived in data_access only as
oracles and are kept here so production code cannot come to depend on them (issue #23).
`query_respondent_scores` and `query_item_distribution` stay in data_access.survey: the
memo loads its bases through them (over every wave and department).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Date, Engine, func, literal, select, true, union_all

import data_access.projects as projects
import data_access.survey as survey
from data_access.budget import _float_or_none, _objects
from data_access.filtering import all_of, department_condition, funded_by_selected, project_conditions
from data_access.history import replay_day, valid_on
from data_access.models import (
    BudgetLine,
    Department,
    InsightGoal,
    Progress,
    Project,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
    SurveyWave,
    TeamMember,
    TeamMemberHistory,
)
from data_access.projects import portfolio_conditions
from data_access.survey import (
    RESPONSE_COUNT_COLUMNS,
    adjusted_score,
    query_item_distribution,
    query_respondent_scores,
)
from domain.filters import Filters
from domain.months import add_months, as_date, as_dates, months_between

__all__ = [
    "query_funding_split",
    "query_progress_history",
    "query_project_progress",
    "query_item_distribution",
    "query_ownership",
    "query_respondent_scores",
    "query_response_counts",
    "query_team_by_department",
    "query_trust_groups",
]


def query_trust_groups(*, engine: Engine, filters: Filters, wave_ids: list[int]) -> pd.DataFrame:
    """Per wave and rating department: respondents, Σ adjusted score, answers.

    One query per call; `load_trust_groups` gives the same frame from the memoised cells."""
    if not wave_ids:
        return pd.DataFrame(columns=["wave_id", "department", "respondents", "score_sum", "answers"])
    query = (
        select(
            SurveyResponse.wave_id,
            Department.code.label("department"),
            func.count(func.distinct(SurveyResponse.respondent_ref)).label("respondents"),
            func.sum(adjusted_score()).label("score_sum"),
            func.count().label("answers"),
        )
        .join(SurveyItem, SurveyItem.id == SurveyResponse.item_id)
        .join(Department, Department.id == SurveyResponse.department_id)
        .where(
            all_of(
                [
                    SurveyResponse.wave_id.in_(wave_ids),
                    *department_condition(SurveyResponse.department_id, filters),
                ]
            )
        )
        .group_by(SurveyResponse.wave_id, Department.code)
        .order_by(SurveyResponse.wave_id, Department.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(
        rows, columns=["wave_id", "department", "respondents", "score_sum", "answers"]
    ).astype({"respondents": "int64", "score_sum": "float64", "answers": "int64"})


def query_response_counts(*, engine: Engine, filters: Filters, wave_ids: list[int]) -> pd.DataFrame:
    """Per wave and rating department: invited (0 when no invitation was recorded) and
    respondents (distinct respondents who answered at least one item)."""
    if not wave_ids:
        return pd.DataFrame(columns=RESPONSE_COUNT_COLUMNS)
    invited_query = (
        select(SurveyInvitation.wave_id, Department.code, func.sum(SurveyInvitation.invited_count))
        .join(Department, Department.id == SurveyInvitation.department_id)
        .where(
            all_of(
                [
                    SurveyInvitation.wave_id.in_(wave_ids),
                    *department_condition(SurveyInvitation.department_id, filters),
                ]
            )
        )
        .group_by(SurveyInvitation.wave_id, Department.code)
    )
    responded_query = (
        select(
            SurveyResponse.wave_id,
            Department.code,
            func.count(func.distinct(SurveyResponse.respondent_ref)),
        )
        .join(Department, Department.id == SurveyResponse.department_id)
        .where(survey._response_conditions(filters, wave_ids))
        .group_by(SurveyResponse.wave_id, Department.code)
    )
    with engine.connect() as conn:
        invited = pd.DataFrame(
            conn.execute(invited_query).all(), columns=["wave_id", "department", "invited"]
        )
        responded = pd.DataFrame(
            conn.execute(responded_query).all(), columns=["wave_id", "department", "respondents"]
        )
    return survey._merge_counts(invited, responded)


def query_funding_split(*, engine: Engine, filters: Filters, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every funding row of the page's projects: project, department (code), committed,
    agreed_share (None = equal split of the unrecorded remainder), ordered by project, department.

    All funders of a project are returned even when a department filter is set, so the
    split is always the whole project's. One query per call (`load_funding_split` answers
    from the memo).
    """
    return projects._funding_split(engine, portfolio_conditions(filters), replay_day(engine, as_of))


def query_team_by_department(
    *, engine: Engine, filters: Filters, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Team members active in the as-of month per project and home department:
    project, department, members (distinct people), fte (sum). One query per call
    (`load_team_by_department` answers from the memo). With `as_of` (a month) the
    memberships as recorded at that month's close (data_access.history)."""
    day = replay_day(engine, as_of)
    source: Any = TeamMember if day is None else TeamMemberHistory
    recorded = [] if day is None else [valid_on(TeamMemberHistory, day)]
    query = (
        select(
            Project.code.label("project"),
            Department.code.label("department"),
            func.count(func.distinct(source.person_ref)).label("members"),
            func.sum(source.fte).label("fte"),
        )
        .join(source, source.project_id == Project.id)
        .join(Department, Department.id == source.department_id)
        .where(
            all_of([*portfolio_conditions(filters), projects._active_in(filters.as_of, source), *recorded])
        )
        .group_by(Project.code, Department.code)
        .order_by(Project.code, Department.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame.from_records(
        [tuple(row) for row in rows], columns=["project", "department", "members", "fte"]
    )
    return frame.astype({"members": "int64", "fte": "float64"})


def query_ownership(*, engine: Engine, filters: Filters, as_of: dt.date | None = None) -> pd.DataFrame:
    """Per project that has any ownership row × every responsibility area:
    project, area, owners (count of accountable departments; 0 = missing, 2+ = double),
    owner_codes (comma-separated, sorted), expected (the house rule's department or None),
    off_rule (owners that are not the expected department).

    Projects without a single ownership row are left out (ownership not recorded at all).
    One query per call (`load_ownership` answers from the memo).
    """
    return projects._ownership(engine, portfolio_conditions(filters), replay_day(engine, as_of))


def query_project_progress(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Per filtered project: project (code), name, status, and its latest progress on or
    before the as-of month: pct_complete (None when no progress row yet) and progress_month.

    Projects qualify by the status and project filters and, with departments chosen, when
    a chosen department funds them.
    """
    latest = (
        select(Progress.project_id, func.max(Progress.month).label("month"))
        .where(Progress.month <= filters.as_of)
        .group_by(Progress.project_id)
        .subquery()
    )
    query = (
        select(
            Project.code.label("project"),
            Project.name,
            Project.status,
            Progress.pct_complete,
            Progress.month.label("progress_month"),
        )
        .select_from(Project)
        .outerjoin(latest, latest.c.project_id == Project.id)
        .outerjoin(Progress, (Progress.project_id == Project.id) & (Progress.month == latest.c.month))
        .where(all_of([*project_conditions(filters), *funded_by_selected(filters)]))
        .order_by(Project.code)
    )
    columns = ["project", "name", "status", "pct_complete", "progress_month"]
    with engine.connect() as conn:
        frame = pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)
    return frame.assign(
        progress_month=_objects([as_date(value) for value in frame["progress_month"]], frame),
        pct_complete=_objects([_float_or_none(value) for value in frame["pct_complete"]], frame),
    )


def query_progress_history(*, engine: Engine, filters: Filters, months: int = 12) -> pd.DataFrame:
    """Progress rows of the filtered projects for the `months` months up to the as-of month,
    plus each project's latest row before that window: project, month, pct_complete.

    Enough to replay "% complete as it stood" at any of those month closes.
    """
    window_start = add_months(filters.as_of, -(months - 1))
    before = (
        select(Progress.project_id, func.max(Progress.month).label("month"))
        .where(Progress.month < window_start)
        .group_by(Progress.project_id)
        .subquery()
    )
    query = (
        select(Project.code.label("project"), Progress.month, Progress.pct_complete)
        .join(Progress, Progress.project_id == Project.id)
        .outerjoin(before, (before.c.project_id == Project.id) & (before.c.month == Progress.month))
        .where(
            all_of(
                [
                    Progress.month <= filters.as_of,
                    (Progress.month >= window_start) | before.c.month.is_not(None),
                    *project_conditions(filters),
                    *funded_by_selected(filters),
                ]
            )
        )
        .order_by(Project.code, Progress.month)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame.from_records(
            [tuple(row) for row in conn.execute(query)], columns=["project", "month", "pct_complete"]
        )
    return frame.assign(
        month=_objects([as_date(value) for value in frame["month"]], frame),
        pct_complete=frame["pct_complete"].astype("float64"),
    )


def query_actual_spend_by_project(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """`load_actual_spend_by_project` in SQL over the budget lines."""
    query = (
        select(Project.code.label("project"), func.sum(BudgetLine.actual).label("actual"))
        .join(BudgetLine, BudgetLine.project_id == Project.id)
        .where(
            all_of(
                [
                    *portfolio_conditions(filters),
                    BudgetLine.month <= filters.as_of,
                    BudgetLine.actual.is_not(None),
                    *department_condition(BudgetLine.department_id, filters),
                ]
            )
        )
        .group_by(Project.code)
        .order_by(Project.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=["project", "actual"]).astype(
        {"actual": "float64"}
    )


def query_fte_by_month(*, engine: Engine, filters: Filters, project: str | None = None) -> pd.DataFrame:
    """`load_fte_by_month` in SQL: one query per call."""
    months = union_all(
        *(
            select(literal(m, Date).label("month"))
            for m in months_between(filters.period_start, filters.as_of)
        )
    ).subquery("months")
    conditions = [*portfolio_conditions(filters), projects._active_in(months.c.month)]
    if project is not None:
        conditions.append(Project.code == project)
    query = (
        select(
            months.c.month,
            Department.code.label("department"),
            func.sum(TeamMember.fte).label("fte"),
            func.count(func.distinct(TeamMember.person_ref)).label("members"),
        )
        .select_from(months)
        .join(TeamMember, true())
        .join(Project, Project.id == TeamMember.project_id)
        .join(Department, Department.id == TeamMember.department_id)
        .where(all_of(conditions))
        .group_by(months.c.month, Department.code)
        .order_by(months.c.month, Department.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame.from_records(
        [tuple(row) for row in rows], columns=["month", "department", "fte", "members"]
    )
    frame["month"] = as_dates(frame["month"])
    return frame.astype({"fte": "float64", "members": "int64"})


def query_trust_by_dimension(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """`load_trust_by_dimension` in SQL: one query per call."""
    columns = ["dimension", "department", "respondents", "score_sum", "answers"]
    latest = (
        select(SurveyWave.id)
        .where(SurveyWave.fielded_on <= filters.as_of_end)
        .order_by(SurveyWave.fielded_on.desc(), SurveyWave.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            SurveyItem.dimension.label("dimension"),
            Department.code.label("department"),
            func.count(func.distinct(SurveyResponse.respondent_ref)).label("respondents"),
            func.sum(adjusted_score()).label("score_sum"),
            func.count().label("answers"),
        )
        .join(SurveyItem, SurveyItem.id == SurveyResponse.item_id)
        .join(Department, Department.id == SurveyResponse.department_id)
        .where(
            SurveyResponse.wave_id == latest,
            *department_condition(SurveyResponse.department_id, filters),
        )
        .group_by(SurveyItem.dimension, Department.code)
        .order_by(SurveyItem.dimension, Department.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=columns).astype(
        {"respondents": "int64", "score_sum": "float64", "answers": "int64"}
    )


def query_insight_goals(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """`load_insight_goals` in SQL: one query per call."""
    query = (
        select(
            Project.code.label("project"),
            InsightGoal.code,
            InsightGoal.target_date,
            InsightGoal.achieved_date,
            InsightGoal.target_value,
            InsightGoal.achieved_value,
            InsightGoal.goal,
            InsightGoal.measure,
            Project.planned_start,
        )
        .join(Project, Project.id == InsightGoal.project_id)
        .where(all_of([*project_conditions(filters), *funded_by_selected(filters)]))
        .order_by(Project.code, InsightGoal.code)
    )
    columns = [
        "project",
        "code",
        "target_date",
        "achieved_date",
        "target_value",
        "achieved_value",
        "goal",
        "measure",
        "planned_start",
    ]
    with engine.connect() as conn:
        return pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)


def query_projects_list(*, engine: Engine) -> pd.DataFrame:
    """`data_access.reference.load_projects_list` in SQL: one query per call."""
    query = select(Project.code, Project.name, Project.status).order_by(Project.code)
    with engine.connect() as conn:
        return pd.DataFrame.from_records(
            [tuple(row) for row in conn.execute(query)], columns=["code", "name", "status"]
        )
