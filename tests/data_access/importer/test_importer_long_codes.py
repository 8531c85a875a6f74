"""Codes up to 40 characters (issue 18.5), on SQLite and PostgreSQL, and the 0016 migration."""

from __future__ import annotations

from sqlalchemy import Engine, text

from data_access.importer import issue_message, run_import
from tests.data_access.importer import test_importer_bad_files as bad_files
from tests.data_access.importer.test_importer_bad_files import csv_bytes, dump_database

tiny_engine = bad_files.tiny_engine  # the tiny portfolio on SQLite and PostgreSQL

LONG = "DEPT-" + "X" * 35  # 40 characters
PROJECT = "PRJ-2026-" + "0" * 31  # 40 characters


def test_forty_character_codes_import_and_reference(tiny_engine: Engine) -> None:
    assert len(LONG) == len(PROJECT) == 40
    departments = run_import(
        engine=tiny_engine,
        kind="departments",
        file_name="d.csv",
        data=csv_bytes(f"code,name_nl,name_en\n{LONG},Lang,Long\n"),
        dry_run=False,
        user_name="t",
    )
    assert departments.applied, [issue_message(i, "en") for i in departments.errors]
    projects = run_import(
        engine=tiny_engine,
        kind="projects",
        file_name="p.csv",
        data=csv_bytes(
            f"code,name,status,planned_start,planned_end\n{PROJECT},Long,active,2026-01-01,2026-12-31\n"
        ),
        dry_run=False,
        user_name="t",
    )
    assert projects.applied, [issue_message(i, "en") for i in projects.errors]
    with tiny_engine.connect() as conn:
        assert conn.execute(text("SELECT code FROM department WHERE code = :c"), {"c": LONG}).scalar() == LONG
        assert (
            conn.execute(text("SELECT code FROM project WHERE code = :c"), {"c": PROJECT}).scalar() == PROJECT
        )


def test_forty_one_characters_are_refused_with_row_and_value(tiny_engine: Engine) -> None:
    code = "Y" * 41
    before = dump_database(tiny_engine)
    report = run_import(
        engine=tiny_engine,
        kind="departments",
        file_name="d.csv",
        data=csv_bytes(f"code,name_nl,name_en\n{code},Lang,Long\n"),
        dry_run=False,
        user_name="t",
    )
    assert [(i.row, i.column, i.key) for i in report.errors] == [(2, "code", "importer.error.text_too_long")]
    assert "40" in issue_message(report.errors[0], "en")
    assert dump_database(tiny_engine) == before
