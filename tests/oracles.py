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
from sqlalchemy import Engine, func, select

import data_access.projects as projects
import data_access.survey as survey
from data_access.filtering import all_of, department_condition
from data_access.history import replay_day, valid_on
from data_access.models import (
    Department,
    Project,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
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

__all__ = [
    "query_funding_split",
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
