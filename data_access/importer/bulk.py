"""Budget lines in bulk (issue #23): a plan made column by column, written in batches (COPY
on PostgreSQL, executemany with the rollup triggers suspended on SQLite)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, bindparam, insert, select, text, type_coerce, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import NullType

from data_access.importer.codes import Codes, db_column, normalise, table_of
from data_access.importer.kind_plan import PREVIEW_ROWS, KindPlan, value_columns_of
from data_access.importer.schema import DATE, MONTH, REFERENCE, Column, Kind
from data_access.importer.validate import FrameRecords, Record
from data_access.importer.writes import _write_removals

BULK_CHUNK = 50_000


# Migration 0012's SQLite triggers on budget_line, and how to drop each.
ROLLUP_TRIGGERS = {
    "budget_line_rollup_insert": "DROP TRIGGER budget_line_rollup_insert",
    "budget_line_rollup_delete": "DROP TRIGGER budget_line_rollup_delete",
    "budget_line_rollup_update": "DROP TRIGGER budget_line_rollup_update",
}


_ROLLUP_GROUPS = text(
    "SELECT DISTINCT project_id, month, department_id FROM budget_line WHERE month IN :months "
    "UNION SELECT project_id, month, department_id FROM budget_month WHERE month IN :months"
).bindparams(bindparam("months", expanding=True))


# The recomputation of migration 0012's SQLite triggers, one group at a time.
_ROLLUP_DELETE = "DELETE FROM budget_month WHERE project_id = ? AND month = ? AND department_id = ?"


_ROLLUP_INSERT = (
    "INSERT INTO budget_month (project_id, month, department_id, planned, actual, booked, lines) "
    "SELECT project_id, month, department_id, SUM(planned), SUM(actual), COUNT(actual), COUNT(*) "
    "FROM budget_line WHERE project_id = ? AND month = ? AND department_id = ? "
    "AND EXISTS (SELECT 1 FROM project WHERE id = ?) GROUP BY project_id, month, department_id"
)


@dataclass
class Pairs(Sequence[tuple[int, Record]]):
    """Updates held as columns: row ids and the file's records."""

    ids: list[int]
    records: FrameRecords

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> tuple[int, Record]:  # type: ignore[override]
        return self.ids[index], self.records[index]

    def __iter__(self) -> Iterator[tuple[int, Record]]:
        return iter(zip(self.ids, self.records, strict=True))


def bulk_kind(kind: Kind, records: Sequence[Record]) -> bool:
    """Whether a sheet is planned and written in bulk: budget lines checked column by column."""
    return isinstance(records, FrameRecords) and kind.replaces in ("plan", "actuals")


def plan_bulk(conn: Connection, kind: Kind, records: FrameRecords, codes: Codes) -> KindPlan:
    """`plan_kind` for budget lines, over columns: the same inserts, updates, unchanged rows,
    removals and preview, without a Python object per existing line."""
    table = table_of(kind.table)
    frame = records.frame
    plan = KindPlan(kind, rows=len(frame))
    plan.months = set(frame["month"].tolist())
    # The driver's values as they are (no per-row result processing); `normalise` reads them.
    selected = [
        type_coerce(c, NullType())
        for c in (table.c.id, *(table.c[db_column(c)] for c in kind.columns), table.c.planned, table.c.actual)
    ]
    where = table.c.month.in_(sorted(plan.months))
    found = conn.execute(select(*selected).where(where)).all()
    existing: dict[str, list[Any]] = {}
    for position, column in enumerate(kind.columns, start=1):
        raw = [row[position] for row in found]
        if column.type == REFERENCE and column.ref:
            lookup = codes.code_of(column.ref)
            existing[column.name] = [None if value is None else lookup.get(value) for value in raw]
        elif column.type in (DATE, MONTH):
            once = {value: normalise(value, column) for value in set(raw)}
            existing[column.name] = [once[value] for value in raw]
        else:
            existing[column.name] = [normalise(value, column) for value in raw]
    ids = [row[0] for row in found]
    raw_planned = [row[-2] for row in found]
    raw_actual = [row[-1] for row in found]
    at = {key: i for i, key in enumerate(zip(*(existing[k] for k in kind.key), strict=True))}
    keys = list(zip(*(frame[k].tolist() for k in kind.key), strict=True))
    match = np.fromiter((at.get(key, -1) for key in keys), dtype=np.int64, count=len(keys))
    same = match >= 0
    for column in value_columns_of(kind):
        mine, theirs = frame[column.name].tolist(), existing[column.name]
        same &= np.fromiter(
            (m >= 0 and v == theirs[m] for v, m in zip(mine, match.tolist(), strict=True)),
            dtype=bool,
            count=len(mine),
        )
    new, changed = match < 0, (match >= 0) & ~same
    plan.inserts = FrameRecords(frame[new].reset_index(drop=True), records.names)  # type: ignore[assignment]
    plan.updates = Pairs(  # type: ignore[assignment]
        [ids[m] for m in match[changed].tolist()],
        FrameRecords(frame[changed].reset_index(drop=True), records.names),
    )
    plan.unchanged = int(same.sum())
    for record, m, is_same in zip(records[:PREVIEW_ROWS], match.tolist(), same.tolist(), strict=False):
        action = "insert" if m < 0 else ("unchanged" if is_same else "update")
        plan.preview.append({"row": record.row, "action": action, **record.values})
    seen = np.zeros(len(found), dtype=bool)
    seen[match[match >= 0]] = True
    for i in np.flatnonzero(~seen).tolist():
        if kind.replaces == "plan":
            if raw_actual[i] is None:
                plan.removals.append((ids[i], "delete"))
            elif raw_planned[i] != 0:
                plan.removals.append((ids[i], "zero_plan"))
        elif raw_actual[i] is not None:
            plan.removals.append((ids[i], "clear_actual"))
    return plan


