"""Backup and restore: the demo database, backed up and restored into an empty database,
gives the same rows and the same Overview figures (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.backup import BackupFailed, backup_database, restore_database
from data_access.engine import create_db_engine, upgrade_schema
from tests.conftest import ROOT, _drop_pg_database, make_database_url
from tests.reliability.snapshot import overview_figures, table_fingerprints


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_backup_then_restore_into_an_empty_database_gives_the_same_figures(
    demo_engine: Engine, tmp_path: Path
) -> None:
    backend = demo_engine.dialect.name
    backup_file = tmp_path / "alignment.backup"
    target_url = make_database_url(backend, tmp_path)
    try:
        # The command line, as the README documents it.
        for action, url in (("backup", _url(demo_engine)), ("restore", target_url)):
            result = subprocess.run(
                [sys.executable, "-m", "data_access.backup", action, str(backup_file), "--database-url", url],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stderr
            assert "alignment:alignment@" not in result.stdout + result.stderr  # no password shown
        restored = create_db_engine(target_url)
        before = table_fingerprints(demo_engine)
        assert before["budget_line"][0] > 1000 and before["survey_response"][0] > 1000
        assert table_fingerprints(restored) == before
        figures = overview_figures(demo_engine)
        assert len(figures) >= 5 and overview_figures(restored) == figures
        restored.dispose()
    finally:
        if backend == "postgresql":
            _drop_pg_database(target_url)


def test_restore_refuses_a_database_that_is_not_empty(demo_sqlite_engine: Engine, tmp_path: Path) -> None:
    backup_file = backup_database(url=_url(demo_sqlite_engine), path=tmp_path / "demo.sqlite")
    target_url = f"sqlite:///{tmp_path / 'used.db'}"
    used = create_db_engine(target_url)
    upgrade_schema(used)
    used.dispose()
    with pytest.raises(BackupFailed, match="not empty"):
        restore_database(url=target_url, path=backup_file)
    with pytest.raises(BackupFailed, match="not a postgresql backup"):
        restore_database(url="postgresql+psycopg://u:p@127.0.0.1:1/x", path=backup_file)
