"""The plan of one sheet, row by row: existing rows by natural key, what is inserted,
updated, unchanged and removed, and what a survey instrument or wave file may not reveal
or remove."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, func, select

from data_access.importer.codes import Codes, by_id, db_column, normalise, table_of
from data_access.importer.schema import Column, Kind
from data_access.importer.validate import Record

# Tables whose `dimension` names a survey dimension: one still named there may not be removed.
DIMENSION_USERS = ("survey_item", "survey_comment")


PREVIEW_ROWS = 20


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
    lookups = {c.ref: codes.code_of(c.ref) for c in kind.columns if by_id(c) and c.ref}
    found: dict[tuple[Any, ...], Existing] = {}
    for row in conn.execute(select(table).where(*where)).mappings():
        values: dict[str, Any] = {}
        for column in kind.columns:
            value = row[db_column(column)]
            if by_id(column) and column.ref and value is not None:
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


def value_columns_of(kind: Kind) -> list[Column]:
    return [c for c in kind.columns if c.name not in kind.key]


def plan_rows(conn: Connection, kind: Kind, records: Sequence[Record], codes: Codes) -> KindPlan:
    """Compare the file's rows with the database, row by row: insert, update, unchanged, and what the file replaces.

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
    existing = load_existing(conn, kind, records, codes)
    plan = KindPlan(kind, rows=len(records))
    value_columns = value_columns_of(kind)
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
