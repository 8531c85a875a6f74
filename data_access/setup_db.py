"""Prepare the database: upgrade the schema and, for the embedded default (or when asked),
fill an empty database with the demo data.

    python -m data_access.setup_db [--database-url URL] [--demo]
"""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy import Engine, func, select

from data_access.engine import (
    DatabaseSettings,
    DatabaseUnavailable,
    check_connection,
    create_db_engine,
    describe_url,
    resolve_database_url,
    upgrade_schema,
)
from data_access.models import Department


def wants_demo(settings: DatabaseSettings, *, env: dict[str, str] | None = None) -> bool:
    """Demo data goes into the embedded database, or any database when SEED_DEMO=1."""
    env = dict(os.environ) if env is None else env
    return settings.is_embedded or env.get("SEED_DEMO", "").lower() in {"1", "true", "yes"}


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not conn.scalar(select(func.count()).select_from(Department))


def prepare_database(
    settings: DatabaseSettings, *, seed_demo: bool | None = None, create: bool = True, guard: bool = False
) -> Engine:
    """Connect, upgrade the schema, seed demo data when wanted and empty; the engine is returned.

    `create=False` (the running app, for the embedded database): a missing SQLite file is
    DatabaseUnavailable, never a new empty database; only `make run` / this module create it.
    `guard=True` (the running app): a SQLite file deleted or replaced later refuses everything.
    """
    engine = create_db_engine(settings.url, create=create, guard=guard)
    check_connection(engine)
    upgrade_schema(engine)
    if (wants_demo(settings) if seed_demo is None else seed_demo) and is_empty(engine):
        from data_access.demo import seed_demo as seed

        seed(engine)
    return engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL; default from DATABASE_URL, secrets, or embedded"
    )
    parser.add_argument(
        "--demo", action="store_true", help="seed demo data into an empty non-embedded database"
    )
    args = parser.parse_args(argv)
    settings = (
        DatabaseSettings(args.database_url, "argument") if args.database_url else resolve_database_url()
    )
    try:
        engine = prepare_database(settings, seed_demo=True if args.demo else None)
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"database ready: {describe_url(settings.url)}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
