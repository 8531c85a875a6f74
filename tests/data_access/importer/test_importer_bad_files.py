"""The bad-file corpus: each file gets its precise message and leaves the database unchanged.

The files are made here in tmp_path (never committed). "Unchanged" is a full dump of the
database before and after: SQLite's iterdump, PostgreSQL every table ordered by all its
columns plus every sequence's state.
"""

from __future__ import annotations

import codecs
import io
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, select, text

from data_access.engine import create_db_engine, upgrade_schema
from data_access.importer import Limits, import_file, issue_message, run_import
from data_access.importer.__main__ import main as cli_main
from data_access.models import Base
from tests.conftest import BACKENDS, _drop_pg_database, make_database_url
from tests.factories import insert_tiny_portfolio

LIMITS = Limits()


def dump_database(engine: Engine) -> str:
    """Every row of every table (and PostgreSQL's sequences), in a stable order."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            return "\n".join(raw.driver_connection.iterdump())
        finally:
            raw.close()
    lines: list[str] = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.c)).all()
            lines += [f"{table.name}: {tuple(row)!r}" for row in rows]
        lines += [f"alembic: {r}" for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
        for (name,) in conn.execute(text("SELECT sequencename FROM pg_sequences ORDER BY 1")):
            state = conn.execute(text(f'SELECT last_value, is_called FROM "{name}"')).one()
            lines.append(f"sequence {name}: {tuple(state)}")
    return "\n".join(lines)


@pytest.fixture(scope="module", params=BACKENDS)
def tiny_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The tiny portfolio (projects A and B, wave W1, items T1 and T2) on SQLite and PostgreSQL."""
    url = make_database_url(request.param, tmp_path_factory.mktemp("bad"))
    engine = create_db_engine(url)
    upgrade_schema(engine)
    insert_tiny_portfolio(engine)
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        _drop_pg_database(url)


