"""The audit trail: every write records who changed what, when, with old and new values."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Row, Table, insert, select, update

from data_access.models import AuditLog


def _json(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, default=str, ensure_ascii=False, sort_keys=True)


def record_change(
    conn: Connection,
    *,
    user_name: str,
    entity: str,
    entity_id: str | int,
    action: str,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """Append one audit row inside the caller's transaction (so it lands with the change or not at all)."""
    conn.execute(
        insert(AuditLog).values(
            at=now(),
            user_name=user_name,
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            old_values=_json(old),
            new_values=_json(new),
        )
    )


def now() -> dt.datetime:
    """The time audit rows and versioned rows record: UTC without a time zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys of `new` whose value differs from `old`: (their old values, their new values)."""
    changed = [key for key in new if old.get(key) != new[key]]
    return {k: old.get(k) for k in changed}, {k: new[k] for k in changed}


# Versioned rows (created_by, created_at, version): written by these three only, so every
# insert and every update is audited in its transaction and an update never overwrites a
# change the caller has not seen (optimistic locking on `version`, the row locked first).


def insert_audited(
    conn: Connection,
    table: Table,
    values: dict[str, Any],
    *,
    user_name: str,
    entity: str,
    audited: dict[str, Any] | None = None,
) -> int:
    """Insert a versioned row (version 1, created by `user_name` now) and its "create" audit
    row with `audited` (default: `values`); the new row's id."""
    row_id = conn.execute(
        insert(table)
        .values(**values, created_by=user_name, created_at=now(), version=1)
        .returning(table.c.id)
    ).scalar_one()
    record_change(
        conn,
        user_name=user_name,
        entity=entity,
        entity_id=row_id,
        action="create",
        new=values if audited is None else audited,
    )
    return int(row_id)


def locked_row(conn: Connection, table: Table, row_id: int) -> Row[Any] | None:
    """Lock a versioned row for the rest of the transaction (SELECT ... FOR UPDATE; SQLite's
    write transaction serialises writers anyway) and return its id and version, or None when
    it does not exist (any more)."""
    return conn.execute(
        select(table.c.id, table.c.version).where(table.c.id == row_id).with_for_update()
    ).first()


def update_audited(
    conn: Connection,
    table: Table,
    row_id: int,
    *,
    expected_version: int,
    values: dict[str, Any],
    old: Mapping[str, Any],
    audited: Mapping[str, Any],
    user_name: str,
    entity: str,
    action: str,
    conflict: Callable[[], Exception],
) -> int:
    """Write `values` to a versioned row still at `expected_version` (else `conflict()` is
    raised and nothing written) and audit what changed between `old` and `audited`, with
    the versions; the new version."""
    result = conn.execute(
        update(table)
        .where(table.c.id == row_id, table.c.version == expected_version)
        .values(**values, version=table.c.version + 1)
    )
    if result.rowcount == 0:
        raise conflict()
    old_values, new_values = changes(old, audited)
    record_change(
        conn,
        user_name=user_name,
        entity=entity,
        entity_id=row_id,
        action=action,
        old=old_values | {"version": expected_version},
        new=new_values | {"version": expected_version + 1},
    )
    return expected_version + 1


def load_audit_trail(
    *, engine: Engine, entity: str | None = None, entity_id: str | None = None
) -> pd.DataFrame:
    """Audit rows, newest first: at, user_name, entity, entity_id, action, old_values, new_values."""
    query = select(
        AuditLog.at,
        AuditLog.user_name,
        AuditLog.entity,
        AuditLog.entity_id,
        AuditLog.action,
        AuditLog.old_values,
        AuditLog.new_values,
    ).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if entity is not None:
        query = query.where(AuditLog.entity == entity)
    if entity_id is not None:
        query = query.where(AuditLog.entity_id == str(entity_id))
    columns = ["at", "user_name", "entity", "entity_id", "action", "old_values", "new_values"]
    with engine.connect() as conn:
        return pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)
