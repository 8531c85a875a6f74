"""The database side of an import: codes to ids, existing rows by natural key, the plan
(insert, update, unchanged, removed) and writing it inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from bench.import_baseline.validate import Record
from data_access.importer.schema import BOOLEAN, DATE, DECIMAL, MONTH, REFERENCE, Column, Kind
from data_access.models import Base

CODE_KINDS: dict[str, str] = {
    "departments": "department",
    "cost_categories": "cost_category",
    "responsibility_areas": "responsibility_area",
    "projects": "project",
    "survey_waves": "survey_wave",
    "survey_items": "survey_item",
}
PREVIEW_ROWS = 20
CHUNK = 5_000


def table_of(name: str) -> Table:
    return Base.metadata.tables[name]


def db_column(column: Column) -> str:
    return f"{column.name}_id" if column.type == REFERENCE else column.name


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
    lookups = {c.ref: codes.code_of(c.ref) for c in kind.columns if c.type == REFERENCE and c.ref}
    found: dict[tuple[Any, ...], Existing] = {}
    for row in conn.execute(select(table).where(*where)).mappings():
        values: dict[str, Any] = {}
        for column in kind.columns:
            value = row[db_column(column)]
            if column.type == REFERENCE and column.ref and value is not None:
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
    - every other kind: upsert on the natural key; rows missing from the file stay.
    """
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
        elif kind.replaces in ("ownership", "wave"):
            plan.removals.append((match.id, "delete"))
    if kind.replaces == "wave":
        _coarse_wave_report(plan, records, existing)
    return plan


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


def _db_values(kind: Kind, record: Record, codes: Codes, columns: Iterable[Column]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in columns:
        value = record.values[column.name]
        if column.type == REFERENCE and column.ref and value is not None:
            value = codes.ids[column.ref][value]
        values[db_column(column)] = value
    return values


def write_plan(conn: Connection, plan: KindPlan, codes: Codes) -> None:
    """Carry out a plan inside the caller's transaction; refresh the ids of a code kind."""
    kind = plan.kind
    table = table_of(kind.table)
    defaults: dict[str, Any] = {}
    if kind.replaces == "plan":
        defaults = {"actual": None}
    elif kind.replaces == "actuals":
        defaults = {"planned": 0.0}
    rows = [defaults | _db_values(kind, r, codes, kind.columns) for r in plan.inserts]
    for chunk in _chunks(rows):
        conn.execute(insert(table), list(chunk))
    value_columns = _value_columns(kind)
    if plan.updates and value_columns:
        names = [db_column(c) for c in value_columns]
        statement = (
            update(table).where(table.c.id == bindparam("_id")).values({n: bindparam(n) for n in names})
        )
        params = [{"_id": row_id} | _db_values(kind, r, codes, value_columns) for row_id, r in plan.updates]
        for chunk in _chunks(params):
            conn.execute(statement, list(chunk))
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
    if kind.name in CODE_KINDS:
        codes.ids[kind.name] = load_ids(conn, kind.name)