def csv_bytes(text_: str, encoding: str = "utf-8") -> bytes:
    return text_.replace("\n", "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, formula_at: tuple[int, int] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if formula_at is not None:
        sheet.cell(*formula_at).value = "=SUM(1,2)"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


RESPONSES_HEADER = "wave,respondent_ref,department,item,score\n"
ACTUALS_HEADER = "project,month,department,category,actual\n"

# name -> (kind, file name, content, expected [(row, column, English message)])
CORPUS: dict[str, tuple[str, str, bytes, list[tuple[int | None, str | None, str]]]] = {
    "utf16": (
        "budget_actuals",
        "actuals.csv",
        codecs.BOM_UTF16_LE + (ACTUALS_HEADER + "A,2026-01,MKT,people,10\n").encode("utf-16-le"),
        [
            (
                None,
                None,
                "The file is saved as UTF-16 (Unicode text). Save it as CSV UTF-8 or as an Excel workbook (.xlsx).",
            )
        ],
    ),
    "undecodable": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes(ACTUALS_HEADER) + b"A,2026-01,MKT,people,10\x81\r\n",
        [
            (
                None,
                None,
                "The character encoding is not recognised (unreadable byte 0x81 on line 2). Save the file as CSV UTF-8.",
            )
        ],
    ),
    "binary": (
        "projects",
        "projects.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        [
            (
                None,
                None,
                "This is not a text file (it contains null bytes). Provide CSV in UTF-8 or Windows-1252, or an .xlsx workbook.",
            )
        ],
    ),
    "tab_separator": (
        "budget_actuals",
        "actuals.txt",
        csv_bytes(ACTUALS_HEADER.replace(",", "\t") + "A\t2026-01\tMKT\tpeople\t10\n"),
        [(None, None, "The separator is 'tab'; use a comma or a semicolon.")],
    ),
    "missing_column": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes("project,month,department,actual\nA,2026-01,MKT,10\n"),
        [
            (
                1,
                "category",
                "Required column is missing. Expected columns: project, month, department, category, actual.",
            )
        ],
    ),
    "extra_column": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes("project,month,department,category,actual,remark\nA,2026-01,MKT,people,10,x\n"),
        [(1, "remark", "Unknown column. Expected columns: project, month, department, category, actual.")],
    ),
    "wrong_kind": (
        "budget_plan",
        "actuals.csv",
        csv_bytes(ACTUALS_HEADER + "A,2026-01,MKT,people,10\n"),
        [
            (1, None, "This file has the columns of Actuals; choose that kind of data."),
            (1, "actual", "Unknown column. Expected columns: project, month, department, category, planned."),
            (
                1,
                "planned",
                "Required column is missing. Expected columns: project, month, department, category, planned.",
            ),
        ],
    ),
    "thousands_of_columns": (
        "projects",
        "projects.csv",
        csv_bytes("code,name\n" + "x," * 5000 + "\n"),
        [(None, None, "Row 2 has more than 200 columns; this is not an import file of this app.")],
    ),
    "text_in_number": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes(ACTUALS_HEADER + "A,2026-01,MKT,people,10\nA,2026-02,MKT,people,ten euro\n"),
        [(3, "actual", "Not a number (decimal mark in this file: '.').")],
    ),
    "nan_and_infinity": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes(
            ACTUALS_HEADER
            + "A,2026-01,MKT,people,NaN\nA,2026-02,MKT,people,Infinity\nA,2026-03,MKT,people,-inf\n"
        ),
        [
            (2, "actual", "Not a finite number (NaN or infinity)."),
            (3, "actual", "Not a finite number (NaN or infinity)."),
            (4, "actual", "Not a finite number (NaN or infinity)."),
        ],
    ),
    "huge_amount": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes(ACTUALS_HEADER + "A,2026-01,MKT,people,1e308\nA,2026-02,MKT,people,1000000000000\n"),
        [
            (2, "actual", "Not a number (decimal mark in this file: '.')."),
            (3, "actual", "The value must be between -999,999,999,999.99 and 999,999,999,999.99."),
        ],
    ),
    "negative_score": (
        "survey_responses",
        "responses.csv",
        csv_bytes(RESPONSES_HEADER + "W1,M9,MKT,T1,4\nW1,M9,MKT,T2,-2\nW1,M8,MKT,T1,6\n"),
        [
            (3, "score", "The value must be between 1 and 5."),
            (4, "score", "The value must be between 1 and 5."),
        ],
    ),
    "unknown_project": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes(ACTUALS_HEADER + "A,2026-01,MKT,people,10\nZZ-9,2026-01,MKT,people,10\n"),
        [(3, "project", "Unknown in Projects: not in the database and not earlier in this file.")],
    ),
    "duplicate_key": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes(
            ACTUALS_HEADER + "A,2026-01,MKT,people,10\nA,2026-02,MKT,people,10\nA,2026-01,MKT,people,12\n"
        ),
        [(4, "category", "Duplicate key (project, month, department, category): already in row 2.")],
    ),
    "empty_file": ("projects", "projects.csv", b"", [(None, None, "The file is empty.")]),
    "blank_lines_only": (
        "projects",
        "projects.csv",
        b"\xef\xbb\xbf\r\n  \r\n",
        [(None, None, "The file is empty.")],
    ),
    "header_only": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes(ACTUALS_HEADER),
        [(None, None, "The file has only a header row and no data.")],
    ),
    "formula_text": (
        "projects",
        "projects.csv",
        csv_bytes(
            "code,name,status,planned_start,planned_end\n"
            'C,"=HYPERLINK(""http://x"",""click"")",active,2026-01-01,2026-12-31\n'
            "D,@SUM(A1),active,2026-01-01,2026-12-31\n"
        ),
        [
            (
                2,
                "name",
                "The text starts with =, +, -, @ or a tab and would run as a formula in a spreadsheet; change the text.",
            ),
            (
                3,
                "name",
                "The text starts with =, +, -, @ or a tab and would run as a formula in a spreadsheet; change the text.",
            ),
        ],
    ),
    "formula_cell_xlsx": (
        "budget_actuals",
        "actuals.xlsx",
        xlsx_bytes(
            [["project", "month", "department", "category", "actual"], ["A", "2026-01", "MKT", "people", 10]],
            formula_at=(2, 5),
        ),
        [(2, "actual", "The cell holds an Excel formula; paste the value instead of the formula.")],
    ),
    "very_long_cell": (
        "projects",
        "projects.csv",
        csv_bytes(
            "code,name,goal,status,planned_start,planned_end\nC,Gamma,"
            + "x" * 5000
            + ",active,2026-01-01,2026-12-31\n"
        ),
        [(2, "goal", "The cell is 5000 characters long; at most 2000 are allowed.")],
    ),
    "bad_month_and_date": (
        "projects",
        "projects.csv",
        csv_bytes(
            "code,name,status,planned_start,planned_end\n"
            "C,Gamma,active,31-02-2026,2026-12-31\n"
            "D,Delta,active,2026-01-01,2025-12-31\n"
            "E,Eps,paused,2026-01-01,2026-12-31\n"
        ),
        [
            (2, "planned_start", "Not a valid date (use 2026-10-31 or 31-10-2026)."),
            (3, "planned_end", "The end lies before the start."),
            (4, "status", "Unknown value; choose one of: proposed, active, on_hold, done, cancelled."),
        ],
    ),
    "month_not_first": (
        "progress",
        "progress.csv",
        csv_bytes("project,month,pct_complete\nA,2026-01-15,50\nA,2026-13,50\nA,2026-03,150\n"),
        [
            (2, "month", "A month given as a date must be the first of the month."),
            (3, "month", "Not a valid month (use 2026-10 or 10-2026)."),
            (4, "pct_complete", "The value must be between 0 and 100."),
        ],
    ),
    "mixed_decimal_marks": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes(ACTUALS_HEADER + 'A,2026-01,MKT,people,"10,5"\nA,2026-02,MKT,people,10.5\n'),
        [
            (
                2,
                "actual",
                "This amount uses ',' as decimal mark, the rest of the file '.'; write it like the other amounts.",
            )
        ],
    ),
    "respondent_two_departments": (
        "survey_responses",
        "responses.csv",
        csv_bytes(RESPONSES_HEADER + "W1,X1,MKT,T1,4\nW1,X1,IT,T2,4\n"),
        [(3, "department", "Respondent X1 also appears in row 2, with another department.")],
    ),
    "unbalanced_quotes": (
        "projects",
        "projects.csv",
        csv_bytes('code,name,status,planned_start,planned_end\nC,"Gamma,active,2026-01-01,2026-12-31\n'),
        [
            (
                None,
                None,
                "The CSV file cannot be read around line 2 (unbalanced quotes?): unexpected end of data",
            )
        ],
    ),
    "old_xls": (
        "projects",
        "projects.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 100,
        [(None, None, "The old Excel format (.xls) is not supported; save it as .xlsx or CSV.")],
    ),
    "corrupt_xlsx": (
        "projects",
        "projects.xlsx",
        b"PK\x03\x04 not really a zip",
        [(None, None, "The Excel file cannot be read; save it again as an .xlsx workbook.")],
    ),
    "too_many_cells_and_required": (
        "budget_actuals",
        "actuals.csv",
        csv_bytes(ACTUALS_HEADER + "A,2026-01,MKT,people,10,99\nA,,MKT,people,10\n"),
        [
            (
                2,
                "F",
                "This row has a value in column F, which has no header (the header has 5 columns); "
                "delete the value or give the column a known name.",
            ),
            (3, "month", "Required value is empty."),
        ],
    ),
    "fte_and_shares": (
        "funding",
        "funding.csv",
        csv_bytes(
            "project,department,committed_amount,agreed_share\nA,MKT,100,0.7\nA,IT,100,0.6\nB,IT,-5,\n"
        ),
        [
            (4, "committed_amount", "The value must be between 0 and 999,999,999,999.99."),
            (3, "agreed_share", "The agreed shares of project A add up to 130%, more than 100%."),
        ],
    ),
}


