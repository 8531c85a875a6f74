"""Tables as CSV and Excel files that spreadsheet programs open right and cannot execute.

Formula injection (OWASP "CSV injection"): a spreadsheet program runs a cell whose text
starts with `=`, `+`, `-` or `@` (and, in some programs, tab, carriage return or line
feed) as a formula, e.g. `=HYPERLINK("http://x", "click")`. Every *text* cell written here
goes through `neutralise_cell`, which puts an apostrophe in front of such text: spreadsheet
programs show `'=1+1` as the literal text `=1+1` (the apostrophe is the "this is text"
prefix) or, at worst, with a visible apostrophe, but never evaluate it. Real numbers
(int, float, Decimal, numpy numbers) are never touched, so −120.5 stays a number that can
be summed. Leading spaces before a trigger character count too (`"  =1"`), because some
programs strip them before parsing.

CSV conventions
- Dutch (`lang="nl"`): `;` as separator and a decimal comma (`-120,5`), as Dutch Excel
  expects; English: `,` and a decimal point. No thousands separators in either.
- Dates as ISO `YYYY-MM-DD` (times `YYYY-MM-DD HH:MM:SS`) in both languages: unambiguous,
  and read as dates by Excel and LibreOffice in any locale.
- UTF-8 with a byte-order mark, so Excel detects the encoding (€, ë).
- Empty for None and NaN.

Excel: numbers are stored as numbers and dates as dates (with a number format), text
cells are neutralised and written as strings (data type `s`), never as formulas. Column
headers are translated by the caller.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_DIALECTS = {"nl": (";", ","), "en": (",", ".")}
XLSX_DATE_FORMATS = {"nl": "dd-mm-yyyy", "en": "d mmm yyyy"}
XLSX_DATETIME_FORMATS = {"nl": "dd-mm-yyyy hh:mm", "en": "d mmm yyyy hh:mm"}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31
MAX_COLUMN_WIDTH = 60


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return not math.isfinite(float(value))
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number | Decimal) and not isinstance(value, bool | np.bool_)


def neutralise_text(text: str) -> str:
    """`text` with an apostrophe in front when a spreadsheet would read it as a formula."""
    if text.lstrip(" ").startswith(FORMULA_TRIGGERS) or text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def neutralise_cell(value: Any) -> Any:
    """A cell value that no spreadsheet program will run as a formula.

    Text starting with = + - @ tab CR or LF (after optional spaces) gets a leading
    apostrophe: `"=1+1"` → `"'=1+1"`, `"-2+3"` → `"'-2+3"`. Numbers (int, float, Decimal,
    numpy numbers), booleans and dates are returned unchanged, so `-120.5` stays a number.
    None, NaN and NaT become the empty string. Anything else is turned into text first.
    """
    if _is_missing(value):
        return ""
    if isinstance(value, str):
        return neutralise_text(value)
    if _is_number(value) or isinstance(value, bool | np.bool_ | dt.date | pd.Timestamp):
        return value
    return neutralise_text(str(value))


def _csv_number(value: Any, decimal_mark: str) -> str:
    if isinstance(value, numbers.Integral):
        return str(int(value))
    text = str(value) if isinstance(value, Decimal) else repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", decimal_mark)


def _csv_text(value: Any, decimal_mark: str) -> str:
    value = neutralise_cell(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if _is_number(value):
        return _csv_number(value, decimal_mark)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise_text(str(value))


def csv_dialect(lang: str) -> tuple[str, str]:
    """(separator, decimal mark) for `lang`: `;` and `,` for Dutch, `,` and `.` for English."""
    return CSV_DIALECTS.get(lang, CSV_DIALECTS["nl"])


def to_csv_bytes(frame: pd.DataFrame, *, lang: str) -> bytes:
    """The frame as CSV in `lang`'s convention (see the module docstring), UTF-8 with BOM."""
    separator, decimal_mark = csv_dialect(lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_csv_text(str(column), decimal_mark) for column in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_text(value, decimal_mark) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sheet_name(title: str, taken: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name: no []:*?/\\, at most 31 characters, not blank."""
    taken = taken or set()
    base = SHEET_NAME_FORBIDDEN.sub(" ", title).strip().strip("'").strip() or "Sheet"
    base = base[:MAX_SHEET_NAME]
    name, counter = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({counter})"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        counter += 1
    return name


def _xlsx_value(value: Any) -> tuple[Any, str]:
    """(value for openpyxl, kind) where kind is text, number, date, datetime, bool or empty."""
    value = neutralise_cell(value)
    if isinstance(value, str):
        return (ILLEGAL_CHARACTERS_RE.sub("", value), "text") if value else (None, "empty")
    if isinstance(value, bool | np.bool_):
        return bool(value), "bool"
    if _is_number(value):
        if isinstance(value, numbers.Integral):
            return int(value), "number"
        return float(value), "number"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        if value.time() == dt.time(0):
            return value.date(), "date"
        return value, "datetime"
    if isinstance(value, dt.date):
        return value, "date"
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise_text(str(value))), "text"


def _display_width(value: Any, kind: str) -> int:
    if kind in ("date", "datetime"):
        return 12 if kind == "date" else 17
    return len(str(value)) if value is not None else 0


def money_number_format(currency: str, lang: str) -> str:
    """An Excel number format for whole amounts in the currency, as on screen: `"€ "#,##0` in
    Dutch, `"€"#,##0` / `"CHF "#,##0` in English (Excel shows its own separators)."""
    from i18n.format import currency_symbol

    symbol = currency_symbol(currency, lang).replace('"', "")
    prefix = symbol + (" " if lang == "nl" or symbol[-1:].isalpha() else "")
    return f'"{prefix}"#,##0;"−{prefix}"#,##0'


def to_xlsx_bytes(
    frames: Mapping[str, pd.DataFrame],
    *,
    lang: str,
    number_formats: Mapping[str, str] | None = None,
) -> bytes:
    """An Excel workbook with one sheet per frame (sheet title → frame), see the module docstring.

    `number_formats` maps a column header to an Excel number format (e.g. `0.0%` for a ratio
    column); other numbers get `#,##0` (integers) or `#,##0.00`.
    """
    number_formats = number_formats or {}
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E4E8EC")
    for title, frame in frames.items():
        name = sheet_name(title, taken)
        taken.add(name)
        sheet = workbook.create_sheet(name)
        widths: list[int] = []
        for col_index, column in enumerate(frame.columns, start=1):
            header, _ = _xlsx_value(str(column))
            cell = sheet.cell(row=1, column=col_index, value=header)
            cell.data_type = "s"
            cell.font = header_font
            cell.fill = header_fill
            widths.append(len(str(header or "")))
        for row_index, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            for col_index, raw in enumerate(row, start=1):
                value, kind = _xlsx_value(raw)
                cell = sheet.cell(row=row_index, column=col_index, value=value)
                column = str(frame.columns[col_index - 1])
                if kind == "text":
                    cell.data_type = "s"
                elif kind == "number":
                    cell.number_format = number_formats.get(
                        column, "#,##0" if isinstance(value, int) else "#,##0.00"
                    )
                elif kind == "date":
                    cell.number_format = XLSX_DATE_FORMATS.get(lang, XLSX_DATE_FORMATS["nl"])
                elif kind == "datetime":
                    cell.number_format = XLSX_DATETIME_FORMATS.get(lang, XLSX_DATETIME_FORMATS["nl"])
                widths[col_index - 1] = max(widths[col_index - 1], _display_width(value, kind))
        for col_index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col_index)].width = min(MAX_COLUMN_WIDTH, width + 3)
        sheet.freeze_panes = "A2"
    if not taken:
        workbook.create_sheet("Sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
