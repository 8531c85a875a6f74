"""Codes to ids: the tables of the importable entities, the ids and codes an import knows,
and database values in the form validation produces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, select

from data_access.importer.schema import BOOLEAN, DATE, DECIMAL, MONTH, REFERENCE, Column
from data_access.models import Base
from domain.months import as_date

CODE_KINDS: dict[str, str] = {
    "departments": "department",
    "cost_categories": "cost_category",
    "responsibility_areas": "responsibility_area",
    "projects": "project",
    "survey_waves": "survey_wave",
    "survey_items": "survey_item",
    "survey_dimensions": "survey_dimensions",
}


def table_of(name: str) -> Table:
    return Base.metadata.tables[name]


def db_column(column: Column) -> str:
    return f"{column.name}_id" if column.type == REFERENCE and not column.stores_code else column.name


def by_id(column: Column) -> bool:
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
        return as_date(value)
    if column.type == BOOLEAN:
        return bool(value)
    return value
