"""Writing the demo into a migrated, empty database: natural keys to ids, rows through the
importer's store (`insert_rows`, and `insert_columns` for the large tables), the steering
log, the history's past versions and the data version, all in one transaction."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from data_access.demo.build import DemoData, build_demo_data
from data_access.demo.fixtures import AREAS, DEPARTMENTS, MEETINGS, STEERING, WAVES
from data_access.demo.specs import projects_for_budget_lines
from data_access.demo.timeline import (
    CREATED_BY,
    DEFAULT_SEED,
    DEMO_FIRST_MONTH,
    DEMO_HISTORY_START,
    DEMO_OWNERSHIP_CHANGE,
    DEMO_STATUS_CHANGE,
    MONTHS,
    month_at,
    month_end,
    parse_month,
)
from data_access.engine import bump_data_version
from data_access.history import HISTORY_TABLES, set_history_start
from data_access.importer.store import insert_columns, insert_rows, load_ids, table_of
from data_access.models import Department, OwnershipHistory, ProjectStatusHistory


class _Counts(dict[str, int]):
    """Rows inserted per table, in the order the tables were written."""

    def rows(self, conn: Connection, table: str, rows: list[dict[str, Any]]) -> None:
        self[table] = self.get(table, 0) + insert_rows(conn, table_of(table), rows)

    def columns(self, conn: Connection, table: str, values: dict[str, list[Any]]) -> None:
        self[table] = self.get(table, 0) + insert_columns(conn, table_of(table), values)


def _budget_columns(
    data: DemoData, project: dict[str, int], dept: dict[str, int], category: dict[str, int]
) -> dict[str, list[Any]]:
    lines = data.lines
    project_ids = np.array([project[s.code] for s in data.projects], dtype=np.int64)
    dept_ids = np.array([dept[code] for code, _, _ in DEPARTMENTS], dtype=np.int64)
    category_ids = np.array([category[code] for code, _, _ in data.categories], dtype=np.int64)
    return {
        "project_id": project_ids[lines["project"]].tolist(),
        "month": [MONTHS[m] for m in lines["month"].tolist()],
        "department_id": dept_ids[lines["dept"]].tolist(),
        "category_id": category_ids[lines["category"]].tolist(),
        "planned": lines["planned"].tolist(),
        "actual": [None if math.isnan(a) else a for a in lines["actual"].tolist()],
    }


def _response_columns(
    data: DemoData, wave: dict[str, int], dept: dict[str, int], item: dict[str, int]
) -> dict[str, list[Any]]:
    responses = data.responses
    wave_ids = np.array([wave[c] for c, _, _ in WAVES], dtype=np.int64)
    dept_ids = np.array([dept[code] for code, _, _ in DEPARTMENTS], dtype=np.int64)
    item_ids = np.array([item[i["code"]] for i in data.items], dtype=np.int64)
    return {
        "wave_id": wave_ids[responses["wave"]].tolist(),
        "respondent_ref": [data.respondent_refs[r] for r in responses["respondent"].tolist()],
        "department_id": dept_ids[responses["dept"]].tolist(),
        "item_id": item_ids[responses["item"]].tolist(),
        "score": responses["score"].tolist(),
    }


def write_demo(conn: Connection, data: DemoData) -> dict[str, int]:
    """Insert every row of `data`; rows inserted per table."""
    counts = _Counts()
    names = ("code", "name_nl", "name_en")
    counts.rows(conn, "department", [dict(zip(names, row, strict=True)) for row in DEPARTMENTS])
    dept = load_ids(conn, "departments")
    counts.rows(conn, "cost_category", [dict(zip(names, row, strict=True)) for row in data.categories])
    category = load_ids(conn, "cost_categories")
    counts.rows(
        conn,
        "responsibility_area",
        [
            {"code": c, "name_nl": nl, "name_en": en, "expected_department_id": dept[d]}
            for c, nl, en, d in AREAS
        ],
    )
    area = load_ids(conn, "responsibility_areas")
    counts.rows(
        conn,
        "project",
        [
            {
                "code": s.code,
                "name": s.name,
                "goal": s.goal,
                "status": s.status,
                "planned_start": month_at(s.start),
                "planned_end": month_end(s.end),
                "actual_end": s.actual_end,
                "rag": s.rag,
                "rag_reason": s.rag_reason,
            }
            for s in data.projects
        ],
    )
    project = load_ids(conn, "projects")
    counts.rows(
        conn,
        "funding",
        [
            {
                "project_id": project[p],
                "department_id": dept[d],
                "committed_amount": amount,
                "agreed_share": share,
            }
            for p, d, amount, share in data.funding
        ],
    )
    counts.rows(
        conn,
        "ownership",
        [
            {"project_id": project[p], "area_id": area[a], "department_id": dept[d]}
            for p, a, d in data.ownership
        ],
    )
    counts.rows(
        conn,
        "team_member",
        [
            {
                "project_id": project[p],
                "person_ref": ref,
                "department_id": dept[d],
                "fte": fte,
                "start_month": start,
                "end_month": end,
            }
            for p, ref, d, fte, start, end in data.team
        ],
    )
    counts.rows(
        conn,
        "insight_goal",
        [
            {
                "project_id": project[s.code],
                "code": g.code,
                "goal": g.goal,
                "measure": g.measure,
                "target_value": g.target_value,
                "target_date": g.target_date,
                "achieved_value": g.achieved_value,
                "achieved_date": g.achieved_date,
            }
            for s in data.projects
            for g in s.goals
        ],
    )
    counts.columns(conn, "budget_line", _budget_columns(data, project, dept, category))
    counts.rows(
        conn,
        "progress",
        [{"project_id": project[p], "month": m, "pct_complete": pct} for p, m, pct in data.progress],
    )
    counts.rows(conn, "survey_wave", [{"code": c, "name": n, "fielded_on": d} for c, n, d in WAVES])
    wave = load_ids(conn, "survey_waves")
    counts.rows(
        conn,
        "survey_invitation",
        [{"wave_id": wave[w], "department_id": dept[d], "invited_count": n} for w, d, n in data.invitations],
    )
    counts.rows(
        conn,
        "survey_item",
        [
            {
                "code": i["code"],
                "text_nl": i["text_nl"],
                "text_en": i["text_en"],
                "dimension": i["dimension"],
                "rated_department_id": dept[i["rated"]],
                "reverse_coded": i["reverse_coded"],
            }
            for i in data.items
        ],
    )
    item = load_ids(conn, "survey_items")
    counts.columns(conn, "survey_response", _response_columns(data, wave, dept, item))
    counts.rows(
        conn,
        "survey_comment",
        [
            {
                "wave_id": wave[w],
                "respondent_ref": ref,
                "department_id": dept[d],
                "dimension": dim,
                "text": text,
            }
            for w, ref, d, dim, text in data.comments
        ],
    )
    _write_steering(conn, project, dept, counts)
    return dict(counts)


def _write_steering(conn: Connection, project: dict[str, int], dept: dict[str, int], counts: _Counts) -> None:
    """The steering log: each decision (its id for its actions), then its actions."""
    decisions: Table = table_of("steering_decision")
    counts.setdefault("steering_decision", 0)
    counts.setdefault("steering_action", 0)
    for number, (meeting, code, title, description, planned_actions) in enumerate(STEERING):
        held = MEETINGS[meeting] + timedelta(minutes=10 * number)
        decision_id = conn.execute(
            insert(decisions).returning(decisions.c.id),
            {
                "meeting_month": month_at(parse_month(meeting)),
                "title": title,
                "description": description,
                "project_id": project[code] if code else None,
                "created_by": CREATED_BY,
                "created_at": held,
                "version": 1,
            },
        ).scalar_one()
        counts["steering_decision"] += 1
        counts.rows(
            conn,
            "steering_action",
            [
                {
                    "meeting_month": month_at(parse_month(meeting)),
                    "decision_id": decision_id,
                    "title": a_title,
                    "owner_department_id": dept[a_dept],
                    "owner_person": owner,
                    "due_date": due,
                    "status": status,
                    "closed_on": closed,
                    "created_by": CREATED_BY,
                    "created_at": held + timedelta(minutes=2 + k),
                    "version": 1,
                }
                for k, (a_title, a_dept, owner, due, status, closed) in enumerate(planned_actions)
            ],
        )


def write_history(conn: Connection) -> None:
    """Date the versions the triggers just recorded, and add the demo's two past versions."""
    for table in HISTORY_TABLES:
        conn.execute(update(table).values(valid_from=DEMO_FIRST_MONTH))
    set_history_start(conn, DEMO_HISTORY_START)
    projects = load_ids(conn, "projects")
    areas = load_ids(conn, "responsibility_areas")
    departments = load_ids(conn, "departments")
    code, area, old_department, changed_on = DEMO_OWNERSHIP_CHANGE
    current = OwnershipHistory.project_id == projects[code], OwnershipHistory.area_id == areas[area]
    row_id = conn.scalar(select(OwnershipHistory.ownership_id).where(*current))
    conn.execute(update(OwnershipHistory).where(*current).values(valid_from=changed_on))
    conn.execute(
        insert(OwnershipHistory).values(
            ownership_id=row_id,
            project_id=projects[code],
            area_id=areas[area],
            department_id=departments[old_department],
            valid_from=DEMO_FIRST_MONTH,
            valid_to=changed_on,
        )
    )
    code, old_status, changed_on = DEMO_STATUS_CHANGE
    conn.execute(
        update(ProjectStatusHistory)
        .where(ProjectStatusHistory.project_id == projects[code])
        .values(valid_from=changed_on)
    )
    conn.execute(
        insert(ProjectStatusHistory).values(
            project_id=projects[code], status=old_status, valid_from=DEMO_FIRST_MONTH, valid_to=changed_on
        )
    )


