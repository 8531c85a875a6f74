"""What-if data: the baseline frames for a filter set, and saved scenarios.

Saved scenarios are the only thing this module writes; they never change a figure, so a
save or delete is audited but does not bump the data version.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from access.roles import EDIT_DATA, SAVE_SCENARIO, NotAllowed, User, check_allowed
from data_access.audit import record_change
from data_access.budget import (
    _line_conditions,
    load_budget_by_month,
    load_funding_shares,
    load_project_progress,
)
from data_access.models import (
    BudgetLine,
    CostCategory,
    Department,
    Project,
    SavedScenario,
)
from data_access.projects import load_insight_goals
from data_access.survey import load_respondent_scores, load_waves
from domain.filters import Filters
from domain.months import as_dates
from domain.scenario import BaselineFrames, Scenario
from domain.scenario_link import from_json, to_json

MAX_NAME_LENGTH = 200


class ScenarioNameTaken(ValueError):
    """Another saved scenario already has this name."""


def load_remaining_by_category(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Σ planned per month, project, funding department and cost category for the months
    after the as-of month (every line of the projects a selected department funds).

    Columns: month, project, department, category, planned.
    """
    query = (
        select(
            BudgetLine.month.label("month"),
            Project.code.label("project"),
            Department.code.label("department"),
            CostCategory.code.label("category"),
            func.coalesce(func.sum(BudgetLine.planned), 0.0).label("planned"),
        )
        .select_from(BudgetLine)
        .join(Project, Project.id == BudgetLine.project_id)
        .join(Department, Department.id == BudgetLine.department_id)
        .join(CostCategory, CostCategory.id == BudgetLine.category_id)
        .where(
            BudgetLine.month > filters.as_of,
            *_line_conditions(filters, start=None, end=None, department_filter="funders"),
        )
        .group_by(BudgetLine.month, Project.code, Department.code, CostCategory.code)
        .order_by(BudgetLine.month, Project.code, Department.code, CostCategory.code)
    )
    columns = ["month", "project", "department", "category", "planned"]
    with engine.connect() as conn:
        frame = pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)
    frame["month"] = as_dates(frame["month"])
    return frame.astype({"planned": "float64"})


