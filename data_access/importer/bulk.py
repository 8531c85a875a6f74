"""Budget lines in bulk (issue #23): a plan made column by column, written in batches (COPY
on PostgreSQL, executemany with the rollup triggers suspended on SQLite)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, bindparam, insert, select, text, type_coerce, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import NullType

from data_access.importer.codes import Codes, db_column, normalise, table_of
from data_access.importer.kind_plan import PREVIEW_ROWS, KindPlan, value_columns_of
from data_access.importer.schema import DATE, DECIMAL, MONTH, REFERENCE, Column, Kind
from data_access.importer.validate import FrameRecords, Record
from data_access.importer.writes import _write_removals

BULK_CHUNK = 50_000


# Migration 0012's SQLite triggers on budget_line, and how to drop each.
ROLLUP_TRIGGERS = {
    "budget_line_rollup_insert": "DROP TRIGGER budget_line_rollup_insert",
    "budget_line_rollup_delete": "DROP TRIGGER budget_line_rollup_delete",
    "budget_line_rollup_update": "DROP TRIGGER budget_line_rollup_update",
}


# The recomputation of migration 0012's SQLite triggers for whole months: every budget_month
# group of those months, as the triggers would leave it group by group (a group without
# lines, or of a project that does not exist, has no row). One statement each, instead of a
# delete and an insert per group (0.9 against 2.5-3.5 s for 100,000 groups).
_ROLLUP_DELETE = text("DELETE FROM budget_month WHERE month IN :months").bindparams(
    bindparam("months", expanding=True)
)


_ROLLUP_INSERT = text(
    "INSERT INTO budget_month (project_id, month, department_id, planned, actual, booked, lines) "
    "SELECT project_id, month, department_id, SUM(planned), SUM(actual), COUNT(actual), COUNT(*) "
    "FROM budget_line WHERE month IN :months AND project_id IN (SELECT id FROM project) "
    "GROUP BY project_id, month, department_id"
).bindparams(bindparam("months", expanding=True))


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
    removals and preview, without a Python object per existing line beyond the driver's rows.

    The file's rows are matched to the existing lines of its months by their natural key,
    compared as whole columns: each key column's values (references as ids, months as
    dates) numbered over both sides at once, the numbers combined into one integer per
    row and looked up in one index. An amount is unchanged when it equals the database's,
    normalised as `normalise` does (rounded in Python, so exactly as row by row)."""
    table = table_of(kind.table)
    frame = records.frame
    plan = KindPlan(kind, rows=len(frame))
    plan.months = set(frame["month"].tolist())
    # The driver's values as they are (no per-row result processing); `normalise` reads them.
    # Each column once (the file's amount is `planned` or `actual`, also read for removals).
    names = list(dict.fromkeys(["id", *(db_column(c) for c in kind.columns), "planned", "actual"]))
    where = table.c.month.in_(sorted(plan.months))
    result = conn.execute(select(*(type_coerce(table.c[n], NullType()) for n in names)).where(where))
    try:  # the driver's rows themselves: a Row object per line doubled the time of the read
        found = result.cursor.fetchall()
    finally:
        result.close()
    stored = dict(
        zip(names, map(list, zip(*found, strict=True)) if found else ([] for _ in names), strict=True)
    )
    ids, raw_planned, raw_actual = stored["id"], stored["planned"], stored["actual"]
    by_name = {column.name: stored[db_column(column)] for column in kind.columns}
    match = _matches(kind, frame, by_name, codes)
    same = match >= 0
    for column in value_columns_of(kind):
        same &= _equal_at(frame[column.name].tolist(), by_name[column.name], match, column)
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


def _key_values(column: Column, values: list[Any], codes: Codes, *, stored: bool) -> np.ndarray:
    """A key column's values as numbers that are equal exactly when the values are: references
    as ids (a code the database does not hold as -1, which no stored id is), months and dates
    as day numbers (stored ones read as `normalise` reads them); each distinct value is
    converted once. Other columns: their values, normalised when stored."""
    if column.type == REFERENCE and column.ref and stored:
        return np.asarray(values, dtype=np.int64)
    if column.type == REFERENCE and column.ref:
        ids = codes.ids[column.ref]
        numbers, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
        return np.asarray([ids.get(u, -1) for u in uniques] + [-1], dtype=np.int64)[numbers]
    if column.type in (DATE, MONTH):
        numbers, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
        days = [normalise(u, column) if stored else u for u in uniques]
        return np.asarray([-1 if d is None else d.toordinal() for d in days] + [-1], dtype=np.int64)[numbers]
    return np.asarray([normalise(v, column) for v in values] if stored else values, dtype=object)