def _has_departments(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.scalar(select(func.count()).select_from(Department.__table__)))


def seed_demo(
    engine: Engine,
    *,
    scale: str = "demo",
    seed: int = DEFAULT_SEED,
    n_projects: int | None = None,
    budget_lines_target: int | None = None,
) -> dict[str, int]:
    """Fill an already migrated database with demo data; rows inserted per table.

    Everything is written in one transaction that also bumps the data version. A database
    that already holds a department is left alone and {} is returned, so seeding twice (or
    two processes seeding at once) never duplicates data. `n_projects` (or
    `budget_lines_target`, about 600 lines per project) sizes the "large" scale.
    """
    if budget_lines_target is not None:
        if n_projects is not None:
            raise ValueError("give n_projects or budget_lines_target, not both")
        n_projects = projects_for_budget_lines(budget_lines_target)
        scale = "large"
    if _has_departments(engine):
        return {}
    data = build_demo_data(scale=scale, seed=seed, n_projects=n_projects)
    try:
        with engine.begin() as conn:
            if conn.scalar(select(func.count()).select_from(Department.__table__)):
                return {}
            counts = write_demo(conn, data)
            write_history(conn)
            bump_data_version(conn)
    except (IntegrityError, OperationalError):
        # Another process seeded at the same time and won the race: nothing to do.
        if _has_departments(engine):
            return {}
        raise
    return counts
