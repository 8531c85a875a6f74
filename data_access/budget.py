"""Budget queries: planned and actual spend, aggregated in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import Engine, case, func, select

from data_access.filtering import all_of, department_condition, funded_by_selected, project_conditions
from data_access.history import funding_rows, replay_day
from data_access.memo import memoised
from data_access.models import BudgetLine, BudgetMonth, CostCategory, Department, Progress, Project
from data_access.projects.common import funded_by, project_facts, selected_projects
from domain.filters import Filters
from domain.frames import isin
from domain.months import add_months, as_date, as_dates

Span = Literal["period", "period_to_year_end", "year", "all"]
DepartmentFilter = Literal["lines", "funders"]

# The only columns a caller may group budget lines by (the whitelist for `by`).
BUDGET_DIMENSIONS: dict[str, Any] = {
    "project": Project.code,
    "department": Department.code,
    "category": CostCategory.code,
    "status": Project.status,
}
SPANS: tuple[str, ...] = ("period", "period_to_year_end", "year", "all")


def span_months(filters: Filters, span: Span) -> tuple[dt.date | None, dt.date | None]:
    """The first and last plan month of a span (None: unbounded).

    - "period": period start .. as-of month (the reporting period);
    - "period_to_year_end": period start .. the last month of the as-of (fiscal) year;
    - "year": the months of the fiscal year holding the as-of month (January .. December
      with a calendar year, April .. March with an April start);
    - "all": every month of every plan.
    Actuals never count after the as-of month, whatever the span.
    """
    year_end = filters.year_end
    spans: dict[str, tuple[dt.date | None, dt.date | None]] = {
        "period": (filters.period_start, filters.as_of),
        "period_to_year_end": (filters.period_start, year_end),
        "year": (filters.year_start, year_end),
        "all": (None, None),
    }
    if span not in spans:
        raise ValueError(f"Unknown span {span!r}; choose one of {', '.join(SPANS)}")
    return spans[span]


def budget_source(*, filters: Filters, by: tuple[str, ...] = ()) -> type[BudgetLine] | type[BudgetMonth]:
    """The table to aggregate: the budget_month rollup (one row per project, month and
    funding department, about 12 lines each) unless the cost category is grouped by or
    filtered on, which only budget_line has. Both give the same sums."""
    return BudgetLine if "category" in by or filters.categories else BudgetMonth


def _line_conditions(
    filters: Filters,
    *,
    start: dt.date | None,
    end: dt.date | None,
    department_filter: DepartmentFilter = "lines",
    source: type[BudgetLine] | type[BudgetMonth] = BudgetLine,
) -> list:
    conditions: list = [*project_conditions(filters)]
    if start is not None:
        conditions.append(source.month >= start)
    if end is not None:
        conditions.append(source.month <= end)
    if department_filter == "lines":
        conditions += department_condition(source.department_id, filters)
    elif department_filter == "funders":
        conditions += funded_by_selected(filters)
    else:
        raise ValueError(f"Unknown department_filter {department_filter!r}")
    if filters.categories:
        if source is not BudgetLine:
            raise ValueError("A category filter needs budget_line (see budget_source)")
        chosen = select(CostCategory.id).where(CostCategory.code.in_(filters.categories))
        conditions.append(BudgetLine.category_id.in_(chosen.scalar_subquery()))
    return conditions


def load_budget_totals(*, engine: Engine, filters: Filters) -> dict[str, float]:
    """Σ planned and Σ actual over the filtered lines from period start to the as-of month."""
    source = budget_source(filters=filters)
    query = (
        select(
            func.coalesce(func.sum(source.planned), 0.0).label("planned"),
            func.coalesce(func.sum(source.actual), 0.0).label("actual"),
        )
        .select_from(source)
        .join(Project, Project.id == source.project_id)
        .where(
            all_of(_line_conditions(filters, start=filters.period_start, end=filters.as_of, source=source))
        )
    )
    with engine.connect() as conn:
        row = conn.execute(query).one()
    return {"planned": float(row.planned), "actual": float(row.actual)}


ROLLUP_SLICE = 20_000
ROLLUP_DTYPES = {
    "month_no": "int32",
    "project_id": "int64",
    "department_id": "int64",
    "planned": "float64",
    "actual": "float64",
    "booked": "int32",
}


def month_number(value: dt.date) -> int:
    """A month as the rollup numbers it: year × 12 + month − 1."""
    return value.year * 12 + value.month - 1


def _from_ids(ids: np.ndarray, label_of: dict[int, str], categories: list[str]) -> pd.Categorical:
    """A categorical of the labels of database ids, built from integer codes (no strings per row)."""
    position = {label: number for number, label in enumerate(categories)}
    lookup = np.full(max([*label_of, int(ids.max()) if len(ids) else 0]) + 1, -1, dtype="int32")
    for key, label in label_of.items():
        lookup[key] = position[label]
    return pd.Categorical.from_codes(lookup[ids], categories=categories)


def load_budget_rollup(*, engine: Engine) -> pd.DataFrame:
    """The whole budget_month rollup with codes for this data version: one row per project,
    month and funding department: month_no (year × 12 + month − 1), project, status and
    department (pandas categoricals over the sorted codes), planned, actual (0 for nothing
    booked) and booked (how many of its lines have an actual). That is about a twelfth of
    budget_line (103,324 rows, about 3 MB, at 1.2 million lines). It is memoised for the
    current data version (data_access.memo: one session loads while others wait, every write
    bumps the version), so a new filter set is a pandas filter and group-by instead of a
    database scan. The rollup is read in slices of ROLLUP_SLICE rows, so loading never holds
    the whole result as Python objects. Who funds what comes from the same memo as every
    other loader's (data_access.projects.common.funded_by).
    """
    return memoised(engine=engine, name="budget.rollup", load=_read_rollup)


def _read_rollup(engine: Engine) -> pd.DataFrame:
    query = select(
        BudgetMonth.month,
        BudgetMonth.project_id,
        BudgetMonth.department_id,
        BudgetMonth.planned,
        func.coalesce(BudgetMonth.actual, 0.0),
        BudgetMonth.booked,
    )
    with engine.connect() as conn:
        projects = {
            row[0]: (row[1], row[2]) for row in conn.execute(select(Project.id, Project.code, Project.status))
        }
        departments = dict(conn.execute(select(Department.id, Department.code)).all())
        slices = []
        numbers: dict[object, int] = {}  # a few dozen distinct months: convert each once
        for part in conn.execute(query).partitions(ROLLUP_SLICE):
            month, project_id, department_id, planned, actual, booked = zip(*part, strict=True)
            for value in set(month) - numbers.keys():
                numbers[value] = month_number(as_date(value))  # type: ignore[arg-type]
            slices.append(
                pd.DataFrame(
                    {
                        "month_no": pd.array([numbers[m] for m in month], dtype="int32"),
                        "project_id": pd.array(project_id, dtype="int64"),
                        "department_id": pd.array(department_id, dtype="int64"),
                        "planned": pd.array(planned, dtype="float64"),
                        "actual": pd.array(actual, dtype="float64"),
                        "booked": pd.array(booked, dtype="int32"),
                    }
                )
            )
    raw = (
        pd.concat(slices, ignore_index=True)
        if slices
        else pd.DataFrame({name: pd.array([], dtype=dtype) for name, dtype in ROLLUP_DTYPES.items()})
    )
    project_ids = raw["project_id"].to_numpy()
    department_ids = raw["department_id"].to_numpy()
    codes = sorted(code for code, _ in projects.values())
    statuses = sorted({status for _, status in projects.values()})
    return pd.DataFrame(
        {
            "month_no": raw["month_no"].to_numpy(),
            "project": _from_ids(project_ids, {key: code for key, (code, _) in projects.items()}, codes),
            "status": _from_ids(
                project_ids, {key: status for key, (_, status) in projects.items()}, statuses
            ),
            "department": _from_ids(department_ids, departments, sorted(departments.values())),
            "planned": raw["planned"].to_numpy(dtype="float64"),
            "actual": raw["actual"].to_numpy(dtype="float64"),
            "booked": raw["booked"].to_numpy(dtype="int32"),
        }
    )


def _budget_from_rollup(
    *,
    engine: Engine,
    filters: Filters,
    by: tuple[str, ...],
    span: Span,
    department_filter: DepartmentFilter,
) -> pd.DataFrame:
    """load_budget_by_month without the cost category, from the in-memory rollup.

    The rows are grouped on one integer key (the month, then each `by` column's category
    code: the codes follow the sorted labels, so the key's order is the order of month and
    labels), and the month and label columns are taken from small arrays of their distinct
    values. A grouped sum adds each group's rows in their rollup order, as grouping by the
    columns themselves did, so every sum is the same to the last bit; only the per-row
    Python objects and the multi-column grouping are gone."""
    rollup = load_budget_rollup(engine=engine)
    start, end = span_months(filters, span)
    month_no = rollup["month_no"].to_numpy()
    keep = np.ones(len(rollup), dtype=bool)
    if filters.statuses:
        keep &= rollup["status"].isin(filters.statuses).to_numpy()
    if filters.projects:
        keep &= rollup["project"].isin(filters.projects).to_numpy()
    if start is not None:
        keep &= month_no >= month_number(start)
    if end is not None:
        keep &= month_no <= month_number(end)
    if filters.departments and department_filter == "lines":
        keep &= rollup["department"].isin(filters.departments).to_numpy()
    elif filters.departments and department_filter == "funders":
        keep &= isin(rollup["project"], funded_by(engine=engine, departments=filters.departments)).to_numpy()
    months = month_no[keep].astype("int64")
    booked = months <= month_number(filters.as_of)
    planned = rollup["planned"].to_numpy()[keep]
    actual = np.where(booked, rollup["actual"].to_numpy()[keep], 0.0)
    first = int(months.min()) if len(months) else 0
    key = months - first
    labels: list[np.ndarray] = []
    for name in by:
        column = rollup[name].cat
        labels.append(column.categories.to_numpy(dtype=object))
        key = key * len(labels[-1]) + column.codes.to_numpy()[keep].astype("int64")
    # The rollup has one row per month, project and department: grouped by both, each group
    # is one row, whose grouped sum is 0.0 + its value (0.0 for a missing one).
    order = np.argsort(key, kind="stable") if {"project", "department"} <= set(by) else None
    group = key[order] if order is not None else key
    if order is not None and (len(group) < 2 or bool((group[1:] != group[:-1]).all())):
        planned_sums, actual_sums = (
            np.where(np.isnan(v), 0.0, v + 0.0) for v in (planned[order], actual[order])
        )
    else:
        sums = pd.DataFrame({"planned": planned, "actual": actual}).groupby(key, sort=True).sum()
        group = sums.index.to_numpy(dtype="int64")
        planned_sums, actual_sums = sums["planned"].to_numpy(), sums["actual"].to_numpy()
    columns: dict[str, Any] = {}
    for name, values in reversed(list(zip(by, labels, strict=True))):
        columns[name] = values[group % len(values)]
        group = group // len(values)
    distinct = np.unique(group)
    dates = np.empty(len(distinct), dtype=object)
    dates[:] = [dt.date((first + number) // 12, (first + number) % 12 + 1, 1) for number in distinct.tolist()]
    return pd.DataFrame(
        {
            "month": pd.Series(dates[np.searchsorted(distinct, group)], dtype=object),
            **{name: pd.Series(columns[name], dtype=object) for name in by},
            "planned": planned_sums.astype("float64"),
            "actual": actual_sums.astype("float64"),
        }
    )


def load_budget_by_month(
    *,
    engine: Engine,
    filters: Filters,
    by: tuple[str, ...] = (),
    span: Span = "period",
    department_filter: DepartmentFilter = "lines",
) -> pd.DataFrame:
    """Monthly Σ planned and Σ actual, grouped in the database by `month` and `by`.

    `by` takes names from BUDGET_DIMENSIONS only ("project", "department" = funding
    department code, "category", "status"). `span` picks the plan months (see
    `span_months`); actuals after the as-of month are left out (they count as 0), so a
    span past the as-of month shows the plan ahead. `department_filter` "lines" keeps
    only the lines of the selected departments; "funders" keeps every line of the
    projects that a selected department funds (for funding shares).

    Columns: month, *by, planned, actual (floats; NULL actual counts as 0). This is the
    "baseline frame" the KPI functions in kpis.budget take, and that a scenario may
    transform before calling them.
    """
    unknown = [name for name in by if name not in BUDGET_DIMENSIONS]
    if unknown or len(set(by)) != len(by):
        raise ValueError(f"Group by only distinct names from {sorted(BUDGET_DIMENSIONS)}; got {by!r}")
    if department_filter not in ("lines", "funders"):
        raise ValueError(f"Unknown department_filter {department_filter!r}")
    source = budget_source(filters=filters, by=by)
    if source is BudgetMonth:
        return _budget_from_rollup(
            engine=engine, filters=filters, by=by, span=span, department_filter=department_filter
        )
    start, end = span_months(filters, span)
    groups = [BUDGET_DIMENSIONS[name].label(name) for name in by]
    actual_to_date = case((source.month <= filters.as_of, source.actual), else_=None)
    query = (
        select(
            source.month.label("month"),
            *groups,
            func.coalesce(func.sum(source.planned), 0.0).label("planned"),
            func.coalesce(func.sum(actual_to_date), 0.0).label("actual"),
        )
        .select_from(source)
        .join(Project, Project.id == source.project_id)
    )
    if "department" in by:
        query = query.join(Department, Department.id == source.department_id)
    if source is BudgetLine and "category" in by:
        query = query.join(CostCategory, CostCategory.id == BudgetLine.category_id)
    conditions = _line_conditions(
        filters, start=start, end=end, department_filter=department_filter, source=source
    )
    query = (
        query.where(all_of(conditions))
        .group_by(source.month, *[BUDGET_DIMENSIONS[name] for name in by])
        .order_by(source.month, *[BUDGET_DIMENSIONS[name] for name in by])
    )
    columns = ["month", *by, "planned", "actual"]
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame.from_records([tuple(row) for row in rows], columns=columns)
    frame["month"] = as_dates(frame["month"])
    return frame.astype({"planned": "float64", "actual": "float64", **{name: "object" for name in by}})


def progress_base(engine: Engine) -> pd.DataFrame:
    """Memoised: every progress row (project code, month, pct_complete as float), in the
    database's order of codes, then by month. A few rows per project and month: at 2,000
    projects about 70,000 rows, about 5 MB."""

    def load(e: Engine) -> pd.DataFrame:
        query = (
            select(Project.code.label("project"), Progress.month, Progress.pct_complete)
            .join(Progress, Progress.project_id == Project.id)
            .order_by(Project.code, Progress.month)
        )
        with e.connect() as conn:
            frame = pd.DataFrame.from_records(
                [tuple(row) for row in conn.execute(query)], columns=["project", "month", "pct_complete"]
            )
        return frame.assign(
            month=as_dates(frame["month"]), pct_complete=frame["pct_complete"].astype("float64")
        )

    return memoised(engine=engine, name="budget.progress", load=load)


def load_project_progress(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Per filtered project: project (code), name, status, and its latest progress on or
    before the as-of month: pct_complete (None when no progress row yet) and progress_month.

    Projects qualify by the status and project filters and, with departments chosen, when
    a chosen department funds them (data_access.projects.common.selected_projects). From
    the memoised project facts and progress rows; the same in SQL is tests/oracles.py.
    """
    facts = project_facts(engine)
    chosen = facts[isin(facts["code"], selected_projects(engine=engine, filters=filters))]
    rows = progress_base(engine)
    latest = rows[rows["month"] <= filters.as_of].drop_duplicates("project", keep="last").set_index("project")
    frame = pd.DataFrame(
        {
            "project": chosen["code"].to_numpy(dtype=object),
            "name": chosen["name"].to_numpy(dtype=object),
            "status": chosen["status"].to_numpy(dtype=object),
        }
    )
    found = latest.reindex(frame["project"])
    return frame.assign(
        pct_complete=_objects([_float_or_none(value) for value in found["pct_complete"]], frame),
        progress_month=_objects(as_dates(found["month"]), frame),
    )


