"""The portfolio: projects with their status (now or replayed), insight goals and actual spend."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, select

from data_access.filtering import all_of
from data_access.history import replay_day, valid_on
from data_access.memo import memoised
from data_access.models import InsightGoal, Project, ProjectStatusHistory
from data_access.projects.common import (
    portfolio_conditions,
    portfolio_projects,
    project_facts,
    selected_projects,
)
from domain.filters import Filters
from domain.frames import isin

GOAL_COLUMNS = [
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


def _goal_rows(engine: Engine) -> pd.DataFrame:
    """Memoised: every insight goal with its project's code and planned start, ordered by
    project and goal code, as the database returned them (object columns: no type is
    inferred here, so a filtered subset infers what a query for it would)."""

    def load(e: Engine) -> pd.DataFrame:
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
            .order_by(Project.code, InsightGoal.code)
        )
        with e.connect() as conn:
            rows = [tuple(row) for row in conn.execute(query)]
        return pd.DataFrame(rows or None, columns=GOAL_COLUMNS, dtype=object)

    return memoised(engine=engine, name="projects.goals", load=load)


def load_insight_goals(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Insight goals of the filtered projects (status, project and department filters, as
    `selected_projects`): project, code, target_date, achieved_date, target_value,
    achieved_value, goal (text), measure, planned_start (of the project), ordered by project
    and goal code. From the memoised goals; the same in SQL is tests/oracles.py."""
    rows = _goal_rows(engine)
    chosen = rows[isin(rows["project"], selected_projects(engine=engine, filters=filters))]
    return pd.DataFrame.from_records(list(chosen.itertuples(index=False, name=None)), columns=GOAL_COLUMNS)


def load_projects(*, engine: Engine, filters: Filters, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per project: code, name, goal, status, rag, rag_reason, planned_start,
    planned_end, actual_end (ordered by code). With `as_of` (a month) `status` is the one
    recorded at that month's close (data_access.history; the filters still select on the
    current status)."""
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
        frame = pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)
    if as_of is None:
        return frame
    then = load_project_status(engine=engine, as_of=as_of).set_index("code")["status"]
    return frame.assign(status=frame["code"].map(then))


def load_actual_spend_by_project(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Actual spend per project from its first booking up to the as-of month (the selected
    departments' lines): project, actual, in code order. Projects without any booking are
    left out.

    From the memoised budget rollup (one row per project, month and funding department, with
    how many of its lines are booked), not a scan of the budget lines per filter set; the
    same in SQL over the lines is tests/oracles.py (equal up to the order in which binary
    floats are added)."""
    # Imported here: data_access.budget imports this package (for who funds what).
    from data_access.budget import load_budget_rollup, month_number

    rollup = load_budget_rollup(engine=engine)
    keep = rollup["month_no"].to_numpy() <= month_number(filters.as_of)
    keep &= isin(rollup["project"], portfolio_projects(engine=engine, filters=filters)).to_numpy()
    if filters.departments:
        keep &= rollup["department"].isin(filters.departments).to_numpy()
    codes = rollup["project"].cat.codes.to_numpy()[keep]
    sums = (
        pd.DataFrame(
            {"actual": rollup["actual"].to_numpy()[keep], "booked": rollup["booked"].to_numpy()[keep]}
        )
        .groupby(codes, sort=True)
        .sum()
    )
    booked = sums[sums["booked"] > 0]
    names = rollup["project"].cat.categories.to_numpy(dtype=object)
    rows = zip(names[booked.index.to_numpy()].tolist(), booked["actual"].tolist(), strict=True)
    return pd.DataFrame.from_records(list(rows), columns=["project", "actual"]).astype({"actual": "float64"})


def load_project_status(*, engine: Engine, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every project's status: code, status; with `as_of` (a month) the status recorded at
    that month's close (see data_access.history), else the current one. A project without a
    recorded status then (created later) has none (None)."""
    day = replay_day(engine, as_of)
    facts = project_facts(engine)[["code", "status"]]
    if day is None:
        return facts.reset_index(drop=True)
    then = memoised(
        engine=engine, name=f"projects.status@{day.isoformat()}", load=lambda e: _status_then(e, day)
    )
    recorded = then.set_index("code")["status"]
    return facts[["code"]].assign(status=facts["code"].map(recorded)).reset_index(drop=True)


def _status_then(engine: Engine, day: dt.date) -> pd.DataFrame:
    query = (
        select(Project.code, ProjectStatusHistory.status)
        .join(ProjectStatusHistory, ProjectStatusHistory.project_id == Project.id)
        .where(valid_on(ProjectStatusHistory, day))
    )
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(query)]
    return pd.DataFrame.from_records(rows, columns=["code", "status"])
