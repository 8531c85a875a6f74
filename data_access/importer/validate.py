"""Check every row of a sheet against its kind before anything is written.

`validate_sheet` turns text cells into typed values and collects every problem as an
`Issue` (row as the spreadsheet shows it, column, value, message key and parameters).
References are checked against `known` codes: those in the database plus those earlier in
the same import.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np
import pandas as pd

from data_access.importer.reading import Formula, Limits, Number, Sheet
from data_access.importer.schema import (
    BOOLEAN,
    CHOICE,
    CODE,
    DATE,
    DECIMAL,
    INTEGER,
    MONTH,
    REFERENCE,
    TEXT,
    Column,
    Kind,
)

SHOWN_VALUE = 60
MAX_ISSUES = 300  # listed per sheet; the rest are only counted, by kind (see `more_issues`)
MORE_ISSUES = "importer.error.more_issues"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$")
NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
TRUE = {"true", "waar", "ja", "j", "yes", "y", "1"}
FALSE = {"false", "onwaar", "nee", "n", "no", "0"}
YEARS = (1990, 2100)


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


class _BoundedIssues:
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


CURRENCY_SIGNS = "€$£¥"
_PLAIN = re.compile(r"^[+-]?[0-9][0-9.,]*$")
_AMOUNT = re.compile(r"^([+-]?)([€$£¥]|[A-Z]{3})?([+-]?)([0-9][0-9.,]*)([€$£¥]|[A-Z]{3})?$")


def _is_currency(code: str) -> bool:
    if code in CURRENCY_SIGNS:
        return True
    from babel.numbers import is_currency  # ISO 4217

    return bool(is_currency(code))


def split_amount(text: str) -> tuple[str, str | None]:
    """An amount's number text without spaces or currency, and the currency it named (if any).

    Spaces of every width (also non-breaking and narrow) are dropped; one currency sign or
    ISO 4217 code before or after the number (`$2,450,000`, `CHF 1234`, `-€ 5`, `12 EUR`)
    is set apart. Text that is not of that shape comes back without spaces only.
    """
    body = "".join(text.split())
    if _PLAIN.match(body):
        return body, None
    match = _AMOUNT.match(body)
    if match is None:
        return body, None
    sign_before, lead, sign_after, number, trail = match.groups()
    if (lead and trail) or (sign_before and sign_after):
        return body, None
    currency = lead or trail
    if currency is not None and not _is_currency(currency):
        return body, None
    return (sign_before or sign_after) + number, currency


def _evidence(text: str) -> str | None:
    """Which decimal mark a number's text proves (`,` or `.`), or None when ambiguous."""
    return _body_evidence(split_amount(text)[0])


def _body_evidence(body: str) -> str | None:
    """`_evidence` of a number already without spaces and currency."""
    body = body.lstrip("+-")
    commas, points = body.count(","), body.count(".")
    if commas and points:
        return "," if body.rfind(",") > body.rfind(".") else "."
    for mark, count in ((",", commas), (".", points)):
        if count > 1:
            return "." if mark == "," else ","  # repeated: a thousands separator
        if count == 1:
            head, _, tail = body.partition(mark)
            if len(tail) != 3 or head in {"", "0"} or not head.isdigit() or len(head) > 3:
                return mark
    return None


def ambiguous_amount(text: str) -> bool:
    """A number whose one `,` or `.` may be a decimal mark or a thousands separator (`512,300`)."""
    body = split_amount(text)[0].lstrip("+-")
    return _evidence(text) is None and (body.count(",") + body.count(".")) == 1


def detect_decimal_mark(values: list[str], separator: str | None) -> tuple[str, list[str]]:
    """The file's decimal mark and, when the file mixes both, one example of each.

    A number such as `1,5`, `1.234,56` or `0,125` proves a decimal comma; `1.5`, `1,234.56`
    a decimal point (currency signs and spaces aside: `$2,450,000` proves a point). Ambiguous
    numbers such as `1.234` follow the separator: `;` files use a decimal comma, `,` files a
    decimal point. When both are proven the mark most numbers prove wins (a tie follows the
    separator); the cells proving the other are reported one by one (`amount_conventions`).
    """
    seen: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for value in values:
        mark = _evidence(value)
        if mark is not None:
            counts[mark] += 1
            seen.setdefault(mark, value)
    default = "," if separator == ";" else "."
    if len(seen) == 2:
        if counts[","] == counts["."]:
            return default, [seen[","], seen["."]]
        return max(counts, key=lambda m: counts[m]), [seen[","], seen["."]]
    if seen:
        return next(iter(seen)), []
    return default, []


