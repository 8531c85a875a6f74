"""The import and the meeting pack in `python -m bench` (issue #23, point 5).

Import: the budget of the benchmark data set (plan and actuals, as the export writes them)
is imported into an empty database that holds only the reference data (departments, cost
categories, areas, projects): check the plan, apply it, check the actuals, apply them. The
frozen importer of before issue #23 (`bench.import_baseline`) and the current one each get
their own database; they take turns step by step, so both see the same load. On SQLite and,
with a URL, on PostgreSQL. Target: the current importer ≥ 20 × faster over the four steps.

Meeting pack: `build_pack` and `pack_files` (PowerPoint, PDF, Excel, CSV) for the default
filters, in a fresh process each time (cold caches, as a user's first pack), on the demo
data and on the benchmark data. Target: production scale ≤ 3 × the demo's time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bench.stats import median
from data_access import demo
from data_access.engine import create_db_engine, upgrade_schema

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_KINDS = ("departments", "cost_categories", "responsibility_areas", "projects")
BUDGET_KINDS = ("budget_plan", "budget_actuals")
STEPS = (
    ("budget_plan", True),
    ("budget_plan", False),
    ("budget_actuals", True),
    ("budget_actuals", False),
)
IMPLEMENTATIONS = ("baseline", "current")
FLOOR = "the lines' writes alone"
TARGET_IMPORT_RATIO = 20.0
TARGET_PACK_RATIO = 3.0

Log = Callable[[str], None]


def step_name(kind: str, dry_run: bool) -> str:
    return f"{'check' if dry_run else 'apply'} {kind.removeprefix('budget_')}"


def export_files(source_url: str) -> dict[str, bytes]:
    """The reference kinds and the budget (plan and actuals) of a database, as CSV files."""
    from data_access.importer import export_rows, to_csv

    engine = create_db_engine(source_url)
    try:
        return {k: to_csv(k, export_rows(engine=engine, kind=k)) for k in (*REFERENCE_KINDS, *BUDGET_KINDS)}
    finally:
        engine.dispose()


def _importer(implementation: str) -> Callable[..., Any]:
    if implementation == "baseline":
        from bench.import_baseline import run_import
    else:
        from data_access.importer import run_import
    return run_import


class _Target:
    """An empty, migrated database for one importer (SQLite file or PostgreSQL database)."""

    def __init__(self, backend: str, implementation: str, *, data_dir: Path, pg_admin: str | None) -> None:
        self.backend, self.name = backend, f"bench_import_{implementation}"
        self.admin = pg_admin
        if backend == "sqlite":
            path = data_dir / f"{self.name}.db"
            for stale in data_dir.glob(f"{self.name}.db*"):
                stale.unlink()
            self.url = f"sqlite:///{path}"
        else:
            assert pg_admin is not None
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')
            url = make_url(pg_admin).set(database=self.name)
            self.url = url.render_as_string(hide_password=False)
        self.engine: Engine = create_db_engine(self.url)
        upgrade_schema(self.engine)

    def _admin(self, statement: str) -> None:
        admin = create_engine(make_url(self.admin or ""), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(statement))
        finally:
            admin.dispose()

    def close(self) -> None:
        self.engine.dispose()
        if self.backend == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for stale in Path(self.url.removeprefix("sqlite:///")).parent.glob(f"{self.name}.db*"):
                stale.unlink()


@dataclass
class ImportRun:
    backend: str
    lines: dict[str, int]  # rows in each budget file
    seconds: dict[str, dict[str, float]] = field(default_factory=dict)  # implementation -> step -> s
    floor: dict[str, float] = field(default_factory=dict)  # "insert plan", "update actuals" -> s

    def total(self, implementation: str) -> float:
        return sum(self.seconds[implementation].values())


def measure_import(
    files: dict[str, bytes], *, backend: str, data_dir: Path, pg_admin: str | None = None, log: Log = print
) -> ImportRun:
    """Both importers over the four steps, taking turns; each step must succeed."""
    run = ImportRun(backend, {k: files[k].count(b"\n") - 1 for k in BUDGET_KINDS})
    targets = {i: _Target(backend, i, data_dir=data_dir, pg_admin=pg_admin) for i in IMPLEMENTATIONS}
    try:
        for implementation, target in targets.items():
            for kind in REFERENCE_KINDS:
                _run(implementation, target.engine, kind, files[kind], dry_run=False)
            run.seconds[implementation] = {}
        for kind, dry_run in STEPS:
            for implementation, target in targets.items():
                started = time.perf_counter()
                _run(implementation, target.engine, kind, files[kind], dry_run=dry_run)
                elapsed = time.perf_counter() - started
                run.seconds[implementation][step_name(kind, dry_run)] = elapsed
                log(f"  {backend} {implementation:<8} {step_name(kind, dry_run):<14} {elapsed:8.2f} s")
        run.floor = measure_floor(
            targets["current"].engine, files, backend=backend, data_dir=data_dir, pg_admin=pg_admin
        )
        log(f"  {backend} {FLOOR}: " + ", ".join(f"{k} {v:.2f} s" for k, v in run.floor.items()))
    finally:
        for target in targets.values():
            target.close()
    return run


def _lines_of(engine: Engine) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """The budget lines of a database as the importer writes them: the plan's columns (each
    reference as its code) and the actuals (row number in id order, amount)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.code, b.month, d.code, c.code, b.planned, b.actual FROM budget_line b "
                "JOIN project p ON p.id = b.project_id JOIN department d ON d.id = b.department_id "
                "JOIN cost_category c ON c.id = b.category_id ORDER BY b.id"
            )
        ).all()
    project, month, department, category, planned, actual = (list(c) for c in zip(*rows, strict=True))
    plan = {"project": project, "month": month, "department": department, "category": category}
    plan["planned"] = [float(v) for v in planned]
    booked = [i for i, v in enumerate(actual) if v is not None]
    return plan, {"position": booked, "actual": [float(actual[i]) for i in booked]}


