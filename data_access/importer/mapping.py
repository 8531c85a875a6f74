"""Column mapping: a file whose columns are named otherwise (a PPM tool's export) mapped onto
an import kind's template before validation.

A mapping is `{template column: file column}` (file columns by their header text). It is
applied by one pure function on the table read from the file (`map_table`), so every check
that follows (formulas, strict parsing, references, all or nothing) applies to the mapped
rows exactly as to a template file. A bad mapping (one file column for two template columns,
a required column unmapped, a file column that is not in the file) is a list of issues and
the import writes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import pandas as pd

from data_access.importer.reading import FileRejected, Limits, Sheet, Table, read_table
from data_access.importer.schema import Kind
from data_access.importer.validate import Issue, normalise_header, shown

ColumnMap = dict[str, str]
"""Template column name -> the file's column header (as written in the file)."""

SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("id", "key", "number", "nummer", "nr", "identifier", "ref", "reference"),
    "name": ("title", "titel", "naam", "project_name", "projectnaam", "description"),
    "name_nl": ("naam", "naam_nl", "dutch_name", "nederlandse_naam"),
    "name_en": ("english_name", "engelse_naam", "naam_en"),
    "project": ("project_code", "project_id", "projectcode", "projectnummer", "project_number"),
    "department": (
        "department_code",
        "dept",
        "dept_code",
        "afdeling",
        "afdelingscode",
        "organisation",
        "org_unit",
        "division",
    ),
    "committed_amount": ("committed", "amount", "bedrag", "toegezegd", "commitment", "budget"),
    "agreed_share": ("share", "aandeel", "split"),
    "status": ("state", "project_status", "fase"),
    "planned_start": ("start", "start_date", "startdatum", "begin", "begindatum"),
    "planned_end": ("end", "end_date", "einddatum", "finish", "due_date"),
    "actual_end": ("actual_end_date", "werkelijke_einddatum", "completed", "completion_date"),
    "rag": ("rag_status", "health", "traffic_light"),
    "rag_reason": ("rag_comment", "health_reason", "toelichting"),
    "goal": ("objective", "doel", "purpose"),
    "month": ("period", "periode", "maand", "fiscal_period"),
    "category": ("cost_category", "cost_type", "kostensoort", "kostencategorie"),
    "planned": ("plan", "budget", "planned_amount", "begroot", "begroting"),
    "actual": ("actuals", "spend", "spent", "actual_amount", "realisatie", "werkelijk"),
    "pct_complete": ("percent_complete", "complete", "progress", "voortgang", "pct"),
    "fte": ("ftes", "capacity", "inzet"),
    "person_ref": ("person", "employee", "medewerker", "resource", "resource_id"),
}

PREVIEW_ROWS = 5


def _folded(name: str) -> str:
    """A header reduced for comparing: lower case, only letters and digits joined by one underscore."""
    return re.sub(r"[^0-9a-z]+", "_", normalise_header(name)).strip("_")


def matches_template(kind: Kind, header: list[str]) -> bool:
    """True when a header needs no mapping: every named column is the kind's, every required one present."""
    names = [normalise_header(h) for h in header if h.strip()]
    required = {c.name for c in kind.columns if c.required}
    return set(names) <= set(kind.column_names) and required <= set(names)


def header_key(header: list[str]) -> str:
    """The file's header set, order-free, as stored with a saved mapping to recognise it next time."""
    return json.dumps(sorted({_folded(h) for h in header if h.strip()}))


def suggest_mapping(kind: Kind, header: list[str]) -> ColumnMap:
    """A first mapping: each template column from the file column of the same normalised name,
    else of one of its synonyms; a file column is suggested for at most one template column."""
    by_folded: dict[str, str] = {}
    for raw in header:
        if raw.strip():
            by_folded.setdefault(_folded(raw), raw)
    mapping: ColumnMap = {}
    used: set[str] = set()
    for rounds in ("exact", "synonym"):
        for column in kind.columns:
            if column.name in mapping:
                continue
            candidates = (column.name,) if rounds == "exact" else SYNONYMS.get(column.name, ())
            for candidate in candidates:
                raw = by_folded.get(candidate)
                if raw is not None and raw not in used:
                    mapping[column.name] = raw
                    used.add(raw)
                    break
    return mapping


def resolve_mapping(header: list[str], mapping: Mapping[str, str | None]) -> ColumnMap:
    """`mapping` with each file column written as this file's header writes it (matched as
    `header_key` compares); columns this file does not have are left out."""
    by_folded: dict[str, str] = {}
    for raw in header:
        if raw.strip():
            by_folded.setdefault(_folded(raw), raw)
    return {
        target: by_folded[_folded(source)]
        for target, source in mapping.items()
        if source and _folded(source) in by_folded
    }