@dataclass(frozen=True)
class AmountConventions:
    """How a sheet's amounts are read: decimal mark, whether it is certain, currencies named."""

    mark: str
    decided: bool  # False: both marks proven, or nothing proven and no separator to follow
    currency: str | None  # the currency most amounts name
    currencies: tuple[str, ...]
    grouped: bool  # some amount used a thousands separator

    def cell_issue(self, text: str) -> tuple[str, dict[str, object]] | None:
        """A message key and parameters when this cell cannot be read under the conventions."""
        body, currency = split_amount(text)
        evidence = _body_evidence(body)
        if evidence is not None and evidence != self.mark:
            return "importer.error.decimal_mark_conflict", {"mark": self.mark, "other": evidence}
        if not self.decided and evidence is None and (body.count(",") + body.count(".")) == 1:
            return "importer.error.ambiguous_amount", {}
        if currency is not None and self.currency is not None and currency != self.currency:
            return "importer.error.other_currency", {"currency": currency, "file_currency": self.currency}
        return None


# Number texts whose evidence is plain to see: none (`12`), a decimal point, a decimal comma.
_EVIDENT_NONE = r"[+-]?[0-9]*"
_EVIDENT_POINT = r"[+-]?[0-9]+\.(?:[0-9]{1,2}|[0-9]{4,})"
_EVIDENT_COMMA = r"[+-]?[0-9]+,(?:[0-9]{1,2}|[0-9]{4,})"


def _fullmatches(values: list[str], pattern: str) -> np.ndarray:
    """Which of `values` match `pattern` as a whole, all at once (pandas' text column: RE2
    through pyarrow, else Python's re; the patterns here read the same in both)."""
    try:
        return pd.Series(values, dtype="str").str.fullmatch(pattern).to_numpy(dtype=bool, copy=True)
    except ValueError:  # text pyarrow cannot hold (a lone surrogate): one by one
        compiled = re.compile(pattern)
        return np.fromiter((compiled.fullmatch(v) is not None for v in values), dtype=bool, count=len(values))


def amount_conventions(values: list[str], separator: str | None) -> AmountConventions:
    """The conventions of a sheet's amounts (its text cells), decided as `detect_decimal_mark` does.

    Plain numbers (`-12`, `1234.5`, `0,75`) are told apart by one pattern; the rest one by
    one with `split_amount` and `_body_evidence`.
    """
    counts: Counter[str] = Counter()
    named: Counter[str] = Counter()
    point, comma = _fullmatches(values, _EVIDENT_POINT), _fullmatches(values, _EVIDENT_COMMA)
    evident = point | comma | _fullmatches(values, _EVIDENT_NONE)
    kinds = {1: int(point.sum()), 2: int(comma.sum())}
    for mark, index in ((".", 1), (",", 2)):
        if kinds[index]:
            counts[mark] += kinds[index]
    marked = {".": kinds[1] > 0, ",": kinds[2] > 0}
    rest = [values[i] for i in np.flatnonzero(~evident).tolist()]
    bodies: list[str] = []
    for value in rest:
        body, currency = split_amount(value)
        bodies.append(body)
        evidence = _body_evidence(body)
        if evidence is not None:
            counts[evidence] += 1
        if currency is not None:
            named[currency] += 1
    default = "," if separator == ";" else "."
    if len(counts) == 2:
        mark = default if counts[","] == counts["."] else max(counts, key=lambda m: counts[m])
    else:
        mark = next(iter(counts), default)
    decided = len(counts) < 2 and (bool(counts) or separator is not None)
    group = "." if mark == "," else ","
    return AmountConventions(
        mark=mark,
        decided=decided,
        currency=named.most_common(1)[0][0] if named else None,
        currencies=tuple(sorted(named)),
        grouped=marked.get(group, False) or any(group in body for body in bodies),
    )


