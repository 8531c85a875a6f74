"""Budget queries: planned and actual spend, aggregated in the database."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from data_access.filtering import all_of, department_condition, project_conditions
from data_access.models import BudgetLine, CostCategory, Project
from kpis.periods import Filters


def _line_conditions(filters: Filters) -> list:
    conditions = [
        BudgetLine.month >= filters.period_start,
        BudgetLine.month <= filters.as_of,
        *project_conditions(filters),
        *department_condition(BudgetLine.department_id, filters),
    ]
    if filters.categories:
        chosen = select(CostCategory.id).where(CostCategory.code.in_(filters.categories))
        conditions.append(BudgetLine.category_id.in_(chosen.scalar_subquery()))
    return conditions


def load_budget_totals(*, engine: Engine, filters: Filters) -> dict[str, float]:
    """Σ planned and Σ actual over the filtered lines from period start to the as-of month."""
    query = (
        select(
            func.coalesce(func.sum(BudgetLine.planned), 0.0).label("planned"),
            func.coalesce(func.sum(BudgetLine.actual), 0.0).label("actual"),
        )
        .select_from(BudgetLine)
        .join(Project, Project.id == BudgetLine.project_id)
        .where(all_of(_line_conditions(filters)))
    )
    with engine.connect() as conn:
        row = conn.execute(query).one()
    return {"planned": float(row.planned), "actual": float(row.actual)}
