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
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
SEPARATORS = (",", ";")
MAX_COLUMNS = 200  # no kind has more than a dozen; stops a sheet with thousands of columns
WIDEST_ROW = 4 * MAX_COLUMNS  # even empty (formatted) cells further right are refused
MEBIBYTE = 1024 * 1024
MAX_BLANK_RUN = 10_000  # more empty rows in a row than this is not a data file (an "empty rows" bomb)
MAX_RATIO = 100  # a workbook member expanding more than this is refused (a decompression bomb)
RATIO_FLOOR = MEBIBYTE  # members smaller than this are never refused for their ratio
MAX_MEMBERS = 10_000
XML_HEAD = 64 * 1024  # the prolog (where a DTD would be) is read from this many bytes
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]{0,3}\d*:?[A-Z]{0,3}(\d+)"')


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
    max_unzipped_bytes: int = 400 * MEBIBYTE  # all members of a workbook together, uncompressed

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


LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their line ends (\\r\\n, \\r or \\n, as io.StringIO(newline="")
    splits them), one at a time: io.StringIO would copy the whole text into a buffer of 4 bytes
    per character (80 MB for a 20 MB file of empty lines)."""
    return (match.group() for match in LINE.finditer(text))


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
    lines = (line for line in _lines(text) if line.strip())  # lazily: no copy of the text
    header = next(lines, "").rstrip("\r\n")
    counts = {sep: _count_outside_quotes(header, sep) for sep in SEPARATORS}
    if counts[","] == 0 and counts[";"] == 0:
        for other, name in (("\t", "tab"), ("|", "|")):
            if _count_outside_quotes(header, other):
                raise FileRejected("importer.error.separator", found=name)
    return ";" if counts[";"] > counts[","] else ","


def _blank(cells: Iterable[str]) -> bool:
    return all(not c.strip() for c in cells)


class _RowCounter:
    """Every row read counts against the row limit, blank ones too; a long run of blanks is refused."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = 0
        self.headers = 1  # the header row of each sheet does not count
        self.blank_run = 0

    def count(self, number: int, *, blank: bool) -> None:
        self.rows += 1
        if self.rows > self.limits.max_rows + self.headers:
            raise FileRejected("importer.error.too_many_rows", limit=self.limits.max_rows)
        self.blank_run = self.blank_run + 1 if blank else 0
        if self.blank_run > MAX_BLANK_RUN:
            raise FileRejected("importer.error.blank_rows", row=number - MAX_BLANK_RUN, limit=MAX_BLANK_RUN)


def read_csv(data: bytes, limits: Limits) -> Table:
    """A CSV file as text cells; blank lines are skipped but keep their row numbers.

    A file without quotes is split line by line at once (`_read_plain`); anything else, and
    any file the fast path is not sure of, is read record by record (`_read_records`). Both
    give the same table and the same refusals.
    """
    text, encoding = decode(data)
    if not text or text.isspace():
        raise FileRejected("importer.error.empty_file")
    separator = detect_separator(text)
    sheet = _read_plain(text, separator, limits)
    if sheet is None:
        sheet = _read_records(text, separator, limits)
    return Table("csv", [sheet], encoding=encoding, separator=separator)


def _field_limit(limits: Limits) -> int:
    return max(limits.max_bytes, 131_072)


PLAIN_CHUNK = 1 << 18  # characters split at a time: a flood of blank lines is refused early