def parse_decimal(text: str, mark: str) -> float:
    if isinstance(text, Number):
        value = float(text)
    else:
        body = "".join(text.split())
        if body.lower() in NOT_FINITE:
            raise CellError("importer.error.not_finite")
        if body.startswith("#"):
            raise CellError("importer.error.excel_error")
        body = split_amount(body)[0]
        group = "." if mark == "," else ","
        pattern = rf"^[+-]?([0-9]+|[0-9]{{1,3}}(\{group}[0-9]{{3}})+)(\{mark}[0-9]+)?$"
        if not re.match(pattern, body):
            raise CellError("importer.error.not_a_number", mark=mark)
        value = float(body.replace(group, "").replace(mark, "."))
    if not math.isfinite(value):
        raise CellError("importer.error.not_finite")
    return value


def _check_range(value: float, column: Column) -> None:
    low, high = column.minimum, column.maximum
    below = low is not None and (value <= low if column.exclusive_min else value < low)
    above = high is not None and value > high
    if below or above:
        key = (
            "importer.error.out_of_range_exclusive" if column.exclusive_min else "importer.error.out_of_range"
        )
        raise CellError(
            key, minimum=float(low if low is not None else -math.inf), maximum=float(high or math.inf)
        )


def parse_integer(text: str) -> int:
    if isinstance(text, Number):
        number = float(text)
        if not number.is_integer():
            raise CellError("importer.error.not_an_integer")
        return int(number)
    body = text.replace(" ", "")
    if body.lower() in NOT_FINITE:
        raise CellError("importer.error.not_finite")
    if not re.match(r"^[+-]?[0-9]+$", body):
        raise CellError("importer.error.not_an_integer")
    return int(body)


