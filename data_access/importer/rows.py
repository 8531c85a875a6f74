"""Checking row by row: the header, each row's cells and rules, the rules across rows,
duplicate keys, and hints for unknown codes."""

from __future__ import annotations

import difflib
from collections import defaultdict

from data_access.importer.cells import AmountConventions, parse_cell
from data_access.importer.reading import Formula, Limits, Number, Sheet
from data_access.importer.records import (
    MAX_ISSUES,
    CellError,
    Issue,
    Record,
    normalise_header,
    shown,
    spreadsheet_column,
)
from data_access.importer.schema import CODE, DECIMAL, REFERENCE, Column, Kind

DIRTY = object()  # a cell the columnar path leaves to the row-by-row check


def check_header(kind: Kind, sheet: Sheet) -> tuple[dict[str, int], list[Issue]]:
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
    if kind.name == "survey_dimensions" and str(values["code"]).casefold() == RESERVED_DIMENSION:
        broken.append(("importer.error.reserved_dimension", "code"))
    return broken


def cross_row_rules(kind: Kind, records: list[Record]) -> list[Issue]:
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


MAX_LISTED = 20  # known dimension codes named in an "unknown dimension" message


RESERVED_DIMENSION = "overall"  # kpis.trust.OVERALL: the index over all dimensions


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


class RowChecker:
    """The checks of one row, with what they share across a sheet's rows (kept in row order).

    `check` is the row-by-row path every message comes from. `cell_value` is the same check
    of one cell for the columnar path: a typed value when the cell raises no issue and needs
    none of the shared state, else `DIRTY` (the row then goes through `check`).
    """

    def __init__(
        self,
        kind: Kind,
        positions: dict[str, int],
        width: int,
        known: dict[str, set[str]],
        limits: Limits,
        conventions: AmountConventions,
    ) -> None:
        self.kind, self.positions, self.width = kind, positions, width
        self.known, self.limits, self.conventions = known, limits, conventions
        self.folded: dict[
            str, dict[str, str]
        ] = {}  # kind -> casefolded code -> code, built when first needed
        self.seen_codes: dict[str, str] = {}  # this sheet's own codes, casefolded
        self.close_codes: dict[tuple[str, str], str] = {}  # (kind, unknown code) -> similar known codes

    def cell_value(self, raw: str, column: Column) -> object:
        if len(raw) > self.limits.max_cell or isinstance(raw, Formula):
            return DIRTY
        if not raw.strip():
            return DIRTY if column.required else None
        if column.type == CODE:
            return DIRTY
        if (
            column.type == DECIMAL
            and not isinstance(raw, Number)
            and self.conventions.cell_issue(raw) is not None
        ):
            return DIRTY
        try:
            value = parse_cell(raw, column, self.conventions.mark)
        except CellError:
            return DIRTY
        if column.type == REFERENCE and str(value) not in self.known.get(column.ref or "", set()):
            return DIRTY
        return value

    def check(self, number: int, cells: list[str]) -> tuple[dict[str, object], list[Issue]]:
        kind, known, limits, width = self.kind, self.known, self.limits, self.width
        conventions, mark = self.conventions, self.conventions.mark
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
            index = self.positions.get(column.name)
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
                    self.folded,
                    self.seen_codes if column.type == CODE else {},
                    close=self.close_codes if column.type == REFERENCE else None,
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
                    self.seen_codes.setdefault(str(value).casefold(), str(value))
            if column.type == REFERENCE and column.ref and value not in known.get(column.ref, set()):
                params: dict[str, object] = {"kind": column.ref}
                message = (
                    "importer.error.unknown_reference_close" if hint else "importer.error.unknown_reference"
                )
                if hint:
                    params["suggestions"] = hint[1]
                elif column.ref == "survey_dimensions":
                    message = "importer.error.unknown_dimension"
                    params["known"] = ", ".join(sorted(known.get(column.ref, set()))[:MAX_LISTED]) or "—"
                row_issues.append(
                    Issue(
                        message,
                        params,
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
        return values, row_issues


def duplicate_issue(kind: Kind, number: int, first_row: int, natural: tuple[object, ...]) -> Issue:
    return Issue(
        "importer.error.duplicate_key",
        {"first_row": first_row, "key": ", ".join(kind.key)},
        row=number,
        column=kind.key[-1],
        value=" / ".join("" if v is None else str(v) for v in natural),
    )
