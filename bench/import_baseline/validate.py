"""Check every row of a sheet against its kind before anything is written.

`validate_sheet` turns text cells into typed values and collects every problem as an
`Issue` (row as the spreadsheet shows it, column, value, message key and parameters).
References are checked against `known` codes: those in the database plus those earlier in
the same import.
"""

from __future__ import annotations

import difflib
from collections import defaultdict

from bench.import_baseline.cells import (  # noqa: F401 - pipeline and store read some of these here
    MAX_ISSUES,
    MORE_ISSUES,
    AmountConventions,
    CellError,
    Issue,
    Record,
    _BoundedIssues,
    amount_conventions,
    normalise_header,
    parse_cell,
    shown,
    spreadsheet_column,
)
from data_access.importer.reading import Formula, Limits, Number, Sheet
from data_access.importer.schema import (
    CODE,
    DECIMAL,
    REFERENCE,
    Kind,
)


def _check_header(kind: Kind, sheet: Sheet) -> tuple[dict[str, int], list[Issue]]:
    issues: list[Issue] = []
    positions: dict[str, int] = {}
    expected = ", ".join(kind.column_names)
    for index, raw in enumerate(sheet.header):
        name = normalise_header(raw)
        if not name:
            if any(index < len(cells) and cells[index].strip() for _, cells in sheet.rows):
                issues.append(Issue("importer.error.unnamed_column", {"position": index + 1}, row=1))
            continue
        if name in positions:
            issues.append(Issue("importer.error.duplicate_column", {}, row=1, column=shown(raw)))
        elif name not in kind.column_names:
            issues.append(
                Issue("importer.error.unknown_column", {"expected": expected}, row=1, column=shown(raw))
            )
        else:
            positions[name] = index
    for column in kind.columns:
        if column.required and column.name not in positions:
            issues.append(
                Issue("importer.error.missing_column", {"expected": expected}, row=1, column=column.name)
            )
    return positions, issues


def _row_rules(kind: Kind, values: dict[str, object]) -> list[tuple[str, str]]:
    """Rules inside one row: (message key, column) for each broken rule."""
    broken: list[tuple[str, str]] = []
    if kind.name == "projects" and values["planned_end"] < values["planned_start"]:  # type: ignore[operator]
        broken.append(("importer.error.end_before_start", "planned_end"))
    if kind.name == "team" and values.get("end_month") and values["end_month"] < values["start_month"]:  # type: ignore[operator]
        broken.append(("importer.error.end_before_start", "end_month"))
    return broken


def _cross_row_rules(kind: Kind, records: list[Record]) -> list[Issue]:
    issues: list[Issue] = []
    if kind.name == "ownership":
        owners: dict[tuple[object, object], list[Record]] = defaultdict(list)
        for record in records:
            owners[(record.values["project"], record.values["area"])].append(record)
        for (project, area), rows in owners.items():
            if len(rows) > 1:
                departments = ", ".join(str(r.values["department"]) for r in rows)
                issues.append(
                    Issue(
                        "importer.warning.double_owner",
                        {"project": project, "area": area, "departments": departments},
                        row=rows[1].row,
                        column="department",
                        value=str(rows[1].values["department"]),
                        severity="warning",
                    )
                )
    if kind.name == "funding":
        shares: dict[object, list[Record]] = defaultdict(list)
        for record in records:
            if record.values.get("agreed_share") is not None:
                shares[record.values["project"]].append(record)
        for project, rows in shares.items():
            total = sum(float(r.values["agreed_share"]) for r in rows)  # type: ignore[arg-type]
            if total > 1.0001:
                issues.append(
                    Issue(
                        "importer.error.shares_over_100",
                        {"project": project, "total": f"{total * 100:g}"},
                        row=rows[-1].row,
                        column="agreed_share",
                        value=str(rows[-1].values["agreed_share"]),
                    )
                )
    if kind.name in ("survey_responses", "survey_comments"):
        departments: dict[tuple[object, object], Record] = {}
        for record in records:
            who = (record.values["wave"], record.values["respondent_ref"])
            first = departments.setdefault(who, record)
            if first.values["department"] != record.values["department"]:
                issues.append(
                    Issue(
                        "importer.error.respondent_two_departments",
                        {"respondent": who[1], "first_row": first.row},
                        row=record.row,
                        column="department",
                        value=str(record.values["department"]),
                    )
                )
    return issues


