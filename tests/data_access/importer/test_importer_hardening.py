"""Hostile files (issue 17): decompression bombs, empty-row bombs, malformed workbooks, unbounded
error lists. Every file is made here at test time. Time and memory bounds are loose on purpose
(CI is busy): they tell seconds from minutes and megabytes from gigabytes, nothing finer.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.engine import create_db_engine, upgrade_schema
from data_access.importer import Limits, issue_message, run_import
from data_access.importer.reading import FileRejected, read_table
from tests.factories import insert_tiny_portfolio
from tests.xlsx_bombs import SHEET, base_workbook, empty_rows, one_huge_cell, sheet_xml, with_member

MEBIBYTE = 1024 * 1024
SECONDS = 20  # generous: the unbounded reads took 50 s to minutes
EXTRA_MB = 100


def measured(call: Callable[[], object]) -> tuple[object, float, float]:
    """What `call` returned (or the FileRejected it raised), seconds taken, peak traced MB."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result: object = call()
    except FileRejected as exc:
        result = exc
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / MEBIBYTE
        tracemalloc.stop()
    return result, elapsed, peak


def refused(
    data: bytes, name: str = "x.xlsx", limits: Limits | None = None
) -> tuple[FileRejected, float, float]:
    result, elapsed, peak = measured(lambda: read_table(data, name, limits or Limits()))
    assert isinstance(result, FileRejected), result
    return result, elapsed, peak


def test_a_2_gib_one_cell_workbook_is_refused_fast_from_its_zip_directory() -> None:
    bomb = one_huge_cell()
    assert len(bomb) < 3 * MEBIBYTE
    exc, elapsed, peak = refused(bomb)
    assert exc.key == "importer.error.xlsx_bomb"
    assert exc.params["member"] == SHEET
    assert elapsed < SECONDS and peak < EXTRA_MB


def test_a_workbook_too_large_unpacked_is_refused_even_at_a_modest_ratio() -> None:
    exc, _, _ = refused(one_huge_cell(64 * MEBIBYTE), limits=Limits(max_unzipped_bytes=32 * MEBIBYTE))
    assert exc.key in {"importer.error.xlsx_bomb", "importer.error.xlsx_unpacked_too_large"}
    plain = with_member(base_workbook(), "xl/extra.bin", random.Random(17).randbytes(2 * MEBIBYTE))
    exc, _, _ = refused(plain, limits=Limits(max_unzipped_bytes=MEBIBYTE))
    assert exc.key == "importer.error.xlsx_unpacked_too_large"
    text = issue_message_for(exc, "en")
    assert text.startswith("The Excel file was refused: unpacked it is 2 MB, more than the limit of 1 MB")


def issue_message_for(exc: FileRejected, lang: str) -> str:
    from data_access.importer.validate import Issue

    return issue_message(Issue(exc.key, exc.params), lang)


def test_millions_of_empty_rows_in_a_workbook_are_refused_without_reading_them_all() -> None:
    bomb = empty_rows(3_000_000)
    exc, elapsed, peak = refused(bomb)
    assert exc.key in {"importer.error.blank_rows", "importer.error.xlsx_bomb"}
    assert elapsed < SECONDS and peak < EXTRA_MB


def test_a_sheet_without_dimension_is_not_parsed_whole_when_opened() -> None:
    # one data row, then a gap to row 1,000,000 (openpyxl fills gaps with empty rows)
    body = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>'
        b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>X</t></is></c></row>'
    )
    exc, elapsed, peak = refused(with_member(base_workbook(), SHEET, sheet_xml(body)))
    assert exc.key == "importer.error.blank_rows"
    assert "empty rows in a row (from row 2)" in issue_message_for(exc, "en")
    assert elapsed < SECONDS and peak < EXTRA_MB


