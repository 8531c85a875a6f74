"""Column mapping of the import (issue 18.5): pure functions on tiny tables, the saved mappings
on SQLite and PostgreSQL (audited, recognised from the header), the pipeline and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from access.roles import NotAllowed, User
from data_access.import_mappings import (
    MappingNameTaken,
    load_import_mapping,
    recognise_import_mapping,
    save_import_mapping,
)
from data_access.importer import KINDS, issue_message, run_import
from data_access.importer.__main__ import main as cli_main
from data_access.importer.mapping import (
    check_mapping,
    header_key,
    map_sheet,
    mapped_preview,
    matches_template,
    resolve_mapping,
    suggest_mapping,
)
from data_access.importer.reading import Sheet
from data_access.models import AuditLog
from tests.data_access.importer import test_importer_bad_files as bad_files
from tests.data_access.importer.test_importer_bad_files import csv_bytes, dump_database

tiny_engine = bad_files.tiny_engine

EDITOR = User(name="eddie", email=None, role="editor")
VIEWER = User(name="vera", email=None, role="viewer")
PPM_HEADER = ["Project ID", "Dept", "Committed", "Notes"]
PPM_FILE = 'Project ID,Dept,Committed,Notes\nB,FIN,"$1,250",extra text\n'
PPM_MAPPING = {"project": "Project ID", "department": "Dept", "committed_amount": "Committed"}


def test_template_header_needs_no_mapping_and_other_names_do() -> None:
    funding = KINDS["funding"]
    assert matches_template(funding, ["project", "Department", "committed_amount"])
    assert not matches_template(funding, PPM_HEADER)
    assert not matches_template(funding, ["project", "department"])  # a required one missing


def test_suggestion_by_normalised_name_then_synonym_one_column_each() -> None:
    suggested = suggest_mapping(KINDS["funding"], PPM_HEADER)
    assert suggested == PPM_MAPPING
    projects = suggest_mapping(KINDS["projects"], ["Code", "Title", "Start date", "End date", "State"])
    assert projects == {
        "code": "Code",
        "name": "Title",
        "planned_start": "Start date",
        "planned_end": "End date",
        "status": "State",
    }
    # "budget" is a synonym of both committed_amount and planned: only one column gets it
    plan = suggest_mapping(KINDS["budget_plan"], ["project", "period", "dept", "cost type", "budget"])
    assert plan["planned"] == "budget" and plan["month"] == "period"


def test_bad_mappings_are_named_per_column() -> None:
    funding = KINDS["funding"]
    twice = {"project": "Project ID", "department": "Project ID", "committed_amount": "Committed"}
    issues = check_mapping(funding, PPM_HEADER, twice)
    assert [(i.key, i.column) for i in issues] == [("importer.mapping.used_twice", "Project ID")]
    assert "department, project" in issue_message(issues[0], "en")
    unmapped = check_mapping(funding, PPM_HEADER, {"project": "Project ID", "committed_amount": "Committed"})
    assert [(i.key, i.column) for i in unmapped] == [("importer.mapping.required_unmapped", "department")]
    gone = check_mapping(funding, PPM_HEADER, PPM_MAPPING | {"agreed_share": "Share"})
    assert [(i.key, i.column) for i in gone] == [("importer.mapping.source_missing", "Share")]
    assert check_mapping(funding, PPM_HEADER, PPM_MAPPING) == []


def test_map_sheet_renames_picks_and_keeps_row_numbers() -> None:
    sheet = Sheet(None, PPM_HEADER, [(2, ["A", "MKT", "10", "x"]), (5, ["B", "IT"])])
    mapped = map_sheet(sheet, PPM_MAPPING)
    assert mapped.header == ["project", "department", "committed_amount"]
    assert mapped.rows == [(2, ["A", "MKT", "10"]), (5, ["B", "IT", ""])]
    preview = mapped_preview(sheet, PPM_MAPPING, rows=1)
    assert list(preview.columns) == ["project", "department", "committed_amount"]
    assert preview.iloc[0].tolist() == ["A", "MKT", "10"]


def test_a_saved_mapping_is_resolved_to_this_files_spelling() -> None:
    header = ["project id", "DEPT", "Budget"]
    assert resolve_mapping(header, PPM_MAPPING) == {"project": "project id", "department": "DEPT"}


def test_header_key_ignores_order_case_and_spacing() -> None:
    assert header_key(["Project ID", "Dept"]) == header_key([" dept", "project_id", ""])
    assert header_key(["Project ID"]) != header_key(["Project ID", "Dept"])


def test_a_mapped_file_goes_through_every_check_and_writes(tiny_engine: Engine) -> None:
    report = run_import(
        engine=tiny_engine,
        kind="funding",
        file_name="ppm.csv",
        data=csv_bytes(PPM_FILE),
        dry_run=False,
        user_name="t",
        mapping=PPM_MAPPING,
        mapping_name="PPM",
    )
    assert report.applied, [issue_message(i, "en") for i in report.errors]
    assert report.mapping_name == "PPM"
    with tiny_engine.connect() as conn:
        amount = conn.execute(
            text(
                "SELECT f.committed_amount FROM funding f JOIN project p ON p.id = f.project_id "
                "JOIN department d ON d.id = f.department_id WHERE p.code = 'B' AND d.code = 'FIN'"
            )
        ).scalar()
    assert amount == pytest.approx(1250.0)


def test_a_bad_mapping_or_a_bad_mapped_cell_writes_nothing(tiny_engine: Engine) -> None:
    before = dump_database(tiny_engine)
    twice = {"project": "Project ID", "department": "Dept", "committed_amount": "Dept"}
    report = run_import(
        engine=tiny_engine,
        kind="funding",
        file_name="ppm.csv",
        data=csv_bytes(PPM_FILE),
        dry_run=False,
        user_name="t",
        mapping=twice,
    )
    assert not report.applied and [i.key for i in report.errors] == ["importer.mapping.used_twice"]
    bad_cell = run_import(
        engine=tiny_engine,
        kind="funding",
        file_name="ppm.csv",
        data=csv_bytes("Project ID,Dept,Committed\nA,MKT,=1+1\nB,MKT,lots\n"),
        dry_run=False,
        user_name="t",
        mapping=PPM_MAPPING,
    )
    assert not bad_cell.applied
    assert {(i.row, i.column) for i in bad_cell.errors} >= {(3, "committed_amount")}
    assert dump_database(tiny_engine) == before


def test_saved_mapping_is_audited_unique_and_recognised(tiny_engine: Engine) -> None:
    new_id = save_import_mapping(
        engine=tiny_engine,
        user=EDITOR,
        name="  PPM  tool ",
        kind="funding",
        header=PPM_HEADER,
        mapping=PPM_MAPPING,
    )
    saved = load_import_mapping(engine=tiny_engine, name="PPM tool")
    assert saved is not None and saved.mapping == PPM_MAPPING and saved.created_by == "eddie"
    with tiny_engine.connect() as conn:
        audit = conn.execute(
            select(AuditLog.new_values).where(
                AuditLog.entity == "import_mapping", AuditLog.entity_id == str(new_id)
            )
        ).scalar_one()
    assert json.loads(audit)["mapping"] == PPM_MAPPING
    with pytest.raises(MappingNameTaken):
        save_import_mapping(
            engine=tiny_engine,
            user=EDITOR,
            name="PPM tool",
            kind="funding",
            header=PPM_HEADER,
            mapping=PPM_MAPPING,
        )
    with pytest.raises(NotAllowed):
        save_import_mapping(
            engine=tiny_engine,
            user=VIEWER,
            name="other",
            kind="funding",
            header=PPM_HEADER,
            mapping=PPM_MAPPING,
        )
    reordered = ["committed", "NOTES", "dept", "project id"]
    recognised = recognise_import_mapping(engine=tiny_engine, kind="funding", header=reordered)
    assert recognised is not None and recognised.name == "PPM tool"
    assert check_mapping(KINDS["funding"], reordered, recognised.mapping) == []
    mapped = map_sheet(Sheet(None, reordered, [(2, ["5", "", "IT", "A"])]), recognised.mapping)
    assert dict(zip(mapped.header, mapped.rows[0][1], strict=True)) == {
        "project": "A",
        "department": "IT",
        "committed_amount": "5",
    }
    assert (
        recognise_import_mapping(engine=tiny_engine, kind="funding", header=PPM_HEADER[::-1]).name
        == "PPM tool"
    )
    assert recognise_import_mapping(engine=tiny_engine, kind="projects", header=PPM_HEADER) is None
    with tiny_engine.connect() as conn:
        count = conn.execute(
            select(func.count()).select_from(AuditLog).where(AuditLog.entity == "import_mapping")
        )
        assert count.scalar() == 1


def test_cli_applies_a_named_or_recognised_mapping(tiny_engine: Engine, tmp_path: Path, capsys) -> None:
    url = tiny_engine.url.render_as_string(hide_password=False)
    header = ["Proj", "Org unit", "Commitment"]
    mapping = {"project": "Proj", "department": "Org unit", "committed_amount": "Commitment"}
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes('Proj,Org unit,Commitment\nA,FIN,"$2,500"\n'))
    assert cli_main(["funding", str(path), "--database-url", url, "--dry-run"]) == 1  # no mapping yet
    assert "Unknown column" in capsys.readouterr().out
    save_import_mapping(
        engine=tiny_engine, user=EDITOR, name="CLI", kind="funding", header=header, mapping=mapping
    )
    assert cli_main(["funding", str(path), "--database-url", url, "--dry-run"]) == 0
    assert "Mapping used: CLI" in capsys.readouterr().out
    assert cli_main(["funding", str(path), "--database-url", url, "--mapping", "CLI", "--lang", "nl"]) == 0
    assert "Gebruikte koppeling: CLI" in capsys.readouterr().out
    with tiny_engine.connect() as conn:
        amount = conn.execute(
            text(
                "SELECT f.committed_amount FROM funding f JOIN project p ON p.id = f.project_id "
                "JOIN department d ON d.id = f.department_id WHERE p.code = 'A' AND d.code = 'FIN'"
            )
        ).scalar()
    assert amount == pytest.approx(2500.0)
    assert cli_main(["funding", str(path), "--database-url", url, "--mapping", "nope"]) == 2
    assert "no saved mapping 'nope'" in capsys.readouterr().err
    assert cli_main(["projects", str(path), "--database-url", url, "--mapping", "CLI"]) == 2
    assert "Mapping 'CLI' is for Funding" in capsys.readouterr().err


def test_migration_0019_creates_and_drops_import_mappings(empty_engine: Engine) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from data_access.engine import _alembic_config

    assert "import_mappings" in inspect(empty_engine).get_table_names()
    config = _alembic_config()
    parent = ScriptDirectory.from_config(config).get_revision("0019").down_revision  # re-chained at merge
    with empty_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, str(parent))
    assert "import_mappings" not in inspect(empty_engine).get_table_names()
    with empty_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert "import_mappings" in inspect(empty_engine).get_table_names()


def test_a_workbook_is_mapped_on_the_sheet_the_import_reads(tiny_engine: Engine) -> None:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Read me"
    workbook.active.append(["Anything", "else"])
    sheet = workbook.create_sheet("funding")
    sheet.append(PPM_HEADER)
    sheet.append(["A", "MKT", 300, "note"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    from data_access.importer.mapping import first_sheet
    from data_access.importer.reading import Limits

    assert first_sheet(data, "ppm.xlsx", Limits(), "funding").header == PPM_HEADER
    report = run_import(
        engine=tiny_engine,
        kind="funding",
        file_name="ppm.xlsx",
        data=data,
        dry_run=True,
        user_name="t",
        mapping=PPM_MAPPING,
    )
    assert report.ok, [issue_message(i, "en") for i in report.errors]
    assert report.total("rows") == 1
