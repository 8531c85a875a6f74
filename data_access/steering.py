"""The steering log: decisions and actions per meeting month, written with an audit trail.

Every write checks the user's right, validates (kpis.steering), and runs in one transaction
with its audit row and a data-version bump. Updates use optimistic concurrency: the caller
passes the `version` it read; `UPDATE ... WHERE id = :id AND version = :expected` changes
nothing when someone else saved in between, and ConflictError then carries the current row
and who changed it when, so nothing is overwritten silently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, select

from access.roles import EDIT_DATA, NotAllowed, User
from data_access.audit import insert_audited, locked_row, update_audited
from data_access.engine import bump_data_version
from data_access.models import AuditLog, Department, Project, SteeringAction, SteeringDecision
from domain.months import as_date
from domain.statuses import OPEN_STATUSES
from domain.steering import Problem, ValidationFailed, validate_action, validate_close, validate_decision

ACTION_ENTITY = "steering_action"
DECISION_ENTITY = "steering_decision"
ACTION_COLUMNS = [
    "id",
    "meeting_month",
    "decision_id",
    "decision_title",
    "title",
    "owner_department",
    "owner_person",
    "due_date",
    "status",
    "closed_on",
    "created_by",
    "created_at",
    "version",
]
DECISION_COLUMNS = [
    "id",
    "meeting_month",
    "title",
    "description",
    "project",
    "created_by",
    "created_at",
    "version",
]


class NotFound(LookupError):
    """The decision or action does not exist (any more)."""


class ConflictError(RuntimeError):
    """Someone saved the row after the caller read it; the caller's change was not saved.

    `current` is the row as it is now (a dict), `changed_by` and `changed_at` the last
    audited change (None if unknown).
    """

    def __init__(self, *, current: dict[str, Any], changed_by: str | None, changed_at: dt.datetime | None):
        super().__init__(
            f"Changed meanwhile by {changed_by} at {changed_at}; now version {current['version']}"
        )
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at


def _check_right(user: User) -> None:
    if not user.may(EDIT_DATA):
        raise NotAllowed("auth.not_allowed")


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ValidationFailed(problems)


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def _action_query():  # noqa: ANN202 - a select() built once per call
    return (
        select(
            SteeringAction.id,
            SteeringAction.meeting_month,
            SteeringAction.decision_id,
            SteeringDecision.title.label("decision_title"),
            SteeringAction.title,
            Department.code.label("owner_department"),
            SteeringAction.owner_person,
            SteeringAction.due_date,
            SteeringAction.status,
            SteeringAction.closed_on,
            SteeringAction.created_by,
            SteeringAction.created_at,
            SteeringAction.version,
        )
        .join(Department, Department.id == SteeringAction.owner_department_id)
        .outerjoin(SteeringDecision, SteeringDecision.id == SteeringAction.decision_id)
    )


def _frame(rows: list[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def load_actions(
    *,
    engine: Engine,
    meeting_month: dt.date | None = None,
    open_only: bool = False,
    up_to_month: dt.date | None = None,
) -> pd.DataFrame:
    """Actions, by meeting month then due date: the columns in ACTION_COLUMNS.

    `meeting_month` keeps one meeting; `open_only` keeps open and in-progress actions;
    `up_to_month` keeps meetings on or before that month (for as-of replay). The steering
    log is small (a handful of actions a month), so rows rather than aggregates come back.
    """
    query = _action_query().order_by(SteeringAction.meeting_month, SteeringAction.due_date, SteeringAction.id)
    if meeting_month is not None:
        query = query.where(SteeringAction.meeting_month == meeting_month)
    if up_to_month is not None:
        query = query.where(SteeringAction.meeting_month <= up_to_month)
    if open_only:
        query = query.where(SteeringAction.status.in_(OPEN_STATUSES))
    with engine.connect() as conn:
        return _frame(conn.execute(query).all(), ACTION_COLUMNS)


def load_action(*, engine: Engine, action_id: int) -> dict[str, Any] | None:
    """One action as a dict (ACTION_COLUMNS), or None when it does not exist."""
    with engine.connect() as conn:
        row = conn.execute(_action_query().where(SteeringAction.id == action_id)).mappings().first()
    return dict(row) if row else None


def load_decisions(*, engine: Engine, meeting_month: dt.date | None = None) -> pd.DataFrame:
    """Decisions (DECISION_COLUMNS), by meeting month then creation; `project` is its code."""
    query = (
        select(
            SteeringDecision.id,
            SteeringDecision.meeting_month,
            SteeringDecision.title,
            SteeringDecision.description,
            Project.code.label("project"),
            SteeringDecision.created_by,
            SteeringDecision.created_at,
            SteeringDecision.version,
        )
        .outerjoin(Project, Project.id == SteeringDecision.project_id)
        .order_by(SteeringDecision.meeting_month, SteeringDecision.created_at, SteeringDecision.id)
    )
    if meeting_month is not None:
        query = query.where(SteeringDecision.meeting_month == meeting_month)
    with engine.connect() as conn:
        return _frame(conn.execute(query).all(), DECISION_COLUMNS)


def load_meeting_months(*, engine: Engine) -> list[dt.date]:
    """Every month that has a decision or an action, oldest first."""
    query = select(SteeringDecision.meeting_month).union(select(SteeringAction.meeting_month))
    with engine.connect() as conn:
        values = conn.execute(query).scalars().all()
    return sorted({as_date(v) for v in values})


def load_steering_trail(*, engine: Engine, limit: int = 200) -> pd.DataFrame:
    """The latest audit rows of decisions and actions: at, user_name, entity, entity_id, action, old, new."""
    query = (
        select(
            AuditLog.at,
            AuditLog.user_name,
            AuditLog.entity,
            AuditLog.entity_id,
            AuditLog.action,
            AuditLog.old_values,
            AuditLog.new_values,
        )
        .where(AuditLog.entity.in_((ACTION_ENTITY, DECISION_ENTITY)))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    columns = ["at", "user_name", "entity", "entity_id", "action", "old_values", "new_values"]
    with engine.connect() as conn:
        return _frame(conn.execute(query).all(), columns)


def _department_id(conn: Connection, code: str) -> int:
    found = conn.scalar(select(Department.id).where(Department.code == code))
    if found is None:
        raise ValidationFailed([Problem("owner_department", "steering.error.owner_department_unknown")])
    return int(found)


def _project_id(conn: Connection, code: str | None) -> int | None:
    if not code:
        return None
    found = conn.scalar(select(Project.id).where(Project.code == code))
    if found is None:
        raise ValidationFailed([Problem("project", "steering.error.project_unknown")])
    return int(found)


def _last_change(conn: Connection, entity: str, entity_id: int) -> tuple[str | None, dt.datetime | None]:
    row = conn.execute(
        select(AuditLog.user_name, AuditLog.at)
        .where(AuditLog.entity == entity, AuditLog.entity_id == str(entity_id))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(1)
    ).first()
    return (row.user_name, row.at) if row else (None, None)


def _conflict(conn: Connection, entity: str, entity_id: int, current: dict[str, Any]) -> ConflictError:
    changed_by, changed_at = _last_change(conn, entity, entity_id)
    return ConflictError(current=current, changed_by=changed_by, changed_at=changed_at)


def _decision(conn: Connection, decision_id: int) -> dict[str, Any]:
    """The decision's row as stored (every column)."""
    table = SteeringDecision.__table__
    return dict(conn.execute(select(*table.c).where(table.c.id == decision_id)).mappings().one())