def test_a_lying_dimension_does_not_pad_rows_to_16384_columns() -> None:
    body = b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>'
    data = with_member(base_workbook(), SHEET, sheet_xml(body, dimension=b'<dimension ref="A1:XFD3"/>'))
    table, elapsed, peak = measured(lambda: read_table(data, "x.xlsx", Limits()))
    assert not isinstance(table, FileRejected)
    assert table.sheets[0].header == ["code"]  # type: ignore[attr-defined]
    exc, _, _ = refused(
        with_member(base_workbook(), SHEET, sheet_xml(body, dimension=b'<dimension ref="A1:C500"/>')),
        limits=Limits(max_rows=100),
    )
    assert exc.key == "importer.error.too_many_rows"


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize("member", [SHEET, "xl/workbook.xml", "xl/sharedStrings.xml"])
def test_entity_declarations_are_refused_before_parsing(member: str) -> None:
    exc, _, _ = refused(with_member(base_workbook(), member, BILLION_LAUGHS))
    assert exc.key == "importer.error.xlsx_dtd"
    assert member in issue_message_for(exc, "en")


@pytest.mark.parametrize(
    "body",
    [
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row><row r="2"><c r="A2"><v>NaN</v></c></row>',
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a&#0;b</t></is></c></row>',
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>unclosed</is></c></row>',
        b'<row r="x"><c r="A1"><v>1</v></c></row>',
        b'<row r="1"><c r="A1"><v>99999999999999999999999999999999999999999999</v></c></row>',
    ],
    ids=["nan-number", "nul-reference", "malformed", "bad-row-number", "huge-number"],
)
def test_malformed_sheet_content_is_a_message_not_a_traceback(body: bytes) -> None:
    data = with_member(base_workbook(), SHEET, sheet_xml(body))
    result, _, _ = measured(lambda: read_table(data, "x.xlsx", Limits()))
    if isinstance(result, FileRejected):
        assert result.key in {"importer.error.xlsx_malformed", "importer.error.xlsx_unreadable"}
        assert "Excel file" in issue_message_for(result, "en")
        assert "Excel-bestand" in issue_message_for(result, "nl")


def test_millions_of_blank_csv_lines_are_refused_fast() -> None:
    data = b"code,name_nl,name_en\r\n" + b"\r\n" * 10_000_000 + b"MKT,M,M\r\n"
    exc, elapsed, peak = refused(data, "x.csv")
    assert exc.key == "importer.error.blank_rows"
    assert elapsed < SECONDS and peak < EXTRA_MB


def test_blank_csv_rows_count_against_the_row_limit() -> None:
    data = b"code,name_nl,name_en\r\n" + b"MKT,M,M\r\n,,\r\n\r\n" * 5
    exc, _, _ = refused(data, "x.csv", Limits(max_rows=10))
    assert exc.key == "importer.error.too_many_rows"
    table = read_table(data, "x.csv", Limits(max_rows=15))
    assert len(table.sheets[0].rows) == 5


@pytest.fixture(scope="module")
def tiny_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("hardening") / "tiny.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    insert_tiny_portfolio(engine)
    yield engine
    engine.dispose()


def test_an_error_list_is_bounded_and_counted_by_kind(tiny_sqlite: Engine) -> None:
    rows = 200_000
    data = b"code,name_nl,name_en\r\n" + b"NEW,N,N\r\n" * rows + b"BAD CODE,x,x\r\n"
    report, elapsed, peak = measured(
        lambda: run_import(
            engine=tiny_sqlite, kind="departments", file_name="d.csv", data=data, dry_run=True, user_name="t"
        )
    )
    assert len(report.issues) <= 302  # type: ignore[attr-defined]
    assert report.error_count == rows  # type: ignore[attr-defined]
    summary = issue_message(report.issues[-1], "en")  # type: ignore[attr-defined]
    assert summary.startswith("199,700 more problems not shown. All problems by kind: 199,999 × ")
    assert "1 × " in summary and "(code, first in row 200002)" in summary
    assert peak < 400  # the rows themselves are held; the 200,000 issues are not
    assert elapsed < 120


def _import(engine: Engine, kind: str, data: bytes, name: str = "x.csv"):  # noqa: ANN202
    return run_import(engine=engine, kind=kind, file_name=name, data=data, dry_run=True, user_name="t")


@pytest.mark.parametrize("digits", ["١٠", "１０", "٣.٥"])
def test_only_ascii_digits_are_numbers(tiny_sqlite: Engine, digits: str) -> None:
    data = f"project,month,department,category,actual\r\nA,2026-01,MKT,people,{digits}\r\n".encode()
    report = _import(tiny_sqlite, "budget_actuals", data)
    assert [i.key for i in report.errors] == ["importer.error.not_a_number"]
    assert report.errors[0].column == "actual"


