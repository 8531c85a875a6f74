"""One engine per process, from settings; schema upgrade at start; the data version.

The URL comes from `DATABASE_URL`, else `[connections.sql] url` in
`.streamlit/secrets.toml`, else the embedded SQLite file `data/alignment.db`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Engine,
    Integer,
    Text,
    cast,
    create_engine,
    event,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from data_access.models import AppState

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED_PATH = ROOT / "data" / "alignment.db"
SECRETS_PATH = ROOT / ".streamlit" / "secrets.toml"
DATA_VERSION_KEY = "data_version"


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or used; the message is safe to show (no password)."""


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    source: str  # "environment", "secrets" or "embedded"

    @property
    def is_embedded(self) -> bool:
        return self.source == "embedded"


def _read_secrets(path: Path) -> Mapping[str, Any]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def resolve_database_url(
    *, env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
) -> DatabaseSettings:
    """Pick the database URL: environment, then secrets, then the embedded SQLite file."""
    env = os.environ if env is None else env
    if env.get("DATABASE_URL"):
        return DatabaseSettings(env["DATABASE_URL"], "environment")
    secrets = _read_secrets(SECRETS_PATH) if secrets is None else secrets
    url = secrets.get("connections", {}).get("sql", {}).get("url")
    if url:
        return DatabaseSettings(str(url), "secrets")
    return DatabaseSettings(f"sqlite:///{EMBEDDED_PATH}", "embedded")


def describe_url(url: str) -> str:
    """The URL with its password masked, for messages; never raises."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a valid database URL)"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """Create the process's engine: pre-ping for dropped connections, SQLite with foreign keys."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"The database URL is not valid: {describe_url(url)}") from exc
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs |= {"pool_size": 5, "max_overflow": 5, "pool_recycle": 1800}
        if parsed.get_backend_name() == "postgresql":
            kwargs["connect_args"] = {"connect_timeout": 5}
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError, ArgumentError) as exc:
        raise DatabaseUnavailable(
            f"No database driver for {describe_url(url)}; use sqlite:/// or postgresql+psycopg://"
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _alembic_config() -> Config:
    return Config(str(ROOT / "alembic.ini"))


def head_revision() -> str:
    """The newest migration in the code."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Upgrade an empty or older database to `revision` (the current schema by default)."""
    config = _alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(
            f"Could not open or upgrade the database at {describe_url(str(engine.url))}: "
            f"{type(exc.orig if hasattr(exc, 'orig') and exc.orig else exc).__name__}. "
            "Check that the server runs, the URL, user and password are right, "
            "and that the user may create tables."
        ) from exc


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable with a safe message when the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(
            f"The database at {describe_url(str(engine.url))} cannot be reached. "
            "Check that the server runs and that the URL, user and password are right."
        ) from exc


def read_data_version(engine: Engine) -> int:
    """The data version: a cheap read every rerun; it changes after every write."""
    with engine.connect() as conn:
        value = conn.scalar(select(AppState.value).where(AppState.key == DATA_VERSION_KEY))
    return int(value) if value is not None else 0


def bump_data_version(conn: Any) -> None:
    """Within the writer's transaction, move the data version on so caches refresh."""
    result = conn.execute(
        update(AppState)
        .where(AppState.key == DATA_VERSION_KEY)
        .values(value=cast(cast(AppState.value, Integer) + 1, Text))
    )
    if result.rowcount == 0:
        conn.execute(AppState.__table__.insert().values(key=DATA_VERSION_KEY, value="1"))
