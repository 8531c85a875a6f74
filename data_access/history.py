"""The recorded history of ownership, funding, team membership and project status.

Triggers (migration 0013) keep one row per version in the *_history tables with
valid_from/valid_to. A month's state is the versions valid at its close: valid_from on or
before the month's last day and valid_to (exclusive) after it or NULL. Before
`history_start` nothing was recorded: those months get the state at history_start (the
assumed starting state), and pages say so (`months_before_history`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, func, or_, select, union_all

from data_access.engine import version_is_known
from data_access.memo import memoised_result
from data_access.models import (
    AppState,
    Funding,
    FundingHistory,
    HouseRuleHistory,
    Ownership,
    OwnershipHistory,
    ProjectStatusHistory,
    ResponsibilityArea,
    TeamMemberHistory,
)
from domain.months import as_date, month_end

HISTORY_START_KEY = "history_start"
HISTORY_TABLES = (OwnershipHistory, FundingHistory, TeamMemberHistory, ProjectStatusHistory, HouseRuleHistory)


def load_history_start(*, engine: Engine) -> dt.date | None:
    """The first day with recorded history: app_state "history_start" (set when history was
    introduced on existing data, or by the demo), else the earliest valid_from of any
    version, else None (nothing recorded yet).

    Inside one of the app's cached calls (the data version known) the answer is memoised
    per data version: a single view asks for it a dozen times. Elsewhere it is one query,
    as cheap as reading the version would be."""
    if version_is_known(engine):
        return memoised_result(engine=engine, name="history.start", key=None, compute=_history_start)
    return _history_start(engine)


def _history_start(engine: Engine) -> dt.date | None:
    with engine.connect() as conn:
        stored = conn.scalar(select(AppState.value).where(AppState.key == HISTORY_START_KEY))
        if stored:
            return dt.date.fromisoformat(stored[:10])
        earliest = conn.scalar(
            select(
                func.min(union_all(*(select(t.valid_from.label("d")) for t in HISTORY_TABLES)).subquery().c.d)
            )
        )
    if earliest is None:
        return None
    return as_date(earliest)


def set_history_start(conn: Any, day: dt.date) -> None:
    """Record where history begins (inside the caller's transaction)."""
    found = conn.execute(select(AppState.key).where(AppState.key == HISTORY_START_KEY)).first()
    if found:
        conn.execute(
            AppState.__table__.update().where(AppState.key == HISTORY_START_KEY).values(value=day.isoformat())
        )
    else:
        conn.execute(AppState.__table__.insert().values(key=HISTORY_START_KEY, value=day.isoformat()))


def state_day(month: dt.date, history_start: dt.date | None) -> dt.date:
    """The day whose recorded state a month is replayed with: its close, or history_start
    when the month closed before history began."""
    close = month_end(month)
    return max(close, history_start) if history_start is not None else close


def valid_on(table: Any, day: dt.date) -> ColumnElement[bool]:
    """The versions of `table` in force at the end of `day`."""
    return and_(table.valid_from <= day, or_(table.valid_to.is_(None), table.valid_to > day))


def months_before_history(months: list[dt.date], history_start: dt.date | None) -> tuple[dt.date, ...]:
    """Those of `months` that closed before history began (their state is assumed, not recorded)."""
    if history_start is None:
        return ()
    return tuple(m for m in months if month_end(m) < history_start)


def replay_day(engine: Engine, as_of: dt.date | None) -> dt.date | None:
    """The day whose recorded state replays the month `as_of` (None: the current state)."""
    if as_of is None:
        return None
    return state_day(as_of, load_history_start(engine=engine))


def ownership_rows(day: dt.date | None) -> Any:
    """Ownership rows (id, project_id, area_id, department_id): the current table, or the
    versions in force at the end of `day`."""
    if day is None:
        return Ownership.__table__
    return (
        select(
            OwnershipHistory.id,
            OwnershipHistory.project_id,
            OwnershipHistory.area_id,
            OwnershipHistory.department_id,
        )
        .where(valid_on(OwnershipHistory, day))
        .subquery("ownership_then")
    )


def funding_rows(day: dt.date | None) -> Any:
    """Funding rows (project_id, department_id, committed_amount, agreed_share): the current
    table, or the versions in force at the end of `day`."""
    if day is None:
        return Funding.__table__
    return (
        select(
            FundingHistory.project_id,
            FundingHistory.department_id,
            FundingHistory.committed_amount,
            FundingHistory.agreed_share,
        )
        .where(valid_on(FundingHistory, day))
        .subquery("funding_then")
    )


def house_rule_rows(day: dt.date | None) -> Any:
    """The house rule (area_id, expected_department_id): now, or in force at the end of `day`."""
    if day is None:
        return select(
            ResponsibilityArea.id.label("area_id"), ResponsibilityArea.expected_department_id
        ).subquery("rule_now")
    return (
        select(HouseRuleHistory.area_id, HouseRuleHistory.expected_department_id)
        .where(valid_on(HouseRuleHistory, day))
        .subquery("rule_then")
    )
