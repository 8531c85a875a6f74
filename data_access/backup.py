"""Backup and restore of the dashboard's database, SQLite or PostgreSQL.

    python -m data_access.backup backup  FILE [--database-url URL]
    python -m data_access.backup restore FILE [--database-url URL]

SQLite: an online, consistent copy through SQLite's backup API (safe while the app runs);
restore copies it back the same way. PostgreSQL: `pg_dump --format=custom` and
`pg_restore --single-transaction --exit-on-error`, from /usr/lib/postgresql/*/bin or the
PATH; the password goes through the PGPASSWORD environment variable, never the command line.
Restore refuses a database that already has tables: restore into a new, empty database,
check it, then point DATABASE_URL at it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from data_access.engine import DatabaseUnavailable, create_db_engine, describe_url, resolve_database_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupFailed(RuntimeError):
    """A backup or restore could not be made; the message is safe to show (no password)."""


def postgres_tool(name: str) -> str:
    """Path of a PostgreSQL client program: the newest /usr/lib/postgresql/<v>/bin, else PATH."""
    versions = []
    for candidate in Path("/usr/lib/postgresql").glob(f"*/bin/{name}"):
        try:
            versions.append((int(candidate.parent.parent.name), candidate))
        except ValueError:
            continue
    if versions:
        return str(max(versions)[1])
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(
            f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client)"
        )
    return found


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    args = [
        "--host",
        url.host or "localhost",
        "--port",
        str(url.port or 5432),
        "--dbname",
        url.database or "",
    ]
    if url.username:
        args += ["--username", url.username]
    env = os.environ | {"PGCONNECT_TIMEOUT": "10"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupFailed(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupFailed("An in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _ensure_empty(url: str) -> None:
    engine = create_db_engine(url)
    try:
        tables = inspect(engine).get_table_names()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the target
        raise BackupFailed(
            f"Cannot open the target database {describe_url(url)}: {type(exc).__name__}"
        ) from exc
    finally:
        engine.dispose()
    if tables:
        raise BackupFailed(
            f"The target database {describe_url(url)} is not empty ({len(tables)} tables); "
            "restore into a new, empty database"
        )


def backup_database(*, url: str, path: Path) -> Path:
    """Write a consistent backup of the database at `url` to `path`; returns `path`."""
    parsed = make_url(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        source = _sqlite_path(parsed)
        if not source.exists():
            raise BackupFailed(f"No SQLite database at {source}")
        path.unlink(missing_ok=True)
        _sqlite_copy(source, path)
    elif backend == "postgresql":
        args, env = _pg_args(parsed)
        _run(
            [
                postgres_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *args,
                "--file",
                str(path),
            ],
            env,
        )
    else:
        raise BackupFailed(f"Backups are supported for SQLite and PostgreSQL, not {backend}")
    return path


def restore_database(*, url: str, path: Path) -> None:
    """Restore the backup at `path` into the EMPTY database at `url` (all or nothing)."""
    if not path.is_file():
        raise BackupFailed(f"No backup file at {path}")
    header = path.read_bytes()[:16]
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    expected = {"sqlite": SQLITE_MAGIC, "postgresql": PG_CUSTOM_MAGIC}.get(backend)
    if expected is None:
        raise BackupFailed(f"Restore is supported for SQLite and PostgreSQL, not {backend}")
    if not header.startswith(expected):
        raise BackupFailed(f"{path} is not a {backend} backup made by this tool")
    if backend == "sqlite":
        target = _sqlite_path(parsed)
        if target.exists():
            _ensure_empty(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(path, target)
    else:
        _ensure_empty(url)
        args, env = _pg_args(parsed)
        command = [postgres_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction"]
        _run([*command, "--exit-on-error", *args, str(path)], env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data_access.backup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=("backup", "restore"))
    parser.add_argument("file", type=Path, help="the backup file to write or read")
    parser.add_argument("--database-url", help="SQLAlchemy URL; default DATABASE_URL, secrets, or embedded")
    args = parser.parse_args(argv)
    url = args.database_url or resolve_database_url().url
    try:
        if args.action == "backup":
            backup_database(url=url, path=args.file)
            print(
                f"backup of {describe_url(url)} written to {args.file} ({args.file.stat().st_size:,} bytes)"
            )
        else:
            restore_database(url=url, path=args.file)
            print(f"{args.file} restored into {describe_url(url)}")
    except (BackupFailed, DatabaseUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
