"""The database side of an import: codes to ids, existing rows by natural key, the plan
(insert, update, unchanged, removed) and writing it inside the caller's transaction.

By role: codes (codes to ids), kind_plan (the plan row by row), bulk (budget lines column
by column), writes (inserts and removals); here the entry points, plan_kind and
write_plan. The names of those modules stay importable from here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, update

from data_access.importer.bulk import (
    BULK_CHUNK,
    COPY_ESCAPED,
    COPY_PLAIN,
    ROLLUP_TRIGGERS,
    Pairs,
    bulk_kind,
    insert_columns,
    plan_bulk,
    write_bulk,
)
from data_access.importer.codes import (
    CODE_KINDS,
    Codes,
    by_id,
    db_column,
    load_codes,
    load_ids,
    normalise,
    table_of,
)
from data_access.importer.kind_plan import (
    DIMENSION_USERS,
    PREVIEW_ROWS,
    Existing,
    KindPlan,
    load_existing,
    plan_rows,
    value_columns_of,
)
from data_access.importer.schema import Column, Kind
from data_access.importer.validate import FrameRecords, Record
from data_access.importer.writes import CHUNK, _write_removals, chunks, insert_rows


def _db_values(kind: Kind, record: Record, codes: Codes, columns: Iterable[Column]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in columns:
        value = record.values[column.name]
        if by_id(column) and column.ref and value is not None:
            value = codes.ids[column.ref][value]
        values[db_column(column)] = value
    return values


def write_plan(conn: Connection, plan: KindPlan, codes: Codes) -> None:
    """Carry out a plan inside the caller's transaction; refresh the ids of a code kind."""
    kind = plan.kind
    table = table_of(kind.table)
    if isinstance(plan.inserts, FrameRecords):
        write_bulk(conn, table, plan, codes)
        return
    defaults: dict[str, Any] = {}
    if kind.replaces == "plan":
        defaults = {"actual": None}
    elif kind.replaces == "actuals":
        defaults = {"planned": 0.0}
    insert_rows(conn, table, [defaults | _db_values(kind, r, codes, kind.columns) for r in plan.inserts])
    value_columns = value_columns_of(kind)
    if plan.updates and value_columns:
        names = [db_column(c) for c in value_columns]
        statement = (
            update(table).where(table.c.id == bindparam("_id")).values({n: bindparam(n) for n in names})
        )
        params = [{"_id": row_id} | _db_values(kind, r, codes, value_columns) for row_id, r in plan.updates]
        for chunk in chunks(params):
            conn.execute(statement, list(chunk))
    _write_removals(conn, table, plan)
    if kind.name in CODE_KINDS:
        codes.ids[kind.name] = load_ids(conn, kind.name)


def plan_kind(conn: Connection, kind: Kind, records: Sequence[Record], codes: Codes) -> KindPlan:
    """Compare the file's rows with the database (see `plan_rows` for what each kind
    replaces): budget lines checked column by column in bulk, every other sheet row by row."""
    if bulk_kind(kind, records):
        return plan_bulk(conn, kind, records, codes)  # type: ignore[arg-type]
    return plan_rows(conn, kind, records, codes)


__all__ = [
    "BULK_CHUNK",
    "CHUNK",
    "CODE_KINDS",
    "COPY_ESCAPED",
    "COPY_PLAIN",
    "Codes",
    "DIMENSION_USERS",
    "Existing",
    "KindPlan",
    "PREVIEW_ROWS",
    "Pairs",
    "ROLLUP_TRIGGERS",
    "bulk_kind",
    "db_column",
    "insert_columns",
    "insert_rows",
    "load_codes",
    "load_existing",
    "load_ids",
    "normalise",
    "plan_kind",
    "plan_rows",
    "table_of",
    "write_plan",
]
