"""What an import reports: progress, the counts per kind, the issues, and the tables and
messages the page, the command line and the import log show of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine, desc, select

from data_access.importer.validate import MORE_ISSUES, Issue
from data_access.models import ImportLog
from i18n import translate
from i18n.format import format_number

Progress = Callable[[str, int, int], None]
"""Told `(step, done, total)` as an import goes: step "read", "validated" or "written", in rows."""


PROGRESS_STEPS = {"read": (0.0, 0.2), "validated": (0.2, 0.5), "written": (0.7, 0.3)}


def progress_fraction(step: str, done: int, total: int) -> float:
    """How far an import is, 0 to 1, for a progress bar: reading a fifth, validating half, writing the rest."""
    start, share = PROGRESS_STEPS[step]
    return min(1.0, start + share * (done / total if total > 0 else 1.0))


def tell(progress: Progress | None, step: str, done: int, total: int) -> None:
    if progress is not None:
        progress(step, done, total)


@dataclass
class KindResult:
    """Counts for one kind (sheet) of an import."""

    kind: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    removed: int
    preview: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportReport:
    """Everything the page and the command line show about one import."""

    file_name: str
    file_size: int
    sha256: str
    kind: str
    dry_run: bool
    issues: list[Issue] = field(default_factory=list)
    results: list[KindResult] = field(default_factory=list)
    applied: bool = False
    encoding: str | None = None
    separator: str | None = None
    mapping_name: str | None = None  # the column mapping applied, when one was

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def error_count(self) -> int:
        """All errors, also those only counted (beyond the listed first ones of a sheet)."""
        return sum(
            int(i.params["count"]) if i.key == MORE_ISSUES else 1  # type: ignore[call-overload]
            for i in self.errors
        )

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def total(self, field_name: str) -> int:
        return sum(getattr(r, field_name) for r in self.results)

    @property
    def outcome(self) -> str:
        if self.errors:
            return "rejected"
        return "applied" if self.applied else "dry_run"


def issue_message(issue: Issue, lang: str) -> str:
    """The issue's message in `lang`, parameters filled (kind names translated)."""
    if issue.key == MORE_ISSUES:
        counts: dict[str, int] = issue.params["counts"]  # type: ignore[assignment]
        examples: dict[str, Issue] = issue.params["examples"]  # type: ignore[assignment]
        summary = "; ".join(
            f"{format_number(count, lang, decimals=0)} × {_example_text(examples[key], lang)}"
            for key, count in counts.items()
        )
        return translate(
            MORE_ISSUES, lang, count=format_number(issue.params["count"], lang, decimals=0), summary=summary
        )
    params = {
        name: format_number(value, lang, decimals=0 if value.is_integer() else 2)
        if isinstance(value, float)
        else value
        for name, value in issue.params.items()
    }
    if "kind" in params:
        params["kind"] = translate(f"importer.kind.{params['kind']}", lang)
    return translate(issue.key, lang, **params)


def _example_text(issue: Issue, lang: str) -> str:
    where = f" ({issue.column}, {translate('importer.first_row', lang)} {issue.row})" if issue.row else ""
    return issue_message(issue, lang).rstrip(".") + where


REPORT_COLUMNS = ("file", "sheet", "row", "column", "value", "severity", "message")


def issues_frame(report: ImportReport, lang: str) -> pd.DataFrame:
    """The issues as a table: file, sheet, row, column, value, severity, message (in `lang`)."""
    rows = [
        {
            "file": report.file_name,
            "sheet": issue.sheet or "",
            "row": issue.row,
            "column": issue.column or "",
            "value": issue.value or "",
            "severity": translate(f"importer.severity.{issue.severity}", lang),
            "message": issue_message(issue, lang),
        }
        for issue in report.issues
    ]
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS)).astype({"row": "Int64"})


def issues_csv(report: ImportReport, lang: str) -> bytes:
    """The issues as a downloadable CSV (UTF-8 with BOM; cells that look like formulas neutralised)."""
    frame = issues_frame(report, lang)
    for column in ("sheet", "column", "value", "message", "file"):
        frame[column] = frame[column].map(_neutralise)
    return frame.to_csv(index=False).encode("utf-8-sig")


def _neutralise(text: str) -> str:
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def results_frame(report: ImportReport, lang: str) -> pd.DataFrame:
    """Counts per kind: kind, rows, inserted, updated, unchanged, removed."""
    rows = [
        {
            "kind": translate(f"importer.kind.{r.kind}", lang),
            "rows": r.rows,
            "inserted": r.inserted,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "removed": r.removed,
        }
        for r in report.results
    ]
    return pd.DataFrame(rows, columns=["kind", "rows", "inserted", "updated", "unchanged", "removed"])


def preview_frame(result: KindResult, lang: str) -> pd.DataFrame:
    """The first rows of a kind as text, with what would happen to each (`action`, translated)."""
    rows = [
        {name: "" if value is None else str(value) for name, value in row.items()}
        | {"action": translate(f"importer.action.{row['action']}", lang)}
        for row in result.preview
    ]
    return pd.DataFrame(rows)


def load_import_log(*, engine: Engine, limit: int = 100) -> pd.DataFrame:
    """The latest imports: at, user_name, kind, file_name, file_size, sha256, inserted, updated, outcome, message."""
    columns = [
        "at",
        "user_name",
        "kind",
        "file_name",
        "file_size",
        "sha256",
        "inserted",
        "updated",
        "outcome",
        "message",
    ]
    query = select(*(getattr(ImportLog, c) for c in columns)).order_by(desc(ImportLog.id)).limit(limit)
    with engine.connect() as conn:
        return pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)
