"""Queries the meeting pack needs that no other page provides yet (kept small on purpose).

The single-view, budget and steering pages bring their own queries; the pack's content
builder should move to those when they exist.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, or_, select

from data_access.filtering import all_of, department_condition, project_conditions
from data_access.models import BudgetLine, Department, Project, SteeringAction, SteeringDecision
from kpis.periods import Filters

OPEN_ACTION_STATUSES = ("open", "in_progress")


def load_budget_by_month(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Per month from period start to the as-of month: Σ planned and Σ actual (month, planned, actual)."""
    conditions = [
        BudgetLine.month >= filters.period_start,
        BudgetLine.month <= filters.as_of,
        *project_conditions(filters),
        *department_condition(BudgetLine.department_id, filters),
    ]
    query = (
        select(
            BudgetLine.month,
            func.coalesce(func.sum(BudgetLine.planned), 0.0).label("planned"),
            func.coalesce(func.sum(BudgetLine.actual), 0.0).label("actual"),
        )
        .join(Project, Project.id == BudgetLine.project_id)
        .where(all_of(conditions))
        .group_by(BudgetLine.month)
        .order_by(BudgetLine.month)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame.from_records([tuple(row) for row in rows], columns=["month", "planned", "actual"])
    return frame.astype({"planned": "float64", "actual": "float64"})


def load_meeting_decisions(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Decisions taken in the as-of month's meeting: meeting_month, project, title, description."""
    query = (
        select(
            SteeringDecision.meeting_month,
            Project.code.label("project"),
            SteeringDecision.title,
            SteeringDecision.description,
        )
        .outerjoin(Project, Project.id == SteeringDecision.project_id)
        .where(SteeringDecision.meeting_month == filters.as_of)
        .order_by(SteeringDecision.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame.from_records(
        [tuple(row) for row in rows], columns=["meeting_month", "project", "title", "description"]
    )


def load_meeting_actions(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Actions of the as-of month's meeting plus earlier ones still open.

    Columns: meeting_month, title, department (owner's department code), owner, due_date, status.
    """
    query = (
        select(
            SteeringAction.meeting_month,
            SteeringAction.title,
            Department.code.label("department"),
            SteeringAction.owner_person.label("owner"),
            SteeringAction.due_date,
            SteeringAction.status,
        )
        .join(Department, Department.id == SteeringAction.owner_department_id)
        .where(
            SteeringAction.meeting_month <= filters.as_of,
            or_(
                SteeringAction.meeting_month == filters.as_of,
                SteeringAction.status.in_(OPEN_ACTION_STATUSES),
            ),
        )
        .order_by(SteeringAction.due_date, SteeringAction.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame.from_records(
        [tuple(row) for row in rows],
        columns=["meeting_month", "title", "department", "owner", "due_date", "status"],
    )
