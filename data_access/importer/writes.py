"""Writing rows inside the caller's transaction: inserts in chunks (the importer's and the
demo's) and a plan's removals."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, update

from data_access.importer.kind_plan import KindPlan

CHUNK = 5_000


def chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows (column name -> value) in chunks inside the caller's transaction; the
    number inserted. The importer's inserts and the demo's go through here."""
    for chunk in chunks(rows):
        conn.execute(insert(table), list(chunk))
    return len(rows)


def _write_removals(conn: Connection, table: Table, plan: KindPlan) -> None:
    by_action: dict[str, list[int]] = {}
    for row_id, action in plan.removals:
        by_action.setdefault(action, []).append(row_id)
    for action, ids in by_action.items():
        for chunk in chunks(ids):
            if action == "delete":
                conn.execute(delete(table).where(table.c.id.in_(chunk)))
            elif action == "clear_actual":
                conn.execute(update(table).where(table.c.id.in_(chunk)).values(actual=None))
            elif action == "zero_plan":
                conn.execute(update(table).where(table.c.id.in_(chunk)).values(planned=0.0))