def _matches(kind: Kind, frame: pd.DataFrame, stored: dict[str, list[Any]], codes: Codes) -> np.ndarray:
    """For each row of the file, the position of the stored line with its natural key, or -1."""
    count = len(next(iter(stored.values()), []))
    if not count:  # nothing stored in the file's months: every row is new
        return np.full(len(frame), -1, dtype=np.int64)
    combined = np.zeros(count + len(frame), dtype=np.int64)
    columns = {c.name: c for c in kind.columns}
    for name in kind.key:
        both = np.concatenate(
            [
                _key_values(columns[name], stored[name], codes, stored=True),
                _key_values(columns[name], frame[name].tolist(), codes, stored=False),
            ]
        )
        numbers, uniques = pd.factorize(both, use_na_sentinel=False)
        # Renumbered at each step, so the combined number stays below the rows squared.
        combined, _ = pd.factorize(combined * len(uniques) + numbers)
    index = pd.Index(combined[:count])
    if not index.is_unique:  # as a dict of the stored lines would: the last one of a key
        index = pd.Index(np.where(index.duplicated(keep="last"), -1 - np.arange(count), combined[:count]))
    return index.get_indexer(combined[count:]).astype(np.int64)


def _equal_at(mine: list[Any], theirs: Sequence[Any], match: np.ndarray, column: Column) -> np.ndarray:
    """Whether each row's value equals the stored line's at `match` (False where -1), the
    stored value normalised as `normalise` does.

    Amounts of a column with its decimals: a checked amount is rounded to them (`cell_value`)
    and Python's `round` keeps it as it is, so a stored amount equal to it as a float is
    equal once rounded too. Only the stored amounts that differ are rounded (in Python,
    exactly as `normalise`)."""
    if column.type == DECIMAL and column.decimals is not None:
        digits = column.decimals
        found = match >= 0
        given = np.asarray(mine, dtype=float)
        at = (
            np.asarray(theirs, dtype=float)[np.where(found, match, 0)]
            if len(theirs)
            else np.full(len(mine), np.nan)
        )
        equal = found & ((given == at) | (np.isnan(given) & np.isnan(at)))
        for i in np.flatnonzero(found & ~equal & ~np.isnan(at)).tolist():
            equal[i] = round(float(theirs[match[i]]), digits) == mine[i]
        return equal
    normalised = [normalise(v, column) for v in theirs]
    return np.fromiter(
        (m >= 0 and v == normalised[m] for v, m in zip(mine, match.tolist(), strict=True)),
        dtype=bool,
        count=len(mine),
    )


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


def suspend_rollup_triggers(conn: Connection) -> list[tuple[str, str]]:
    """On SQLite, drop the rollup triggers of budget_line inside the caller's transaction
    (SQLite's DDL is transactional: a rollback brings them back); their (name, DDL), to be
    put back once the rollup is recomputed (`write_bulk`). Nothing on PostgreSQL."""
    if conn.dialect.name != "sqlite":
        return []
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
    return suspended


def write_lines(
    conn: Connection, table: Table, inserts: dict[str, list[Any]], updates: dict[str, list[Any]]
) -> None:
    """Insert rows given as columns and update rows by id ({"id": [...], column: [...]})
    inside the caller's transaction: COPY, and a temporary table with one UPDATE, on
    PostgreSQL; executemany in batches on SQLite. Nothing else (no removals, no rollup)."""
    if conn.dialect.name == "postgresql":
        _write_bulk_postgresql(conn, table, inserts, updates)
        return
    if inserts and len(next(iter(inserts.values()))):
        insert_columns(conn, table, inserts)
    if updates and len(updates["id"]):
        names = [n for n in updates if n != "id"]
        statement = (
            update(table).where(table.c.id == bindparam("row_id")).values({n: bindparam(n) for n in names})
        )
        ordered = {n: updates[n] for n in names} | {"row_id": updates["id"]}
        _executemany(conn, statement, ordered)


def write_bulk(conn: Connection, table: Table, plan: KindPlan, codes: Codes) -> None:
    """Write a bulk plan: COPY on PostgreSQL, executemany in batches on SQLite with the
    rollup triggers suspended and the plan's months recomputed after; a driver error comes
    back as SQLAlchemy's (so the import reports it and rolls back)."""
    kind = plan.kind
    inserted: FrameRecords = plan.inserts  # type: ignore[assignment]
    updated: Pairs = plan.updates  # type: ignore[assignment]
    defaults: dict[str, Any] = {"actual": None} if kind.replaces == "plan" else {"planned": 0.0}
    inserts = {name: [value] * len(inserted) for name, value in defaults.items()}
    inserts |= _bulk_columns(kind, inserted, codes, kind.columns)
    updates = {"id": updated.ids} | _bulk_columns(kind, updated.records, codes, value_columns_of(kind))
    dbapi = conn.dialect.loaded_dbapi
    try:
        # SQLite: the triggers' work once for the file's months instead of once per line.
        suspended = suspend_rollup_triggers(conn)
        write_lines(conn, table, inserts, updates)
        _write_removals(conn, table, plan)
        if suspended:
            months = sorted(m.isoformat() for m in plan.months)
            conn.execute(_ROLLUP_DELETE, {"months": months})
            conn.execute(_ROLLUP_INSERT, {"months": months})
            raw = conn.connection.driver_connection
            for _, ddl in suspended:
                raw.execute(ddl)  # type: ignore[union-attr]
    except dbapi.Error as exc:
        raise DBAPIError.instance(None, None, exc, dbapi.Error) from exc