def _bulk_columns(
    kind: Kind, records: FrameRecords, codes: Codes, columns: Iterable[Column]
) -> dict[str, list[Any]]:
    """Database columns of the records: references as ids, in the records' order."""
    values: dict[str, list[Any]] = {}
    for column in columns:
        items = records.frame[column.name].tolist()
        if column.type == REFERENCE and column.ref:
            ids = codes.ids[column.ref]
            items = [None if v is None else ids[v] for v in items]
        values[db_column(column)] = items
    return values


def _sqlite_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _rows(values: dict[str, list[Any]], *, sqlite: bool) -> list[tuple[Any, ...]]:
    columns = list(values.values())
    if sqlite:  # dates as SQLAlchemy stores them on SQLite (ISO text), each distinct one once
        for i, column in enumerate(columns):
            if any(isinstance(v, dt.date) for v in column[:1]):
                once = {v: _sqlite_value(v) for v in set(column)}
                columns[i] = [once[v] for v in column]
    return list(zip(*columns, strict=True))


def _copy(conn: Connection, table: str, values: dict[str, list[Any]]) -> None:
    """PostgreSQL's COPY FROM STDIN of `values` (column name -> values) on the transaction's
    own connection: as one text payload when every value is plain (`_copy_payload`), else
    row by row through psycopg's dumpers."""
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(n) for n in values)
    )
    payload = _copy_payload(list(values.values()))
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        if payload is not None:
            copy.write(payload)
        else:
            for row in _rows(values, sqlite=False):
                copy.write_row(row)


COPY_PLAIN = {int, float, dt.date, type(None)}  # types whose str() is COPY's text form


COPY_ESCAPED = ("\\", "\t", "\n", "\r")  # need escaping in COPY's text format


def _copy_payload(columns: list[list[Any]]) -> str | None:
    """COPY's text format of the columns (tab between values, a line per row, `\\N` for
    NULL), or None when a value is not plainly an integer, finite float, date or text
    without backslash, tab or line end (the caller then lets psycopg write each row)."""
    texts: list[list[str]] = []
    for column in columns:
        types = set(map(type, column))
        if types <= COPY_PLAIN | {str}:
            if float in types and not np.isfinite([v for v in column if type(v) is float]).all():
                return None
            if str in types and any(c in v for v in column if type(v) is str for c in COPY_ESCAPED):
                return None
            texts.append(["\\N" if v is None else str(v) for v in column])
        else:
            return None
    if not texts or not texts[0]:
        return ""
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def insert_columns(conn: Connection, table: Table, values: dict[str, list[Any]]) -> int:
    """Insert rows given as columns (column name -> values, NULL as None) inside the
    caller's transaction, in their order: COPY on PostgreSQL, executemany in batches on the
    driver's cursor on SQLite (triggers fire as for any insert); the number inserted. A
    driver error comes back as SQLAlchemy's. Bulk budget lines of an import and the demo's
    large tables go through here."""
    count = len(next(iter(values.values()), []))
    if not count:
        return 0
    dbapi = conn.dialect.loaded_dbapi
    try:
        if conn.dialect.name == "postgresql":
            _copy(conn, table.name, values)
        else:
            raw = conn.connection.driver_connection
            if not raw.in_transaction:  # type: ignore[union-attr]  # the driver begins lazily
                raw.execute("BEGIN")  # type: ignore[union-attr]
            _executemany(conn, insert(table).values({n: bindparam(n) for n in values}), values)
    except dbapi.Error as exc:
        raise DBAPIError.instance(None, None, exc, dbapi.Error) from exc
    return count


