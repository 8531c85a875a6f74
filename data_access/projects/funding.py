"""Funding: committed amounts per project and the funding split, now, replayed, or per month."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.filtering import all_of, department_condition, project_conditions
from data_access.history import funding_rows, replay_day
from data_access.models import Project
from data_access.projects.common import (
    by_month,
    funding_split_base,
    of_projects,
    portfolio_projects,
    split_frame,
)
from domain.filters import Filters
from domain.frames import isin


def load_funding_by_project(
    *, engine: Engine, filters: Filters, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Per project: code, `committed` by the selected departments, `n_funders` overall.

    Projects that started after the as-of month are left out. With `as_of` (a month) the
    funding is the one recorded at that month's close (see data_access.history), else the
    current funding.
    """
    day = replay_day(engine, as_of)
    if day is not None:
        return _funding_by_project_then(engine, filters, day)
    source = funding_rows(None)
    funders = (
        select(source.c.project_id, func.count(source.c.department_id).label("n_funders"))
        .group_by(source.c.project_id)
        .subquery()
    )
    query = (
        select(
            Project.code,
            func.sum(source.c.committed_amount).label("committed"),
            func.max(funders.c.n_funders).label("n_funders"),
        )
        .join(source, source.c.project_id == Project.id)
        .join(funders, funders.c.project_id == Project.id)
        .where(
            all_of(
                [
                    Project.planned_start <= filters.as_of_end,
                    *project_conditions(filters),
                    *department_condition(source.c.department_id, filters),
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


def _funding_by_project_then(engine: Engine, filters: Filters, day: dt.date) -> pd.DataFrame:
    """`load_funding_by_project` from the memoised funding split recorded on `day`."""
    split = funding_split_base(engine, day)
    projects = portfolio_projects(engine=engine, filters=replace(filters, departments=()))
    rows = split[isin(split["project"], projects)]
    funders = rows.groupby("project").size()
    chosen = rows[rows["department"].isin(filters.departments)] if filters.departments else rows
    committed = chosen.groupby("project")["committed"].sum().sort_index()
    return pd.DataFrame(
        {
            "code": committed.index.to_list(),
            "committed": committed.to_numpy(dtype="float64"),
            "n_funders": funders.reindex(committed.index).to_numpy(dtype="int64"),
        }
    )


def load_funding_split(*, engine: Engine, filters: Filters, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every funding row of the page's projects: project, department (code), committed,
    agreed_share (None = equal split of the unrecorded remainder), ordered by project, department.

    All funders of a project are returned even when a department filter is set, so the
    split is always the whole project's. Same frame as `query_funding_split`, from the memo.
    With `as_of` (a month) the split recorded at that month's close (data_access.history).
    """
    split = of_projects(
        funding_split_base(engine, replay_day(engine, as_of)),
        portfolio_projects(engine=engine, filters=filters),
    )
    return split if not split.empty else split_frame([])


def load_funding_by_months(*, engine: Engine, filters: Filters, months: list[dt.date]) -> pd.DataFrame:
    """`load_funding_by_project` with the filters replayed at each of `months` (as-of that
    month, as `services.single_view_model.period_for` replays them), in one pass: month, code,
    committed, n_funders, ordered by month and code."""
    split = by_month(engine, filters, months, funding_split_base, departments=False)
    keys = [split["month"], split["project"]]
    funders = split.groupby(keys, sort=True).size()
    chosen = split[split["department"].isin(filters.departments)] if filters.departments else split
    committed = chosen.groupby([chosen["month"], chosen["project"]], sort=True)["committed"].sum()
    index = committed.index
    return pd.DataFrame(
        {
            "month": index.get_level_values(0).to_list(),
            "code": index.get_level_values(1).to_list(),
            "committed": committed.to_numpy(dtype="float64"),
            "n_funders": funders.reindex(index).to_numpy(dtype="int64"),
        }
    )
