"""Check every row of a sheet against its kind before anything is written.

`validate_sheet` turns text cells into typed values and collects every problem as an
`Issue` (row as the spreadsheet shows it, column, value, message key and parameters).
References are checked against `known` codes: those in the database plus those earlier in
the same import.

By role: records (issues, records, how values are shown), cells (parsing one cell), rows
(the row-by-row check), columnar (the column-by-column check of large sheets); here
`validate_sheet`, which uses them. Their names stay importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from data_access.importer.cells import (
    CODE_PATTERN,
    CURRENCY_SIGNS,
    DATE_PATTERNS,
    FALSE,
    FORMULA_START,
    MONTH_PATTERNS,
    NOT_FINITE,
    TRUE,
    YEARS,
    AmountConventions,
    ambiguous_amount,
    amount_conventions,
    detect_decimal_mark,
    parse_boolean,
    parse_cell,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_month,
    split_amount,
)
from data_access.importer.columnar import (
    ROW_RULE_KINDS,
    SIMPLE_AMOUNT_LENGTH,
    FrameRecords,
    amounts_note,
    columnar,
    raw_columns,
    validate_columns,
)
from data_access.importer.reading import Limits, Number, Sheet
from data_access.importer.records import (
    MAX_ISSUES,
    MORE_ISSUES,
    SHOWN_VALUE,
    BoundedIssues,
    CellError,
    Issue,
    Record,
    normalise_header,
    shown,
    spreadsheet_column,
)
from data_access.importer.rows import (
    CLOSE_CUTOFF,
    DIRTY,
    MAX_LISTED,
    RESERVED_DIMENSION,
    RowChecker,
    check_header,
    code_hint,
    cross_row_rules,
    duplicate_issue,
)
from data_access.importer.schema import DECIMAL, Kind


def validate_sheet(
    kind: Kind,
    sheet: Sheet,
    *,
    known: dict[str, set[str]],
    limits: Limits,
    separator: str | None = None,
) -> tuple[Sequence[Record], list[Issue]]:
    """Typed records of the valid rows and every issue found; records count only without errors.

    Kinds without a code column of their own (budget lines, progress, funding, ownership,
    survey invitations: see `columnar`) are checked column by column (`validate_columns`); the rows that need a
    message go through the same row-by-row check as every other kind, so messages, their
    order and the records are the same either way.
    """
    if not sheet.header:
        return [], [Issue("importer.error.empty_file")]
    positions, issues = check_header(kind, sheet)
    if issues:
        return [], issues
    if not sheet.rows:
        return [], [Issue("importer.error.no_data_rows")]
    decimal_columns = [positions[c.name] for c in kind.columns if c.type == DECIMAL and c.name in positions]
    # A columnar kind's columns, transposed once: its amounts are read from them here too.
    by_column = (
        raw_columns(sheet.rows, [positions.get(c.name) for c in kind.columns]) if columnar(kind) else None
    )
    if by_column is not None and len(decimal_columns) == 1:
        # A short row's missing cell comes as "": it matches no amount pattern's evidence.
        cells = by_column[decimal_columns[0]]
        raw_numbers = (
            cells if set(map(type, cells)) == {str} else [c for c in cells if not isinstance(c, Number)]
        )
    elif len(decimal_columns) == 1:
        index = decimal_columns[0]
        raw_numbers = [
            cells[index]
            for _, cells in sheet.rows
            if index < len(cells) and not isinstance(cells[index], Number)
        ]
    else:
        raw_numbers = [
            cells[i]
            for _, cells in sheet.rows
            for i in decimal_columns
            if i < len(cells) and not isinstance(cells[i], Number)
        ]
    conventions = amount_conventions(raw_numbers, separator)
    checker = RowChecker(kind, positions, len(sheet.header), known, limits, conventions)
    if by_column is not None:
        return validate_columns(kind, sheet, checker, by_column)
    records: list[Record] = []
    bounded = BoundedIssues()
    first_row_of: dict[tuple[object, ...], int] = {}
    for number, cells in sheet.rows:
        values, row_issues = checker.check(number, cells)
        if not row_issues:
            record = Record(number, values)
            natural = record.key(kind)
            if natural in first_row_of:
                row_issues.append(duplicate_issue(kind, number, first_row_of[natural], natural))
            else:
                first_row_of[natural] = number
                records.append(record)
        bounded.extend(row_issues)
    bounded.extend(cross_row_rules(kind, records))
    return records, bounded.result() + amounts_note(conventions)


__all__ = [
    "AmountConventions",
    "CLOSE_CUTOFF",
    "CODE_PATTERN",
    "CURRENCY_SIGNS",
    "CellError",
    "DATE_PATTERNS",
    "DIRTY",
    "FALSE",
    "FORMULA_START",
    "FrameRecords",
    "Issue",
    "MAX_ISSUES",
    "MAX_LISTED",
    "MONTH_PATTERNS",
    "MORE_ISSUES",
    "NOT_FINITE",
    "RESERVED_DIMENSION",
    "ROW_RULE_KINDS",
    "Record",
    "SHOWN_VALUE",
    "SIMPLE_AMOUNT_LENGTH",
    "TRUE",
    "YEARS",
    "ambiguous_amount",
    "amount_conventions",
    "code_hint",
    "columnar",
    "detect_decimal_mark",
    "normalise_header",
    "parse_boolean",
    "parse_cell",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "parse_month",
    "shown",
    "split_amount",
    "spreadsheet_column",
    "validate_sheet",
]