def load_trust_by_dimension(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """For the latest wave fielded by the as-of month: per survey dimension and rating
    department, respondents, Σ adjusted score (reverse-coded items flipped) and answers.

    Columns: dimension, department, respondents, score_sum, answers (empty without a wave),
    ordered by dimension and department. From the memoised respondent cells
    (data_access.survey.load_respondent_scores); the same in SQL is tests/oracles.py."""
    columns = ["dimension", "department", "respondents", "score_sum", "answers"]
    types = {"respondents": "int64", "score_sum": "float64", "answers": "int64"}
    waves = load_waves(engine=engine, filters=filters)
    if waves.empty:
        return pd.DataFrame.from_records([], columns=columns).astype(types)
    # The latest by fielding date, the highest id on a tie (as the query ordered them).
    latest = max(zip(waves["fielded_on"], waves["id"].astype(int), strict=True))[1]
    cells = load_respondent_scores(engine=engine, filters=filters, wave_ids=[latest])
    if cells.empty:
        return pd.DataFrame.from_records([], columns=columns).astype(types)
    grouped = cells.groupby(["dimension", "department"], sort=True)
    frame = pd.DataFrame(
        {
            "respondents": grouped["respondent"].nunique(),
            "score_sum": grouped["score_sum"].sum(),
            "answers": grouped["answers"].sum(),
        }
    ).reset_index()
    rows = [tuple(row) for row in frame[columns].itertuples(index=False)]
    return pd.DataFrame.from_records(rows, columns=columns).astype(types)


REMAINING_COLUMNS = ["month", "project", "department", "category", "planned"]


def load_scenario_baseline(
    *, engine: Engine, filters: Filters, with_categories: bool = True
) -> BaselineFrames:
    """The baseline frames of kpis.scenario for one filter set (small, aggregated in the database).

    `with_categories=False` leaves remaining_by_category empty: only a cost-category lever
    needs it, and it is the one frame the budget_month rollup cannot give (it reads
    budget_line); add it with `load_remaining_by_category` when a scenario needs it
    (kpis.scenario.needs_categories).
    """
    budget = load_budget_by_month(
        engine=engine, filters=filters, by=("project", "department"), span="all", department_filter="funders"
    )
    goals = load_insight_goals(engine=engine, filters=filters)
    goals = goals.assign(
        target_date=as_dates(goals["target_date"]),
        achieved_date=pd.Series(as_dates(goals["achieved_date"]), index=goals.index, dtype=object),
    )
    return BaselineFrames(
        as_of=filters.as_of,
        budget=budget,
        remaining_by_category=load_remaining_by_category(engine=engine, filters=filters)
        if with_categories
        else pd.DataFrame(columns=REMAINING_COLUMNS).astype({"planned": "float64"}),
        funding=load_funding_shares(engine=engine, filters=filters),
        projects=load_project_progress(engine=engine, filters=filters),
        goals=goals,
        trust=load_trust_by_dimension(engine=engine, filters=filters),
        line_departments=filters.departments,
        fiscal_year_start_month=filters.fiscal_year_start_month,
    )


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ValueError("whatif.save.name_missing")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValueError("whatif.save.name_too_long")
    return cleaned


def save_scenario(*, engine: Engine, user: User, name: str, scenario: Scenario) -> int:
    """Store `scenario` under a unique `name` with the user as author; returns its id.

    Raises ScenarioNameTaken when the name is used, ValueError (an i18n key) for an empty
    or too long name or an empty scenario. The write is audited in the same transaction.
    """
    check_allowed(user, SAVE_SCENARIO.right)  # viewers read scenarios; saving is a shared write
    cleaned = _clean_name(name)
    if scenario.is_empty:
        raise ValueError("whatif.save.empty")
    params = to_json(scenario)
    created = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    try:
        with engine.begin() as conn:
            taken = conn.execute(select(SavedScenario.id).where(SavedScenario.name == cleaned)).first()
            if taken is not None:
                raise ScenarioNameTaken("whatif.save.name_taken")
            new_id = conn.execute(
                insert(SavedScenario)
                .values(name=cleaned, author=user.name, created_at=created, params=params)
                .returning(SavedScenario.id)
            ).scalar_one()
            record_change(
                conn,
                user_name=user.name,
                entity="saved_scenario",
                entity_id=new_id,
                action="insert",
                new={"name": cleaned, "author": user.name, "params": params},
            )
    except IntegrityError as exc:  # a concurrent save took the name first
        raise ScenarioNameTaken("whatif.save.name_taken") from exc
    return int(new_id)


def load_saved_scenarios(*, engine: Engine) -> pd.DataFrame:
    """Every saved scenario, newest first: id, name, author, created_at."""
    query = select(
        SavedScenario.id, SavedScenario.name, SavedScenario.author, SavedScenario.created_at
    ).order_by(SavedScenario.created_at.desc(), SavedScenario.id.desc())
    with engine.connect() as conn:
        return pd.DataFrame.from_records(
            [tuple(row) for row in conn.execute(query)], columns=["id", "name", "author", "created_at"]
        )


def load_saved_scenario(*, engine: Engine, key: str) -> tuple[int, str, str, Scenario] | None:
    """The saved scenario with id `key` (digits) or name `key`: (id, name, author, Scenario).

    None when there is none; ScenarioError when its stored params cannot be read.
    """
    text = str(key).strip()
    condition = SavedScenario.name == text
    if text.isdigit() and len(text) < 12:
        condition = (SavedScenario.id == int(text)) | condition
    query = (
        select(SavedScenario.id, SavedScenario.name, SavedScenario.author, SavedScenario.params)
        .where(condition)
        .order_by(SavedScenario.id)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return int(row.id), str(row.name), str(row.author), from_json(row.params)


def may_delete(user: User, author: str) -> bool:
    """Only the author, or a user with the right to edit data, may delete a saved scenario."""
    return user.name == author or user.may(EDIT_DATA)


def delete_scenario(*, engine: Engine, user: User, scenario_id: int) -> bool:
    """Delete a saved scenario; False when it does not exist. Raises access.roles.NotAllowed
    unless `user` is its author or may edit data. Audited in the same transaction."""
    with engine.begin() as conn:
        row = conn.execute(
            select(SavedScenario.name, SavedScenario.author, SavedScenario.params).where(
                SavedScenario.id == int(scenario_id)
            )
        ).first()
        if row is None:
            return False
        if not may_delete(user, row.author):
            raise NotAllowed("whatif.delete.not_allowed")
        conn.execute(delete(SavedScenario).where(SavedScenario.id == int(scenario_id)))
        record_change(
            conn,
            user_name=user.name,
            entity="saved_scenario",
            entity_id=int(scenario_id),
            action="delete",
            old={"name": row.name, "author": row.author, "params": row.params},
        )
    return True