CLOSE_CUTOFF = 0.75  # difflib ratio: `MKT` for `MKTG`, `P-0012` for `P-001`; not `IT` for `HR`


def _other_case(
    code: str,
    target: str | None,
    known: dict[str, set[str]],
    folded: dict[str, dict[str, str]],
    seen: dict[str, str],
) -> str | None:
    """The existing code that differs from `code` only in capitals (`p-001` vs `P-001`), or None."""
    if target is None or code in known.get(target, set()):
        return None
    if target not in folded:
        folded[target] = {c.casefold(): c for c in known.get(target, set())}
    match = folded[target].get(code.casefold())
    if match is None and seen.get(code.casefold(), code) != code:
        match = seen[code.casefold()]
    return match if match is not None and match != code else None


def code_hint(
    code: str,
    target: str | None,
    known: dict[str, set[str]],
    folded: dict[str, dict[str, str]],
    seen: dict[str, str],
    *,
    close: dict[tuple[str, str], str] | None = None,
) -> tuple[str, str] | None:
    """A "did you mean" for a code that is not known as written, or None.

    `("case", existing)` when an existing code differs only in capitals (`fin` for `FIN`);
    with `close` (a cache, also bounding the work to MAX_ISSUES look-ups) and an unknown
    code, `("close", "A, B")` naming up to three similar existing codes (difflib).
    """
    existing = _other_case(code, target, known, folded, seen)
    if existing is not None:
        return "case", existing
    if close is None or target is None or code in known.get(target, set()):
        return None
    key = (target, code)
    if key not in close:
        if len(close) >= MAX_ISSUES:
            return None
        matches = difflib.get_close_matches(code.casefold(), list(folded[target]), n=3, cutoff=CLOSE_CUTOFF)
        close[key] = ", ".join(folded[target][m] for m in matches)
    return ("close", close[key]) if close[key] else None


