"""Bytes in, a table of text cells out: encoding, separator and Excel detection, and limits.

Every cell comes out as text (never guessed types); an Excel cell holding a formula comes
out as `Formula` and a numeric Excel cell as `Number`, so validation can tell them apart.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
SEPARATORS = (",", ";")
MAX_COLUMNS = 200  # no kind has more than a dozen; stops a sheet with thousands of columns
MEBIBYTE = 1024 * 1024


class Formula(str):
    """The text of an Excel cell that holds a formula (it is never imported)."""


class Number(str):
    """A numeric Excel cell, written with a decimal point and no grouping."""


class FileRejected(Exception):
    """The whole file cannot be read; `key` and `params` make the message (see importer.toml)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Limits:
    """What protects the server: file size in bytes, data rows per file, characters per cell."""

    max_bytes: int = 50 * MEBIBYTE
    max_rows: int = 2_000_000
    max_cell: int = 2_000

    @property
    def max_mb(self) -> int:
        return self.max_bytes // MEBIBYTE


def limits_from_env(env: Mapping[str, str] | None = None) -> Limits:
    """Limits from IMPORT_MAX_MB (default 50, as server.maxUploadSize), IMPORT_MAX_ROWS, IMPORT_MAX_CELL."""
    env = os.environ if env is None else env
    default = Limits()
    try:
        return Limits(
            max_bytes=int(env.get("IMPORT_MAX_MB", default.max_mb)) * MEBIBYTE,
            max_rows=int(env.get("IMPORT_MAX_ROWS", default.max_rows)),
            max_cell=int(env.get("IMPORT_MAX_CELL", default.max_cell)),
        )
    except ValueError as exc:
        raise ValueError("IMPORT_MAX_MB, IMPORT_MAX_ROWS and IMPORT_MAX_CELL must be whole numbers") from exc


def check_size(size: int, limits: Limits) -> None:
    """Reject a file before reading it: empty, or larger than the configured size."""
    if size == 0:
        raise FileRejected("importer.error.empty_file")
    if size > limits.max_bytes:
        raise FileRejected(
            "importer.error.too_large", size_mb=f"{size / MEBIBYTE:.1f}", limit_mb=limits.max_mb
        )


@dataclass
class Sheet:
    """One table: header cells and data rows, each with its row number as a spreadsheet shows it."""

    name: str | None
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class Table:
    """What was read from a file, and how."""

    format: str  # "csv" or "xlsx"
    sheets: list[Sheet]
    encoding: str | None = None
    separator: str | None = None


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else Windows-1252; else FileRejected."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected("importer.error.utf16")
    if b"\x00" in data:
        raise FileRejected("importer.error.binary")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileRejected("importer.error.encoding", byte=f"0x{data[exc.start]:02X}", line=line) from None


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            count += 1
    return count


def detect_separator(text: str) -> str:
    """`,` or `;`: whichever splits the header line into more columns (`,` on a tie)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: _count_outside_quotes(header, sep) for sep in SEPARATORS}
    if counts[","] == 0 and counts[";"] == 0:
        for other, name in (("\t", "tab"), ("|", "|")):
            if _count_outside_quotes(header, other):
                raise FileRejected("importer.error.separator", found=name)
    return ";" if counts[";"] > counts[","] else ","


def _blank(cells: Iterable[str]) -> bool:
    return all(not c.strip() for c in cells)


def read_csv(data: bytes, limits: Limits) -> Table:
    """A CSV file as text cells; blank lines are skipped but keep their row numbers."""
    text, encoding = decode(data)
    if not text.strip():
        raise FileRejected("importer.error.empty_file")
    separator = detect_separator(text)
    csv.field_size_limit(max(limits.max_bytes, 131_072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > MAX_COLUMNS:
                raise FileRejected("importer.error.too_many_columns", row=number, limit=MAX_COLUMNS)
            if header is None:
                if _blank(cells):
                    continue
                header = cells
                continue
            if _blank(cells):
                continue
            if len(rows) >= limits.max_rows:
                raise FileRejected("importer.error.too_many_rows", limit=limits.max_rows)
            rows.append((number, cells))
    except csv.Error as exc:
        raise FileRejected("importer.error.csv_syntax", line=reader.line_num, detail=str(exc)) from None
    if header is None:
        raise FileRejected("importer.error.empty_file")
    return Table("csv", [Sheet(None, header, rows)], encoding=encoding, separator=separator)


def _cell_text(value: object, data_type: str | None) -> str:
    if value is None:
        return ""
    if data_type == "f":
        return Formula(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return Number(str(value))
    if isinstance(value, float):
        return Number(str(int(value)) if value.is_integer() else repr(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes, limits: Limits, *, wanted: set[str] | None = None) -> Table:
    """An Excel workbook as text cells, one Sheet per worksheet (or only those named in `wanted`)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise FileRejected("importer.error.xlsx_unreadable") from None
    sheets: list[Sheet] = []
    total = 0
    try:
        for worksheet in workbook.worksheets:
            if wanted is not None and worksheet.title not in wanted:
                continue
            header: list[str] | None = None
            sheet = Sheet(worksheet.title, [])
            for number, row in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS + 1), start=1):
                if len(row) > MAX_COLUMNS and any(c.value is not None for c in row[MAX_COLUMNS:]):
                    raise FileRejected("importer.error.too_many_columns", row=number, limit=MAX_COLUMNS)
                cells = [_cell_text(c.value, getattr(c, "data_type", None)) for c in row]
                while cells and cells[-1] == "":
                    cells.pop()
                if _blank(cells):
                    continue
                if header is None:
                    header = cells
                    continue
                total += 1
                if total > limits.max_rows:
                    raise FileRejected("importer.error.too_many_rows", limit=limits.max_rows)
                sheet.rows.append((number, cells))
            sheet.header = header or []
            sheets.append(sheet)
    finally:
        workbook.close()
    return Table("xlsx", sheets)


def read_table(
    data: bytes, file_name: str, limits: Limits, *, wanted_sheets: set[str] | None = None
) -> Table:
    """Read a CSV or Excel file (recognised by its content, not only its name)."""
    check_size(len(data), limits)
    if data.startswith(XLS_MAGIC):
        raise FileRejected("importer.error.xls")
    if data.startswith(XLSX_MAGIC):
        return read_xlsx(data, limits, wanted=wanted_sheets)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRejected("importer.error.xlsx_unreadable")
    return read_csv(data, limits)
