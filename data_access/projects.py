"""Project queries: funding per project and customer-insight goals."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.filtering import all_of, department_condition, funded_by_selected, project_conditions
from data_access.models import Funding, InsightGoal, Project
from kpis.periods import Filters


def load_funding_by_project(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Per project: code, `committed` by the selected departments, `n_funders` overall.

    Projects that started after the as-of month are left out.
    """
    funders = (
        select(Funding.project_id, func.count(Funding.department_id).label("n_funders"))
        .group_by(Funding.project_id)
        .subquery()
    )
    query = (
        select(
            Project.code,
            func.sum(Funding.committed_amount).label("committed"),
            func.max(funders.c.n_funders).label("n_funders"),
        )
        .join(Funding, Funding.project_id == Project.id)
        .join(funders, funders.c.project_id == Project.id)
        .where(
            all_of(
                [
                    Project.planned_start <= filters.as_of_end,
                    *project_conditions(filters),
                    *department_condition(Funding.department_id, filters),
                ]
            )
        )
        .group_by(Project.code)
        .order_by(Project.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["code", "committed", "n_funders"]).astype(
        {"committed": "float64", "n_funders": "int64"}
    )


def load_insight_goals(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Insight goals of the filtered projects: project, code, dates and values."""
    query = (
        select(
            Project.code.label("project"),
            InsightGoal.code,
            InsightGoal.target_date,
            InsightGoal.achieved_date,
            InsightGoal.target_value,
            InsightGoal.achieved_value,
        )
        .join(Project, Project.id == InsightGoal.project_id)
        .where(all_of([*project_conditions(filters), *funded_by_selected(filters)]))
        .order_by(Project.code, InsightGoal.code)
    )
    columns = ["project", "code", "target_date", "achieved_date", "target_value", "achieved_value"]
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=columns)