def check_mapping(kind: Kind, header: list[str], mapping: Mapping[str, str | None]) -> list[Issue]:
    """Why a mapping cannot be applied to a file with `header` (empty when it can); file
    columns are compared case, spaces and punctuation aside."""
    issues: list[Issue] = []
    chosen = {target: source for target, source in mapping.items() if source}
    present = {_folded(raw) for raw in header if raw.strip()}
    for target in chosen:
        if target not in kind.column_names:
            issues.append(Issue("importer.mapping.unknown_target", {}, row=1, column=shown(target)))
    for target, source in chosen.items():
        if _folded(source) not in present:
            issues.append(
                Issue("importer.mapping.source_missing", {"target": target}, row=1, column=shown(source))
            )
    sources: dict[str, list[str]] = {}
    for target, source in chosen.items():
        sources.setdefault(_folded(source), []).append(target)
    for targets in sources.values():
        if len(targets) > 1:
            source = chosen[targets[0]]
            issues.append(
                Issue(
                    "importer.mapping.used_twice",
                    {"targets": ", ".join(sorted(targets))},
                    row=1,
                    column=shown(source),
                )
            )
    for column in kind.columns:
        if column.required and column.name not in chosen:
            issues.append(Issue("importer.mapping.required_unmapped", {}, row=1, column=column.name))
    return issues


def map_sheet(sheet: Sheet, mapping: Mapping[str, str | None]) -> Sheet:
    """The sheet as the template has it: template column names in the header, each row's cells
    taken from the mapped file columns; unmapped file columns are left out. Row numbers are kept,
    so every later message still names the file's own row. File columns are matched as
    `header_key` compares them (case, spaces and punctuation aside), the first of equals."""
    chosen = [(target, source) for target, source in mapping.items() if source]
    positions = {_folded(raw): index for index, raw in reversed(list(enumerate(sheet.header)))}
    picks = [(target, positions[_folded(source)]) for target, source in chosen]
    rows = [
        (number, [cells[index] if index < len(cells) else "" for _, index in picks])
        for number, cells in sheet.rows
    ]
    return Sheet(sheet.name, [target for target, _ in picks], rows)


def data_sheet(table: Table, kind_name: str) -> Sheet | None:
    """The sheet a single-kind import reads: the one named after the kind, else the first
    whose name does not start with "_" (as the pipeline chooses)."""
    data = [s for s in table.sheets if not (s.name or "").startswith("_")]
    return next((s for s in data if s.name == kind_name), data[0] if data else None)


def map_table(table: Table, kind: Kind, mapping: Mapping[str, str | None]) -> tuple[Table, list[Issue]]:
    """`table` with `mapping` applied to the sheet the import reads (see `data_sheet`), or the
    issues that stop it (then the table is returned unchanged and nothing may be written)."""
    chosen = data_sheet(table, kind.name)
    if chosen is None:
        return table, []
    issues = check_mapping(kind, chosen.header, mapping)
    if issues:
        return table, issues
    sheets = [map_sheet(s, mapping) if s is chosen else s for s in table.sheets]
    return Table(table.format, sheets, encoding=table.encoding, separator=table.separator), []


def mapped_preview(sheet: Sheet, mapping: Mapping[str, str | None], rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first `rows` rows as the mapping reads them: one text column per mapped template column."""
    head = Sheet(sheet.name, sheet.header, sheet.rows[:rows])
    mapped = map_sheet(head, mapping)
    return pd.DataFrame([cells for _, cells in mapped.rows], columns=mapped.header, dtype="string")


def first_sheet(data: bytes, file_name: str, limits: Limits, kind_name: str = "") -> Sheet | None:
    """The sheet an import of `kind_name` reads (its header and rows), or None when the file
    cannot be read (the import itself then says why)."""
    try:
        table = read_table(data, file_name, limits)
    except FileRejected:
        return None
    return data_sheet(table, kind_name)


def mapping_json(mapping: Mapping[str, str | None]) -> str:
    """The mapping as stored: only mapped columns, keys sorted."""
    return json.dumps({t: s for t, s in sorted(mapping.items()) if s}, ensure_ascii=False)


def mapping_from_json(text: str) -> ColumnMap:
    """A stored mapping read back (ValueError when it is not an object of texts)."""
    loaded = json.loads(text)
    if not isinstance(loaded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
    ):
        raise ValueError("a mapping is an object of template column -> file column")
    return dict(loaded)
