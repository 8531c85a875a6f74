"""Teams: FTE per month and team members per project and department, from the memoised
memberships (or every recorded version of them for a replay)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Engine, and_, or_, select

from data_access.history import load_history_start, state_day
from data_access.memo import memoised
from data_access.models import Department, Project, TeamMember, TeamMemberHistory
from data_access.projects.common import portfolio_projects
from domain.filters import Filters
from domain.frames import isin
from domain.months import as_dates, month_end, months_between


def _active_in(month: Any, source: Any = TeamMember) -> ColumnElement[bool]:
    """A membership is active in `month` (a first of month) when it started on or before it
    and has not ended before it (end_month is the last month worked, NULL = open-ended)."""
    return and_(
        source.start_month <= month,
        or_(source.end_month.is_(None), source.end_month >= month),
    )


def load_fte_by_month(*, engine: Engine, filters: Filters, project: str | None = None) -> pd.DataFrame:
    """FTE per month and home department over the reporting period (period start .. as-of):
    month, department, fte (Σ, exact to the hundredth), members (distinct people), ordered by
    month and department. Only `project` when given, else the page's projects
    (`portfolio_projects`). A membership counts in each month from its start month to its
    end month (without an end month, in every later month).

    From the memoised memberships; the same in SQL is tests/oracles.py."""
    members = _team_members(engine)
    chosen = isin(members["project"], portfolio_projects(engine=engine, filters=filters)).to_numpy()
    if project is not None:
        chosen = chosen & (members["project"] == project).to_numpy()
    members = members[chosen]
    codes, departments = pd.factorize(members["department"], sort=True)
    person = members["person_key"].to_numpy()
    cents = members["fte_cents"].to_numpy()
    start = members["start_month"].to_numpy()
    end = members["end_month"].to_numpy()
    open_ended = members["end_month"].isna().to_numpy()
    persons = int(person.max()) + 1 if len(person) else 1
    size = max(len(departments), 1)
    rows: list[tuple[dt.date, str, float, int]] = []
    for month in months_between(filters.period_start, filters.as_of):
        stamp = np.datetime64(month, "ns")
        active = (start <= stamp) & (open_ended | (end >= stamp))
        if not active.any():
            continue
        present, _, people, fte = _group_counts(codes[active], person[active], cents[active], size, persons)
        rows += [
            (month, str(departments[number]), value, count)
            for number, value, count in zip(present.tolist(), fte.tolist(), people.tolist(), strict=True)
        ]
    frame = pd.DataFrame.from_records(rows, columns=["month", "department", "fte", "members"])
    frame["month"] = as_dates(frame["month"])
    return frame.astype({"fte": "float64", "members": "int64"})


def _team_members(engine: Engine, versions: bool = False) -> pd.DataFrame:
    """Memoised: every team membership: project, department, person, fte_cents (FTE × 100,
    exact: FTE has two decimals), start_month, end_month (NULL = open-ended), and the
    project's planned_start (ordered by project and department code, as the database sorts).

    With `versions` every recorded version instead (team_member_history), with its
    valid_from and valid_to (NULL = current)."""
    source: Any = TeamMemberHistory if versions else TeamMember
    validity = [source.valid_from, source.valid_to] if versions else []

    def load(e: Engine) -> pd.DataFrame:
        query = (
            select(
                Project.code,
                Department.code,
                source.person_ref,
                source.fte,
                source.start_month,
                source.end_month,
                Project.planned_start,
                *validity,
            )
            .join(Project, Project.id == source.project_id)
            .join(Department, Department.id == source.department_id)
            .order_by(Project.code, Department.code)
        )
        columns = ["project", "department", "person", "fte", "start_month", "end_month", "planned_start"]
        with e.connect() as conn:
            frame = pd.DataFrame.from_records(
                [tuple(row) for row in conn.execute(query)],
                columns=columns + (["valid_from", "valid_to"] if versions else []),
            )
        frame["fte_cents"] = (frame["fte"].astype("float64") * 100).round().astype("int64")
        for column in (
            "start_month",
            "end_month",
            "planned_start",
            *(["valid_from", "valid_to"] if versions else []),
        ):
            frame[column] = pd.to_datetime(frame[column])
        # Integer keys for the per-month counts: the (project, department) group in the
        # database's order, and the person.
        frame["group"] = frame.groupby(["project", "department"], sort=False).ngroup().astype("int64")
        frame["person_key"] = pd.factorize(frame["person"])[0].astype("int64")
        return frame.drop(columns=["fte", "person"])

    return memoised(
        engine=engine,
        name="projects.team_member_versions" if versions else "projects.team_members",
        load=load,
    )


def load_team_by_months(
    *, engine: Engine, filters: Filters, months: list[dt.date], replay: bool = False
) -> dict[dt.date, pd.DataFrame]:
    """`load_team_by_department` at each of `months` (the filters replayed with that as-of
    month and the same other choices), in one pass over the memoised memberships.

    With `replay` each month uses the memberships as recorded at its close (one load of
    every version with its validity, filtered per month; see data_access.history)."""
    members = _team_members(engine, versions=replay)
    history_start = load_history_start(engine=engine) if replay else None
    if filters.departments or filters.statuses or filters.projects:
        # Project choices do not depend on the month except through the planned start.
        latest = replace(filters, as_of=max(months), period_start=min(filters.period_start, max(months)))
        members = members[isin(members["project"], portfolio_projects(engine=engine, filters=latest))]
    group = members["group"].to_numpy()
    person = members["person_key"].to_numpy()
    cents = members["fte_cents"].to_numpy()
    start = members["start_month"].to_numpy()
    end = members["end_month"].to_numpy()
    open_ended = members["end_month"].isna().to_numpy()
    planned = members["planned_start"].to_numpy()
    projects = members["project"].to_numpy()
    departments = members["department"].to_numpy()
    size = int(group.max()) + 1 if len(group) else 0
    persons = int(person.max()) + 1 if len(person) else 1
    frames = {}
    for month in months:
        stamp = np.datetime64(month, "ns")
        active = (
            (planned <= np.datetime64(month_end(month), "ns"))
            & (start <= stamp)
            & (open_ended | (end >= stamp))
        )
        if replay:
            day = np.datetime64(state_day(month, history_start), "ns")
            valid_to = members["valid_to"].to_numpy()
            active &= (members["valid_from"].to_numpy() <= day) & (
                members["valid_to"].isna().to_numpy() | (valid_to > day)
            )
        frames[month] = _team_frame(
            group[active], person[active], cents[active], projects[active], departments[active], size, persons
        )
    return frames


def _team_frame(
    group: np.ndarray,
    person: np.ndarray,
    cents: np.ndarray,
    projects: np.ndarray,
    departments: np.ndarray,
    size: int,
    persons: int,
) -> pd.DataFrame:
    """Per (project, department) group with an active member, in group order: members
    (distinct people) and fte (Σ cents / 100: the exact sum, correctly rounded)."""
    columns = ["project", "department", "members", "fte"]
    if len(group) == 0:
        return pd.DataFrame.from_records([], columns=columns).astype({"members": "int64", "fte": "float64"})
    present, first, members, fte = _group_counts(group, person, cents, size, persons)
    return pd.DataFrame(
        {"project": projects[first], "department": departments[first], "members": members, "fte": fte}
    )


def _group_counts(
    group: np.ndarray, person: np.ndarray, cents: np.ndarray, size: int, persons: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per integer group with a row, in group order: the group, its first row, its members
    (distinct people) and its FTE (Σ cents / 100: the exact sum, correctly rounded)."""
    distinct = np.unique(group * persons + person) // persons
    members = np.bincount(distinct, minlength=size)
    fte_cents = np.bincount(group, weights=cents, minlength=size)
    present, first = np.unique(group, return_index=True)
    return present, first, members[present].astype("int64"), fte_cents[present] / 100


def load_team_by_department(
    *, engine: Engine, filters: Filters, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Team members active in the as-of month per project and home department:
    project, department, members (distinct people), fte (sum, exact to the hundredth).

    Same frame as `query_team_by_department`, from the memoised memberships. With `as_of`
    (the filters' as-of month) the memberships as recorded at that month's close."""
    if as_of is not None and as_of != filters.as_of:
        raise ValueError("as_of must be the filters' as-of month")
    return load_team_by_months(
        engine=engine, filters=filters, months=[filters.as_of], replay=as_of is not None
    )[filters.as_of]
