"""Project queries: funding, teams, ownership and the house rule, customer-insight goals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
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
from data_access.history import (
    funding_rows,
    house_rule_rows,
    load_history_start,
    ownership_rows,
    replay_day,
    state_day,
    valid_on,
)
from data_access.memo import memoised
from data_access.models import (
    BudgetLine,
    Department,
    InsightGoal,
    Project,
    ProjectStatusHistory,
    ResponsibilityArea,
    TeamMember,
    TeamMemberHistory,
)
from kpis.periods import Filters, month_end, months_between


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
    split = _funding_split_base(engine, day)
    projects = portfolio_projects(engine=engine, filters=replace(filters, departments=()))
    rows = split[split["project"].isin(projects)]
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
    return _split_frame([tuple(row) for row in rows])


def _split_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=["project", "department", "committed", "agreed_share"])
    return frame.astype({"committed": "float64", "agreed_share": "float64"})


def _active_in(month: Any, source: Any = TeamMember) -> ColumnElement[bool]:
    """A membership is active in `month` (a first of month) when it started on or before it
    and has not ended before it (end_month is the last month worked, NULL = open-ended)."""
    return and_(
        source.start_month <= month,
        or_(source.end_month.is_(None), source.end_month >= month),
    )


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


# Memoised paths: funding split, teams and ownership depend on the filters only through
# the set of portfolio projects (and, for teams, the as-of month), so each is answered from
# a small aggregate over every project, loaded once per data version (data_access.memo)
# and filtered in pandas. The same loaders with the filters in SQL are tests/oracles.py.


def _project_facts(engine: Engine) -> pd.DataFrame:
    """Memoised: every project's code, status and planned start (what the filters test)."""

    def load(e: Engine) -> pd.DataFrame:
        query = select(Project.code, Project.status, Project.planned_start).order_by(Project.code)
        with e.connect() as conn:
            return pd.DataFrame.from_records(
                [tuple(row) for row in conn.execute(query)], columns=["code", "status", "planned_start"]
            )

    return memoised(engine=engine, name="projects.facts", load=load)


def _funding_split_base(engine: Engine, day: dt.date | None = None) -> pd.DataFrame:
    """Memoised: the funding split of every project, now or (with `day`) as recorded then."""
    name = "projects.funding_split" if day is None else f"projects.funding_split@{day.isoformat()}"
    return memoised(engine=engine, name=name, load=lambda e: _funding_split(e, [], day))


def _ownership_base(engine: Engine, day: dt.date | None = None) -> pd.DataFrame:
    """Memoised: the ownership of every project, now or (with `day`) as recorded then."""
    name = "projects.ownership" if day is None else f"projects.ownership@{day.isoformat()}"
    return memoised(engine=engine, name=name, load=lambda e: _ownership(e, [], day))


def load_project_status(*, engine: Engine, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every project's status: code, status; with `as_of` (a month) the status recorded at
    that month's close (see data_access.history), else the current one. A project without a
    recorded status then (created later) has none (None)."""
    day = replay_day(engine, as_of)
    facts = _project_facts(engine)[["code", "status"]]
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


def portfolio_projects(*, engine: Engine, filters: Filters) -> set[str]:
    """Codes of the projects `portfolio_conditions(filters)` selects, from the memo."""
    facts = _project_facts(engine)
    mask = pd.Series([day <= filters.as_of_end for day in facts["planned_start"]], index=facts.index)
    if filters.statuses:
        mask &= facts["status"].isin(filters.statuses)
    if filters.projects:
        mask &= facts["code"].isin(filters.projects)
    if filters.departments:
        split = _funding_split_base(engine)
        mask &= facts["code"].isin(split.loc[split["department"].isin(filters.departments), "project"])
    return set(facts.loc[mask, "code"])


def _of_projects(base: pd.DataFrame, projects: set[str]) -> pd.DataFrame:
    return base[base["project"].isin(projects)].reset_index(drop=True)


def load_funding_split(*, engine: Engine, filters: Filters, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every funding row of the page's projects: project, department (code), committed,
    agreed_share (None = equal split of the unrecorded remainder), ordered by project, department.

    All funders of a project are returned even when a department filter is set, so the
    split is always the whole project's. Same frame as `query_funding_split`, from the memo.
    With `as_of` (a month) the split recorded at that month's close (data_access.history).
    """
    split = _of_projects(
        _funding_split_base(engine, replay_day(engine, as_of)),
        portfolio_projects(engine=engine, filters=filters),
    )
    return split if not split.empty else _split_frame([])


def load_ownership(*, engine: Engine, filters: Filters, as_of: dt.date | None = None) -> pd.DataFrame:
    """Per project that has any ownership row × every responsibility area:
    project, area, owners (count of accountable departments; 0 = missing, 2+ = double),
    owner_codes (comma-separated, sorted), expected (the house rule's department or None),
    off_rule (owners that are not the expected department).

    Same frame as `query_ownership`, from the memoised ownership of every project. With
    `as_of` (a month) the ownership recorded at that month's close (data_access.history).
    """
    ownership = _of_projects(
        _ownership_base(engine, replay_day(engine, as_of)), portfolio_projects(engine=engine, filters=filters)
    )
    return ownership if not ownership.empty else _ownership_frame([])


def _by_month(
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
    facts = _project_facts(engine)
    codes = pd.Index(facts["code"])
    starts = pd.to_datetime(facts["planned_start"]).to_numpy()
    closes = np.array([np.datetime64(month_end(month), "ns") for month in months])
    where = codes.get_indexer(stacked["project"])
    keep = (
        stacked["project"].isin(portfolio_projects(engine=engine, filters=latest)).to_numpy()
        & (where >= 0)
        & (starts[np.maximum(where, 0)] <= np.repeat(closes, lengths))
    )
    stacked.insert(0, "month", np.repeat(np.array(months, dtype=object), lengths))
    return stacked[keep].reset_index(drop=True)


def load_funding_by_months(*, engine: Engine, filters: Filters, months: list[dt.date]) -> pd.DataFrame:
    """`load_funding_by_project` with the filters replayed at each of `months` (as-of that
    month, as `services.single_view.period_for` replays them), in one pass: month, code,
    committed, n_funders, ordered by month and code."""
    split = _by_month(engine, filters, months, _funding_split_base, departments=False)
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


def load_ownership_by_months(*, engine: Engine, filters: Filters, months: list[dt.date]) -> pd.DataFrame:
    """`load_ownership` with the filters replayed at each of `months` (as-of that month), in
    one pass: month, then its columns, ordered by month and then as each month's frame."""
    return _by_month(engine, filters, months, _ownership_base)


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
        members = members[members["project"].isin(portfolio_projects(engine=engine, filters=latest))]
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
    distinct = np.unique(group * persons + person) // persons
    members = np.bincount(distinct, minlength=size)
    fte_cents = np.bincount(group, weights=cents, minlength=size)
    present, first = np.unique(group, return_index=True)
    return pd.DataFrame(
        {
            "project": projects[first],
            "department": departments[first],
            "members": members[present].astype("int64"),
            "fte": fte_cents[present] / 100,
        }
    )


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
