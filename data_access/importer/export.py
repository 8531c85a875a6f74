"""Files in the import layout: templates (header and an example row), column documentation,
and exports of the database's rows, as CSV (UTF-8 with BOM, `,`, decimal point, ISO
dates) or Excel (typed cells; text is always stored as text, never as a formula)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from data_access.importer.schema import BOOLEAN, DATE, DECIMAL, INTEGER, MONTH, TEXT, Column, Kind, kind_for
from data_access.importer.store import load_codes, load_existing
from i18n import translate


def format_value(value: Any, column: Column) -> str:
    """A typed value as import text: ISO dates, `YYYY-MM` months, decimal point, true/false."""
    if value is None:
        return ""
    if column.type == MONTH:
        return value.strftime("%Y-%m")
    if column.type == DATE:
        return value.isoformat()
    if column.type == BOOLEAN:
        return "true" if value else "false"
    if column.type == DECIMAL:
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def export_rows(*, engine: Engine, kind: str) -> list[dict[str, Any]]:
    """Every row of `kind` in the database as typed values by column name, in natural-key order.

    budget_actuals holds only lines with an actual; budget_plan every line's plan.
    """
    definition = kind_for(kind)
    with engine.connect() as conn:
        existing = load_existing(conn, definition, [], load_codes(conn), everything=True)
    rows = [e.values for e in existing.values()]
    if kind == "budget_actuals":
        rows = [r for r in rows if r["actual"] is not None]
    return sorted(rows, key=lambda r: tuple("" if r[k] is None else str(r[k]) for k in definition.key))


def text_rows(kind: Kind, rows: Iterable[Mapping[str, Any]]) -> list[list[str]]:
    return [[format_value(row.get(c.name), c) for c in kind.columns] for row in rows]


def to_csv(kind: str, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """A CSV file of `kind`: UTF-8 with BOM (Excel recognises it), `,`, header first."""
    definition = kind_for(kind)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(definition.column_names)
    writer.writerows(text_rows(definition, rows))
    return buffer.getvalue().encode("utf-8-sig")


def _excel_value(value: Any, column: Column) -> Any:
    if value is None:
        return None
    if column.type == MONTH:
        return value.strftime("%Y-%m")
    if column.type in (DECIMAL, INTEGER):
        return value
    if column.type == DATE:
        return value
    if column.type == BOOLEAN:
        return "true" if value else "false"
    return str(value)


def to_xlsx(sheets: Mapping[str, Iterable[Mapping[str, Any]]], *, lang: str | None = None) -> bytes:
    """An Excel workbook with one sheet per kind (and, with `lang`, a `_columns` sheet documenting them)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for kind, rows in sheets.items():
        definition = kind_for(kind)
        sheet = workbook.create_sheet(kind)
        sheet.append(list(definition.column_names))
        for row in rows:
            cells = []
            for column in definition.columns:
                cell = WriteOnlyCell(sheet, value=_excel_value(row.get(column.name), column))
                if column.type in (TEXT,) or isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                if column.type == DATE and cell.value is not None:
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
    if lang is not None:
        docs = workbook.create_sheet("_columns")
        for kind in sheets:
            frame = column_docs(kind=kind, lang=lang)
            docs.append([translate(f"importer.kind.{kind}", lang)])
            docs.append(list(frame.columns))
            for values in frame.itertuples(index=False):
                docs.append([WriteOnlyCell(docs, value=str(v)) for v in values])
            docs.append([])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_rows(kind: str) -> list[dict[str, Any]]:
    """One example row of `kind` (as text; it passes validation only if its references exist)."""
    definition = kind_for(kind)
    return [{c.name: c.example for c in definition.columns}]


def template_csv(kind: str) -> bytes:
    definition = kind_for(kind)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(definition.column_names)
    writer.writerow([c.example for c in definition.columns])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(kind: str, *, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    definition = kind_for(kind)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind)
    sheet.append(list(definition.column_names))
    example = []
    for column in definition.columns:
        cell = WriteOnlyCell(sheet, value=column.example)
        cell.data_type = "s"
        example.append(cell)
    sheet.append(example)
    docs = workbook.create_sheet("_columns")
    frame = column_docs(kind=kind, lang=lang)
    docs.append(list(frame.columns))
    for values in frame.itertuples(index=False):
        docs.append([WriteOnlyCell(docs, value=str(v)) for v in values])
    docs.append([])
    docs.append([translate(f"importer.replaces.{definition.replaces or 'upsert'}", lang)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column_docs(*, kind: str, lang: str) -> pd.DataFrame:
    """The columns of `kind` documented in `lang`: column, type, required, example, description."""
    definition = kind_for(kind)
    headers = [
        translate(f"importer.doc.{h}", lang) for h in ("column", "type", "required", "example", "description")
    ]
    rows = [
        [
            c.name,
            translate(f"importer.type.{c.type}", lang),
            translate("importer.doc.yes" if c.required else "importer.doc.no", lang),
            c.example,
            c.nl if lang == "nl" else c.en,
        ]
        for c in definition.columns
    ]
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=headers)


def export_all_xlsx(*, engine: Engine) -> bytes:
    """The whole database as one workbook that imports back with kind "workbook"."""
    from data_access.importer.schema import KIND_ORDER

    return to_xlsx({kind: export_rows(engine=engine, kind=kind) for kind in KIND_ORDER})
