"""Benchmark databases: generated once with data_access.demo, cached under bench/data/.

A SQLite file is keyed by its size and by the generator's version (a hash of the
data_access/demo package: its modules and fixture data), so a changed generator never
reuses stale data. A cached file is upgraded to the current schema on reuse, so new
indexes reach it too. PostgreSQL
databases get the same key as their name and are reused when their counts match.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from data_access import demo
from data_access.engine import create_db_engine, upgrade_schema
from data_access.models import BudgetLine, SurveyResponse

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"
# The production scale of the issue: 2,000 projects, about 1.2 million budget lines.
PRODUCTION_LINES = round(demo.LARGE_N_PROJECTS * demo.LARGE_LINES_PER_PROJECT)


def generator_version() -> str:
    """A short hash of the demo generator's files (every module and fixture data file of the
    package, by relative path and content): a new generator means new data."""
    package = Path(demo.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".toml")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:10]


def n_projects_for(lines: int) -> int:
    """Projects that give about `lines` budget lines (2,000 at production scale)."""
    if lines >= PRODUCTION_LINES:
        return demo.LARGE_N_PROJECTS
    return demo.projects_for_budget_lines(lines)


@dataclass(frozen=True)
class Dataset:
    url: str
    n_projects: int
    budget_lines: int
    survey_answers: int
    generated_s: float | None  # None when reused


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        lines = conn.scalar(select(func.count()).select_from(BudgetLine)) or 0
        answers = conn.scalar(select(func.count()).select_from(SurveyResponse)) or 0
    return int(lines), int(answers)


def _key(n_projects: int) -> str:
    return f"bench_{n_projects}p_{generator_version()}"


def _seed(url: str, n_projects: int) -> float:
    engine = create_db_engine(url)
    try:
        upgrade_schema(engine)
        started = time.perf_counter()
        demo.seed_demo(engine, scale="large", n_projects=n_projects)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        return time.perf_counter() - started
    finally:
        engine.dispose()


def _describe(url: str, n_projects: int, generated_s: float | None) -> Dataset:
    engine = create_db_engine(url)
    try:
        upgrade_schema(engine)
        lines, answers = _counts(engine)
    finally:
        engine.dispose()
    return Dataset(url, n_projects, lines, answers, generated_s)


def ensure_sqlite(lines: int, *, data_dir: Path = DATA_DIR, log=print) -> Dataset:
    """A SQLite database of about `lines` budget lines; generated once, then reused."""
    n_projects = n_projects_for(lines)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{_key(n_projects)}.db"
    generated_s = None
    if not path.exists():
        log(f"generating {path.name} ({n_projects} projects, about {lines:,} budget lines) ...")
        partial = path.with_suffix(f".partial{os.getpid()}.db")
        for stale in data_dir.glob(partial.name + "*"):
            stale.unlink()
        generated_s = _seed(f"sqlite:///{partial}", n_projects)
        # Fold the WAL into the file before renaming it into place.
        engine = create_engine(f"sqlite:///{partial}")
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
        engine.dispose()
        partial.rename(path)
        log(f"  done in {generated_s:.0f} s")
    return _describe(f"sqlite:///{path}", n_projects, generated_s)


def ensure_postgres(admin_url: str, lines: int, *, log=print) -> Dataset:
    """The same data on PostgreSQL, in a database named by size and generator version."""
    n_projects = n_projects_for(lines)
    name = _key(n_projects)
    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            complete = False
            if exists:
                engine = create_db_engine(url)
                try:
                    upgrade_schema(engine)
                    complete = _counts(engine)[0] > 0
                finally:
                    engine.dispose()
                if not complete:
                    conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            if not complete:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    generated_s = None
    if not complete:
        log(f"generating PostgreSQL {name} ({n_projects} projects) ...")
        generated_s = _seed(url, n_projects)
        log(f"  done in {generated_s:.0f} s")
    return _describe(url, n_projects, generated_s)