def measure_floor(
    source: Engine, files: dict[str, bytes], *, backend: str, data_dir: Path, pg_admin: str | None
) -> dict[str, float]:
    """The database's own part of the two applies: the same budget lines inserted, then their
    actuals updated by id, through the importer's own writes (`bulk.write_lines`: executemany
    on SQLite; COPY, and a temporary table with one UPDATE, on PostgreSQL), into
    an empty database with the reference data, each in one transaction with its commit; on
    SQLite with the rollup triggers suspended, as the importer does, and no rollup afterwards
    (PostgreSQL's statement trigger runs, as in an import). No reading, checking or planning:
    a lower bound for any importer that writes through these calls."""
    from data_access.importer.bulk import suspend_rollup_triggers, write_lines
    from data_access.importer.codes import load_ids
    from data_access.models import BudgetLine

    plan, actuals = _lines_of(source)
    target = _Target(backend, "floor", data_dir=data_dir, pg_admin=pg_admin)
    table = BudgetLine.__table__
    try:
        for kind in REFERENCE_KINDS:
            _run("current", target.engine, kind, files[kind], dry_run=False)
        with target.engine.connect() as conn:
            ids = {ref: load_ids(conn, ref) for ref in ("projects", "departments", "cost_categories")}
        values = {
            "project_id": [ids["projects"][c] for c in plan["project"]],
            "month": plan["month"],
            "department_id": [ids["departments"][c] for c in plan["department"]],
            "category_id": [ids["cost_categories"][c] for c in plan["category"]],
            "planned": plan["planned"],
            "actual": [None] * len(plan["planned"]),
        }
        seconds: dict[str, float] = {}
        started = time.perf_counter()
        with target.engine.begin() as conn:
            suspend_rollup_triggers(conn)  # as the import does; not put back (a throwaway database)
            write_lines(conn, table, values, {})
        seconds["insert plan"] = time.perf_counter() - started
        with target.engine.connect() as conn:
            row_ids = [r[0] for r in conn.execute(text("SELECT id FROM budget_line ORDER BY id"))]
        if len(row_ids) != len(plan["planned"]):
            raise RuntimeError(f"floor: {len(row_ids)} lines written of {len(plan['planned'])}")
        booked = [row_ids[i] for i in actuals["position"]]
        started = time.perf_counter()
        with target.engine.begin() as conn:
            suspend_rollup_triggers(conn)
            write_lines(conn, table, {}, {"id": booked, "actual": actuals["actual"]})
        seconds["update actuals"] = time.perf_counter() - started
        with target.engine.connect() as conn:
            booked_now = conn.execute(
                text("SELECT COUNT(*) FROM budget_line WHERE actual IS NOT NULL")
            ).scalar()
        if booked_now != len(booked):
            raise RuntimeError(f"floor: {booked_now} actuals written of {len(booked)}")
        return seconds
    finally:
        target.close()


def _run(implementation: str, engine: Engine, kind: str, data: bytes, *, dry_run: bool) -> None:
    report = _importer(implementation)(
        engine=engine, kind=kind, file_name=f"{kind}.csv", data=data, dry_run=dry_run, user_name="bench"
    )
    if not report.ok:
        raise RuntimeError(f"{implementation} import of {kind} failed: {[i.key for i in report.errors][:5]}")


