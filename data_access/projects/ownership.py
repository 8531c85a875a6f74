"""Ownership: responsibility areas and the house rule, who is accountable per project and
area (now, replayed, or per month), and saving the house rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
from sqlalchemy import ColumnElement, Engine, and_, case, func, select, true, update
from sqlalchemy.orm import aliased

from access.roles import EDIT_DATA, NotAllowed, User
from data_access.audit import record_change
from data_access.engine import bump_data_version
from data_access.filtering import all_of
from data_access.history import house_rule_rows, ownership_rows, replay_day
from data_access.memo import memoised
from data_access.models import Department, Project, ResponsibilityArea
from data_access.projects.common import by_month, of_projects, portfolio_projects
from domain.filters import Filters


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


def _ownership(
    engine: Engine, conditions: list[ColumnElement[bool]], day: dt.date | None = None
) -> pd.DataFrame:
    source = ownership_rows(day)
    rule = house_rule_rows(day)
    owner = aliased(Department)
    expected = aliased(Department)
    owned = select(source.c.project_id).distinct().subquery("owned")
    query = (
        select(
            Project.code.label("project"),
            ResponsibilityArea.code.label("area"),
            func.count(source.c.id).label("owners"),
            func.aggregate_strings(owner.code, ",").label("owner_codes"),
            expected.code.label("expected"),
            func.coalesce(
                func.sum(
                    case(
                        (
                            and_(
                                rule.c.expected_department_id.is_not(None),
                                source.c.department_id != rule.c.expected_department_id,
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
        .outerjoin(rule, rule.c.area_id == ResponsibilityArea.id)
        .outerjoin(
            source,
            and_(source.c.project_id == Project.id, source.c.area_id == ResponsibilityArea.id),
        )
        .outerjoin(owner, owner.id == source.c.department_id)
        .outerjoin(expected, expected.id == rule.c.expected_department_id)
        .where(all_of(conditions))
        .group_by(Project.code, ResponsibilityArea.id, ResponsibilityArea.code, expected.code)
        .order_by(Project.code, ResponsibilityArea.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return _ownership_frame([tuple(row) for row in rows])


def _ownership_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(
        rows, columns=["project", "area", "owners", "owner_codes", "expected", "off_rule"]
    )
    frame["owner_codes"] = [
        ",".join(sorted(str(c).split(","))) if isinstance(c, str) and c else "" for c in frame["owner_codes"]
    ]
    return frame.astype({"owners": "int64", "off_rule": "int64"})


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


def _ownership_base(engine: Engine, day: dt.date | None = None) -> pd.DataFrame:
    """Memoised: the ownership of every project, now or (with `day`) as recorded then."""
    name = "projects.ownership" if day is None else f"projects.ownership@{day.isoformat()}"
    return memoised(engine=engine, name=name, load=lambda e: _ownership(e, [], day))


def load_ownership(*, engine: Engine, filters: Filters, as_of: dt.date | None = None) -> pd.DataFrame:
    """Per project that has any ownership row × every responsibility area:
    project, area, owners (count of accountable departments; 0 = missing, 2+ = double),
    owner_codes (comma-separated, sorted), expected (the house rule's department or None),
    off_rule (owners that are not the expected department).

    Same frame as `query_ownership`, from the memoised ownership of every project. With
    `as_of` (a month) the ownership recorded at that month's close (data_access.history).
    """
    ownership = of_projects(
        _ownership_base(engine, replay_day(engine, as_of)), portfolio_projects(engine=engine, filters=filters)
    )
    return ownership if not ownership.empty else _ownership_frame([])


def load_ownership_by_months(*, engine: Engine, filters: Filters, months: list[dt.date]) -> pd.DataFrame:
    """`load_ownership` with the filters replayed at each of `months` (as-of that month), in
    one pass: month, then its columns, ordered by month and then as each month's frame."""
    return by_month(engine, filters, months, _ownership_base)
