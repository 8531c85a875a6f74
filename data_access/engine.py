"""One engine per process, from settings; schema upgrade at start; the data version.

The URL comes from `DATABASE_URL`, else `[connections.sql] url` in
`.streamlit/secrets.toml`, else the embedded SQLite file `data/alignment.db`.
"""

from __future__ import annotations

import ast
import os
import re
import threading
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:  # alembic is imported only to change a schema (a server at head never loads it)
    from alembic.config import Config

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


INVALID_URL = "(not a valid database URL)"
MASK = "***"
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")
SECRET_PARAMETER = re.compile(r"pass|pwd|secret|token|key|auth|credential", re.IGNORECASE)


def mask_url(url: object) -> str:
    """The one way a database URL is shown anywhere (pages, command line, logs); never raises.

    Masks the password in the authority (everything between `user:` and the LAST `@`, so an
    unencoded `@`, `:` or `/` in a password is masked too) and the value of every query
    parameter whose name looks secret (`?password=`, `sslpassword`, `token`, ...). Text that is
    not `dialect+driver://...` at all is not echoed.
    """
    text = str(url)
    scheme, separator, rest = text.partition("://")
    if not separator or not SCHEME.match(scheme):
        return INVALID_URL
    rest, question, query = rest.partition("?")
    if not rest.startswith("/") and "@" in rest:
        userinfo, _, hostpart = rest.rpartition("@")
        user = userinfo.split(":", 1)[0] if ":" in userinfo else userinfo
        rest = f"{user}:{MASK}@{hostpart}" if ":" in userinfo or "@" in userinfo else f"{user}@{hostpart}"
    if question:
        parts = []
        for item in query.split("&"):
            name, equals, _value = item.partition("=")
            parts.append(f"{name}={MASK}" if equals and SECRET_PARAMETER.search(name) else item)
        query = "&".join(parts)
    return f"{scheme}://{rest}{question}{query}"


def describe_url(url: object) -> str:
    """The URL with its secrets masked, for messages (see `mask_url`); never raises."""
    return mask_url(url)


def ambiguous_userinfo(url: str) -> bool:
    """An unencoded `@` in the user or password: SQLAlchemy would read part of it as the host."""
    rest = url.partition("://")[2].partition("?")[0]
    if rest.startswith("/"):
        return False
    return rest.rpartition("@")[0].count("@") > 0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