def _action(conn: Connection, action_id: int) -> dict[str, Any]:
    """The action as `load_action` gives it (owner department as a code)."""
    return dict(conn.execute(_action_query().where(SteeringAction.id == action_id)).mappings().one())


def create_decision(
    *,
    engine: Engine,
    user: User,
    meeting_month: dt.date,
    title: str,
    description: str | None = None,
    project_code: str | None = None,
) -> int:
    """Record a decision of a meeting; returns its id. Audited; refuses users without EDIT_DATA."""
    _check_right(user)
    _raise_if(validate_decision(meeting_month=meeting_month, title=title, description=description))
    with engine.begin() as conn:
        values = {
            "meeting_month": meeting_month,
            "title": title.strip(),
            "description": _clean(description),
            "project_id": _project_id(conn, project_code),
        }
        decision_id = insert_audited(
            conn, SteeringDecision.__table__, values, user_name=user.name, entity=DECISION_ENTITY
        )
        bump_data_version(conn)
    return decision_id


def update_decision(
    *,
    engine: Engine,
    user: User,
    decision_id: int,
    expected_version: int,
    title: str,
    description: str | None = None,
    project_code: str | None = None,
) -> int:
    """Change a decision's title, description or project; returns the new version.

    Raises ConflictError when the decision is no longer at `expected_version`.
    """
    _check_right(user)
    table = SteeringDecision.__table__
    with engine.begin() as conn:
        locked = locked_row(conn, table, decision_id)
        if locked is None:
            raise NotFound(decision_id)
        old_row = _decision(conn, decision_id)
        if locked.version != expected_version:
            raise _conflict(conn, DECISION_ENTITY, decision_id, old_row)
        _raise_if(
            validate_decision(meeting_month=old_row["meeting_month"], title=title, description=description)
        )
        new = {
            "title": title.strip(),
            "description": _clean(description),
            "project_id": _project_id(conn, project_code),
        }
        version = update_audited(
            conn,
            table,
            decision_id,
            expected_version=expected_version,
            values=new,
            old=old_row,
            audited=new,
            user_name=user.name,
            entity=DECISION_ENTITY,
            action="update",
            conflict=lambda: _conflict(conn, DECISION_ENTITY, decision_id, _decision(conn, decision_id)),
        )
        bump_data_version(conn)
    return version


