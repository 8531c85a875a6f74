"""What the demo-data tests read from a seeded database: the seeded tables, row counts, a
fingerprint, the budget lines and the funders."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.sql import Select

from data_access.demo import (
    DEMO_LAST_ACTUAL_MONTH,
)
from data_access.models import (
    BudgetLine,
    CostCategory,
    Department,
    Funding,
    InsightGoal,
    Ownership,
    Progress,
    Project,
    ResponsibilityArea,
    SteeringAction,
    SteeringDecision,
    SurveyComment,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
    SurveyWave,
    TeamMember,
)

SEEDED = (
    Department,
    CostCategory,
    ResponsibilityArea,
    Project,
    Funding,
    Ownership,
    TeamMember,
    InsightGoal,
    BudgetLine,
    Progress,
    SurveyWave,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
    SurveyComment,
    SteeringDecision,
    SteeringAction,
)
CUTOFF = pd.Timestamp(DEMO_LAST_ACTUAL_MONTH)


def frame(engine: Engine, query: Select) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {model.__tablename__: conn.scalar(select(func.count()).select_from(model)) for model in SEEDED}


def fingerprint(engine: Engine) -> dict[str, object]:
    """Counts and sums that must agree between backends (sums rounded to the cent)."""
    sums = {
        "planned": func.sum(BudgetLine.planned),
        "actual": func.sum(BudgetLine.actual),
        "actual_rows": func.count(BudgetLine.actual),
        "score": func.sum(SurveyResponse.score),
    }
    with engine.connect() as conn:
        values: dict[str, object] = dict(table_counts(engine))
        values["planned"] = round(float(conn.scalar(select(sums["planned"]))), 2)
        values["actual"] = round(float(conn.scalar(select(sums["actual"]))), 2)
        values["actual_rows"] = conn.scalar(select(sums["actual_rows"]))
        values["score"] = int(conn.scalar(select(sums["score"])))
        values["pct"] = round(float(conn.scalar(select(func.sum(Progress.pct_complete)))), 2)
        values["fte"] = round(float(conn.scalar(select(func.sum(TeamMember.fte)))), 2)
        values["committed"] = round(float(conn.scalar(select(func.sum(Funding.committed_amount)))), 2)
        values["target"] = round(float(conn.scalar(select(func.sum(InsightGoal.target_value)))), 2)
    return values


def budget(engine: Engine) -> pd.DataFrame:
    lines = frame(
        engine,
        select(
            Project.code,
            Project.status,
            Department.code.label("dept"),
            BudgetLine.month,
            BudgetLine.planned,
            BudgetLine.actual,
        )
        .join(Project, Project.id == BudgetLine.project_id)
        .join(Department, Department.id == BudgetLine.department_id),
    )
    lines["month"] = pd.to_datetime(lines["month"])
    lines["actual"] = lines["actual"].astype(float)
    return lines


def funders(engine: Engine) -> pd.DataFrame:
    rows = frame(
        engine,
        select(Project.code, Department.code.label("dept"), Funding.agreed_share, Funding.committed_amount)
        .join(Project, Project.id == Funding.project_id)
        .join(Department, Department.id == Funding.department_id),
    )
    count = rows.groupby("code")["dept"].transform("count")
    rows["agreed"] = rows["agreed_share"].astype(float).fillna(1 / count)
    rows["n_funders"] = count
    return rows


# -- idempotency, determinism, backends ------------------------------------------------