def _read_plain(text: str, separator: str, limits: Limits) -> Sheet | None:
    """The sheet of a file without a quote character, or None when the record-by-record
    reader must decide (quotes, or a file it would refuse: too many rows or columns, a long
    run of blank rows, a cell over the field limit), so every refusal is its message.

    Without quotes the csv module splits each line (`\\r\\n`, `\\r` or `\\n`) at every
    separator and nothing else, which `str.split` does for many lines at once; a row is
    blank when its line without separators is only whitespace (as `_blank` of its cells).
    Lines are split a chunk at a time, so a flood of blank lines stops as soon as it is one.
    """
    if '"' in text or len(text) > _field_limit(limits):
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows: list[tuple[int, list[str]]] = []
    number, blank_run, start, end = 0, 0, 0, len(text)
    while start < end:
        stop = text.rfind("\n", start, start + PLAIN_CHUNK) + 1 if start + PLAIN_CHUNK < end else end
        if stop <= start:  # one line longer than a chunk
            stop = text.find("\n", start + PLAIN_CHUNK) + 1 or end
        lines = text[start:stop].split("\n")
        if stop < end or lines[-1] == "":  # each line's own end, not an empty line after it
            lines.pop()
        start = stop
        if number + len(lines) > limits.max_rows + 1:
            return None
        blank = [i for i, line in enumerate(lines) if not line.replace(separator, "").strip()]
        skipped, previous = set(blank), -1
        for i in blank:  # runs of blank rows; a run at a chunk's start goes on from the chunk before
            blank_run = blank_run + 1 if i == previous + 1 else 1
            previous = i
            if blank_run > MAX_BLANK_RUN:
                return None
        if lines and len(lines) - 1 not in skipped:
            blank_run = 0
        cells = [line.split(separator) for line in lines]
        if max(map(len, cells), default=0) > MAX_COLUMNS:
            return None
        numbered = zip(range(number + 1, number + len(cells) + 1), cells, strict=True)
        if blank:
            rows += [(n, row) for n, row in numbered if n - number - 1 not in skipped]
        else:
            rows += numbered
        number += len(lines)
    if not rows:
        raise FileRejected("importer.error.empty_file")
    return Sheet(None, rows[0][1], rows[1:])