def _write_bulk_postgresql(
    conn: Connection, table: Table, inserts: dict[str, list[Any]], updates: dict[str, list[Any]]
) -> None:
    if inserts and len(next(iter(inserts.values()))):
        insert_columns(conn, table, inserts)
    if updates and len(updates["id"]):
        from psycopg import sql

        names = [n for n in updates if n != "id"]
        staging = f"import_{table.name}_update"
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(
                sql.SQL("CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
                    sql.Identifier(staging),
                    sql.SQL(", ").join(sql.Identifier(n) for n in ["id", *names]),
                    sql.Identifier(table.name),
                )
            )
        _copy(conn, staging, {n: updates[n] for n in ["id", *names]})
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(
                sql.SQL("UPDATE {} AS t SET {} FROM {} AS u WHERE t.id = u.id").format(
                    sql.Identifier(table.name),
                    sql.SQL(", ").join(
                        sql.SQL("{} = u.{}").format(sql.Identifier(n), sql.Identifier(n)) for n in names
                    ),
                    sql.Identifier(staging),
                )
            )
            cursor.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(staging)))


def _executemany(conn: Connection, statement: Any, values: dict[str, list[Any]]) -> None:
    """executemany in batches on the driver's cursor (no per-row work in SQLAlchemy)."""
    compiled = statement.compile(dialect=conn.dialect)
    order = list(compiled.positiontup or [])
    assert sorted(order) == sorted(values), (order, list(values))
    rows = _rows({name: values[name] for name in order}, sqlite=True)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(rows), BULK_CHUNK):
            cursor.executemany(str(compiled), rows[start : start + BULK_CHUNK])
    finally:
        cursor.close()


def _write_bulk_sqlite(
    conn: Connection,
    table: Table,
    plan: KindPlan,
    inserts: dict[str, list[Any]],
    updates: dict[str, list[Any]],
) -> None:
    """Inserts and updates by executemany with the rollup triggers suspended inside the
    transaction (SQLite's DDL is transactional: a rollback brings them back), then each
    budget_month group of the plan's months recomputed as the triggers would."""
    raw = conn.connection.driver_connection
    assert raw is not None
    if not raw.in_transaction:  # the driver begins lazily, before the first write only
        raw.execute("BEGIN")
    saved = raw.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'budget_line'"
    ).fetchall()
    suspended = [(name, ddl) for name, ddl in saved if name in ROLLUP_TRIGGERS]
    for name, _ in suspended:
        raw.execute(ROLLUP_TRIGGERS[name])
    if inserts and len(next(iter(inserts.values()))):
        insert_columns(conn, table, inserts)
    if updates and len(updates["id"]):
        names = [n for n in updates if n != "id"]
        statement = (
            update(table).where(table.c.id == bindparam("row_id")).values({n: bindparam(n) for n in names})
        )
        ordered = {n: updates[n] for n in names} | {"row_id": updates["id"]}
        _executemany(conn, statement, ordered)
    _write_removals(conn, table, plan)
    if suspended:
        months = sorted(m.isoformat() for m in plan.months)
        groups = [tuple(g) for g in conn.execute(_ROLLUP_GROUPS, {"months": months})]
        cursor = raw.cursor()
        try:
            cursor.executemany(_ROLLUP_DELETE, groups)
            cursor.executemany(_ROLLUP_INSERT, [(*g, g[0]) for g in groups])
        finally:
            cursor.close()
        for _, ddl in suspended:
            raw.execute(ddl)


def write_bulk(conn: Connection, table: Table, plan: KindPlan, codes: Codes) -> None:
    """Write a bulk plan: COPY on PostgreSQL, executemany in batches on SQLite; a driver
    error comes back as SQLAlchemy's (so the import reports it and rolls back)."""
    kind = plan.kind
    inserted: FrameRecords = plan.inserts  # type: ignore[assignment]
    updated: Pairs = plan.updates  # type: ignore[assignment]
    defaults: dict[str, Any] = {"actual": None} if kind.replaces == "plan" else {"planned": 0.0}
    inserts = {name: [value] * len(inserted) for name, value in defaults.items()}
    inserts |= _bulk_columns(kind, inserted, codes, kind.columns)
    updates = {"id": updated.ids} | _bulk_columns(kind, updated.records, codes, value_columns_of(kind))
    dbapi = conn.dialect.loaded_dbapi
    try:
        if conn.dialect.name == "postgresql":
            _write_bulk_postgresql(conn, table, inserts, updates)
            _write_removals(conn, table, plan)
        else:
            _write_bulk_sqlite(conn, table, plan, inserts, updates)
    except dbapi.Error as exc:
        raise DBAPIError.instance(None, None, exc, dbapi.Error) from exc