def found(report) -> list[tuple[int | None, str | None, str]]:
    return [(i.row, i.column, issue_message(i, "en")) for i in report.errors]


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_bad_file_gets_its_message_and_changes_nothing(tiny_engine: Engine, case: str) -> None:
    kind, name, data, expected = CORPUS[case]
    before = dump_database(tiny_engine)
    report = run_import(
        engine=tiny_engine,
        kind=kind,
        file_name=name,
        data=data,
        dry_run=False,
        user_name="test",
        limits=LIMITS,
    )
    assert not report.applied
    assert found(report) == expected
    assert report.results == []
    assert dump_database(tiny_engine) == before


def test_the_report_names_file_row_column_and_value_in_both_languages(tiny_engine: Engine) -> None:
    from data_access.importer import issues_csv, issues_frame

    _, name, data, _ = CORPUS["negative_score"]
    report = run_import(
        engine=tiny_engine, kind="survey_responses", file_name=name, data=data, dry_run=True, user_name="t"
    )
    frame = issues_frame(report, "nl")
    assert list(frame["file"]) == ["responses.csv", "responses.csv"]
    assert list(frame["row"]) == [3, 4]
    assert list(frame["value"]) == ["-2", "6"]
    assert list(frame["message"]) == ["De waarde moet tussen 1 en 5 liggen."] * 2
    download = issues_csv(report, "en").decode("utf-8-sig")
    assert download.splitlines()[0] == "file,sheet,row,column,value,severity,message"
    assert "responses.csv,,3,score,'-2,error,The value must be between 1 and 5." in download


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tiny_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 50 MB file (the default limit, as server.maxUploadSize) plus one byte: refused by its size."""
    path = tmp_path / "actuals.csv"
    row = b"A,2026-01,MKT,people,10\r\n"
    size = 50 * 1024 * 1024 + 1
    with path.open("wb") as handle:
        handle.write(ACTUALS_HEADER.encode())
        block = row * 40_000
        while handle.tell() + len(block) < size:
            handle.write(block)
        handle.write(b"x" * (size - handle.tell()))
    assert path.stat().st_size == size
    before = dump_database(tiny_engine)
    monkeypatch.delenv("IMPORT_MAX_MB", raising=False)
    started = time.perf_counter()
    report = import_file(
        engine=tiny_engine, kind="budget_actuals", path=str(path), dry_run=False, user_name="t"
    )
    elapsed = time.perf_counter() - started
    assert found(report) == [
        (None, None, "The file is 50.0 MB; the limit is 50 MB. Split the file, for example by month.")
    ]
    assert elapsed < 1.0, f"refusing took {elapsed:.2f} s"
    assert dump_database(tiny_engine) == before
    url = tiny_engine.url.render_as_string(hide_password=False)
    code = cli_main(["budget_actuals", str(path), "--database-url", url])
    assert code == 1
    out = capsys.readouterr().out
    assert "The file is 50.0 MB; the limit is 50 MB." in out
    assert "Rejected: 1 error(s); nothing was saved." in out
    assert dump_database(tiny_engine) == before


def test_row_limit_is_a_clear_message(tiny_engine: Engine) -> None:
    data = csv_bytes(ACTUALS_HEADER + "A,2026-01,MKT,people,10\n" * 11)
    report = run_import(
        engine=tiny_engine,
        kind="budget_actuals",
        file_name="a.csv",
        data=data,
        dry_run=False,
        user_name="t",
        limits=Limits(max_rows=10),
    )
    assert found(report) == [(None, None, "The file has more than 10 data rows; split the file.")]


def test_unknown_kind_and_non_xlsx_workbook(tiny_engine: Engine) -> None:
    report = run_import(
        engine=tiny_engine, kind="nope", file_name="a.csv", data=b"x", dry_run=True, user_name="t"
    )
    assert found(report)[0][2].startswith("Unknown kind; choose one of: departments, cost_categories")
    report = run_import(
        engine=tiny_engine,
        kind="workbook",
        file_name="a.csv",
        data=b"a,b\n1,2\n",
        dry_run=True,
        user_name="t",
    )
    assert found(report) == [(None, None, "A workbook with every kind must be an .xlsx file.")]
