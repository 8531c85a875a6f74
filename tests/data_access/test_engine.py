"""Settings, migrations, constraints and clear messages for a bad database URL."""

import datetime as dt
import math

import pytest
from sqlalchemy import insert, inspect
from sqlalchemy.exc import DataError, IntegrityError

from data_access.engine import (
    DatabaseUnavailable,
    bump_data_version,
    create_db_engine,
    current_revision,
    describe_url,
    head_revision,
    read_data_version,
    resolve_database_url,
    upgrade_schema,
)
from data_access.models import BudgetLine, Department, Project, SurveyResponse
from data_access.setup_db import prepare_database, wants_demo
from tests.factories import insert_tiny_portfolio


def test_url_precedence_environment_then_secrets_then_embedded() -> None:
    secrets = {"connections": {"sql": {"url": "postgresql+psycopg://u:p@h/db"}}}
    assert (
        resolve_database_url(env={"DATABASE_URL": "sqlite:///x.db"}, secrets=secrets).source == "environment"
    )
    assert resolve_database_url(env={}, secrets=secrets).url == "postgresql+psycopg://u:p@h/db"
    embedded = resolve_database_url(env={}, secrets={})
    assert embedded.is_embedded and embedded.url.endswith("data/alignment.db")
    assert wants_demo(embedded, env={}) and not wants_demo(
        resolve_database_url(env={}, secrets=secrets), env={}
    )


def test_describe_url_hides_the_password() -> None:
    described = describe_url("postgresql+psycopg://alice:s3cret-pw@db.example:5432/align")
    assert "s3cret-pw" not in described and "alice" in described
    assert describe_url("not a url") == "(not a valid database URL)"


def test_unreachable_database_gives_a_safe_clear_message() -> None:
    from data_access.engine import DatabaseSettings

    url = "postgresql+psycopg://alice:s3cret-pw@127.0.0.1:1/align"
    with pytest.raises(DatabaseUnavailable) as info:
        prepare_database(DatabaseSettings(url, "environment"))
    message = str(info.value)
    assert "s3cret-pw" not in message
    assert "cannot be reached" in message and "127.0.0.1:1" in message


def test_malformed_url_and_unknown_driver() -> None:
    with pytest.raises(DatabaseUnavailable, match="not valid"):
        create_db_engine("this is not a url")
    with pytest.raises(DatabaseUnavailable, match="No database driver"):
        create_db_engine("nosuchdb://u:secret@h/db")


def test_upgrade_creates_schema_at_head(empty_engine) -> None:
    assert current_revision(empty_engine) == head_revision()
    tables = set(inspect(empty_engine).get_table_names())
    assert {"budget_line", "survey_response", "steering_action", "audit_log", "kpi_target"} <= tables
    upgrade_schema(empty_engine)  # a second upgrade is a no-op
    assert current_revision(empty_engine) == head_revision()


def _try_insert(engine, table, row) -> None:
    with engine.begin() as conn:
        conn.execute(insert(table), [row])


@pytest.mark.parametrize(
    ("table", "row"),
    [
        (SurveyResponse, {"wave_id": 1, "respondent_ref": "X", "department_id": 1, "item_id": 1, "score": 6}),
        (SurveyResponse, {"wave_id": 1, "respondent_ref": "X", "department_id": 1, "item_id": 1, "score": 0}),
        (
            BudgetLine,
            {
                "project_id": 1,
                "month": dt.date(2026, 1, 15),
                "department_id": 1,
                "category_id": 1,
                "planned": 1.0,
            },
        ),
        (
            BudgetLine,
            {
                "project_id": 1,
                "month": dt.date(2026, 5, 1),
                "department_id": 1,
                "category_id": 1,
                "planned": math.inf,
            },
        ),
        (
            BudgetLine,
            {
                "project_id": 1,
                "month": dt.date(2026, 5, 1),
                "department_id": 1,
                "category_id": 1,
                "planned": math.nan,
            },
        ),
        (
            BudgetLine,
            {
                "project_id": 99,
                "month": dt.date(2026, 5, 1),
                "department_id": 1,
                "category_id": 1,
                "planned": 1.0,
            },
        ),
        (
            BudgetLine,
            {
                "project_id": 1,
                "month": dt.date(2026, 1, 1),
                "department_id": 1,
                "category_id": 1,
                "planned": 1.0,
            },
        ),
        (
            Project,
            {
                "code": "Z",
                "name": "Z",
                "status": "unknown",
                "planned_start": dt.date(2026, 1, 1),
                "planned_end": dt.date(2026, 2, 1),
            },
        ),
        (Department, {"code": "MKT", "name_nl": "dup", "name_en": "dup"}),
    ],
    ids=[
        "score-6",
        "score-0",
        "mid-month",
        "infinite",
        "nan",
        "unknown-project",
        "duplicate-line",
        "bad-status",
        "duplicate-dept",
    ],
)
def test_constraints_stop_bad_rows(empty_engine, table, row) -> None:
    insert_tiny_portfolio(empty_engine)
    with pytest.raises((IntegrityError, DataError)):  # PostgreSQL reports an infinite numeric as DataError
        _try_insert(empty_engine, table, row)


def test_data_version_moves_on_every_bump(empty_engine) -> None:
    assert read_data_version(empty_engine) == 0
    with empty_engine.begin() as conn:
        bump_data_version(conn)
    with empty_engine.begin() as conn:
        bump_data_version(conn)
    assert read_data_version(empty_engine) == 2


def test_an_older_database_is_still_upgraded_and_one_at_head_left_without_alembic(tmp_path) -> None:
    import sys

    from alembic.script import ScriptDirectory

    from data_access.engine import (
        _alembic_config,
        _single_head_in_files,
        current_revision,
        head_revision,
        upgrade_schema,
    )

    previous = ScriptDirectory.from_config(_alembic_config()).get_revision(head_revision()).down_revision
    engine = create_db_engine(f"sqlite:///{tmp_path / 'older.db'}")
    upgrade_schema(engine, revision=previous)
    assert current_revision(engine) == previous
    upgrade_schema(engine)  # not at head: alembic upgrades it
    assert current_revision(engine) == head_revision() == _single_head_in_files()
    command = sys.modules["alembic.command"]
    calls = []
    real = command.upgrade
    command.upgrade = lambda *args, **kwargs: calls.append(args)
    try:
        upgrade_schema(engine)  # at head: plain SQL, alembic is not asked
    finally:
        command.upgrade = real
    assert calls == []
    engine.dispose()
