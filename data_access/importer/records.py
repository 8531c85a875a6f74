"""What validation produces: issues (bounded per sheet), valid records, cell errors, and
how cells, columns and headers are shown."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from data_access.importer.schema import Kind

SHOWN_VALUE = 60


MAX_ISSUES = 300  # listed per sheet; the rest are only counted, by kind (see `more_issues`)


MORE_ISSUES = "importer.error.more_issues"


@dataclass(frozen=True)
class Issue:
    """One problem: `key` names the message in importer.toml, `params` fill it."""

    key: str
    params: dict[str, object] = field(default_factory=dict)
    row: int | None = None
    column: str | None = None
    value: str | None = None
    sheet: str | None = None
    severity: str = "error"


@dataclass
class Record:
    """A valid row: its spreadsheet row number and typed values by column name."""

    row: int
    values: dict[str, object]

    def key(self, kind: Kind) -> tuple[object, ...]:
        return tuple(self.values[name] for name in kind.key)


class CellError(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class BoundedIssues:
    """The first MAX_ISSUES issues, and a count of all of them by message key (bounded memory)."""

    def __init__(self) -> None:
        self.listed: list[Issue] = []
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, Issue] = {}

    def extend(self, issues: list[Issue]) -> None:
        for issue in issues:
            self.counts[issue.key] += 1
            self.examples.setdefault(issue.key, issue)
            if len(self.listed) < MAX_ISSUES:
                self.listed.append(issue)

    def result(self) -> list[Issue]:
        hidden = sum(self.counts.values()) - len(self.listed)
        if hidden <= 0:
            return self.listed
        summary = Issue(
            MORE_ISSUES,
            {"count": hidden, "counts": dict(self.counts.most_common()), "examples": dict(self.examples)},
        )
        return [*self.listed, summary]


def shown(value: str) -> str:
    """A cell value short enough for a report."""
    return value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…"


def spreadsheet_column(index: int) -> str:
    """A 0-based column position as a spreadsheet names it (A, B, ..., Z, AA, ...)."""
    name, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def normalise_header(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower().replace(" ", "_")
