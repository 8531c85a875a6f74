"""Checking column by column (issue #23): the clean cells of a large sheet parsed per
column, the rest left to the row-by-row check; the records held as a frame."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import overload

import numpy as np
import pandas as pd

from data_access.importer.cells import AmountConventions, fullmatches
from data_access.importer.reading import Sheet
from data_access.importer.records import BoundedIssues, Issue, Record
from data_access.importer.rows import DIRTY, RowChecker, cross_row_rules, duplicate_issue
from data_access.importer.schema import CODE, DECIMAL, Column, Kind

ROW_RULE_KINDS = ("projects", "team")


def columnar(kind: Kind) -> bool:
    """Whether a kind is checked column by column: no code column of its own (whose case
    check depends on the rows before) and no rule inside a row."""
    return kind.name not in ROW_RULE_KINDS and all(c.type != CODE for c in kind.columns)


SIMPLE_AMOUNT_LENGTH = 16  # the longest plain amount: `-` twelve digits, the mark, two decimals


def _simple_decimals(cells: list[str], column: Column, mark: str) -> tuple[np.ndarray, list[float]]:
    """Which cells are plain amounts (`-1234.5` with the file's mark, at most twelve digits
    before it and at most two, and no more than the column's decimals, after it; in range)
    and their values: for these the row-by-row check can raise no issue.

    Such a number is what `parse_decimal` gives, and rounding it to the column's decimals
    changes nothing (below 10¹² a float is within 10⁻⁴ of its two-decimal text), so the
    check `too_many_decimals` cannot fire.
    """
    decimals = min(column.decimals if column.decimals is not None else 2, 2)
    fraction = rf"(?:\{mark}[0-9]{{1,{decimals}}})?" if decimals > 0 else ""
    simple = fullmatches(cells, rf"-?[0-9]{{1,12}}{fraction}")
    texts = [cells[i] for i in np.flatnonzero(simple).tolist()]
    numbers = [float(t.replace(",", ".")) for t in texts] if mark == "," else [float(t) for t in texts]
    array = np.asarray(numbers, dtype=float)
    low, high = column.minimum, column.maximum
    fine = np.ones(len(array), dtype=bool)
    if low is not None:
        fine &= array > low if column.exclusive_min else array >= low
    if high is not None:
        fine &= array <= high
    if not fine.all():
        simple[np.flatnonzero(simple)[~fine]] = False
        numbers = [n for n, ok in zip(numbers, fine.tolist(), strict=True) if ok]
    return simple, numbers


def _column_values(raw: list[str], column: Column, checker: RowChecker) -> tuple[np.ndarray, np.ndarray]:
    """A column's typed values (an object array; None where the row-by-row check decides)
    and the cells that need that check (True)."""
    n = len(raw)
    values = np.full(n, None, dtype=object)
    dirty = np.zeros(n, dtype=bool)
    if set(map(type, raw)) == {str}:
        positions = np.arange(n)
        cells = raw
    else:
        plain = np.fromiter((type(cell) is str for cell in raw), dtype=bool, count=n)
        for position in np.flatnonzero(~plain).tolist():  # Excel numbers and formulas: one by one
            value = checker.cell_value(raw[position], column)
            if value is DIRTY:
                dirty[position] = True
            else:
                values[position] = value
        positions = np.flatnonzero(plain)
        cells = [raw[p] for p in positions.tolist()]
    if column.type == DECIMAL and cells and checker.limits.max_cell >= SIMPLE_AMOUNT_LENGTH:
        simple, numbers = _simple_decimals(cells, column, checker.conventions.mark)
        values[positions[simple]] = _objects(numbers)
        positions = positions[~simple]
        cells = [cells[i] for i in np.flatnonzero(~simple).tolist()]
    if cells:
        codes, uniques = pd.factorize(np.asarray(cells, dtype=object), use_na_sentinel=False)
        checked = [checker.cell_value(unique, column) for unique in uniques]
        doubtful = np.fromiter((value is DIRTY for value in checked), dtype=bool, count=len(checked))
        typed = _objects([None if value is DIRTY else value for value in checked])
        values[positions] = typed[codes]
        dirty[positions] = doubtful[codes]
    return values, dirty


def _objects(items: list[object]) -> np.ndarray:
    """A one-dimensional object array holding `items` themselves (Python floats, dates, text)."""
    array = np.array(items, dtype=object)
    if array.ndim != 1:  # a sequence among the items: numpy would unpack it
        array = np.empty(len(items), dtype=object)
        for position, item in enumerate(items):
            array[position] = item
    return array


def raw_columns(
    rows: list[tuple[int, list[str]]], indexes: Iterable[int | None]
) -> dict[int | None, list[str]]:
    """The cells of the given columns (by position; None or a position past a row's end
    gives ""), column by column: a sheet whose rows all have the same width is transposed
    in one go."""
    cell_rows = [cells for _, cells in rows]
    wanted = set(indexes)
    widths = set(map(len, cell_rows))
    if len(widths) == 1 and (width := widths.pop()) > 0:
        transposed = list(zip(*cell_rows, strict=True))
        return {i: list(transposed[i]) if i is not None and i < width else [""] * len(rows) for i in wanted}
    return {
        i: [""] * len(rows) if i is None else [cells[i] if i < len(cells) else "" for cells in cell_rows]
        for i in wanted
    }


class FrameRecords(Sequence[Record]):
    """Valid rows held as columns: `frame` has one object column per kind column (typed
    values as the row-by-row check gives them) and `row`. Iterating gives `Record`s."""

    def __init__(self, frame: pd.DataFrame, names: tuple[str, ...]) -> None:
        self.frame, self.names = frame, names

    def __len__(self) -> int:
        return len(self.frame)

    def _record(self, row: object, values: tuple[object, ...]) -> Record:
        return Record(int(row), dict(zip(self.names, values, strict=True)))  # type: ignore[call-overload]

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> FrameRecords: ...
    def __getitem__(self, index: int | slice) -> Record | FrameRecords:
        if isinstance(index, slice):
            return FrameRecords(self.frame.iloc[index], self.names)
        line = self.frame.iloc[index]
        return self._record(line["row"], tuple(line[name] for name in self.names))

    def __iter__(self) -> Iterator[Record]:
        columns = [self.frame[name].tolist() for name in self.names]
        for row, *values in zip(self.frame["row"].tolist(), *columns, strict=True):
            yield self._record(row, tuple(values))


def validate_columns(
    kind: Kind,
    sheet: Sheet,
    checker: RowChecker,
    by_column: dict[int | None, list[str]] | None = None,
) -> tuple[FrameRecords, list[Issue]]:
    """`validate_sheet` column by column: whole columns checked at once (each distinct code,
    month or date once; plain amounts by pattern); rows with any doubtful cell go through the
    row-by-row check in row order, so every message is the one that check gives.
    `by_column`: `raw_columns(sheet.rows, ...)` of the kind's columns, when the caller has it."""
    rows = sheet.rows
    n = len(rows)
    dirty = np.fromiter(map(len, map(itemgetter(1), rows)), dtype=np.int64, count=n) > checker.width
    columns: dict[str, np.ndarray] = {}
    indexes = {column.name: checker.positions.get(column.name) for column in kind.columns}
    if by_column is None:
        by_column = raw_columns(rows, indexes.values())
    for column in kind.columns:
        columns[column.name], column_dirty = _column_values(by_column[indexes[column.name]], column, checker)
        dirty |= column_dirty
    valid = np.ones(n, dtype=bool)
    found: dict[int, list[Issue]] = {}
    for position in np.flatnonzero(dirty):
        number, cells = rows[position]
        values, row_issues = checker.check(number, cells)
        if row_issues:
            found[int(position)] = row_issues
            valid[position] = False
        else:
            for name, value in values.items():
                columns[name][position] = value
    numbers = np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=n)
    frame = pd.DataFrame({name: pd.Series(columns[name], dtype=object) for name in kind.column_names})
    frame["row"] = numbers
    frame = frame[valid]
    duplicated = frame.duplicated(list(kind.key), keep="first").to_numpy()
    if duplicated.any():
        keys = list(zip(*(frame[name].tolist() for name in kind.key), strict=True))
        first_row_of: dict[tuple[object, ...], int] = {}
        where = np.flatnonzero(valid)
        for place, (natural, number) in enumerate(zip(keys, frame["row"].tolist(), strict=True)):
            if duplicated[place]:
                found[int(where[place])] = [duplicate_issue(kind, number, first_row_of[natural], natural)]
            else:
                first_row_of.setdefault(natural, number)
        frame = frame[~duplicated]
    records = FrameRecords(frame.reset_index(drop=True), kind.column_names)
    bounded = BoundedIssues()
    for position in sorted(found):
        bounded.extend(found[position])
    bounded.extend(cross_row_rules(kind, records))
    return records, bounded.result() + amounts_note(checker.conventions)


def amounts_note(conventions: AmountConventions) -> list[Issue]:
    """How the amounts were read, for the preview, when there was anything to explain."""
    if not (conventions.grouped or conventions.currencies):
        return []
    group = "." if conventions.mark == "," else ","
    params: dict[str, object] = {"mark": conventions.mark, "group": group}
    if conventions.currencies:
        params["currency"] = ", ".join(conventions.currencies)
        return [Issue("importer.info.amounts_read_currency", params, severity="info")]
    return [Issue("importer.info.amounts_read", params, severity="info")]
