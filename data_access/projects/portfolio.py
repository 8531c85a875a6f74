"""The portfolio: projects with their status (now or replayed), insight goals and actual spend."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.filtering import all_of, department_condition, funded_by_selected, project_conditions
from data_access.history import replay_day, valid_on
from data_access.memo import memoised
from data_access.models import BudgetLine, InsightGoal, Project, ProjectStatusHistory
from data_access.projects.common import portfolio_conditions, project_facts
from domain.filters import Filters


def load_insight_goals(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Insight goals of the filtered projects: project, code, target_date, achieved_date,
    target_value, achieved_value, goal (text), measure, planned_start (of the project)."""
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


def load_projects(*, engine: Engine, filters: Filters, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per project: code, name, goal, status, rag, rag_reason, planned_start,
    planned_end, actual_end (ordered by code). With `as_of` (a month) `status` is the one
    recorded at that month's close (data_access.history; the filters still select on the
    current status)."""
    columns = [
        "code",
        "name",
        "goal",
        "status",
        "rag",
        "rag_reason",
        "planned_start",
        "planned_end",
        "actual_end",
    ]
    query = (
        select(*(getattr(Project, name) for name in columns))
        .where(all_of(portfolio_conditions(filters)))
        .order_by(Project.code)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)
    if as_of is None:
        return frame
    then = load_project_status(engine=engine, as_of=as_of).set_index("code")["status"]
    return frame.assign(status=frame["code"].map(then))


def load_actual_spend_by_project(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Actual spend per project from its first booking up to the as-of month (the selected
    departments' lines): project, actual. Projects without any booking are left out."""
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


def load_project_status(*, engine: Engine, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every project's status: code, status; with `as_of` (a month) the status recorded at
    that month's close (see data_access.history), else the current one. A project without a
    recorded status then (created later) has none (None)."""
    day = replay_day(engine, as_of)
    facts = project_facts(engine)[["code", "status"]]
    if day is None:
        return facts.reset_index(drop=True)
    then = memoised(
        engine=engine, name=f"projects.status@{day.isoformat()}", load=lambda e: _status_then(e, day)
    )
    recorded = then.set_index("code")["status"]
    return facts[["code"]].assign(status=facts["code"].map(recorded)).reset_index(drop=True)


def _status_then(engine: Engine, day: dt.date) -> pd.DataFrame:
    query = (
        select(Project.code, ProjectStatusHistory.status)
        .join(ProjectStatusHistory, ProjectStatusHistory.project_id == Project.id)
        .where(valid_on(ProjectStatusHistory, day))
    )
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(query)]
    return pd.DataFrame.from_records(rows, columns=["code", "status"])