def import_section(runs: list[ImportRun]) -> tuple[list[str], list[str]]:
    """The results section and the target rows (Markdown) for the import runs."""
    lines = [
        "",
        "## Import of the budget (check and apply, plan and actuals)",
        "",
        "Into an empty database holding the reference data; the importer of before issue #23 "
        "(`bench/import_baseline`, frozen) and the current one take turns step by step. Seconds.",
        "",
    ]
    targets: list[str] = []
    for run in runs:
        plan, actuals = run.lines["budget_plan"], run.lines["budget_actuals"]
        lines += [
            f"### {run.backend}: {plan:,} plan lines, {actuals:,} actual lines",
            "",
            "| Step | before #23 s | current s | ratio | current rows/s |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for kind, dry_run in STEPS:
            name = step_name(kind, dry_run)
            old, new = run.seconds["baseline"][name], run.seconds["current"][name]
            rows = run.lines[kind]
            lines.append(f"| {name} | {old:,.2f} | {new:,.2f} | {old / new:,.1f} × | {rows / new:,.0f} |")
        old, new = run.total("baseline"), run.total("current")
        ratio = old / new
        lines += [f"| **all four** | {old:,.2f} | {new:,.2f} | {ratio:,.1f} × | – |", ""]
        if run.floor:
            floor = sum(run.floor.values())
            parts = " and ".join(f"{name} {seconds:,.2f} s" for name, seconds in run.floor.items())
            lines += [
                f"The database's own part of the two applies ({FLOOR}: the same lines inserted, then their "
                f"actuals updated, by the importer's own driver calls, without reading, checking or planning, "
                f"and on SQLite without the monthly rollup; `measure_floor`): {parts}, {floor:,.2f} s in all. "
                f"{TARGET_IMPORT_RATIO:g} × faster than before #23 would be {old / TARGET_IMPORT_RATIO:,.2f} s "
                f"for all four steps, so at most {old / floor:,.1f} × is possible with these writes even "
                "if reading, checking and planning took no time.",
                "",
            ]
        verdict = "met" if ratio >= TARGET_IMPORT_RATIO else "**missed**"
        targets.append(
            f"| import {plan + actuals:,} budget lines ({run.backend}): ≥ {TARGET_IMPORT_RATIO:g} × "
            f"faster than before #23 | {ratio:,.1f} × | {verdict} |"
        )
    return lines, targets


# --- Meeting pack ---------------------------------------------------------------------------------

PACK_RUNNER = """
import json, sys, tempfile, time
from pathlib import Path
started = time.perf_counter()
from data_access.engine import create_db_engine
from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from domain.filters import Filters
from reports.pack import build_pack
from reports.pack_files import write_pack
imported = time.perf_counter()
engine = create_db_engine(sys.argv[1], create=False)
filters = Filters(as_of=DEMO_LAST_ACTUAL_MONTH, period_start=DEMO_LAST_ACTUAL_MONTH.replace(month=1))
pack = build_pack(engine, filters=filters, lang=sys.argv[2])
built = time.perf_counter()
with tempfile.TemporaryDirectory() as out:
    files = write_pack(pack, Path(out))
done = time.perf_counter()
print(json.dumps({"imports": imported - started, "build": built - imported, "files": done - built,
                  "total": done - imported, "n_files": len(files)}))
"""


def ensure_demo(data_dir: Path, *, log: Log = print) -> str:
    """A SQLite database with the demo data (about 25 projects), generated once."""
    from bench.datasets import generator_version

    path = data_dir / f"bench_demo_{generator_version()}.db"
    if not path.exists():
        log(f"generating {path.name} (demo scale) ...")
        partial = path.with_suffix(f".partial{os.getpid()}.db")
        engine = create_db_engine(f"sqlite:///{partial}")
        try:
            upgrade_schema(engine)
            demo.seed_demo(engine, scale="demo")
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
        finally:
            engine.dispose()
        partial.rename(path)
    return f"sqlite:///{path}"


def time_pack(url: str, *, lang: str = "nl", timeout: float = 900) -> dict[str, float]:
    """One meeting pack in a fresh process: seconds to build the model, to write the files, both."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PACK_RUNNER, url, lang],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pack failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_packs(
    scales: dict[str, str], *, repeats: int = 3, log: Log = print
) -> dict[str, list[dict[str, float]]]:
    """`repeats` packs per scale (name -> database URL), the scales taking turns."""
    times: dict[str, list[dict[str, float]]] = {name: [] for name in scales}
    for _ in range(repeats):
        for name, url in scales.items():
            measured = time_pack(url)
            times[name].append(measured)
            log(f"  pack {name:<12} build {measured['build']:6.2f} s, files {measured['files']:6.2f} s")
    return times


def pack_section(
    times: dict[str, list[dict[str, float]]], labels: dict[str, str]
) -> tuple[list[str], list[str]]:
    lines = [
        "",
        f"## Meeting pack (median of {min(len(v) for v in times.values())}, each in a fresh process)",
        "",
        "The default filters (as-of month of the demo data, period from January), Dutch; the model "
        "(`build_pack`, figures and chart images) and the files (`write_pack`: PowerPoint, PDF, Excel, CSV). "
        "Seconds, without the interpreter's start and imports.",
        "",
        "| Data | build s | files s | total s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, runs in times.items():
        lines.append(
            f"| {labels[name]} | {median([r['build'] for r in runs]):,.2f} | "
            f"{median([r['files'] for r in runs]):,.2f} | {median([r['total'] for r in runs]):,.2f} |"
        )
    targets = []
    if "demo" in times and "production" in times:
        ratio = median([r["total"] for r in times["production"]]) / median(
            [r["total"] for r in times["demo"]]
        )
        verdict = "met" if ratio <= TARGET_PACK_RATIO else "**missed**"
        targets.append(
            f"| meeting pack at {labels['production']} ≤ {TARGET_PACK_RATIO:g} × the demo's | {ratio:,.2f} × | {verdict} |"
        )
    return lines, targets
