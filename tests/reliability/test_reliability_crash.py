"""Crash during import: the process killed in the middle of applying a large import leaves
the database exactly as it was (compared by a full dump); the same file then imports fine.

The kill comes at the worst moment: the importer has written every row of the file inside
its transaction and is about to commit. A small wrapper pauses it there (our own seam,
pipeline.bump_data_version, the last statement before the commit) and the test SIGKILLs it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data_access.demo import seed_demo
from data_access.engine import create_db_engine, read_data_version, upgrade_schema
from data_access.importer import export_rows, to_csv
from data_access.models import BudgetLine, ImportLog
from tests.conftest import BACKENDS, ROOT, _drop_pg_database, make_database_url
from tests.data_access.importer.test_importer_bad_files import dump_database

PAUSING_IMPORTER = """
import sys, time
from pathlib import Path
import data_access.importer.pipeline as pipeline
from data_access.importer.__main__ import main

marker = Path(sys.argv[1])
def pause_before_commit(conn):
    marker.write_text("all rows written, not committed")
    time.sleep(600)
pipeline.bump_data_version = pause_before_commit
sys.exit(main(sys.argv[2:]))
"""


def _dump_without_sequences(engine: Engine) -> str:
    # PostgreSQL sequences are not transactional: an aborted insert still uses up an id.
    # Gaps in ids are no data, so sequence positions are left out of the comparison.
    return "\n".join(line for line in dump_database(engine).splitlines() if not line.startswith("sequence "))


def _planned_total(engine: Engine) -> float:
    with engine.connect() as conn:
        return float(conn.scalar(select(func.sum(BudgetLine.planned))))


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_import_killed_while_applying_leaves_the_database_as_it_was(backend: str, tmp_path: Path) -> None:
    url = make_database_url(backend, tmp_path)
    engine = create_db_engine(url)
    try:
        upgrade_schema(engine)
        seed_demo(engine)
        rows = export_rows(engine=engine, kind="budget_plan")
        assert len(rows) > 3000
        changed = [row | {"planned": round(float(row["planned"]) + 1.0, 2)} for row in rows]
        import_path = tmp_path / "budget_plan.csv"
        import_path.write_bytes(to_csv("budget_plan", changed))
        before_dump = _dump_without_sequences(engine)
        before_total, before_version = _planned_total(engine), read_data_version(engine)

        marker = tmp_path / "paused"
        cli = ["budget_plan", str(import_path), "--database-url", url, "--user", "crash-test"]
        process = subprocess.Popen(
            [sys.executable, "-c", PAUSING_IMPORTER, str(marker), *cli],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.stdout.read().decode(errors="replace")
            assert time.monotonic() < deadline, "the import never reached its commit"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL

        engine.dispose()  # as a restarted process would: no connection survives from before
        assert _dump_without_sequences(engine) == before_dump
        assert read_data_version(engine) == before_version

        result = subprocess.run(
            [sys.executable, "-m", "data_access.importer", *cli],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert _planned_total(engine) == pytest.approx(before_total + len(rows), abs=0.01)
        assert read_data_version(engine) == before_version + 1
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(ImportLog)) == 1
    finally:
        engine.dispose()
        if backend == "postgresql":
            _drop_pg_database(url)
