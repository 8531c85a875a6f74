"""Amounts as real files write them (issue 18.5): currency, grouping, spaces, ambiguity per cell."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from data_access.importer import issue_message, run_import
from data_access.importer.validate import amount_conventions, parse_decimal, split_amount
from tests.data_access.importer import test_importer_bad_files as bad_files
from tests.data_access.importer.test_importer_bad_files import (
    ACTUALS_HEADER,
    csv_bytes,
    dump_database,
    xlsx_bytes,
)

tiny_engine = bad_files.tiny_engine  # the same fixture: the tiny portfolio on SQLite and PostgreSQL

NARROW = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text_", "body", "currency"),
    [
        ("$2,450,000", "2,450,000", "$"),
        ("CHF 1 234.50", "1234.50", "CHF"),
        (f"1{NARROW}234{NARROW}567 €", "1234567", "€"),
        ("-€ 5", "-5", "€"),
        ("€-5", "-5", "€"),
        ("12 EUR", "12", "EUR"),
        ("£7", "7", "£"),
        ("12 ABC", "12ABC", None),  # not an ISO 4217 code
        ("$5 EUR", "$5EUR", None),  # two currencies: not an amount
        ("INF", "INF", None),
    ],
)
def test_split_amount(text_: str, body: str, currency: str | None) -> None:
    assert split_amount(text_) == (body, currency)


@pytest.mark.parametrize(
    ("text_", "mark", "expected"),
    [
        ("$2,450,000", ".", 2450000.0),
        (f"CHF{NBSP}1{NARROW}234,50", ",", 1234.5),
        ("USD 1,234,567.89", ".", 1234567.89),
        ("1.234.567 EUR", ",", 1234567.0),
        ("-$ 12.5", ".", -12.5),
    ],
)
def test_parse_decimal_with_currency_and_spaces(text_: str, mark: str, expected: float) -> None:
    assert parse_decimal(text_, mark) == expected


def test_non_ascii_digits_still_refused() -> None:
    with pytest.raises(Exception, match="not_a_number"):
        parse_decimal("$١٢٣", ".")


def test_a_dollar_amount_alone_proves_its_decimal_point() -> None:
    conventions = amount_conventions(["$512,300", "$2,450,000"], None)
    assert (conventions.mark, conventions.decided, conventions.currency) == (".", True, "$")
    assert conventions.cell_issue("$512,300") is None


def test_undecidable_cell_is_ambiguous() -> None:
    conventions = amount_conventions(["512,300", "12"], None)
    assert not conventions.decided
    assert conventions.cell_issue("512,300") == ("importer.error.ambiguous_amount", {})
    assert conventions.cell_issue("12") is None


def _actuals(engine: Engine) -> list[float]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT actual FROM budget_line WHERE actual IS NOT NULL ORDER BY actual"))
        return [float(r[0]) for r in rows]


def test_dollar_amounts_import_and_the_preview_says_how(tiny_engine: Engine) -> None:
    data = csv_bytes(ACTUALS_HEADER + 'A,2026-01,MKT,people,"$512,300"\nA,2026-02,MKT,people,"$2,450,000"\n')
    report = run_import(
        engine=tiny_engine, kind="budget_actuals", file_name="a.csv", data=data, dry_run=True, user_name="t"
    )
    assert report.ok, [issue_message(i, "en") for i in report.errors]
    notes = [issue_message(i, "en") for i in report.issues if i.severity == "info"]
    assert notes == [
        "Amounts read with '.' as decimal mark and ',' as thousands separator; "
        "currency symbol $ and spaces ignored."
    ]
    assert [r["actual"] for r in report.results[0].preview][:2] == [512300.0, 2450000.0]


def test_ambiguous_cells_are_named_one_by_one_with_the_other_errors(tiny_engine: Engine) -> None:
    data = xlsx_bytes(
        [
            ["project", "month", "department", "category", "actual"],
            ["A", "2026-01", "MKT", "people", "512,300"],
            ["A", "2026-02", "MKT", "people", "7"],
            ["A", "2026-03", "NOPE", "people", "1.250"],
        ]
    )
    before = dump_database(tiny_engine)
    report = run_import(
        engine=tiny_engine, kind="budget_actuals", file_name="a.xlsx", data=data, dry_run=False, user_name="t"
    )
    got = [(i.row, i.column, i.value, i.key) for i in report.errors]
    assert got == [
        (2, "actual", "512,300", "importer.error.ambiguous_amount"),
        (4, "department", "NOPE", "importer.error.unknown_reference"),
        (4, "actual", "1.250", "importer.error.ambiguous_amount"),
    ]
    assert "Ambiguous amount" in issue_message(report.errors[0], "en")
    assert "Dubbelzinnig bedrag" in issue_message(report.errors[0], "nl")
    assert dump_database(tiny_engine) == before


def test_mixed_marks_and_currencies_are_per_cell(tiny_engine: Engine) -> None:
    data = csv_bytes(
        ACTUALS_HEADER
        + 'A,2026-01,MKT,people,"1,5"\n'
        + "A,2026-02,MKT,people,2.5\n"
        + "A,2026-03,MKT,people,3.5\n"
        + "A,2026-04,MKT,people,EUR 4.5\n"
        + "A,2026-05,MKT,people,USD 4.5\n"
        + "A,2026-06,MKT,people,USD 5.5\n"
        + "A,2026-13,MKT,people,1\n"
    )
    before = dump_database(tiny_engine)
    report = run_import(
        engine=tiny_engine, kind="budget_actuals", file_name="a.csv", data=data, dry_run=False, user_name="t"
    )
    got = [(i.row, i.column, i.value, i.key) for i in report.errors]
    assert got == [
        (2, "actual", "1,5", "importer.error.decimal_mark_conflict"),
        (5, "actual", "EUR 4.5", "importer.error.other_currency"),
        (8, "month", "2026-13", "importer.error.not_a_month"),
    ]
    assert issue_message(report.errors[1], "en") == (
        "Amount in EUR, the other amounts in USD; the dashboard does not convert."
    )
    assert dump_database(tiny_engine) == before
