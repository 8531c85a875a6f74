"""Migrations keep every row: a database filled at the previous migration head, upgraded.

Generic over the Alembic history: for every revision with a parent, a database is created
at the parent, filled with the demo data (the columns that schema has), upgraded to the
revision and compared table by table (row count and a checksum of the old columns). Every
new migration adds a pair; with a single revision the "previous head" would be the head
itself (an upgrade at start on a filled database must keep everything).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, func, select, text

from data_access.engine import _alembic_config, create_db_engine, current_revision, upgrade_schema
from tests.conftest import BACKENDS, _drop_pg_database, make_database_url
from tests.reliability.snapshot import table_fingerprints


def revision_pairs() -> list[tuple[str, str]]:
    """(previous, next) for every migration with a parent; (head, head) while there is one."""
    scripts = ScriptDirectory.from_config(_alembic_config())
    pairs = []
    for revision in scripts.walk_revisions():
        parents = revision.down_revision
        for parent in (parents,) if isinstance(parents, str) else parents or ():
            pairs.append((parent, revision.revision))
    return sorted(pairs) or [(scripts.get_current_head(), scripts.get_current_head())]


def _fill_from(source: Engine, target: Engine) -> dict[str, list[str]]:
    """Copy the demo rows into `target`'s (older) schema; the columns copied, per table."""
    schema = MetaData()
    schema.reflect(target)
    source_schema = MetaData()
    source_schema.reflect(source)
    copied: dict[str, list[str]] = {}
    with source.connect() as src, target.begin() as dst:
        for table in schema.sorted_tables:
            if table.name == "alembic_version" or table.name not in source_schema.tables:
                continue
            origin = source_schema.tables[table.name]
            names = [c.name for c in table.columns if c.name in origin.columns]
            # Kept by triggers on their source tables (budget_month: 0012, the *_history tables:
            # 0013), so already filled by the copy of those tables.
            if table.name == "budget_month" or table.name.endswith("_history"):
                copied[table.name] = names
                continue
            # The migration's own rows give way to the demo's: markers (app_state: history_start)
            # and the seeded instrument (survey_dimensions: 0018 seeds the demo's five).
            if table.name in ("app_state", "survey_dimensions"):
                dst.execute(table.delete())
            rows = [dict(r._mapping) for r in src.execute(select(*(origin.c[n] for n in names)))]
            for start in range(0, len(rows), 5000):
                dst.execute(table.insert(), rows[start : start + 5000])
            copied[table.name] = names
            if target.dialect.name == "postgresql" and "id" in table.columns and rows:
                dst.execute(
                    text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :n)"),
                    {"t": table.name, "n": max(r["id"] for r in rows)},
                )
    return copied


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("previous", "upgraded"), revision_pairs(), ids=lambda r: str(r))
def test_upgrade_from_previous_head_keeps_every_row(
    backend: str, previous: str, upgraded: str, demo_sqlite_engine: Engine, tmp_path: Path
) -> None:
    url = make_database_url(backend, tmp_path)
    engine = create_db_engine(url)
    try:
        upgrade_schema(engine, revision=previous)
        assert current_revision(engine) == previous
        copied = _fill_from(demo_sqlite_engine, engine)
        with engine.connect() as conn:
            filled = {
                name: conn.scalar(select(func.count()).select_from(text(f'"{name}"'))) for name in copied
            }
        assert (
            filled["budget_line"] > 1000
            and filled["survey_response"] > 1000
            and filled["steering_action"] > 0
        )
        before = table_fingerprints(engine, copied)

        upgrade_schema(engine, revision=upgraded)
        assert current_revision(engine) == upgraded
        assert table_fingerprints(engine, copied) == before
    finally:
        engine.dispose()
        if backend == "postgresql":
            _drop_pg_database(url)