def create_action(
    *,
    engine: Engine,
    user: User,
    meeting_month: dt.date,
    title: str,
    owner_department: str,
    owner_person: str,
    due_date: dt.date,
    status: str = "open",
    closed_on: dt.date | None = None,
    decision_id: int | None = None,
) -> int:
    """Record an action of a meeting (owner department by code); returns its id. Audited."""
    _check_right(user)
    _raise_if(
        validate_action(
            meeting_month=meeting_month,
            title=title,
            owner_department=owner_department,
            owner_person=owner_person,
            due_date=due_date,
            status=status,
            closed_on=closed_on,
        )
    )
    with engine.begin() as conn:
        department_id = _department_id(conn, owner_department)
        if (
            decision_id is not None
            and conn.scalar(select(SteeringDecision.id).where(SteeringDecision.id == decision_id)) is None
        ):
            raise ValidationFailed([Problem("decision", "steering.error.decision_unknown")])
        values = {
            "meeting_month": meeting_month,
            "decision_id": decision_id,
            "title": title.strip(),
            "owner_department_id": department_id,
            "owner_person": owner_person.strip(),
            "due_date": due_date,
            "status": status,
            "closed_on": closed_on,
        }
        audited = {k: v for k, v in values.items() if k != "owner_department_id"}
        action_id = insert_audited(
            conn,
            SteeringAction.__table__,
            values,
            user_name=user.name,
            entity=ACTION_ENTITY,
            audited=audited | {"owner_department": owner_department},
        )
        bump_data_version(conn)
    return action_id


def _write_action(
    *, engine: Engine, user: User, action_id: int, expected_version: int, changes: dict[str, Any], verb: str
) -> int:
    """Apply `changes` (owner_department as a code) if the action is still at `expected_version`."""
    with engine.begin() as conn:
        locked = locked_row(conn, SteeringAction.__table__, action_id)
        if locked is None:
            raise NotFound(action_id)
        old = _action(conn, action_id)
        if locked.version != expected_version:
            raise _conflict(conn, ACTION_ENTITY, action_id, old)
        merged = old | changes
        _raise_if(
            validate_action(
                meeting_month=old["meeting_month"],
                title=merged["title"],
                owner_department=merged["owner_department"],
                owner_person=merged["owner_person"],
                due_date=merged["due_date"],
                status=merged["status"],
                closed_on=merged["closed_on"],
            )
        )
        values = dict(changes)
        if "owner_department" in values:
            values["owner_department_id"] = _department_id(conn, values.pop("owner_department"))
        if isinstance(values.get("title"), str):
            values["title"] = values["title"].strip()
        if isinstance(values.get("owner_person"), str):
            values["owner_person"] = values["owner_person"].strip()
        audited_new = {k: v for k, v in values.items() if k != "owner_department_id"}
        if "owner_department" in changes:
            audited_new["owner_department"] = changes["owner_department"]
        version = update_audited(
            conn,
            SteeringAction.__table__,
            action_id,
            expected_version=expected_version,
            values=values,
            old=old,
            audited=audited_new,
            user_name=user.name,
            entity=ACTION_ENTITY,
            action=verb,
            conflict=lambda: _conflict(conn, ACTION_ENTITY, action_id, _action(conn, action_id)),
        )
        bump_data_version(conn)
    return version


def update_action(
    *,
    engine: Engine,
    user: User,
    action_id: int,
    expected_version: int,
    title: str,
    owner_department: str,
    owner_person: str,
    due_date: dt.date,
    status: str,
    closed_on: dt.date | None = None,
) -> int:
    """Change an action; returns the new version. Audited with old and new values.

    Raises ConflictError (nothing written) when the action is no longer at
    `expected_version`, ValidationFailed for bad input, NotAllowed without EDIT_DATA.
    Setting an open status clears nothing by itself: pass closed_on=None to reopen.
    """
    _check_right(user)
    return _write_action(
        engine=engine,
        user=user,
        action_id=action_id,
        expected_version=expected_version,
        changes={
            "title": title,
            "owner_department": owner_department,
            "owner_person": owner_person,
            "due_date": due_date,
            "status": status,
            "closed_on": closed_on,
        },
        verb="update",
    )


def close_action(
    *,
    engine: Engine,
    user: User,
    action_id: int,
    expected_version: int,
    closed_on: dt.date,
    status: str = "done",
) -> int:
    """Close an action as done or cancelled on `closed_on`; returns the new version. Audited."""
    _check_right(user)
    current = load_action(engine=engine, action_id=action_id)
    if current is None:
        raise NotFound(action_id)
    if current["status"] not in OPEN_STATUSES and current["version"] == expected_version:
        raise ValidationFailed([Problem("status", "steering.error.already_closed")])
    _raise_if(validate_close(status=status, closed_on=closed_on, meeting_month=current["meeting_month"]))
    return _write_action(
        engine=engine,
        user=user,
        action_id=action_id,
        expected_version=expected_version,
        changes={"status": status, "closed_on": closed_on},
        verb="close",
    )
