"""Parsing one cell: amounts (decimal mark and currency conventions), integers, dates,
months, booleans and codes, each to its typed value or a CellError."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.importer.reading import Number
from data_access.importer.records import CellError
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
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$")


NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


TRUE = {"true", "waar", "ja", "j", "yes", "y", "1"}


FALSE = {"false", "onwaar", "nee", "n", "no", "0"}


YEARS = (1990, 2100)


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


def text_column(values: list[str]) -> pd.Series | None:
    """`values` as pandas' text column (Arrow), to match several patterns against; None when
    pyarrow cannot hold one of them (a lone surrogate)."""
    try:
        return pd.Series(values, dtype="str")
    except ValueError:
        return None


def fullmatches(values: list[str], pattern: str, column: pd.Series | None = None) -> np.ndarray:
    """Which of `values` match `pattern` as a whole, all at once (pandas' text column: RE2
    through pyarrow, else Python's re; the patterns here read the same in both). `column`:
    `text_column(values)` when the caller has it already."""
    column = text_column(values) if column is None else column
    if column is not None:
        try:
            return column.str.fullmatch(pattern).to_numpy(dtype=bool, copy=True)
        except ValueError:
            pass
    compiled = re.compile(pattern)
    return np.fromiter((compiled.fullmatch(v) is not None for v in values), dtype=bool, count=len(values))


def amount_conventions(values: list[str], separator: str | None) -> AmountConventions:
    """The conventions of a sheet's amounts (its text cells), decided as `detect_decimal_mark` does.

    Plain numbers (`-12`, `1234.5`, `0,75`) are told apart by one pattern; the rest one by
    one with `split_amount` and `_body_evidence`.
    """
    counts: Counter[str] = Counter()
    named: Counter[str] = Counter()
    column = text_column(values)  # one text column for the three patterns
    point, comma = fullmatches(values, _EVIDENT_POINT, column), fullmatches(values, _EVIDENT_COMMA, column)
    evident = point | comma | fullmatches(values, _EVIDENT_NONE, column)
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
