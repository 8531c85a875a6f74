"""Shared fixtures: real SQLite and real PostgreSQL databases, migrated and optionally seeded.

PostgreSQL comes from TEST_DATABASE_URL (a role that may CREATE DATABASE). Locally a test
that needs it skips with the reason; under CI=true a missing server is a failure.
"""

from __future__ import annotations

import os
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from data_access.engine import create_db_engine, upgrade_schema

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _pg_admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("TEST_DATABASE_URL is not set under CI; .ci/run must start PostgreSQL")
        pytest.skip("TEST_DATABASE_URL not set: no PostgreSQL server for this test")
    return url


def _create_pg_database() -> str:
    """Create a fresh PostgreSQL database and return its URL."""
    admin_url = make_url(_pg_admin_url())
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL not reachable: {type(exc).__name__}")
    finally:
        admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


DROP_ATTEMPTS = 6


def _drop_pg_database(url: str) -> None:
    """Drop a test database robustly; a database that cannot be dropped is a warning, never an error.

    `DROP ... WITH (FORCE)` fails outright when a backend of another role is connected (an
    autovacuum worker, a monitoring session: "must be a member of the role whose process is
    being terminated"). So: terminate only our own role's sessions (which we may), then a plain
    DROP DATABASE (which makes autovacuum workers exit), retried with back-off while anything
    is still connected.
    """
    name = make_url(url).database
    assert name and name.startswith("t_"), name  # only databases this suite created
    admin = create_engine(make_url(_pg_admin_url()), isolation_level="AUTOCOMMIT")
    last: Exception | None = None
    try:
        for attempt in range(DROP_ATTEMPTS):
            try:
                with admin.connect() as conn:
                    conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = :name AND pid <> pg_backend_pid() AND usename = current_user"
                        ),
                        {"name": name},
                    )
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                return
            except DBAPIError as exc:
                last = exc
                time.sleep(min(0.25 * 2**attempt, 4.0))
    finally:
        admin.dispose()
    warnings.warn(f"test database {name} was not dropped: {type(last).__name__}: {last}", stacklevel=2)


def make_database_url(backend: str, tmp_path: Path) -> str:
    """A URL to a new, empty database of the given backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
    return _create_pg_database()


@pytest.fixture
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a new empty database (no schema) for the backend in request.param."""
    backend = getattr(request, "param", "sqlite")
    url = make_database_url(backend, tmp_path)
    yield url
    if backend == "postgresql":
        _drop_pg_database(url)


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on SQLite and on PostgreSQL."""
    url = make_database_url(request.param, tmp_path)
    engine = create_db_engine(url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        _drop_pg_database(url)


def _seeded(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from data_access.demo import seed_demo

    url = make_database_url(backend, tmp_path_factory.mktemp(backend))
    engine = create_db_engine(url)
    upgrade_schema(engine)
    seed_demo(engine)
    yield engine
    engine.dispose()
    if backend == "postgresql":
        _drop_pg_database(url)


@pytest.fixture(scope="session", params=BACKENDS)
def demo_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The demo data set on SQLite and on PostgreSQL; read-only for tests."""
    yield from _seeded(request.param, tmp_path_factory)


@pytest.fixture(scope="session")
def demo_sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The demo data set on SQLite only (for AppTest and pure checks); read-only."""
    yield from _seeded("sqlite", tmp_path_factory)


@pytest.fixture(scope="session")
def demo_sqlite_url(demo_sqlite_engine: Engine) -> str:
    return demo_sqlite_engine.url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def demo_copy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, writable demo database per test on SQLite and PostgreSQL (replay and history tests)."""
    url = make_database_url(request.param, tmp_path)
    engine = create_db_engine(url)
    upgrade_schema(engine)
    from data_access.demo import seed_demo

    seed_demo(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        if request.param == "postgresql":
            _drop_pg_database(url)
