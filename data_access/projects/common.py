"""What the project loaders share: the portfolio's conditions, the memoised facts and funding
split of every project, the portfolio's projects from them, and the month-by-month replay.

Memoised paths: funding split, teams and ownership depend on the filters only through
the set of portfolio projects (and, for teams, the as-of month), so each is answered from
a small aggregate over every project, loaded once per data version (data_access.memo)
and filtered in pandas. The same loaders with the filters in SQL are tests/oracles.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Engine, func, select

from data_access.filtering import all_of, funded_by_selected, project_conditions
from data_access.history import funding_rows, load_history_start, state_day
from data_access.memo import memoised, memoised_result
from data_access.models import Department, Project
from domain.filters import Filters
from domain.frames import isin
from domain.months import month_end


def portfolio_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The projects of the Projects page: status/project filters, funded by a selected
    department (all when none chosen), and planned to start on or before the as-of month's end
    (as `load_funding_by_project` does, so counts agree with the Overview)."""
    return [
        Project.planned_start <= filters.as_of_end,
        *project_conditions(filters),
        *funded_by_selected(filters),
    ]


def _funding_split(
    engine: Engine, conditions: list[ColumnElement[bool]], day: dt.date | None = None
) -> pd.DataFrame:
    source = funding_rows(day)
    query = (
        select(
            Project.code.label("project"),
            Department.code.label("department"),
            func.sum(source.c.committed_amount).label("committed"),
            func.max(source.c.agreed_share).label("agreed_share"),
        )
        .join(source, source.c.project_id == Project.id)
        .join(Department, Department.id == source.c.department_id)
        .where(all_of(conditions))
        .group_by(Project.code, Department.code)
        .order_by(Project.code, Department.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return split_frame([tuple(row) for row in rows])


def split_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=["project", "department", "committed", "agreed_share"])
    return frame.astype({"committed": "float64", "agreed_share": "float64"})


def project_facts(engine: Engine) -> pd.DataFrame:
    """Memoised: every project's code, status and planned start (what the filters test) and
    its name, in the database's order of codes."""

    def load(e: Engine) -> pd.DataFrame:
        query = select(Project.code, Project.status, Project.planned_start, Project.name).order_by(
            Project.code
        )
        with e.connect() as conn:
            return pd.DataFrame.from_records(
                [tuple(row) for row in conn.execute(query)],
                columns=["code", "status", "planned_start", "name"],
            )

    return memoised(engine=engine, name="projects.facts", load=load)


def funding_split_base(engine: Engine, day: dt.date | None = None) -> pd.DataFrame:
    """Memoised: the funding split of every project, now or (with `day`) as recorded then."""
    name = "projects.funding_split" if day is None else f"projects.funding_split@{day.isoformat()}"
    return memoised(engine=engine, name=name, load=lambda e: _funding_split(e, [], day))


def funded_by(*, engine: Engine, departments: tuple[str, ...]) -> pd.Series:
    """Codes of the projects one of `departments` funds now (`funded_by_selected`'s set),
    from the memoised funding split; a code may repeat."""
    split = funding_split_base(engine)
    return split.loc[split["department"].isin(departments), "project"]


def _selected_mask(engine: Engine, filters: Filters, facts: pd.DataFrame) -> pd.Series:
    """Which of `facts`' projects the status, project and department filters select (the
    pandas form of `project_conditions` + `funded_by_selected`)."""
    mask = pd.Series(True, index=facts.index)
    if filters.statuses:
        mask &= facts["status"].isin(filters.statuses)
    if filters.projects:
        mask &= facts["code"].isin(filters.projects)
    if filters.departments:
        mask &= isin(facts["code"], funded_by(engine=engine, departments=filters.departments))
    return mask


def selected_projects(*, engine: Engine, filters: Filters) -> frozenset[str]:
    """Codes of the projects the status, project and department filters select (a project
    qualifies when a selected department funds it), from the memo: `project_conditions` and
    `funded_by_selected` without a query. Memoised per data version and those three filters:
    one single view asks for the same set up to a dozen times."""
    key = (filters.statuses, filters.projects, filters.departments)

    def compute(e: Engine) -> frozenset[str]:
        facts = project_facts(e)
        return frozenset(facts.loc[_selected_mask(e, filters, facts), "code"])

    return memoised_result(engine=engine, name="projects.selected", key=key, compute=compute)


def portfolio_projects(*, engine: Engine, filters: Filters) -> frozenset[str]:
    """Codes of the projects `portfolio_conditions(filters)` selects, from the memo: those
    `selected_projects` gives that are planned to start by the as-of month's end. Memoised
    as `selected_projects`, with the as-of month's end in the key."""
    key = (filters.as_of_end, filters.statuses, filters.projects, filters.departments)

    def compute(e: Engine) -> frozenset[str]:
        facts = project_facts(e)
        started = pd.Series([day <= filters.as_of_end for day in facts["planned_start"]], index=facts.index)
        chosen = selected_projects(engine=e, filters=filters)
        return frozenset(code for code in facts.loc[started, "code"] if code in chosen)

    return memoised_result(engine=engine, name="projects.portfolio", key=key, compute=compute)


def of_projects(base: pd.DataFrame, projects: set[str]) -> pd.DataFrame:
    return base[isin(base["project"], projects)].reset_index(drop=True)


def by_month(
    engine: Engine,
    filters: Filters,
    months: list[dt.date],
    base: Any,
    *,
    departments: bool = True,
) -> pd.DataFrame:
    """`base(engine, day)` (a memoised frame with a `project` column) as recorded at each of
    `months`' close, stacked with a `month` column first, of the projects `portfolio_projects`
    selects with the filters replayed at that month (only the as-of month changes, so only
    the planned start differs). Without `departments` the department filter is left out."""
    history_start = load_history_start(engine=engine)
    frames = [base(engine, state_day(month, history_start)) for month in months]
    lengths = [len(frame) for frame in frames]
    stacked = pd.concat(frames, ignore_index=True)
    chosen = filters if departments else replace(filters, departments=())
    latest = replace(chosen, as_of=max(months), period_start=min(chosen.period_start, max(months)))
    facts = project_facts(engine)
    codes = pd.Index(facts["code"])
    starts = pd.to_datetime(facts["planned_start"]).to_numpy()
    closes = np.array([np.datetime64(month_end(month), "ns") for month in months])
    where = codes.get_indexer(stacked["project"])
    keep = (
        isin(stacked["project"], portfolio_projects(engine=engine, filters=latest)).to_numpy()
        & (where >= 0)
        & (starts[np.maximum(where, 0)] <= np.repeat(closes, lengths))
    )
    stacked.insert(0, "month", np.repeat(np.array(months, dtype=object), lengths))
    return stacked[keep].reset_index(drop=True)
