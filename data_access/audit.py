"""The audit trail: every write records who changed what, when, with old and new values."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

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
            at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            user_name=user_name,
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            old_values=_json(old),
            new_values=_json(new),
        )
    )


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
