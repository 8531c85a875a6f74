"""Good files: the demo data exported through the templates and imported into an empty
database gives the same rows and the same figures (SQLite and PostgreSQL); re-importing
changes nothing; a corrected month replaces only that month; the formats people have."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data_access.budget import load_budget_totals
from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from data_access.engine import create_db_engine, read_data_version, upgrade_schema
from data_access.importer import (
    KIND_ORDER,
    export_all_xlsx,
    export_rows,
    issue_message,
    load_import_log,
    run_import,
    template_csv,
    template_xlsx,
    to_csv,
)
from data_access.importer.schema import KINDS
from data_access.models import BudgetLine, ImportLog
from domain.filters import Filters
from tests.conftest import ROOT, _drop_pg_database, make_database_url
from tests.data_access.importer.test_importer_bad_files import dump_database
from tests.views.test_app_overview import expected_tiles

AS_OF = Filters(as_of=DEMO_LAST_ACTUAL_MONTH, period_start=dt.date(2026, 1, 1))
WHOLE = Filters(as_of=DEMO_LAST_ACTUAL_MONTH, period_start=dt.date(2024, 1, 1))


def fresh_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    url = make_database_url(backend, tmp_path)
    engine = create_db_engine(url)
    upgrade_schema(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        if backend == "postgresql":
            _drop_pg_database(url)


@pytest.fixture
def target(demo_engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """An empty migrated database of the same backend as demo_engine."""
    yield from fresh_engine(demo_engine.dialect.name, tmp_path)


def import_ok(engine: Engine, kind: str, name: str, data: bytes, *, dry_run: bool = False):
    report = run_import(
        engine=engine, kind=kind, file_name=name, data=data, dry_run=dry_run, user_name="tester"
    )
    assert report.ok, [(i.row, i.column, i.value, issue_message(i, "en")) for i in report.errors]
    return report


def without_import_log(dump: str) -> str:
    return "\n".join(line for line in dump.splitlines() if "import_log" not in line)


def test_demo_round_trips_through_csv_templates(demo_engine: Engine, target: Engine) -> None:
    for kind in KIND_ORDER:
        report = import_ok(
            target, kind, f"{kind}.csv", to_csv(kind, export_rows(engine=demo_engine, kind=kind))
        )
        assert report.applied
    for kind in KIND_ORDER:
        assert export_rows(engine=target, kind=kind) == export_rows(engine=demo_engine, kind=kind), kind
    for filters in (AS_OF, WHOLE):
        # SQLite sums floats in row order, which differs with the ids: equal to 12 digits.
        assert load_budget_totals(engine=target, filters=filters) == pytest.approx(
            load_budget_totals(engine=demo_engine, filters=filters), rel=1e-12
        )
        for lang in ("nl", "en"):
            assert expected_tiles(target, filters, lang) == expected_tiles(demo_engine, filters, lang)

    # One bump per import that changed rows; the survey dimensions are the five that migration
    # 0018 seeds, so their import changes nothing.
    assert read_data_version(target) == len(KIND_ORDER) - 1
    log = load_import_log(engine=target)
    assert len(log) == len(KIND_ORDER)
    assert set(log["outcome"]) == {"applied"} and set(log["user_name"]) == {"tester"}
    assert log.iloc[-1]["kind"] == "departments" and log.iloc[-1]["inserted"] == 3
    assert all(len(sha) == 64 for sha in log["sha256"])

    # Re-importing the same files changes nothing but the log.
    before, version = dump_database(target), read_data_version(target)
    for kind in KIND_ORDER:
        report = import_ok(
            target, kind, f"{kind}.csv", to_csv(kind, export_rows(engine=demo_engine, kind=kind))
        )
        if KINDS[kind].replaces == "wave":  # survey waves report counts per wave only (issue 17.6)
            rows = report.total("rows")
            assert (report.total("inserted"), report.total("removed")) == (rows, rows) and rows > 0
            continue
        assert (report.total("inserted"), report.total("updated"), report.total("removed")) == (0, 0, 0)
        assert report.total("unchanged") == report.total("rows") > 0
    assert without_import_log(dump_database(target)) == without_import_log(before)
    assert read_data_version(target) == version


def test_demo_round_trips_through_one_workbook(demo_sqlite_engine: Engine, tmp_path: Path) -> None:
    data = export_all_xlsx(engine=demo_sqlite_engine)
    for target in fresh_engine("sqlite", tmp_path):
        preview = import_ok(target, "workbook", "all.xlsx", data, dry_run=True)
        # The five survey dimensions are already there (migration 0018 seeds them).
        assert preview.total("unchanged") == 5
        assert not preview.applied and preview.total("inserted") == preview.total("rows") - 5 > 18_000
        inserts = [line for line in dump_database(target).splitlines() if line.startswith("INSERT INTO")]
        # only alembic_version and the seeded dimensions (trigger bodies are not row inserts)
        assert len(inserts) == 1 + 5
        report = import_ok(target, "workbook", "all.xlsx", data)
        assert [r.kind for r in report.results] == list(KIND_ORDER)
        assert [w.key for w in report.warnings] == ["importer.warning.double_owner"]  # planted P-016
        for kind in KIND_ORDER:
            assert export_rows(engine=target, kind=kind) == export_rows(
                engine=demo_sqlite_engine, kind=kind
            ), kind
        assert expected_tiles(target, AS_OF, "en") == expected_tiles(demo_sqlite_engine, AS_OF, "en")


def _lines(engine: Engine) -> dict[tuple[int, dt.date, int, int], tuple[float, float | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                BudgetLine.project_id,
                BudgetLine.month,
                BudgetLine.department_id,
                BudgetLine.category_id,
                BudgetLine.planned,
                BudgetLine.actual,
            )
        ).all()
    return {tuple(r[:4]): (r[4], r[5]) for r in rows}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_corrected_month_replaces_only_that_month(backend: str, tmp_path: Path) -> None:
    for engine in fresh_engine(backend, tmp_path):
        import_ok(
            engine, "departments", "d.csv", b"code,name_nl,name_en\nMKT,Marketing,Marketing\nIT,IT,IT\n"
        )
        import_ok(
            engine,
            "cost_categories",
            "c.csv",
            b"code,name_nl,name_en\nstaff,Personeel,Staff\nlic,Licenties,Licences\n",
        )
        import_ok(
            engine,
            "projects",
            "p.csv",
            b"code,name,status,planned_start,planned_end\nA,Alpha,active,2026-01-01,2026-12-31\n",
        )
        plan = "project,month,department,category,planned\n" + "".join(
            f"A,2026-{m:02d},{d},staff,100\n" for m in (1, 2, 3) for d in ("MKT", "IT")
        )
        import_ok(engine, "budget_plan", "plan.csv", plan.encode())
        actuals = "project,month,department,category,actual\n" + "".join(
            f"A,2026-{m:02d},{d},staff,90\n" for m in (1, 2, 3) for d in ("MKT", "IT")
        )
        import_ok(engine, "budget_actuals", "actuals.csv", actuals.encode())
        before = _lines(engine)
        assert len(before) == 6 and all(v == (100.0, 90.0) for v in before.values())

        # February corrected: MKT 95, IT line gone from the export, a new licence line.
        corrected = (
            b"project;month;department;category;actual\nA;02-2026;MKT;staff;95,5\nA;02-2026;MKT;lic;-12,25\n"
        )
        report = import_ok(engine, "budget_actuals", "feb.csv", corrected)
        assert (report.total("inserted"), report.total("updated"), report.total("removed")) == (1, 1, 1)
        assert [issue_message(w, "en") for w in report.warnings] == [
            "Note: this file replaces the actuals of 2026-02; 1 existing line(s) of those month(s) "
            "are not in the file and will lose their actual amount."
        ]
        after = _lines(engine)
        feb = dt.date(2026, 2, 1)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        assert {(k[1], v) for k, v in changed.items()} == {
            (feb, (100.0, 95.5)),
            (feb, (100.0, None)),
            (feb, (0.0, -12.25)),
        }
        assert {k: v for k, v in after.items() if k[1] != feb} == {
            k: v for k, v in before.items() if k[1] != feb
        }

        # The March plan re-imported without the IT line: it has actuals, so its plan becomes 0.
        report = import_ok(
            engine,
            "budget_plan",
            "mar.csv",
            b"project,month,department,category,planned\nA,2026-03,MKT,staff,100\n",
        )
        assert (report.total("unchanged"), report.total("removed")) == (1, 1)
        march = {k: v for k, v in _lines(engine).items() if k[1] == dt.date(2026, 3, 1)}
        assert sorted(march.values()) == [(0.0, 90.0), (100.0, 90.0)]
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(ImportLog)) == 7


def test_formats_people_have(empty_engine: Engine) -> None:
    """Windows-1252 with `;`, decimal comma, Dutch dates and a BOM'd UTF-8 file; .xlsx with typed cells."""
    import io

    import openpyxl

    engine = empty_engine
    departments = "code;name_nl;name_en\r\nMKT;Marketing;Marketing\r\nFIN;Financiën;Finance\r\n".encode(
        "cp1252"
    )
    report = import_ok(engine, "departments", "afd.csv", departments)
    assert (report.encoding, report.separator) == ("Windows-1252", ";")
    assert export_rows(engine=engine, kind="departments")[0]["name_nl"] == "Financiën"
    projects = (
        "\ufeffCode , Name,Status,Planned Start,Planned_End,rag\n"
        '"P-1","Klant, data",Active,01-02-2026,31/12/2026,GREEN\n'
    ).encode()
    report = import_ok(engine, "projects", "p.csv", projects)
    assert (report.encoding, report.separator) == ("UTF-8", ",")
    project = export_rows(engine=engine, kind="projects")[0]
    assert (project["name"], project["status"], project["rag"]) == ("Klant, data", "active", "green")
    assert (project["planned_start"], project["planned_end"]) == (dt.date(2026, 2, 1), dt.date(2026, 12, 31))
    funding = (
        "project;department;committed_amount;agreed_share\nP-1;MKT;1.234.567,89;0,6\nP-1;FIN;1.000;0,4\n"
    )
    import_ok(engine, "funding", "f.csv", funding.encode("cp1252"))
    assert [
        (r["committed_amount"], r["agreed_share"]) for r in export_rows(engine=engine, kind="funding")
    ] == [
        (1000.0, 0.4),
        (1234567.89, 0.6),
    ]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["project", "person_ref", "department", "fte", "start_month", "end_month"])
    sheet.append(["P-1", "E-1", "MKT", 0.5, dt.datetime(2026, 2, 1), "2026-12"])
    sheet.append(["P-1", "E-2", "FIN", 1, "2026-03", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_ok(engine, "team", "team.xlsx", buffer.getvalue())
    team = export_rows(engine=engine, kind="team")
    assert [(r["person_ref"], r["fte"], r["start_month"], r["end_month"]) for r in team] == [
        ("E-1", 0.5, dt.date(2026, 2, 1), dt.date(2026, 12, 1)),
        ("E-2", 1.0, dt.date(2026, 3, 1), None),
    ]


def test_ownership_file_replaces_the_ownership_of_its_projects(empty_engine: Engine) -> None:
    engine = empty_engine
    import_ok(engine, "departments", "d.csv", b"code,name_nl,name_en\nMKT,M,M\nIT,I,I\n")
    import_ok(
        engine, "responsibility_areas", "a.csv", b"code,name_nl,name_en,expected_department\npolicy,B,P,IT\n"
    )
    import_ok(
        engine,
        "projects",
        "p.csv",
        b"code,name,status,planned_start,planned_end\nA,A,active,2026-01-01,2026-12-31\nB,B,active,2026-01-01,2026-12-31\n",
    )
    import_ok(engine, "ownership", "o.csv", b"project,area,department\nA,policy,MKT\nB,policy,MKT\n")
    report = import_ok(engine, "ownership", "o2.csv", b"project,area,department\nA,policy,IT\n")
    assert (report.total("inserted"), report.total("removed")) == (1, 1)
    assert [(r["project"], r["department"]) for r in export_rows(engine=engine, kind="ownership")] == [
        ("A", "IT"),
        ("B", "MKT"),
    ]


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_templates_have_the_columns_and_an_example(kind: str) -> None:
    from data_access.importer import KINDS, column_docs
    from data_access.importer.reading import Limits, read_table

    names = list(KINDS[kind].column_names)
    for data, name in ((template_csv(kind), "t.csv"), (template_xlsx(kind, lang="nl"), "t.xlsx")):
        sheet = read_table(data, name, Limits()).sheets[0]
        assert sheet.header == names
        cells = list(sheet.rows[0][1])
        assert cells + [""] * (len(names) - len(cells)) == [c.example for c in KINDS[kind].columns]
    for lang, headers in (("nl", "Kolom"), ("en", "Column")):
        docs = column_docs(kind=kind, lang=lang)
        assert docs.columns[0] == headers and list(docs.iloc[:, 0]) == names
        assert docs.iloc[:, 4].str.len().min() > 0


def test_command_line_runs_as_a_module(
    demo_sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from data_access.importer.__main__ import main

    source = demo_sqlite_engine.url.render_as_string(hide_password=False)
    target_url = f"sqlite:///{tmp_path / 'cli.db'}"
    out = tmp_path / "projects.csv"
    assert main(["export", "projects", str(out), "--database-url", source]) == 0
    assert main(["departments", str(out), "--database-url", target_url, "--dry-run"]) == 1
    assert "Unknown column." in capsys.readouterr().out
    assert main(["projects", str(out), "--database-url", target_url, "--dry-run", "--lang", "nl"]) == 0
    shown = capsys.readouterr().out
    assert "projects: 25 rijen: 25 nieuw" in shown and "Proefrun: niets opgeslagen." in shown
    assert main(["projects", str(tmp_path / "missing.csv"), "--database-url", target_url]) == 2
    # As a separate process (as an operator, or issue 12's crash tests, run it).
    applied = subprocess.run(
        [
            sys.executable,
            "-m",
            "data_access.importer",
            "projects",
            str(out),
            "--database-url",
            target_url,
            "--user",
            "analyst",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Applied: everything was saved in one transaction." in applied.stdout
    engine = create_db_engine(target_url)
    assert load_import_log(engine=engine)["user_name"].tolist() == ["analyst"]
    engine.dispose()
