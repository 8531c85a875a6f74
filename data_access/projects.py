"""Project queries: funding, teams, ownership and the house rule, customer-insight goals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Date,
    Engine,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import aliased

from access.roles import EDIT_DATA, NotAllowed, User
from data_access.audit import record_change
from data_access.engine import bump_data_version
from data_access.filtering import all_of, department_condition, funded_by_selected, project_conditions
from data_access.models import (
    BudgetLine,
    Department,
    Funding,
    InsightGoal,
    Ownership,
    Project,
    ResponsibilityArea,
    TeamMember,
)
from kpis.periods import Filters, months_between


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
    return pd.DataFrame.from_records(
        [tuple(row) for row in rows], columns=["code", "committed", "n_funders"]
    ).astype({"committed": "float64", "n_funders": "int64"})


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


def portfolio_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The projects of the Projects page: status/project filters, funded by a selected
    department (all when none chosen), and planned to start on or before the as-of month's end
    (as `load_funding_by_project` does, so counts agree with the Overview)."""
    return [
        Project.planned_start <= filters.as_of_end,
        *project_conditions(filters),
        *funded_by_selected(filters),
    ]


def load_projects(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """One row per project: code, name, goal, status, rag, rag_reason, planned_start,
    planned_end, actual_end (ordered by code)."""
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
        return pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)