def _read_records(text: str, separator: str, limits: Limits) -> Sheet:
    """The sheet, record by record with the csv module (quoted cells, and every refusal)."""
    csv.field_size_limit(_field_limit(limits))
    reader = csv.reader(_lines(text), delimiter=separator, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    counter = _RowCounter(limits)
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > MAX_COLUMNS:
                raise FileRejected("importer.error.too_many_columns", row=number, limit=MAX_COLUMNS)
            blank = _blank(cells)
            counter.count(number, blank=blank)
            if header is None:
                if blank:
                    continue
                header = cells
                continue
            if blank:
                continue
            rows.append((number, cells))
    except csv.Error as exc:
        raise FileRejected("importer.error.csv_syntax", line=reader.line_num, detail=str(exc)) from None
    if header is None:
        raise FileRejected("importer.error.empty_file")
    return Sheet(None, header, rows)


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


def check_xlsx(data: bytes, limits: Limits) -> None:
    """Refuse a workbook before parsing it: from the zip directory and each XML member's first bytes.

    Every member's uncompressed size and compression ratio, their total, a DTD or entity
    declaration in any XML part (entity expansion), and each sheet's declared dimension.
    Python's zipfile never inflates a member beyond its declared size, so the sizes checked
    here bound what parsing can read.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRejected("importer.error.xlsx_unreadable") from None
    with archive:
        if len(members) > MAX_MEMBERS:
            raise FileRejected("importer.error.xlsx_bomb", member=f"{len(members)} parts", ratio="-")
        total = 0
        for info in members:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                raise FileRejected(
                    "importer.error.xlsx_bomb", member=info.filename[-80:], ratio=f"{ratio:,.0f}"
                )
            total += info.file_size
        if total > limits.max_unzipped_bytes:
            raise FileRejected(
                "importer.error.xlsx_unpacked_too_large",
                size_mb=f"{total / MEBIBYTE:,.0f}",
                limit_mb=limits.max_unzipped_bytes // MEBIBYTE,
            )
        for info in members:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(info) as handle:
                    head = handle.read(XML_HEAD)
            except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError, RuntimeError):
                raise FileRejected("importer.error.xlsx_unreadable") from None
            folded = head.upper().replace(b"\x00", b"")  # UTF-16 parts too
            if b"<!DOCTYPE" in folded or b"<!ENTITY" in folded:
                raise FileRejected("importer.error.xlsx_dtd", member=info.filename[-80:])
            dimension = DIMENSION.search(head)
            if dimension and int(dimension.group(1)) > limits.max_rows + 1:
                raise FileRejected("importer.error.too_many_rows", limit=limits.max_rows)


def _bounded_get_size(worksheet: object) -> None:
    """openpyxl's read-only sheet asks for its size when opened, by parsing the sheet until its
    <dimension> or the END of <sheetData>: without a <dimension> that is the whole sheet, in
    memory. This reads the dimension from the first XML_HEAD bytes only (or leaves it unknown;
    read_xlsx passes explicit bounds)."""
    from openpyxl.utils.cell import range_boundaries

    with worksheet._get_source() as source:  # type: ignore[attr-defined]
        head = source.read(XML_HEAD)
    found = re.search(rb'<(?:\w+:)?dimension\s+ref="([A-Z0-9:]{1,32})"', head)
    if found is None:
        return
    try:
        bounds = range_boundaries(found.group(1).decode("ascii"))
    except ValueError:
        return
    if None not in bounds:
        worksheet._min_column, worksheet._min_row, worksheet._max_column, worksheet._max_row = bounds  # type: ignore[attr-defined]


def _bound_openpyxl() -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    ReadOnlyWorksheet._get_size = _bounded_get_size  # type: ignore[method-assign]


XLSX_PARSE_ERRORS = (
    ValueError,  # e.g. a numeric cell "NaN" (openpyxl casts it with int())
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
    SyntaxError,  # xml.etree ParseError: malformed XML, a &#0; reference
    zipfile.BadZipFile,
    EOFError,
    OSError,
    NotImplementedError,
)


def read_xlsx(data: bytes, limits: Limits, *, wanted: set[str] | None = None) -> Table:
    """An Excel workbook as text cells, one Sheet per worksheet (or only those named in `wanted`).

    Checked first (`check_xlsx`), then read in a bounded way: read-only (streaming), at most
    MAX_COLUMNS + 1 columns, and every row read, blank or not, counts against the row limit.
    Anything malformed inside the workbook is FileRejected, never a traceback.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx(data, limits)
    _bound_openpyxl()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, *XLSX_PARSE_ERRORS):
        raise FileRejected("importer.error.xlsx_unreadable") from None
    sheets: list[Sheet] = []
    counter = _RowCounter(limits)
    title = ""
    try:
        for worksheet in workbook.worksheets:
            title = worksheet.title
            if wanted is not None and worksheet.title not in wanted:
                continue
            header: list[str] | None = None
            sheet = Sheet(worksheet.title, [])
            counter.blank_run = 0
            # No column bound: a row is as wide as its last cell, so a value far to the right is
            # seen (and refused), never silently cut off; a declared dimension is not trusted.
            worksheet.reset_dimensions()
            rows = worksheet.iter_rows(max_row=limits.max_rows + 2)
            for number, row in enumerate(rows, start=1):
                if len(row) > MAX_COLUMNS and (
                    len(row) > WIDEST_ROW or any(c.value is not None for c in row[MAX_COLUMNS:])
                ):
                    raise FileRejected("importer.error.too_many_columns", row=number, limit=MAX_COLUMNS)
                cells = [_cell_text(c.value, getattr(c, "data_type", None)) for c in row]
                while cells and cells[-1] == "":
                    cells.pop()
                blank = _blank(cells)
                counter.count(number, blank=blank)
                if blank:
                    continue
                if header is None:
                    header = cells
                    counter.headers += 1 if sheets else 0
                    continue
                sheet.rows.append((number, cells))
            sheet.header = header or []
            sheets.append(sheet)
    except XLSX_PARSE_ERRORS:
        raise FileRejected("importer.error.xlsx_malformed", sheet=title[:80]) from None
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
