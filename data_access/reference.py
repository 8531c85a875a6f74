"""Reference data for filters and labels: departments, statuses, categories, months."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.models import BudgetLine, CostCategory, Department
from data_access.projects.common import project_facts
from domain.months import as_date


def load_departments(*, engine: Engine) -> pd.DataFrame:
    """Departments: code, name_nl, name_en, ordered by code."""
    query = select(Department.code, Department.name_nl, Department.name_en).order_by(Department.code)
    with engine.connect() as conn:
        return pd.DataFrame.from_records(
            [tuple(row) for row in conn.execute(query)], columns=["code", "name_nl", "name_en"]
        )


def load_categories(*, engine: Engine) -> pd.DataFrame:
    """Cost categories: code, name_nl, name_en."""
    query = select(CostCategory.code, CostCategory.name_nl, CostCategory.name_en).order_by(CostCategory.code)
    with engine.connect() as conn:
        return pd.DataFrame.from_records(
            [tuple(row) for row in conn.execute(query)], columns=["code", "name_nl", "name_en"]
        )


def load_projects_list(*, engine: Engine) -> pd.DataFrame:
    """Projects for pickers: code, name, status (ordered by code), from the memoised project
    facts (data_access.projects.common.project_facts)."""
    facts = project_facts(engine)
    rows = zip(facts["code"].tolist(), facts["name"].tolist(), facts["status"].tolist(), strict=True)
    return pd.DataFrame.from_records(list(rows), columns=["code", "name", "status"])


def load_month_bounds(*, engine: Engine) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """(first planned month, last planned month, last month with any actual booked)."""
    # Three scalar subqueries, not min() and max() in one SELECT: each alone is a single
    # index seek (SQLite scans the whole index for both at once), the last one on the
    # partial index of booked lines.
    query = select(
        select(func.min(BudgetLine.month)).scalar_subquery(),
        select(func.max(BudgetLine.month)).scalar_subquery(),
        select(func.max(BudgetLine.month)).where(BudgetLine.actual.is_not(None)).scalar_subquery(),
    )
    with engine.connect() as conn:
        first, last, last_actual = conn.execute(query).one()
    return as_date(first), as_date(last), as_date(last_actual)
