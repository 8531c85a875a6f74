"""Issue #23, import at database speed: the columnar check and the bulk writes give what the
row-by-row importer gave (bench/import_baseline is that importer, frozen).

- The columnar check gives the same records and the same issues, in the same order, on
  files full of mistakes (also beyond the first 300 errors, and both decimal marks).
- Imports of plans and actuals (inserts, updates, lines a month's file leaves out) give
  the same database, row for row, as the baseline, on SQLite and PostgreSQL.
- A write that fails half way leaves the database as it was (the rollup triggers too).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

import bench.import_baseline.pipeline as baseline_pipeline
import bench.import_baseline.validate as baseline
import data_access.importer.pipeline as pipeline
from data_access.importer import bulk as bulk_store
from data_access.importer import export_rows, run_import, to_csv
from data_access.importer import validate as columnar
from data_access.importer.reading import Formula, Limits, Number, Sheet
from data_access.importer.schema import KINDS
from tests.data_access.importer.test_importer_bad_files import dump_database
from tests.data_access.importer.test_importer_roundtrip import fresh_engine, without_import_log

KNOWN = {
    "projects": {"P-001", "P-002", "P-010", "P-0012"},
    "departments": {"IT", "MKT", "FIN"},
    "cost_categories": {"personnel", "licences", "hardware"},
    "survey_waves": {"W1"},
    "survey_items": {"T1"},
    "responsibility_areas": {"data"},
}


def plain(issue: Any) -> tuple[Any, ...]:
    """An issue as plain values (either module's Issue class), examples included."""
    params = dict(issue.params)
    if "examples" in params:
        params["examples"] = {k: plain(v) for k, v in params["examples"].items()}
    return (issue.key, params, issue.row, issue.column, issue.value, issue.sheet, issue.severity)


def both(kind: str, sheet: Sheet, separator: str | None, *, max_cell: int = 40) -> tuple[Any, Any]:
    limits = Limits(max_cell=max_cell)
    results = []
    for module in (baseline, columnar):
        known = {k: set(v) for k, v in KNOWN.items()}
        records, issues = module.validate_sheet(
            KINDS[kind], sheet, known=known, limits=limits, separator=separator
        )
        results.append(([(r.row, r.values) for r in records], [plain(i) for i in issues]))
    return results[0], results[1]


MESSY_BUDGET = [
    ["P-001", "2026-01", "IT", "personnel", "100.50"],
    ["P-001", "2026-1", "IT", "personnel", "7"],  # the same line again: duplicate
    ["p-001", "2026-01", "IT", "licences", "1"],  # capitals differ from P-001
    ["P-0O1", "2026-01", "IT", "licences", "1"],  # unknown, close to P-001
    ["P-999", "2026-01", "IT", "licences", "1"],  # unknown
    ["P-002", "2026-13", "MKT", "hardware", "1"],
    ["P-002", "2026-02", "MKT", "hardware", "1.234"],  # ambiguous or decimal mark
    ["P-002", "2026-03", "MKT", "hardware", "1.999"],
    ["P-002", "2026-04", "MKT", "hardware", "12,5"],
    ["P-002", "2026-05", "MKT", "hardware", "€ 1.250,00"],
    ["P-002", "2026-06", "MKT", "hardware", "2000000000000"],  # out of range
    ["P-002", "2026-07", "MKT", "hardware", "1.005"],  # too many decimals or ambiguous
    ["P-002", "2026-08", "MKT", "hardware", ""],  # required
    ["P-002", "2026-09", "MKT", "hardware", "nan"],
    ["P-002", "2026-10", "MKT", "hardware", "=SUM(A1)"],
    ["=cmd", "2026-10", "MKT", "hardware", "1"],
    ["P-002", "2026-11", "MKT", "hardware", "1", "extra"],
    ["P-002", "2026-12", "MKT", "hardware", "1", ""],  # an empty extra cell is fine
    ["P-002", "2027-01", "MKT", "hardware", "x" * 50],  # longer than max_cell
    ["P-002", " 2027-02 ", " MKT ", "hardware", " 12.25 "],
    ["P-002", "2027-03", "MKT", "hardware", "+5"],
    ["P-002", "2027-04", "MKT", "hardware", "-0"],
    ["P-002", "01-05-2027", "MKT", "hardware", "-17.10"],
    ["P-002", "2027-06-15", "MKT", "hardware", "3"],
    ["P-002", "1980-01", "MKT", "hardware", "3"],
    ["P-010", "2026-01", "fin", "hardware", "999999999999.99"],
    ["P-010", "2026-01", "FIN", "Hardware", "0.01"],
    ["P-010", "2026-02", "FIN", "hardware"],  # short row: planned missing
    ["P-0012", "2026-02", "FIN", "hardware", "1,234.56"],
    ["P-0012", "2026-03", "FIN", "hardware", "$2,450,000"],
]


def budget_sheet(rows: list[list[str]], *, repeat: int = 1, amount: str = "planned") -> Sheet:
    data = []
    for copy in range(repeat):
        for offset, cells in enumerate(rows):
            changed = list(cells)
            if copy and changed[1][:4].isdigit():  # later copies: other months, so not all duplicates
                changed[1] = f"{2000 + copy}-{changed[1][5:]}" if len(changed[1]) >= 7 else changed[1]
            data.append((2 + copy * len(rows) + offset, changed))
    return Sheet(None, ["project", "month", "department", "category", amount], data)


@pytest.mark.parametrize("separator", [",", ";", None])
def test_columnar_check_gives_the_row_by_row_records_and_issues(separator: str | None) -> None:
    old, new = both("budget_plan", budget_sheet(MESSY_BUDGET), separator)
    assert new == old
    assert len(new[1]) > 20 and len(new[0]) >= 3  # the file really has mistakes and good rows


def test_columnar_check_transposes_the_sheet_itself_when_not_given_it() -> None:
    """validate_columns without the caller's columns reads them itself, to the same result."""
    from data_access.importer.cells import amount_conventions
    from data_access.importer.columnar import validate_columns
    from data_access.importer.rows import RowChecker, check_header

    kind, sheet = KINDS["budget_plan"], budget_sheet(MESSY_BUDGET)
    positions, _ = check_header(kind, sheet)
    amounts = [cells[4] for _, cells in sheet.rows if len(cells) > 4]
    checker = RowChecker(
        kind,
        positions,
        len(sheet.header),
        {k: set(v) for k, v in KNOWN.items()},
        Limits(),
        amount_conventions(amounts, None),
    )
    records, issues = validate_columns(kind, sheet, checker)
    expected_records, expected_issues = columnar.validate_sheet(
        kind, sheet, known={k: set(v) for k, v in KNOWN.items()}, limits=Limits()
    )
    assert [(r.row, r.values) for r in records] == [(r.row, r.values) for r in expected_records]
    assert [plain(i) for i in issues] == [plain(i) for i in expected_issues]
    assert len(records) > 5 and issues


def test_a_small_cell_limit_holds_for_plain_amounts_too() -> None:
    old, new = both("budget_plan", budget_sheet(MESSY_BUDGET), ",", max_cell=6)
    assert new == old
    assert (
        any(issue[0] == "importer.error.cell_too_long" and issue[4] == "100.50" for issue in new[1]) is False
    )
    assert any(issue[0] == "importer.error.cell_too_long" and issue[3] == "planned" for issue in new[1])


def test_columnar_check_counts_beyond_the_listed_issues_as_before() -> None:
    old, new = both("budget_actuals", budget_sheet(MESSY_BUDGET, repeat=40, amount="actual"), ",")
    assert new == old
    assert new[1][columnar.MAX_ISSUES][0] == columnar.MORE_ISSUES


def test_excel_cells_numbers_and_formulas_are_checked_as_before() -> None:
    rows = [
        ["P-001", "2026-01", "IT", "personnel", Number("12.5")],
        ["P-001", "2026-02", "IT", "personnel", Number("12.555")],
        ["P-001", "2026-03", "IT", "personnel", Formula("=A1*2")],
        ["P-001", Number("45292"), "IT", "personnel", "1"],
        ["P-001", "2026-04", "IT", "personnel", "5"],
    ]
    old, new = both("budget_plan", budget_sheet(rows), None)
    assert new == old
    assert [r[0] for r in new[0]] == [2, 6]


def test_other_columnar_kinds_check_as_before() -> None:
    progress = Sheet(
        None,
        ["project", "month", "pct_complete", "rag", "note"],
        [
            (2, ["P-001", "2026-01", "50", "green", "ok"]),
            (3, ["P-001", "2026-01", "60", "amber", ""]),
            (4, ["P-001", "2026-02", "101", "GREEN", "=x"]),
            (5, ["P-002", "2026-02", "12,5", "purple", "note"]),
            (6, ["P-010", "2026-03", "", "", ""]),
        ],
    )
    assert columnar.columnar(KINDS["progress"]) and not columnar.columnar(KINDS["projects"])
    old, new = both("progress", progress, ",")
    assert new == old
    assert new[1]


def test_columnar_records_are_typed_as_before() -> None:
    rows = [["P-001", "2026-01", "IT", "personnel", "100.5"], ["P-002", "2026-02", "MKT", "licences", "-3"]]
    old, new = both("budget_plan", budget_sheet(rows), ",")
    assert new == old
    values = new[0][0][1]
    assert values == {
        "project": "P-001",
        "month": dt.date(2026, 1, 1),
        "department": "IT",
        "category": "personnel",
        "planned": 100.5,
    }
    assert [type(v) for v in values.values()] == [str, dt.date, str, str, float]


# --- The database after an import: the bulk path against the baseline ------------------------

REFERENCE_KINDS = ("departments", "cost_categories", "responsibility_areas", "projects")


def _files(source: Engine) -> dict[str, bytes]:
    return {
        kind: to_csv(kind, export_rows(engine=source, kind=kind))
        for kind in (*REFERENCE_KINDS, "budget_plan", "budget_actuals")
    }


def _changed(data: bytes, *, keep_every: int, bump: float) -> bytes:
    """A month's file with some lines left out and some amounts changed."""
    lines = data.decode("utf-8-sig").splitlines()
    head, body = lines[0], lines[1:]
    first_month = body[0].split(",")[1]
    month = [line for line in body if line.split(",")[1] == first_month]
    kept = []
    for i, line in enumerate(month):
        if i % keep_every == 0:
            continue  # left out: removed, plan zeroed or actual cleared
        cells = line.split(",")
        if i % 3 == 0:
            cells[-1] = f"{float(cells[-1]) + bump:.2f}"
        kept.append(",".join(cells))
    return ("\n".join([head, *kept]) + "\n").encode()


def _apply(module: Any, engine: Engine, kind: str, data: bytes) -> Any:
    for dry_run in (True, False):
        report = module.run_import(
            engine=engine, kind=kind, file_name=f"{kind}.csv", data=data, dry_run=dry_run, user_name="t"
        )
        assert report.ok, [plain(i) for i in report.errors][:3]
    return report


def _counts(report: Any) -> list[tuple[Any, ...]]:
    return [
        (r.kind, r.rows, r.inserted, r.updated, r.unchanged, r.removed, r.preview) for r in report.results
    ]


@pytest.fixture
def pair(demo_engine: Engine, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    backend = demo_engine.dialect.name
    old = fresh_engine(backend, tmp_path / "old")
    new = fresh_engine(backend, tmp_path / "new")
    yield next(old), next(new)
    for generator in (old, new):
        next(generator, None)


def test_bulk_imports_give_the_baseline_database(demo_engine: Engine, pair: tuple[Engine, Engine]) -> None:
    files = _files(demo_engine)
    steps = [(kind, files[kind]) for kind in (*REFERENCE_KINDS, "budget_plan", "budget_actuals")]
    steps += [
        ("budget_plan", _changed(files["budget_plan"], keep_every=4, bump=10.0)),
        ("budget_actuals", _changed(files["budget_actuals"], keep_every=5, bump=-2.5)),
        ("budget_actuals", files["budget_actuals"]),  # everything back: unchanged and updates
    ]
    old_engine, new_engine = pair
    for kind, data in steps:
        before = _counts(_apply(baseline_pipeline, old_engine, kind, data))
        after = _counts(_apply(pipeline, new_engine, kind, data))
        assert after == before, kind
    # Every row the same; only the physical order of budget_month's rows (a rollup keyed by
    # project, month and department, recomputed group by group) may differ.
    old_dump, new_dump = (sorted(without_import_log(dump_database(e)).splitlines()) for e in pair)
    assert sum("budget_line" in line for line in new_dump) > 1000
    assert new_dump == old_dump


def test_plan_and_actuals_files_change_what_they_should(
    demo_engine: Engine, pair: tuple[Engine, Engine]
) -> None:
    files = _files(demo_engine)
    _, engine = pair
    for kind in REFERENCE_KINDS:
        _apply(pipeline, engine, kind, files[kind])
    first = _apply(pipeline, engine, "budget_plan", files["budget_plan"])
    assert first.results[0].inserted == first.results[0].rows > 1000
    again = _apply(pipeline, engine, "budget_plan", files["budget_plan"])
    assert again.results[0].unchanged == again.results[0].rows and not again.results[0].removed
    actuals = _apply(pipeline, engine, "budget_actuals", files["budget_actuals"])
    assert actuals.results[0].updated > 0
    changed = _apply(pipeline, engine, "budget_plan", _changed(files["budget_plan"], keep_every=4, bump=1.0))
    result = changed.results[0]
    assert result.removed > 0 and result.updated > 0 and result.unchanged > 0
    with engine.connect() as conn:
        mismatched = conn.scalar(
            text(
                "SELECT count(*) FROM (SELECT project_id, month, department_id, sum(planned) AS p, "
                "sum(actual) AS a, count(actual) AS b, count(*) AS n FROM budget_line GROUP BY 1, 2, 3) l "
                "FULL OUTER JOIN budget_month m USING (project_id, month, department_id) "
                "WHERE m.lines IS NULL OR l.n IS NULL OR abs(l.p - m.planned) > 0.001 OR l.n <> m.lines "
                "OR l.b <> m.booked"
            )
        )
    assert mismatched == 0


def _plan_summary(plan: Any) -> tuple[Any, ...]:
    return (
        [(r.row, r.values) for r in plan.inserts],
        [(row_id, r.row, r.values) for row_id, r in plan.updates],
        plan.unchanged,
        sorted(plan.removals),
        plan.preview,
        plan.months,
    )


def _with_line(data: bytes, line: str) -> bytes:
    return data.rstrip(b"\n") + b"\n" + line.encode() + b"\n"


def test_the_bulk_plan_is_the_row_by_row_plan(demo_engine: Engine, pair: tuple[Engine, Engine]) -> None:
    """plan_bulk (key columns matched as numbers, amounts compared as arrays) against
    plan_rows (a dict per line) on one database: a file the same as the database, one with
    lines left out and amounts changed, stored amounts with a third decimal (equal once
    rounded as `normalise` rounds), and lines of a project and a month the database does not
    hold (a workbook's dry run knows the code from its own projects sheet)."""
    from data_access.importer.codes import load_codes
    from data_access.importer.kind_plan import plan_rows
    from data_access.importer.reading import read_table

    files = _files(demo_engine)
    _, engine = pair
    for kind in (*REFERENCE_KINDS, "budget_plan", "budget_actuals"):
        _apply(pipeline, engine, kind, files[kind])
    with engine.begin() as conn:  # a few stored amounts a thousandth off (SQLite keeps it)
        conn.execute(text("UPDATE budget_line SET planned = planned + 0.004 WHERE id % 7 = 0"))
        conn.execute(text("UPDATE budget_line SET actual = actual - 0.003 WHERE id % 11 = 0"))
    first_month = files["budget_plan"].decode().splitlines()[1].split(",")[1]
    cases = {
        "budget_plan": [
            files["budget_plan"],
            _changed(files["budget_plan"], keep_every=4, bump=1.0),
            _with_line(files["budget_plan"], f"P-NEW,{first_month},IT,personnel,10.00"),
            _with_line(files["budget_plan"], "P-NEW,2031-01,IT,personnel,10.00"),
        ],
        "budget_actuals": [
            files["budget_actuals"],
            _changed(files["budget_actuals"], keep_every=5, bump=-2.5),
        ],
    }
    compared = 0
    with engine.connect() as conn:
        codes = load_codes(conn)
        codes.known["projects"].add("P-NEW")
        for kind, datas in cases.items():
            for data in datas:
                sheet = read_table(data, f"{kind}.csv", Limits()).sheets[0]
                records, issues = columnar.validate_sheet(
                    KINDS[kind], sheet, known=codes.known, limits=Limits()
                )
                assert not [i for i in issues if i.severity == "error"], [plain(i) for i in issues][:3]
                assert isinstance(records, columnar.FrameRecords)
                bulk = bulk_store.plan_bulk(conn, KINDS[kind], records, codes)
                rows = plan_rows(conn, KINDS[kind], list(records), codes)
                assert _plan_summary(bulk) == _plan_summary(rows), kind
                compared += 1
                assert len(bulk.inserts) + len(bulk.updates) + bulk.unchanged == len(records)
    assert compared == 6
    # The cases reach every outcome: unchanged, updated, inserted (the new project) and removed.
    assert bulk.unchanged and bulk.updates and bulk.removals


def test_a_write_failing_half_way_leaves_the_database_unchanged(
    demo_engine: Engine, pair: tuple[Engine, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(demo_engine)
    _, engine = pair
    for kind in REFERENCE_KINDS:
        _apply(pipeline, engine, kind, files[kind])
    _apply(pipeline, engine, "budget_plan", files["budget_plan"])
    before = dump_database(engine)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("UPDATE budget_line", {}, Exception("disk full"))

    monkeypatch.setattr(bulk_store, "_write_removals", broken)
    report = run_import(
        engine=engine,
        kind="budget_plan",
        file_name="plan.csv",
        data=_changed(files["budget_plan"], keep_every=4, bump=1.0),
        dry_run=False,
        user_name="t",
    )
    assert not report.applied and report.errors[0].key == "importer.error.database"
    assert dump_database(engine) == before  # rows, rollup and (on SQLite) the triggers themselves
    monkeypatch.undo()
    fixed = run_import(
        engine=engine,
        kind="budget_plan",
        file_name="plan.csv",
        data=files["budget_plan"],
        dry_run=False,
        user_name="t",
    )
    assert fixed.ok


def test_unknown_dataclass_fields_are_not_silently_dropped() -> None:
    """The comparison above covers every field of an issue (a new field must be added to `plain`)."""
    assert [f.name for f in dataclasses.fields(columnar.Issue)] == [
        "key",
        "params",
        "row",
        "column",
        "value",
        "sheet",
        "severity",
    ]


def test_copy_payload_is_copys_text_format_or_leaves_it_to_psycopg() -> None:
    month = dt.date(2026, 1, 1)
    columns: list[list[Any]] = [[1, 2], [month, month], [954.65, None], ["a b", ""]]
    assert bulk_store._copy_payload(columns) == "1\t2026-01-01\t954.65\ta b\n2\t2026-01-01\t\\N\t\n"
    for odd in (
        ["tab\there"],
        ["back\\slash"],
        ["line\nend"],
        [float("nan")],
        [True],
        [dt.datetime(2026, 1, 1)],
    ):
        assert bulk_store._copy_payload([odd]) is None, odd
