"""The app's one result cache (ui.data, issue #23): the data version is read once per rerun,
a write elsewhere is seen on the next rerun, a write in this process at once, and the
loaders' SQL oracles live in tests/ only."""

from __future__ import annotations

import ast
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

import data_access.engine as engine_module
from data_access.engine import (
    bump_data_version,
    create_db_engine,
    data_version_known,
    query_data_version,
    read_data_version,
)
from data_access.memo import clear_memo
from tests.apptest_helpers import open_app

ROOT = Path(__file__).resolve().parents[2]
BUDGET = "views/budget.py"
ORACLES = (
    "query_trust_groups",
    "query_response_counts",
    "query_funding_split",
    "query_team_by_department",
    "query_ownership",
)
# What the app runs in production (bench/, scripts/ and tests/ are developer tools).
PRODUCTION = (
    "access",
    "charts",
    "domain",
    "data_access",
    "i18n",
    "jobs",
    "kpis",
    "presentation",
    "reports",
    "runtime",
    "services",
    "ui",
    "views",
)


@pytest.fixture
def writable_demo_url(demo_sqlite_engine: Engine, tmp_path: Path) -> str:
    """A copy of the demo SQLite database this test may write to."""
    target = tmp_path / "demo_copy.db"
    _copy_sqlite(Path(str(demo_sqlite_engine.url.database)), target)
    return f"sqlite:///{target}"


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy (the backup API: the write-ahead log included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every data-version query from now on (its database URL)."""
    reads: list[str] = []
    real = engine_module.query_data_version

    def counting(engine: Engine) -> int:
        reads.append(str(engine.url))
        return real(engine)

    monkeypatch.setattr(engine_module, "query_data_version", counting)
    return reads


def test_a_budget_rerun_reads_the_data_version_once(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    from ui.data import clear_caches

    at = open_app(monkeypatch, demo_sqlite_url, page=BUDGET)
    reads = _count_reads(monkeypatch)
    at.run()  # warm: every result from the cache
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.metric) > 0
    assert len(reads) == 1
    reads.clear()
    clear_caches()  # cold: every result computed, the memoised bases reloaded
    clear_memo()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(reads) == 1  # was one per cached() call (about 17) plus the memo's own reads


_OTHER_PROCESS_IMPORT = """
import sys
from data_access.engine import create_db_engine
from data_access.importer import run_import
engine = create_db_engine(sys.argv[1], create=False)
data = b"code,name,status,planned_start,planned_end\\nZ-999,Elders geimporteerd,active,2026-01-01,2026-12-31\\n"
report = run_import(engine=engine, kind="projects", file_name="projects.csv", data=data, dry_run=False,
                    user_name="other")
print(report.applied)
"""


def _project_options(at) -> list[str]:
    return [option for select in at.sidebar.multiselect for option in select.options if "Z-999" in option]


def test_an_import_in_another_process_is_seen_on_the_next_rerun(
    monkeypatch: pytest.MonkeyPatch, writable_demo_url: str
) -> None:
    at = open_app(monkeypatch, writable_demo_url)
    assert len(at.metric) > 0  # the demo data, not an empty database
    before = read_data_version(create_db_engine(writable_demo_url, create=False))
    assert _project_options(at) == []
    done = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS_IMPORT, writable_demo_url],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": writable_demo_url},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert done.stdout.split()[-1] == "True", done.stderr
    assert query_data_version(create_db_engine(writable_demo_url, create=False)) > before
    at.run()  # the next rerun of this session: a fresh read, so the new project is offered
    assert not at.exception, [e.value for e in at.exception]
    assert len(_project_options(at)) == 1


def test_a_version_handed_down_is_used_until_this_process_writes(
    monkeypatch: pytest.MonkeyPatch, writable_demo_url: str
) -> None:
    engine = create_db_engine(writable_demo_url, create=False)
    version = query_data_version(engine)
    reads = _count_reads(monkeypatch)
    with data_version_known(engine, version):
        assert read_data_version(engine) == version
        assert read_data_version(engine) == version
        assert reads == []  # handed down: no query
        with engine.begin() as conn:  # a save in this process (any session)
            bump_data_version(conn)
        assert read_data_version(engine) == version + 1  # seen at once
        assert len(reads) == 1
    other_path = Path(str(engine.url.database)).with_name("other.db")
    _copy_sqlite(Path(str(engine.url.database)), other_path)
    other = create_db_engine(f"sqlite:///{other_path}", create=False)
    with data_version_known(engine, version):  # another database is never answered from this one's
        assert read_data_version(other) == version + 1
    assert len(reads) == 2


def test_the_oracles_live_in_tests_only() -> None:
    import tests.oracles as oracles

    assert all(callable(getattr(oracles, name)) for name in ORACLES)
    found = []
    files = [ROOT / "app.py", ROOT / "serve.py"]
    for package in PRODUCTION:
        files += sorted((ROOT / package).rglob("*.py"))
    assert len(files) > 50
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.FunctionDef):
                names.append(node.name)
            elif isinstance(node, ast.Name):
                names.append(node.id)
            elif isinstance(node, ast.Attribute):
                names.append(node.attr)
            elif isinstance(node, ast.ImportFrom):
                names += [alias.name for alias in node.names]
                names.append(node.module or "")
            found += [f"{path.relative_to(ROOT)}:{node.lineno}" for name in names if name in ORACLES]
            if isinstance(node, ast.ImportFrom | ast.Import):
                modules = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                found += [
                    f"{path.relative_to(ROOT)}: imports tests" for m in modules if m.split(".")[0] == "tests"
                ]
    assert found == []


def test_the_migration_files_head_read_without_alembic_is_alembics() -> None:
    from data_access.engine import _single_head_in_files, head_revision

    assert _single_head_in_files() == head_revision()


def test_page_models_are_kept_in_a_bounded_part_of_the_cache(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_engine: Engine
) -> None:
    # st.cache_data bounds entries, not bytes: a page model at 2,000 projects is up to 4 MB
    # pickled, so the models are kept apart, the last MODEL_ENTRIES used (ui/data.py).
    import data_access.reference as loaders
    import services.settings as models
    import ui.data as data

    monkeypatch.setenv("DATABASE_URL", str(demo_sqlite_engine.url))
    calls: list[tuple[str, int]] = []

    def model(*, engine: Engine, n: int) -> int:
        calls.append(("model", n))
        return n

    def loader(*, engine: Engine, n: int) -> int:
        calls.append(("loader", n))
        return n

    for function, module in ((model, models), (loader, loaders)):
        function.__module__ = module.__name__
        function.__qualname__ = f"_cache_probe_{function.__name__}"
        monkeypatch.setattr(module, function.__qualname__, function, raising=False)
    data.clear_caches()
    try:
        for function in (model, loader):
            for n in range(data.MODEL_ENTRIES + 1):
                assert data.cached(function, n=n) == n
            assert data.cached(function, n=data.MODEL_ENTRIES) == data.MODEL_ENTRIES  # the newest: kept
            assert data.cached(function, n=0) == 0  # the oldest: dropped for a model only
        runs = {kind: len([call for call in calls if call[0] == kind]) for kind in ("model", "loader")}
        assert runs == {"model": data.MODEL_ENTRIES + 2, "loader": data.MODEL_ENTRIES + 1}
    finally:
        data.clear_caches()