def load_progress_history(*, engine: Engine, filters: Filters, months: int = 12) -> pd.DataFrame:
    """Progress rows of the filtered projects for the `months` months up to the as-of month,
    plus each project's latest row before that window: project, month, pct_complete.

    Enough to replay "% complete as it stood" at any of those month closes. From the
    memoised progress rows; the same in SQL is tests/oracles.py.
    """
    window_start = add_months(filters.as_of, -(months - 1))
    rows = progress_base(engine)
    rows = rows[
        isin(rows["project"], selected_projects(engine=engine, filters=filters))
        & (rows["month"] <= filters.as_of)
    ]
    in_window = rows["month"] >= window_start
    # The rows come by project, then month: a project's latest row before the window is its last one there.
    last_before = rows.index.isin(rows[~in_window].drop_duplicates("project", keep="last").index)
    history = rows[in_window | last_before].reset_index(drop=True)
    # As a query's empty answer: no rows, no inferred text type.
    return history.astype({"project": object}) if history.empty else history


def load_funding_shares(*, engine: Engine, filters: Filters, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every funder of the filtered projects: project, department, committed, agreed_share.

    With `as_of` (a month) the funding recorded at that month's close (data_access.history),
    else the current funding.

    agreed_share is the recorded share (0..1) or None (an equal split of what is not
    recorded, resolved by kpis.budget.agreed_shares). All funders of a project are kept,
    even when a department filter is set: a share only means something against the
    whole project. Projects qualify as in `load_project_progress`, and must have started
    by the as-of month.
    """
    funding = funding_rows(replay_day(engine, as_of))
    query = (
        select(
            Project.code.label("project"),
            Department.code.label("department"),
            funding.c.committed_amount.label("committed"),
            funding.c.agreed_share,
        )
        .select_from(funding)
        .join(Project, Project.id == funding.c.project_id)
        .join(Department, Department.id == funding.c.department_id)
        .where(
            all_of(
                [
                    Project.planned_start <= filters.as_of_end,
                    *project_conditions(filters),
                    *funded_by_selected(filters),
                ]
            )
        )
        .order_by(Project.code, Department.code)
    )
    columns = ["project", "department", "committed", "agreed_share"]
    with engine.connect() as conn:
        frame = pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)
    return frame.astype({"committed": "float64"}).assign(
        agreed_share=_objects([_float_or_none(value) for value in frame["agreed_share"]], frame)
    )


def _float_or_none(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _objects(values: list, frame: pd.DataFrame) -> pd.Series:
    """A column that keeps None as None (pandas would turn it into NaN in a float column)."""
    return pd.Series(values, index=frame.index, dtype=object)
