"""The WHERE clauses of the global filters, run on the demo database (SQLite and PostgreSQL)
and compared with the same selection made in pandas from the raw tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from data_access.filtering import all_of, department_condition, funded_by_selected, project_conditions
from data_access.models import Department, Funding, Project
from domain.filters import Filters

AS_OF = dt.date(2026, 6, 1)


def _filters(**chosen) -> Filters:
    return Filters(as_of=AS_OF, period_start=dt.date(2026, 1, 1), **chosen)


def _raw(engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    with engine.connect() as conn:
        projects = pd.read_sql(select(Project.id, Project.code, Project.status), conn)
        funding = pd.read_sql(
            select(Funding.project_id, Department.code.label("department")).join(
                Department, Department.id == Funding.department_id
            ),
            conn,
        )
    return projects, funding


def _codes(engine, filters: Filters) -> set[str]:
    query = select(Project.code).where(all_of(project_conditions(filters) + funded_by_selected(filters)))
    with engine.connect() as conn:
        return set(conn.scalars(query))


def test_no_filter_selects_every_project(demo_engine) -> None:
    projects, _ = _raw(demo_engine)
    assert _codes(demo_engine, _filters()) == set(projects["code"])


def test_status_project_and_department_filters_match_pandas(demo_engine) -> None:
    projects, funding = _raw(demo_engine)
    # The department funding the fewest projects, and the status of one of them: every case
    # then selects some projects but not all, so a condition that does nothing would fail.
    department = funding["department"].value_counts().idxmin()
    status = projects.loc[
        projects["id"] == funding.loc[funding["department"] == department, "project_id"].iloc[0], "status"
    ].iloc[0]
    some = tuple(projects["code"].iloc[:3])
    cases = [
        (_filters(statuses=(status,)), projects[projects["status"] == status]),
        (_filters(projects=some), projects[projects["code"].isin(some)]),
        (
            _filters(departments=(department,)),
            projects[projects["id"].isin(funding.loc[funding["department"] == department, "project_id"])],
        ),
        (
            _filters(departments=(department,), statuses=(status,)),
            projects[
                projects["id"].isin(funding.loc[funding["department"] == department, "project_id"])
                & (projects["status"] == status)
            ],
        ),
    ]
    for filters, expected in cases:
        selected = _codes(demo_engine, filters)
        assert selected == set(expected["code"]), filters
        assert 0 < len(selected) < len(projects), f"the demo case must select some, not all: {filters}"
    assert _codes(demo_engine, _filters(projects=("NO-SUCH-CODE",))) == set()


def test_department_condition_keeps_only_chosen_departments(demo_engine) -> None:
    _, funding = _raw(demo_engine)
    department = funding["department"].iloc[0]
    query = (
        select(Department.code)
        .join(Funding, Funding.department_id == Department.id)
        .where(all_of(department_condition(Funding.department_id, _filters(departments=(department,)))))
    )
    with demo_engine.connect() as conn:
        assert set(conn.scalars(query)) == {department}
        everyone = select(Department.code).join(Funding, Funding.department_id == Department.id)
        assert set(
            conn.scalars(everyone.where(all_of(department_condition(Funding.department_id, _filters()))))
        ) == set(funding["department"])
