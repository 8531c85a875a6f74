"""'Did you mean' for unknown reference codes: other capitals and close matches (issue 18.5)."""

from __future__ import annotations

from sqlalchemy import Engine

from data_access.importer import issue_message, run_import
from data_access.importer.validate import MAX_ISSUES, code_hint
from tests.data_access.importer import test_importer_bad_files as bad_files
from tests.data_access.importer.test_importer_bad_files import ACTUALS_HEADER, csv_bytes, dump_database

tiny_engine = bad_files.tiny_engine  # the tiny portfolio (departments MKT and IT) on SQLite and PostgreSQL

KNOWN = {"departments": {"FIN", "MKT", "IT", "HR-OPS"}}


def test_code_hint_capitals_first_then_close_matches() -> None:
    assert code_hint("fin", "departments", KNOWN, {}, {}, close={}) == ("case", "FIN")
    assert code_hint("MKTG", "departments", KNOWN, {}, {}, close={}) == ("close", "MKT")
    assert code_hint("hr-ops1", "departments", KNOWN, {}, {}, close={}) == ("close", "HR-OPS")
    assert code_hint("XYZ", "departments", KNOWN, {}, {}, close={}) is None
    assert code_hint("MKT", "departments", KNOWN, {}, {}, close={}) is None  # known as written
    assert code_hint("MKTG", "departments", KNOWN, {}, {}) is None  # close matches only when asked


def test_close_matches_are_bounded() -> None:
    cache = {("departments", f"C{i}"): "" for i in range(MAX_ISSUES)}
    assert code_hint("MKTG", "departments", KNOWN, {}, {}, close=cache) is None


def test_unknown_references_get_a_hint_per_row_and_nothing_is_written(tiny_engine: Engine) -> None:
    before = dump_database(tiny_engine)
    data = csv_bytes(
        ACTUALS_HEADER
        + "A,2026-01,mkt,people,1\n"
        + "A,2026-02,MKTG,people,1\n"
        + "A,2026-03,ZZZ,people,1\n"
        + "a,2026-04,MKT,peple,1\n"
    )
    report = run_import(
        engine=tiny_engine, kind="budget_actuals", file_name="a.csv", data=data, dry_run=False, user_name="t"
    )
    got = [(i.row, i.column, i.value, issue_message(i, "en")) for i in report.errors]
    assert got == [
        (
            2,
            "department",
            "mkt",
            "This code already exists with other capitals: did you mean MKT? "
            "Codes may not differ only in capitals.",
        ),
        (
            3,
            "department",
            "MKTG",
            "Unknown in Departments: not in the database and not earlier in this file. Did you mean MKT?",
        ),
        (4, "department", "ZZZ", "Unknown in Departments: not in the database and not earlier in this file."),
        (
            5,
            "project",
            "a",
            "This code already exists with other capitals: did you mean A? Codes may not differ only in capitals.",
        ),
        (
            5,
            "category",
            "peple",
            "Unknown in Cost categories: not in the database and not earlier in this file. Did you mean people?",
        ),
    ]
    assert "Bedoelt u MKT?" in issue_message(report.errors[1], "nl")
    assert dump_database(tiny_engine) == before
