"""The database side of an import: codes to ids, existing rows by natural key, the plan
(insert, update, unchanged, removed) and writing it inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import NullType

from data_access.importer.schema import BOOLEAN, DATE, DECIMAL, MONTH, REFERENCE, Column, Kind
from data_access.importer.validate import FrameRecords, Record
from data_access.models import Base

CODE_KINDS: dict[str, str] = {
    "departments": "department",
    "cost_categories": "cost_category",
    "responsibility_areas": "responsibility_area",
    "projects": "project",
    "survey_waves": "survey_wave",
    "survey_items": "survey_item",
    "survey_dimensions": "survey_dimensions",
}
# Tables whose `dimension` names a survey dimension: one still named there may not be removed.
DIMENSION_USERS = ("survey_item", "survey_comment")
PREVIEW_ROWS = 20
CHUNK = 5_000


def table_of(name: str) -> Table:
    return Base.metadata.tables[name]


def db_column(column: Column) -> str:
    return f"{column.name}_id" if column.type == REFERENCE and not column.stores_code else column.name


def _by_id(column: Column) -> bool:
    """A reference kept in the database as the referenced row's id (not as its code)."""
    return column.type == REFERENCE and column.ref is not None and not column.stores_code


@dataclass
class Codes:
    """Codes of the referenced entities: ids of rows in the database, and every code known
    to this import (database plus rows earlier in the import)."""

    ids: dict[str, dict[str, int]]
    known: dict[str, set[str]]

    def code_of(self, ref: str) -> dict[int, str]:
        return {i: c for c, i in self.ids[ref].items()}


def load_ids(conn: Connection, ref: str) -> dict[str, int]:
    table = table_of(CODE_KINDS[ref])
    return {code: row_id for code, row_id in conn.execute(select(table.c.code, table.c.id))}


def load_codes(conn: Connection) -> Codes:
    ids = {ref: load_ids(conn, ref) for ref in CODE_KINDS}
    return Codes(ids=ids, known={ref: set(codes) for ref, codes in ids.items()})


def normalise(value: Any, column: Column) -> Any:
    """A database value in the form validation produces, so equal means unchanged."""
    if value is None:
        return None
    if column.type == DECIMAL:
        return round(float(value), column.decimals if column.decimals is not None else 6)
    if column.type in (DATE, MONTH):
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    if column.type == BOOLEAN:
        return bool(value)
    return value


@dataclass
class Existing:
    id: int
    values: dict[str, Any]  # by file column name, references as codes
    raw: dict[str, Any]  # the database row


def _scope(kind: Kind, records: Sequence[Record], codes: Codes, table: Table) -> list[Any] | None:
    """WHERE clauses limiting which existing rows can matter (None: nothing can match)."""
    if kind.table in ("budget_line", "progress"):
        return [table.c.month.in_(sorted({r.values["month"] for r in records}))]
    if kind.table in ("survey_response", "survey_comment", "survey_invitation"):
        waves = [
            codes.ids["survey_waves"][w]
            for w in {r.values["wave"] for r in records}
            if w in codes.ids["survey_waves"]
        ]
        return [table.c.wave_id.in_(waves)] if waves else None
    if kind.table in ("ownership", "funding", "team_member", "insight_goal"):
        projects = [
            codes.ids["projects"][p]
            for p in {r.values["project"] for r in records}
            if p in codes.ids["projects"]
        ]
        return [table.c.project_id.in_(projects)] if projects else None
    return []


def load_existing(
    conn: Connection, kind: Kind, records: Sequence[Record], codes: Codes, *, everything: bool = False
) -> dict[tuple[Any, ...], Existing]:
    """Existing rows that the file's rows may match or replace (or all rows), by natural key (codes)."""
    table = table_of(kind.table)
    where = [] if everything else _scope(kind, records, codes, table)
    if where is None:
        return {}
    lookups = {c.ref: codes.code_of(c.ref) for c in kind.columns if _by_id(c) and c.ref}
    found: dict[tuple[Any, ...], Existing] = {}
    for row in conn.execute(select(table).where(*where)).mappings():
        values: dict[str, Any] = {}
        for column in kind.columns:
            value = row[db_column(column)]
            if _by_id(column) and column.ref and value is not None:
                value = lookups[column.ref].get(value)
            values[column.name] = normalise(value, column)
        found[tuple(values[k] for k in kind.key)] = Existing(row["id"], values, dict(row))
    return found


