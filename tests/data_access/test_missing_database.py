"""A running server never creates its SQLite database and never writes to a deleted or
replaced file (issue 17.4): "database unavailable", every write refused, nothing recreated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, text

from data_access.engine import DatabaseSettings, DatabaseUnavailable, create_db_engine, upgrade_schema
from data_access.models import Department
from data_access.setup_db import prepare_database
from tests.apptest_helpers import open_app


@pytest.fixture
def db_copy(demo_sqlite_engine: Engine, tmp_path: Path) -> Path:
    source = Path(demo_sqlite_engine.url.database or "")
    target = tmp_path / "copy.db"
    with demo_sqlite_engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(source, target)
    return target


def _write(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Department).values(code="ZZZ", name_nl="Z", name_en="Z"))


def test_the_app_engine_never_creates_a_missing_embedded_database(tmp_path: Path) -> None:
    path = tmp_path / "data" / "alignment.db"
    with pytest.raises(DatabaseUnavailable, match="missing"):
        prepare_database(DatabaseSettings(f"sqlite:///{path}", "embedded"), create=False, guard=True)
    assert not path.exists() and not path.parent.exists()


def test_setup_creates_it(tmp_path: Path) -> None:
    path = tmp_path / "data" / "alignment.db"
    engine = prepare_database(DatabaseSettings(f"sqlite:///{path}", "argument"), seed_demo=False)
    engine.dispose()
    assert path.is_file()


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_file_deleted_or_replaced_under_a_guarded_engine_refuses_reads_and_writes(
    db_copy: Path, tmp_path: Path, how: str
) -> None:
    engine = create_db_engine(f"sqlite:///{db_copy}", create=False, guard=True)
    try:
        with engine.connect() as conn:  # a pooled connection holds the file open
            before = conn.scalar(select(Department.code).limit(1))
        assert before
        db_copy.unlink()
        if how == "replaced":
            other = create_db_engine(f"sqlite:///{tmp_path / 'other.db'}")
            upgrade_schema(other)
            other.dispose()
            shutil.copy(tmp_path / "other.db", db_copy)
        with pytest.raises(DatabaseUnavailable, match="missing or was replaced"):
            _write(engine)
        with pytest.raises(DatabaseUnavailable), engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        if how == "deleted":
            assert not db_copy.exists()
        else:
            replaced = create_db_engine(f"sqlite:///{db_copy}")
            with replaced.connect() as conn:
                assert conn.scalar(select(Department.code).where(Department.code == "ZZZ")) is None
            replaced.dispose()
    finally:
        engine.dispose()


def test_deleted_under_the_running_app_the_page_says_unavailable_and_nothing_is_recreated(
    monkeypatch: pytest.MonkeyPatch, db_copy: Path
) -> None:
    at = open_app(monkeypatch, f"sqlite:///{db_copy}")
    assert not at.error
    db_copy.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_copy}{suffix}").unlink(missing_ok=True)
    at.run()
    errors = [e.value for e in at.error]
    assert errors, "the page kept showing data from a deleted database"
    captions = " ".join(str(c.value) for c in at.caption)
    assert "missing or was replaced" in captions
    assert not db_copy.exists()
