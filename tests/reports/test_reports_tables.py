"""CSV and Excel exports: formula injection neutralised, numbers stay numbers, dates stay dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest

from reports.tables import neutralise_cell, sheet_name, to_csv_bytes, to_xlsx_bytes

INJECTIONS = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    '=HYPERLINK("http://x","y")',
    "  =1+1",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_formula_text_gets_a_leading_apostrophe(text: str) -> None:
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-120.5, -3, Decimal("-7.25"), np.float64(-1.5), np.int64(-4), 0, True, dt.date(2026, 10, 1)]
)
def test_numbers_booleans_and_dates_are_left_alone(value: object) -> None:
    assert neutralise_cell(value) is value


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NaT, pd.NA, float("inf")])
def test_missing_values_become_empty(value: object) -> None:
    assert neutralise_cell(value) == ""


def test_harmless_text_is_unchanged() -> None:
    assert neutralise_cell("Klantdataplatform – fase 2 (€)") == "Klantdataplatform – fase 2 (€)"
    assert neutralise_cell("a=b") == "a=b"


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Naam": [*INJECTIONS, "café € ë", 'a;b,c "q"'],
            "Bedrag": [-120.5, 1234.25, 3.0, 0.1, -0.5, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0],
            "Aantal": list(range(-5, 6)),
            "Datum": [dt.date(2026, 10, 1) + dt.timedelta(days=i) for i in range(10)] + [None],
        }
    )


def _parse_csv(data: bytes, separator: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=separator))


def test_dutch_csv_uses_semicolons_and_decimal_commas() -> None:
    data = to_csv_bytes(_frame(), lang="nl")
    rows = _parse_csv(data, ";")
    assert rows[0] == ["Naam", "Bedrag", "Aantal", "Datum"]
    assert rows[1] == ["'=1+1", "-120,5", "-5", "2026-10-01"]
    assert rows[2][1] == "1234,25"
    assert rows[-2][0] == "café € ë"
    assert rows[-1] == ['a;b,c "q"', "12", "5", ""]
    # The real negative number is written bare (unquoted), so spreadsheets read it as a number.
    assert b";-120,5;" in data


def test_english_csv_uses_commas_and_decimal_points() -> None:
    rows = _parse_csv(to_csv_bytes(_frame(), lang="en"), ",")
    assert rows[1] == ["'=1+1", "-120.5", "-5", "2026-10-01"]
    assert rows[-1][0] == 'a;b,c "q"'


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_csv_field_starts_like_a_formula_unless_it_is_a_number(lang: str) -> None:
    separator = ";" if lang == "nl" else ","
    for row in _parse_csv(to_csv_bytes(_frame(), lang=lang), separator)[1:]:
        name, amount, count, _ = row
        assert not name.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
        float(amount.replace(",", "."))
        int(count)


def _workbook(frames: dict[str, pd.DataFrame], lang: str = "nl") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frames, lang=lang)))


def test_excel_has_no_formulas_and_keeps_numbers_and_dates() -> None:
    sheet = _workbook({"Tabel": _frame()})["Tabel"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells, "empty sheet"
    assert all(cell.data_type != "f" for cell in cells)
    assert [cell.value for cell in sheet[1]] == ["Naam", "Bedrag", "Aantal", "Datum"]
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
    assert sheet["A9"].value == "'" + '=HYPERLINK("http://x","y")'
    assert sheet["B2"].value == -120.5 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == -5 and isinstance(sheet["C2"].value, int)
    assert sheet["D2"].is_date and sheet["D2"].value.date() == dt.date(2026, 10, 1)
    assert sheet["D2"].number_format == "dd-mm-yyyy"
    assert sheet["D12"].value is None
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 10


def test_excel_english_date_format_and_number_formats() -> None:
    frame = pd.DataFrame({"Share": [0.953], "When": [pd.Timestamp("2026-10-31 14:30")]})
    sheet = _workbook({"S": frame}, "en")["S"]
    assert sheet["B2"].is_date and sheet["B2"].number_format == "d mmm yyyy hh:mm"
    sheet = openpyxl.load_workbook(
        io.BytesIO(to_xlsx_bytes({"S": frame}, lang="en", number_formats={"Share": "0.0%"}))
    )["S"]
    assert sheet["A2"].value == pytest.approx(0.953) and sheet["A2"].number_format == "0.0%"


def test_excel_headers_are_neutralised_too() -> None:
    sheet = _workbook({"X": pd.DataFrame({"=evil()": [1]})})["X"]
    assert sheet["A1"].value == "'=evil()" and sheet["A1"].data_type == "s"


def test_control_characters_are_dropped_not_fatal() -> None:
    sheet = _workbook({"X": pd.DataFrame({"t": ["a\x00b\x07c"]})})["X"]
    assert sheet["A2"].value == "abc"


def test_sheet_names_are_sanitised_and_unique() -> None:
    assert sheet_name("Budget [2026]: plan/actual*?") == "Budget  2026   plan actual"[:31].strip()
    long = "Een heel lange tabelnaam die te lang is voor Excel"
    assert len(sheet_name(long)) == 31
    assert sheet_name(long, {sheet_name(long)}) != sheet_name(long)
    assert len(sheet_name(long, {sheet_name(long)})) <= 31
    assert sheet_name("  ") == "Sheet"
    book = _workbook({"a/b": pd.DataFrame({"x": [1]}), "a\\b": pd.DataFrame({"x": [2]})})
    assert book.sheetnames == ["a b", "a b (2)"]