@dataclass
class KindPlan:
    """What applying one sheet would do."""

    kind: Kind
    rows: int
    inserts: list[Record] = field(default_factory=list)
    updates: list[tuple[int, Record]] = field(default_factory=list)
    unchanged: int = 0
    removals: list[tuple[int, str]] = field(
        default_factory=list
    )  # (id, "delete" | "clear_actual" | "zero_plan")
    preview: list[dict[str, Any]] = field(default_factory=list)
    months: set[Any] = field(default_factory=set)
    projects: set[str] = field(default_factory=set)
    coarse: tuple[int, int] | None = None  # survey waves: (rows in file, rows replaced), nothing finer
    refused: list[tuple[str, int]] = field(default_factory=list)  # removals refused: (code, rows naming it)

    @property
    def scope(self) -> str:
        """What the file replaces: its months (budget) or its projects (ownership), for messages."""
        if self.kind.replaces in ("plan", "actuals"):
            months = sorted(self.months)
            return ", ".join(m.strftime("%Y-%m") for m in months)
        return ", ".join(sorted(self.projects))

    @property
    def changes(self) -> int:
        return len(self.inserts) + len(self.updates) + len(self.removals)


def _value_columns(kind: Kind) -> list[Column]:
    return [c for c in kind.columns if c.name not in kind.key]


def plan_kind(conn: Connection, kind: Kind, records: Sequence[Record], codes: Codes) -> KindPlan:
    """Compare the file's rows with the database: insert, update, unchanged, and what the file replaces.

    - budget_plan: the file is the whole plan of each month it contains; a line of such a
      month missing from the file is deleted when it has no actual, else its plan is set to 0.
    - budget_actuals: the file is all actuals of each month it contains; a line of such a
      month missing from the file gets no actual (NULL); a new line gets plan 0.
    - ownership: the file is the whole ownership of each project it contains; other rows of
      those projects are deleted.
    - survey_dimensions: the file is the whole instrument; a dimension missing from it is
      deleted, unless an item or comment still names it (then it is in `refused`).
    - every other kind: upsert on the natural key; rows missing from the file stay.
    """
    if bulk_kind(kind, records):
        return _plan_bulk(conn, kind, records, codes)  # type: ignore[arg-type]
    existing = load_existing(conn, kind, records, codes)
    plan = KindPlan(kind, rows=len(records))
    value_columns = _value_columns(kind)
    seen: set[tuple[Any, ...]] = set()
    if kind.replaces in ("plan", "actuals"):
        plan.months = {r.values["month"] for r in records}
    elif kind.replaces == "ownership":
        plan.projects = {str(r.values["project"]) for r in records}
    for record in records:
        key = record.key(kind)
        seen.add(key)
        match = existing.get(key)
        if match is None:
            action = "insert"
            plan.inserts.append(record)
        elif all(record.values[c.name] == match.values[c.name] for c in value_columns):
            action = "unchanged"
            plan.unchanged += 1
        else:
            action = "update"
            plan.updates.append((match.id, record))
        if len(plan.preview) < PREVIEW_ROWS:
            plan.preview.append({"row": record.row, "action": action, **record.values})
    for key, match in existing.items():
        if key in seen:
            continue
        if kind.replaces == "plan":
            if match.raw["actual"] is None:
                plan.removals.append((match.id, "delete"))
            elif match.raw["planned"] != 0:
                plan.removals.append((match.id, "zero_plan"))
        elif kind.replaces == "actuals" and match.raw["actual"] is not None:
            plan.removals.append((match.id, "clear_actual"))
        elif kind.replaces in ("ownership", "wave", "instrument"):
            plan.removals.append((match.id, "delete"))
    if kind.replaces == "instrument":
        _refuse_dimensions_in_use(conn, plan, existing)
    if kind.replaces == "wave":
        _coarse_wave_report(plan, records, existing)
    return plan


def _refuse_dimensions_in_use(
    conn: Connection, plan: KindPlan, existing: dict[tuple[Any, ...], Existing]
) -> None:
    """Dimensions the file would remove that an item or comment still names: `refused`, not removed."""
    removed = {
        match.id: str(key[0]) for key, match in existing.items() if (match.id, "delete") in plan.removals
    }
    if not removed:
        return
    named: dict[str, int] = {}
    for name in DIMENSION_USERS:
        table = table_of(name)
        query = (
            select(table.c.dimension, func.count())
            .where(table.c.dimension.in_(sorted(removed.values())))
            .group_by(table.c.dimension)
        )
        for code, count in conn.execute(query):
            named[code] = named.get(code, 0) + int(count)
    plan.refused = sorted(named.items())
    plan.removals = [(row_id, action) for row_id, action in plan.removals if removed[row_id] not in named]
    plan.projects = set(removed.values()) - set(named)  # `scope` names the removed dimensions