DATE_PATTERNS = (
    (re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$"), ("d", "m", "y")),
)
MONTH_PATTERNS = (
    (re.compile(r"^([0-9]{4})-([0-9]{1,2})$"), ("y", "m")),
    (re.compile(r"^([0-9]{1,2})[-/]([0-9]{4})$"), ("m", "y")),
)


def _make_date(parts: dict[str, str]) -> dt.date:
    try:
        day = dt.date(int(parts["y"]), int(parts["m"]), int(parts.get("d", "1")))
    except ValueError:
        raise CellError("importer.error.not_a_date") from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise CellError("importer.error.date_range", first=YEARS[0], last=YEARS[1])
    return day


def parse_date(text: str) -> dt.date:
    body = text.strip()
    if len(body) > 10 and body[10] in " T" and body[11:].strip("0:. ") == "":
        body = body[:10]
    for pattern, names in DATE_PATTERNS:
        match = pattern.match(body)
        if match:
            return _make_date(dict(zip(names, match.groups(), strict=True)))
    raise CellError("importer.error.not_a_date")


def parse_month(text: str) -> dt.date:
    body = text.strip()
    for pattern, names in MONTH_PATTERNS:
        match = pattern.match(body)
        if match:
            parts = dict(zip(names, match.groups(), strict=True))
            if not 1 <= int(parts["m"]) <= 12:
                raise CellError("importer.error.not_a_month")
            return _make_date(parts)
    try:
        day = parse_date(body)
    except CellError as exc:
        if exc.key == "importer.error.date_range":
            raise
        raise CellError("importer.error.not_a_month") from None
    if day.day != 1:
        raise CellError("importer.error.not_first_of_month")
    return day


def parse_boolean(text: str) -> bool:
    body = text.strip().lower()
    if body in TRUE:
        return True
    if body in FALSE:
        return False
    raise CellError("importer.error.not_a_boolean")


def parse_cell(raw: str, column: Column, mark: str) -> object:
    """A typed value from a non-empty cell; CellError says what is wrong."""
    text = raw.strip()
    textual = column.type in (TEXT, CODE, REFERENCE, CHOICE) and not isinstance(raw, Number)
    if textual and (text.startswith(FORMULA_START) or raw.startswith(FORMULA_START)):
        raise CellError("importer.error.formula_text")
    if column.type == TEXT:
        if column.max_length and len(text) > column.max_length:
            raise CellError("importer.error.text_too_long", maximum=column.max_length)
        return text
    if column.type in (CODE, REFERENCE):
        if not CODE_PATTERN.match(text):
            raise CellError("importer.error.bad_code")
        if column.max_length and len(text) > column.max_length:
            raise CellError("importer.error.text_too_long", maximum=column.max_length)
        return text
    if column.type == CHOICE:
        value = text.lower().replace(" ", "_")
        if value not in column.choices:
            raise CellError("importer.error.not_a_choice", choices=", ".join(column.choices))
        return value
    if column.type == DECIMAL:
        number = parse_decimal(text if not isinstance(raw, Number) else raw, mark)
        _check_range(number, column)
        if column.decimals is not None:
            rounded = round(number, column.decimals)
            if abs(rounded - number) > 1e-9 * max(1.0, abs(number)):
                raise CellError("importer.error.too_many_decimals", decimals=column.decimals)
            number = rounded
        return number
    if column.type == INTEGER:
        whole = parse_integer(raw if isinstance(raw, Number) else text)
        _check_range(whole, column)
        return whole
    if column.type == DATE:
        return parse_date(text)
    if column.type == MONTH:
        return parse_month(text)
    if column.type == BOOLEAN:
        return parse_boolean(text)
    raise AssertionError(f"unknown column type {column.type}")


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
    if kind.name == "survey_dimensions" and str(values["code"]).casefold() == RESERVED_DIMENSION:
        broken.append(("importer.error.reserved_dimension", "code"))
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


class _RowChecker:
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


def _duplicate_issue(kind: Kind, number: int, first_row: int, natural: tuple[object, ...]) -> Issue:
    return Issue(
        "importer.error.duplicate_key",
        {"first_row": first_row, "key": ", ".join(kind.key)},
        row=number,
        column=kind.key[-1],
        value=" / ".join("" if v is None else str(v) for v in natural),
    )


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
    survey invitations: see `columnar`) are checked column by column (`_validate_columns`); the rows that need a
    message go through the same row-by-row check as every other kind, so messages, their
    order and the records are the same either way.
    """
    if not sheet.header:
        return [], [Issue("importer.error.empty_file")]
    positions, issues = _check_header(kind, sheet)
    if issues:
        return [], issues
    if not sheet.rows:
        return [], [Issue("importer.error.no_data_rows")]
    decimal_columns = [positions[c.name] for c in kind.columns if c.type == DECIMAL and c.name in positions]
    if len(decimal_columns) == 1:
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
    checker = _RowChecker(kind, positions, len(sheet.header), known, limits, conventions)
    if columnar(kind):
        return _validate_columns(kind, sheet, checker)
    records: list[Record] = []
    bounded = _BoundedIssues()
    first_row_of: dict[tuple[object, ...], int] = {}
    for number, cells in sheet.rows:
        values, row_issues = checker.check(number, cells)
        if not row_issues:
            record = Record(number, values)
            natural = record.key(kind)
            if natural in first_row_of:
                row_issues.append(_duplicate_issue(kind, number, first_row_of[natural], natural))
            else:
                first_row_of[natural] = number
                records.append(record)
        bounded.extend(row_issues)
    bounded.extend(_cross_row_rules(kind, records))
    return records, bounded.result() + _amounts_note(conventions)


DIRTY = object()  # a cell the columnar path leaves to the row-by-row check
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
    simple = _fullmatches(cells, rf"-?[0-9]{{1,12}}{fraction}")
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


def _column_values(raw: list[str], column: Column, checker: _RowChecker) -> tuple[np.ndarray, np.ndarray]:
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


def _raw_columns(
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


def _validate_columns(kind: Kind, sheet: Sheet, checker: _RowChecker) -> tuple[FrameRecords, list[Issue]]:
    """`validate_sheet` column by column: whole columns checked at once (each distinct code,
    month or date once; plain amounts by pattern); rows with any doubtful cell go through the
    row-by-row check in row order, so every message is the one that check gives."""
    rows = sheet.rows
    n = len(rows)
    dirty = np.fromiter((len(cells) for _, cells in rows), dtype=np.int64, count=n) > checker.width
    columns: dict[str, np.ndarray] = {}
    indexes = {column.name: checker.positions.get(column.name) for column in kind.columns}
    raw_columns = _raw_columns(rows, indexes.values())
    for column in kind.columns:
        columns[column.name], column_dirty = _column_values(
            raw_columns[indexes[column.name]], column, checker
        )
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
    numbers = np.fromiter((number for number, _ in rows), dtype=np.int64, count=n)
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
                found[int(where[place])] = [_duplicate_issue(kind, number, first_row_of[natural], natural)]
            else:
                first_row_of.setdefault(natural, number)
        frame = frame[~duplicated]
    records = FrameRecords(frame.reset_index(drop=True), kind.column_names)
    bounded = _BoundedIssues()
    for position in sorted(found):
        bounded.extend(found[position])
    bounded.extend(_cross_row_rules(kind, records))
    return records, bounded.result() + _amounts_note(checker.conventions)


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