def create_db_engine(url: str, *, create: bool = True, guard: bool = False) -> Engine:
    """Create the process's engine: pre-ping for dropped connections, SQLite with foreign keys.

    With `create=False` a SQLite file is never created: a missing file is DatabaseUnavailable.
    With `guard=True` (a running server), once open, the file must stay the same file (see
    `_guard_sqlite_file`): deleted or replaced, every read and write is refused.
    """
    if ambiguous_userinfo(url):
        raise DatabaseUnavailable(
            "The database URL is not valid: its user or password holds an '@'; "
            "percent-encode it (@ as %40, : as %3A, / as %2F)."
        )
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # `from None`: SQLAlchemy's own message quotes the whole URL, password and all
        raise DatabaseUnavailable(
            "The database URL is not valid; check its form (dialect+driver://user:password@host/database) "
            "and percent-encode special characters in the password."
        ) from None
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    sqlite_file: Path | None = None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            sqlite_file = Path(database).absolute()
            if create:
                sqlite_file.parent.mkdir(parents=True, exist_ok=True)
            elif not sqlite_file.is_file():
                raise DatabaseUnavailable(MISSING_FILE)
    else:
        kwargs |= {"pool_size": 5, "max_overflow": 5, "pool_recycle": 1800}
        if parsed.get_backend_name() == "postgresql":
            kwargs["connect_args"] = {"connect_timeout": 5}
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError, ArgumentError, ValueError, TypeError):
        raise DatabaseUnavailable(
            f"No database driver for {describe_url(url)}; use sqlite:/// or postgresql+psycopg://"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if sqlite_file is not None and (guard or not create):
            _guard_sqlite_file(engine, sqlite_file, create=create)
    return engine


MISSING_FILE = (
    "The database file is missing or was replaced while the app was running; nothing can be "
    "shown or saved. Restore it from a backup (python -m data_access.backup) or, for a new "
    "empty database, run `make run` (python -m data_access.setup_db); then restart the app."
)


class DatabaseFileMissing(DatabaseUnavailable):
    """The SQLite file a running server opened is gone or is another file now."""


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _guard_sqlite_file(engine: Engine, path: Path, *, create: bool) -> None:
    """A running server's SQLite file is never created, and never silently swapped.

    Once the file exists (or from the start with `create=False`) connections open it
    read-write without creating it (`mode=rw`); every checkout from the pool checks that the
    path is still the file first opened (device and inode): a deleted or replaced file raises
    DatabaseFileMissing, so every read and every write is refused (a pooled connection would
    otherwise keep writing to a deleted file, and a new one would create an empty database).
    """
    state = {"identity": _file_identity(path)}
    uri = path.as_uri() + "?mode=rw"

    def no_create(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        if create and state["identity"] is None:
            return  # the first connection of a database being created
        if _file_identity(path) != state["identity"]:
            raise DatabaseFileMissing(MISSING_FILE)
        if cargs:
            cargs[0] = uri
        else:
            cparams["database"] = uri
        cparams["uri"] = True

    def opened(_dbapi_connection: Any, _record: Any) -> None:
        if state["identity"] is None:
            state["identity"] = _file_identity(path)

    def same_file(_dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if state["identity"] is not None and _file_identity(path) != state["identity"]:
            raise DatabaseFileMissing(MISSING_FILE)

    event.listen(engine, "do_connect", no_create)
    event.listen(engine, "connect", opened)
    event.listen(engine.pool, "checkout", same_file)


MIGRATIONS = ROOT / "data_access" / "migrations" / "versions"


def _alembic_config() -> Config:
    from alembic.config import Config

    return Config(str(ROOT / "alembic.ini"))


def head_revision() -> str:
    """The newest migration in the code."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@cache
def _single_head_in_files() -> str | None:
    """The one head of the migration files, read with `ast` (no alembic import); None when
    the files do not show exactly one head (then alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in MIGRATIONS.glob("*.py"):
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
            if isinstance(node, ast.AnnAssign):
                target = node.target
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and node.value:
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    return None
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str):
            continue
        revisions.add(revision)
        parents.update([down] if isinstance(down, str) else list(down or ()))  # type: ignore[arg-type]
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def _at_head_without_alembic(engine: Engine) -> bool:
    """True when the database's recorded revision is the files' single head (plain SQL)."""
    head = _single_head_in_files()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        return False  # no table yet (an empty database), or unreadable: alembic decides
    return rows == [head]


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Upgrade an empty or older database to `revision` (the current schema by default).

    A database already at the code's single head is left as it is without importing alembic
    and the migration modules (about 10 MB and a few hundred ms the server needs for nothing
    else); any other case goes through alembic as before.
    """
    if revision == "head" and _at_head_without_alembic(engine):
        return
    from alembic import command

    config = _alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(
            f"Could not open or upgrade the database at {describe_url(engine.url.render_as_string(hide_password=False))}: "
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
            f"The database at {describe_url(engine.url.render_as_string(hide_password=False))} cannot be reached. "
            "Check that the server runs and that the URL, user and password are right."
        ) from exc


# (database URL, version, this process's write count then) read once for a block of work.
_known_version: ContextVar[tuple[str, int, int] | None] = ContextVar("known_data_version", default=None)
_writes_lock = threading.Lock()
_writes = 0


def local_writes() -> int:
    """How many writes this process has begun (`bump_data_version` calls, rolled back or not)."""
    return _writes


def _url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def query_data_version(engine: Engine) -> int:
    """The data version as the database holds it now (one tiny query)."""
    with engine.connect() as conn:
        value = conn.scalar(select(AppState.value).where(AppState.key == DATA_VERSION_KEY))
    return int(value) if value is not None else 0


def read_data_version(engine: Engine) -> int:
    """The data version: it changes after every write.

    Inside `data_version_known(engine, v)` this is `v` without a query, as long as this
    process has not written since; otherwise it asks the database (`query_data_version`).
    """
    if version_is_known(engine):
        return _known_version.get()[1]  # type: ignore[index]
    return query_data_version(engine)


def version_is_known(engine: Engine) -> bool:
    """Whether `read_data_version(engine)` answers without a query here: inside
    `data_version_known` for this database, and this process has not written since."""
    known = _known_version.get()
    return known is not None and known[0] == _url_of(engine) and known[2] == _writes


@contextmanager
def data_version_known(engine: Engine, version: int, *, writes: int | None = None) -> Iterator[None]:
    """Within the block (this thread), `read_data_version(engine)` answers `version` (read
    once by the caller) instead of querying again, until this process writes.

    `writes` is `local_writes()` when `version` was read (default: now). The memoised base
    aggregates and the single view read the version this way inside one cached call.
    """
    token = _known_version.set((_url_of(engine), version, _writes if writes is None else writes))
    try:
        yield
    finally:
        _known_version.reset(token)


def bump_data_version(conn: Any) -> None:
    """Within the writer's transaction, move the data version on so caches refresh."""
    global _writes  # noqa: PLW0603
    with _writes_lock:
        _writes += 1
    result = conn.execute(
        update(AppState)
        .where(AppState.key == DATA_VERSION_KEY)
        .values(value=cast(cast(AppState.value, Integer) + 1, Text))
    )
    if result.rowcount == 0:
        conn.execute(AppState.__table__.insert().values(key=DATA_VERSION_KEY, value="1"))
