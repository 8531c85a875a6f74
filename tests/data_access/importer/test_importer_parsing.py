"""Pure parsing rules of the importer: decimal marks, numbers, dates, months, separators."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.importer.reading import FileRejected, Number, decode, detect_separator, limits_from_env
from data_access.importer.validate import (
    CellError,
    detect_decimal_mark,
    parse_boolean,
    parse_date,
    parse_decimal,
    parse_month,
)


@pytest.mark.parametrize(
    ("values", "separator", "expected"),
    [
        (["1,5", "1234"], ",", ","),
        (["1.234,56"], ",", ","),
        (["0,125"], ",", ","),
        (["1.5", "12"], ";", "."),
        (["1,234.56"], ";", "."),
        (["1.234.567"], ",", ","),  # repeated points are grouping: decimal comma
        (["1.234"], ";", ","),  # ambiguous: follows the separator
        (["1.234"], ",", "."),
        (["12", "-3"], ";", ","),
    ],
)
def test_decimal_mark(values: list[str], separator: str, expected: str) -> None:
    assert detect_decimal_mark(values, separator) == (expected, [])


def test_mixed_decimal_marks_are_reported_with_examples() -> None:
    assert detect_decimal_mark(["1,5", "2", "2.5"], ",") == (".", ["1,5", "2.5"])


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1.234.567,89", ",", 1234567.89),
        ("-120,50", ",", -120.5),
        ("€ 1 234,5", ",", 1234.5),
        ("1,234,567.8", ".", 1234567.8),
        ("+7", ".", 7.0),
        (Number("1e-05"), ".", 1e-05),
    ],
)
def test_parse_decimal(text: str, mark: str, expected: float) -> None:
    assert parse_decimal(text, mark) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("NaN", "importer.error.not_finite"),
        ("-Infinity", "importer.error.not_finite"),
        ("#DIV/0!", "importer.error.excel_error"),
        ("1.23.4", "importer.error.not_a_number"),
        ("12,34,5", "importer.error.not_a_number"),
        ("ten", "importer.error.not_a_number"),
        ("1e5", "importer.error.not_a_number"),
    ],
)
def test_parse_decimal_rejects(text: str, key: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_decimal(text, ".")
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-31", dt.date(2026, 10, 31)),
        ("31-10-2026", dt.date(2026, 10, 31)),
        ("1/2/2026", dt.date(2026, 2, 1)),
        ("31.10.2026", dt.date(2026, 10, 31)),
        ("2026-10-31 00:00:00", dt.date(2026, 10, 31)),
    ],
)
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10", dt.date(2026, 10, 1)),
        ("10-2026", dt.date(2026, 10, 1)),
        ("01-10-2026", dt.date(2026, 10, 1)),
    ],
)
def test_parse_month(text: str, expected: dt.date) -> None:
    assert parse_month(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2026-00", "importer.error.not_a_month"),
        ("2026-10-02", "importer.error.not_first_of_month"),
        ("1899-01", "importer.error.date_range"),
        ("okt 2026", "importer.error.not_a_month"),
    ],
)
def test_parse_month_rejects(text: str, key: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_month(text)
    assert caught.value.key == key


def test_booleans_in_both_languages() -> None:
    assert [parse_boolean(v) for v in ("ja", "Nee", "TRUE", "0", "waar")] == [True, False, True, False, True]
    with pytest.raises(CellError):
        parse_boolean("misschien")


def test_decoding_and_separators() -> None:
    assert decode("Financiën".encode("cp1252")) == ("Financiën", "Windows-1252")
    assert decode(b"\xef\xbb\xbfcode") == ("code", "UTF-8")
    assert detect_separator('code;name\n"a,b";c\n') == ";"
    assert detect_separator('"a;b",c,d\n') == ","
    with pytest.raises(FileRejected) as caught:
        detect_separator("code|name\n")
    assert caught.value.params == {"found": "|"}


def test_limits_from_the_environment() -> None:
    limits = limits_from_env({"IMPORT_MAX_MB": "5", "IMPORT_MAX_ROWS": "10", "IMPORT_MAX_CELL": "20"})
    assert (limits.max_bytes, limits.max_rows, limits.max_cell) == (5 * 1024 * 1024, 10, 20)
    assert limits_from_env({}).max_mb == 50
    with pytest.raises(ValueError, match="whole numbers"):
        limits_from_env({"IMPORT_MAX_MB": "lots"})


def test_default_size_limit_matches_the_upload_limit_of_the_server() -> None:
    import tomllib

    from tests.conftest import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert limits_from_env({}).max_mb == config["server"]["maxUploadSize"]