def load_funding_split(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Every funding row of the page's projects: project, department (code), committed,
    agreed_share (None = equal split of the unrecorded remainder), ordered by project, department.

    All funders of a project are returned even when a department filter is set, so the
    split is always the whole project's.
    """
    query = (
        select(
            Project.code.label("project"),
            Department.code.label("department"),
            func.sum(Funding.committed_amount).label("committed"),
            func.max(Funding.agreed_share).label("agreed_share"),
        )
        .join(Funding, Funding.project_id == Project.id)
        .join(Department, Department.id == Funding.department_id)
        .where(all_of(portfolio_conditions(filters)))
        .group_by(Project.code, Department.code)
        .order_by(Project.code, Department.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame.from_records(
        [tuple(row) for row in rows], columns=["project", "department", "committed", "agreed_share"]
    )
    return frame.astype({"committed": "float64", "agreed_share": "float64"})


def _active_in(month: Any) -> ColumnElement[bool]:
    """A membership is active in `month` (a first of month) when it started on or before it
    and has not ended before it (end_month is the last month worked, NULL = open-ended)."""
    return and_(
        TeamMember.start_month <= month,
        or_(TeamMember.end_month.is_(None), TeamMember.end_month >= month),
    )


def load_team_by_department(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Team members active in the as-of month per project and home department:
    project, department, members (distinct people), fte (sum)."""
    query = (
        select(
            Project.code.label("project"),
            Department.code.label("department"),
            func.count(func.distinct(TeamMember.person_ref)).label("members"),
            func.sum(TeamMember.fte).label("fte"),
        )
        .join(TeamMember, TeamMember.project_id == Project.id)
        .join(Department, Department.id == TeamMember.department_id)
        .where(all_of([*portfolio_conditions(filters), _active_in(filters.as_of)]))
        .group_by(Project.code, Department.code)
        .order_by(Project.code, Department.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame.from_records(
        [tuple(row) for row in rows], columns=["project", "department", "members", "fte"]
    )
    return frame.astype({"members": "int64", "fte": "float64"})


def load_fte_by_month(*, engine: Engine, filters: Filters, project: str | None = None) -> pd.DataFrame:
    """FTE per month and home department over the reporting period (period start .. as-of):
    month, department, fte, members. Only `project` when given, else the page's projects."""
    months = union_all(
        *(
            select(literal(m, Date).label("month"))
            for m in months_between(filters.period_start, filters.as_of)
        )
    ).subquery("months")
    conditions = [*portfolio_conditions(filters), _active_in(months.c.month)]
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
    frame["month"] = [
        m if isinstance(m, dt.date) else dt.date.fromisoformat(str(m)[:10]) for m in frame["month"]
    ]
    return frame.astype({"fte": "float64", "members": "int64"})


def load_responsibility_areas(*, engine: Engine) -> pd.DataFrame:
    """Responsibility areas with the house rule: code, name_nl, name_en,
    expected_department (a department code, or None when no rule is set), ordered by id."""
    query = (
        select(
            ResponsibilityArea.code,
            ResponsibilityArea.name_nl,
            ResponsibilityArea.name_en,
            Department.code.label("expected_department"),
        )
        .outerjoin(Department, Department.id == ResponsibilityArea.expected_department_id)
        .order_by(ResponsibilityArea.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame.from_records(
        [tuple(row) for row in rows], columns=["code", "name_nl", "name_en", "expected_department"]
    )


def load_ownership(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Per project that has any ownership row × every responsibility area:
    project, area, owners (count of accountable departments; 0 = missing, 2+ = double),
    owner_codes (comma-separated, sorted), expected (the house rule's department or None),
    off_rule (owners that are not the expected department).

    Projects without a single ownership row are left out (ownership not recorded at all).
    """
    owner = aliased(Department)
    expected = aliased(Department)
    owned = select(Ownership.project_id).distinct().subquery("owned")
    query = (
        select(
            Project.code.label("project"),
            ResponsibilityArea.code.label("area"),
            func.count(Ownership.id).label("owners"),
            func.aggregate_strings(owner.code, ",").label("owner_codes"),
            expected.code.label("expected"),
            func.coalesce(
                func.sum(
                    case(
                        (
                            and_(
                                ResponsibilityArea.expected_department_id.is_not(None),
                                Ownership.department_id != ResponsibilityArea.expected_department_id,
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
                0,
            ).label("off_rule"),
        )
        .select_from(Project)
        .join(owned, owned.c.project_id == Project.id)
        .join(ResponsibilityArea, true())
        .outerjoin(
            Ownership,
            and_(Ownership.project_id == Project.id, Ownership.area_id == ResponsibilityArea.id),
        )
        .outerjoin(owner, owner.id == Ownership.department_id)
        .outerjoin(expected, expected.id == ResponsibilityArea.expected_department_id)
        .where(all_of(portfolio_conditions(filters)))
        .group_by(Project.code, ResponsibilityArea.id, ResponsibilityArea.code, expected.code)
        .order_by(Project.code, ResponsibilityArea.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame.from_records(
        [tuple(row) for row in rows],
        columns=["project", "area", "owners", "owner_codes", "expected", "off_rule"],
    )
    frame["owner_codes"] = [
        ",".join(sorted(str(c).split(","))) if isinstance(c, str) and c else "" for c in frame["owner_codes"]
    ]
    return frame.astype({"owners": "int64", "off_rule": "int64"})


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


def save_house_rule(*, engine: Engine, user: User, expected: Mapping[str, str | None]) -> int:
    """Set the expected (accountable) department per responsibility area: area code ->
    department code or None (no rule). Returns how many areas changed.

    Refuses (NotAllowed) unless `user` may edit data. One transaction: the updates, an
    audit row per changed area, and the data-version bump, so caches refresh everywhere.
    Unknown area or department codes raise ValueError and write nothing.
    """
    if not user.may(EDIT_DATA):
        raise NotAllowed("auth.not_allowed")
    with engine.begin() as conn:
        departments = dict(conn.execute(select(Department.code, Department.id)).all())
        current = {
            code: (area_id, dept_code)
            for code, area_id, dept_code in conn.execute(
                select(ResponsibilityArea.code, ResponsibilityArea.id, Department.code).outerjoin(
                    Department, Department.id == ResponsibilityArea.expected_department_id
                )
            ).all()
        }
        unknown = sorted(
            [a for a in expected if a not in current]
            + [d for d in expected.values() if d is not None and d not in departments]
        )
        if unknown:
            raise ValueError(f"unknown responsibility area or department: {', '.join(unknown)}")
        changed = 0
        for area, department in expected.items():
            area_id, old = current[area]
            if old == department:
                continue
            conn.execute(
                update(ResponsibilityArea)
                .where(ResponsibilityArea.id == area_id)
                .values(expected_department_id=departments[department] if department else None)
            )
            record_change(
                conn,
                user_name=user.name,
                entity="responsibility_area",
                entity_id=area,
                action="update",
                old={"expected_department": old},
                new={"expected_department": department},
            )
            changed += 1
        if changed:
            bump_data_version(conn)
    return changed
