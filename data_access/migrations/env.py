"""Alembic environment: uses a connection handed in by data_access.engine, or the URL
from the app's settings when run as `alembic upgrade head` from the command line."""

from alembic import context
from sqlalchemy import Connection

from data_access.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from data_access.engine import create_db_engine, resolve_database_url

    engine = create_db_engine(resolve_database_url().url)
    with engine.begin() as conn:
        _run(conn)