def validate_sheet(
    kind: Kind,
    sheet: Sheet,
    *,
    known: dict[str, set[str]],
    limits: Limits,
    separator: str | None = None,
) -> tuple[list[Record], list[Issue]]:
    """Typed records of the valid rows and every issue found; records count only without errors."""
    if not sheet.header:
        return [], [Issue("importer.error.empty_file")]
    positions, issues = _check_header(kind, sheet)
    if issues:
        return [], issues
    if not sheet.rows:
        return [], [Issue("importer.error.no_data_rows")]
    decimal_columns = [positions[c.name] for c in kind.columns if c.type == DECIMAL and c.name in positions]
    raw_numbers = [
        cells[i]
        for _, cells in sheet.rows
        for i in decimal_columns
        if i < len(cells) and not isinstance(cells[i], Number)
    ]
    conventions = amount_conventions(raw_numbers, separator)
    mark = conventions.mark
    width = len(sheet.header)
    records: list[Record] = []
    bounded = _BoundedIssues()
    folded: dict[str, dict[str, str]] = {}  # kind -> casefolded code -> code, built when first needed
    seen_codes: dict[str, str] = {}  # this sheet's own codes, casefolded
    close_codes: dict[tuple[str, str], str] = {}  # (kind, unknown code) -> similar known codes
    first_row_of: dict[tuple[object, ...], int] = {}
    for number, cells in sheet.rows:
        row_issues: list[Issue] = []
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            extra = next(i for i in range(width, len(cells)) if cells[i].strip())
            row_issues.append(
                Issue(
                    "importer.error.too_many_cells",
                    {"cells": len(cells), "columns": width, "position": spreadsheet_column(extra)},
                    row=number,
                    column=spreadsheet_column(extra),
                    value=shown(cells[extra]),
                )
            )
        values: dict[str, object] = {}
        for column in kind.columns:
            index = positions.get(column.name)
            raw = cells[index] if index is not None and index < len(cells) else ""
            if len(raw) > limits.max_cell:
                row_issues.append(
                    Issue(
                        "importer.error.cell_too_long",
                        {"length": len(raw), "maximum": limits.max_cell},
                        row=number,
                        column=column.name,
                        value=shown(raw),
                    )
                )
                continue
            if isinstance(raw, Formula):
                row_issues.append(
                    Issue("importer.error.formula_cell", {}, row=number, column=column.name, value=shown(raw))
                )
                continue
            if not raw.strip():
                if column.required:
                    row_issues.append(Issue("importer.error.required", {}, row=number, column=column.name))
                values[column.name] = None
                continue
            if column.type == DECIMAL and not isinstance(raw, Number):
                problem = conventions.cell_issue(raw)
                if problem is not None:
                    row_issues.append(
                        Issue(problem[0], problem[1], row=number, column=column.name, value=shown(raw))
                    )
                    continue
            try:
                value = parse_cell(raw, column, mark)
            except CellError as exc:
                row_issues.append(
                    Issue(exc.key, exc.params, row=number, column=column.name, value=shown(raw))
                )
                continue
            if column.type in (CODE, REFERENCE):
                target = column.ref if column.type == REFERENCE else kind.name
                hint = code_hint(
                    str(value),
                    target,
                    known,
                    folded,
                    seen_codes if column.type == CODE else {},
                    close=close_codes if column.type == REFERENCE else None,
                )
                if hint is not None and hint[0] == "case":
                    row_issues.append(
                        Issue(
                            "importer.error.code_case",
                            {"existing": hint[1]},
                            row=number,
                            column=column.name,
                            value=shown(raw),
                        )
                    )
                    continue
                if column.type == CODE:
                    seen_codes.setdefault(str(value).casefold(), str(value))
            if column.type == REFERENCE and column.ref and value not in known.get(column.ref, set()):
                row_issues.append(
                    Issue(
                        "importer.error.unknown_reference_close"
                        if hint
                        else "importer.error.unknown_reference",
                        {"kind": column.ref, **({"suggestions": hint[1]} if hint else {})},
                        row=number,
                        column=column.name,
                        value=shown(raw),
                    )
                )
                continue
            values[column.name] = value
        if not row_issues:
            for key, column_name in _row_rules(kind, values):
                row_issues.append(
                    Issue(key, {}, row=number, column=column_name, value=str(values[column_name]))
                )
        if not row_issues:
            record = Record(number, values)
            natural = record.key(kind)
            if natural in first_row_of:
                row_issues.append(
                    Issue(
                        "importer.error.duplicate_key",
                        {"first_row": first_row_of[natural], "key": ", ".join(kind.key)},
                        row=number,
                        column=kind.key[-1],
                        value=" / ".join("" if v is None else str(v) for v in natural),
                    )
                )
            else:
                first_row_of[natural] = number
                records.append(record)
        bounded.extend(row_issues)
    bounded.extend(_cross_row_rules(kind, records))
    return records, bounded.result() + _amounts_note(conventions)


def _amounts_note(conventions: AmountConventions) -> list[Issue]:
    """How the amounts were read, for the preview, when there was anything to explain."""
    if not (conventions.grouped or conventions.currencies):
        return []
    group = "." if conventions.mark == "," else ","
    params: dict[str, object] = {"mark": conventions.mark, "group": group}
    if conventions.currencies:
        params["currency"] = ", ".join(conventions.currencies)
        return [Issue("importer.info.amounts_read_currency", params, severity="info")]
    return [Issue("importer.info.amounts_read", params, severity="info")]