def test_a_date_with_non_ascii_digits_is_not_a_month(tiny_sqlite: Engine) -> None:
    data = "project,month,department,category,actual\r\nA,٢٠٢٦-٠١,MKT,people,10\r\n".encode()
    assert [i.key for i in _import(tiny_sqlite, "budget_actuals", data).errors] == [
        "importer.error.not_a_month"
    ]


def test_a_code_differing_only_in_capitals_is_refused_with_a_hint(tiny_sqlite: Engine) -> None:
    data = b"code,name_nl,name_en\r\nmkt,Marketing,Marketing\r\n"
    report = _import(tiny_sqlite, "departments", data)
    assert [i.key for i in report.errors] == ["importer.error.code_case"]
    assert "did you mean MKT?" in issue_message(report.errors[0], "en")
    same_file = b"code,name_nl,name_en\r\nNEW,N,N\r\nnew,N,N\r\n"
    report = _import(tiny_sqlite, "departments", same_file)
    assert [(i.key, i.row) for i in report.errors] == [("importer.error.code_case", 3)]
    reference = b"project,month,department,category,actual\r\nA,2026-01,mkt,people,10\r\n"
    report = _import(tiny_sqlite, "budget_actuals", reference)
    assert [i.key for i in report.errors] == ["importer.error.code_case"]
    assert report.errors[0].column == "department"


def test_a_value_in_a_column_without_header_is_an_error_naming_the_column(tiny_sqlite: Engine) -> None:
    data = b"code,name_nl,name_en\r\nNEW,N,N,,,oops\r\n"
    report = _import(tiny_sqlite, "departments", data)
    assert [(i.key, i.column, i.value) for i in report.errors] == [
        ("importer.error.too_many_cells", "F", "oops")
    ]
    far_right = with_member(
        base_workbook(),
        SHEET,
        sheet_xml(
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>'
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>NEW</t></is></c>'
            b'<c r="ZZ2" t="inlineStr"><is><t>hidden</t></is></c></row>',
            dimension=b'<dimension ref="A1:A2"/>',
        ),
    )
    exc, _, _ = refused(far_right)
    assert exc.key == "importer.error.too_many_columns" and exc.params["row"] == 2


def _mutations(rng: random.Random, data: bytes) -> bytes:
    body = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        at = rng.randrange(len(body) or 1)
        if choice < 0.3:
            del body[at : at + rng.randint(1, 40)]
        elif choice < 0.6:
            body[at:at] = rng.choice(
                [
                    b"&#0;",
                    b"<",
                    b"]]>",
                    b"<!DOCTYPE x>",
                    b"\x00",
                    b"NaN",
                    b"9" * 400,
                    b'r="0"',
                    b"&lol;",
                    b"\xff\xfe",
                ]
            )
        else:
            body[at] = rng.randrange(256) if body else 0
    return bytes(body)


def test_file_shape_fuzz_gives_a_table_or_a_message_never_a_traceback(tiny_sqlite: Engine) -> None:
    rng = random.Random(1717)
    sheet = sheet_xml(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c><c r="B1" t="inlineStr"><is><t>name_nl</t>'
        b'</is></c><c r="C1" t="inlineStr"><is><t>name_en</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>NEW</t></is></c><c r="B2"><v>1.5</v></c>'
        b'<c r="C2" t="inlineStr"><is><t>x</t></is></c></row>',
        dimension=b'<dimension ref="A1:C2"/>',
    )
    csv_file = b'code,name_nl,name_en\r\nNEW,N,N\r\nX,"quoted",3\r\n'
    for case in range(150):
        if case % 3 == 0:
            data = _mutations(rng, csv_file)
            name = "x.csv"
        else:
            data = with_member(base_workbook(), SHEET, _mutations(rng, sheet))
            name = "x.xlsx"
        report = _import(tiny_sqlite, "departments", data, name)
        assert report.outcome in {"rejected", "dry_run"}
        for issue in report.issues:
            assert issue_message(issue, "en") != issue.key  # every message exists and is filled