def _coarse_wave_report(
    plan: KindPlan, records: Sequence[Record], existing: dict[tuple[Any, ...], Existing]
) -> None:
    """Survey answers and comments: the file is the whole of each wave it contains, and what is
    reported is counted per wave only.

    The write is the real difference (rows of those waves missing from the file are deleted),
    but the report never says which rows are new, changed or unchanged: a one-row dry run must
    not tell whether one respondent's answer or comment was already there. `coarse` holds
    (rows in the file, rows those waves hold now); the preview is one line per wave.
    """
    held: dict[str, int] = {}
    for key in existing:
        held[str(key[0])] = held.get(str(key[0]), 0) + 1
    in_file: dict[str, int] = {}
    for record in records:
        in_file[str(record.values["wave"])] = in_file.get(str(record.values["wave"]), 0) + 1
    plan.projects = set(in_file)  # `scope` names the waves
    plan.coarse = (len(records), len(existing))
    plan.preview = [
        {"wave": wave, "rows_in_file": count, "rows_now": held.get(wave, 0), "action": "replace_wave"}
        for wave, count in sorted(in_file.items())
    ]


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows (column name -> value) in chunks inside the caller's transaction; the
    number inserted. The importer's inserts and the demo's go through here."""
    for chunk in _chunks(rows):
        conn.execute(insert(table), list(chunk))
    return len(rows)


def _db_values(kind: Kind, record: Record, codes: Codes, columns: Iterable[Column]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in columns:
        value = record.values[column.name]
        if _by_id(column) and column.ref and value is not None:
            value = codes.ids[column.ref][value]
        values[db_column(column)] = value
    return values


def write_plan(conn: Connection, plan: KindPlan, codes: Codes) -> None:
    """Carry out a plan inside the caller's transaction; refresh the ids of a code kind."""
    kind = plan.kind
    table = table_of(kind.table)
    if isinstance(plan.inserts, FrameRecords):
        _write_bulk(conn, table, plan, codes)
        return
    defaults: dict[str, Any] = {}
    if kind.replaces == "plan":
        defaults = {"actual": None}
    elif kind.replaces == "actuals":
        defaults = {"planned": 0.0}
    insert_rows(conn, table, [defaults | _db_values(kind, r, codes, kind.columns) for r in plan.inserts])
    value_columns = _value_columns(kind)
    if plan.updates and value_columns:
        names = [db_column(c) for c in value_columns]
        statement = (
            update(table).where(table.c.id == bindparam("_id")).values({n: bindparam(n) for n in names})
        )
        params = [{"_id": row_id} | _db_values(kind, r, codes, value_columns) for row_id, r in plan.updates]
        for chunk in _chunks(params):
            conn.execute(statement, list(chunk))
    _write_removals(conn, table, plan)
    if kind.name in CODE_KINDS:
        codes.ids[kind.name] = load_ids(conn, kind.name)


def _write_removals(conn: Connection, table: Table, plan: KindPlan) -> None:
    by_action: dict[str, list[int]] = {}
    for row_id, action in plan.removals:
        by_action.setdefault(action, []).append(row_id)
    for action, ids in by_action.items():
        for chunk in _chunks(ids):
            if action == "delete":
                conn.execute(delete(table).where(table.c.id.in_(chunk)))
            elif action == "clear_actual":
                conn.execute(update(table).where(table.c.id.in_(chunk)).values(actual=None))
            elif action == "zero_plan":
                conn.execute(update(table).where(table.c.id.in_(chunk)).values(planned=0.0))


# --- Budget lines in bulk (issue #23): a plan made column by column, written in batches -------

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


def _plan_bulk(conn: Connection, kind: Kind, records: FrameRecords, codes: Codes) -> KindPlan:
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
    for column in _value_columns(kind):
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


def _write_bulk(conn: Connection, table: Table, plan: KindPlan, codes: Codes) -> None:
    """Write a bulk plan: COPY on PostgreSQL, executemany in batches on SQLite; a driver
    error comes back as SQLAlchemy's (so the import reports it and rolls back)."""
    kind = plan.kind
    inserted: FrameRecords = plan.inserts  # type: ignore[assignment]
    updated: Pairs = plan.updates  # type: ignore[assignment]
    defaults: dict[str, Any] = {"actual": None} if kind.replaces == "plan" else {"planned": 0.0}
    inserts = {name: [value] * len(inserted) for name, value in defaults.items()}
    inserts |= _bulk_columns(kind, inserted, codes, kind.columns)
    updates = {"id": updated.ids} | _bulk_columns(kind, updated.records, codes, _value_columns(kind))
    dbapi = conn.dialect.loaded_dbapi
    try:
        if conn.dialect.name == "postgresql":
            _write_bulk_postgresql(conn, table, inserts, updates)
            _write_removals(conn, table, plan)
        else:
            _write_bulk_sqlite(conn, table, plan, inserts, updates)
    except dbapi.Error as exc:
        raise DBAPIError.instance(None, None, exc, dbapi.Error) from exc
