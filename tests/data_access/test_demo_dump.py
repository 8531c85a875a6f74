"""The demo data, pinned byte for byte: a digest over every table's rows after seed_demo.

A refactoring of data_access.demo (or of the importer's store it writes through) must keep
these digests: any changed value, id, row or table shows here. The rows of each table are
normalised (numbers as floats, dates as ISO text, booleans as 0/1) and sorted, so the digest
does not depend on the order a backend returns them in.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from data_access.demo import seed_demo
from data_access.engine import create_db_engine, upgrade_schema
from data_access.models import Base

# sha256 over "table\trows\tdigest-of-rows" lines, one per table of the metadata by name.
EXPECTED = {  # per backend: PostgreSQL keeps numbers at the columns' scale, SQLite as floats
    "sqlite": "3bb4dbdfe4edec18dfa4bfffdaa2859feca0ede409926e3b962dc0f6f6f1850c",
    "postgresql": "7819f70db074b6995dbea64f5b5a0a8a587d0c5d5f3b7b03eeef191ef234d2ea",
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, decimal.Decimal | float):
        return repr(float(value))
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return repr(value)


def table_digests(engine: Engine) -> dict[str, tuple[int, str]]:
    """Rows and sha256 of the sorted, normalised rows of every table in the metadata."""
    digests: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for name in sorted(Base.metadata.tables):
            table = Base.metadata.tables[name]
            rows = sorted("\x1f".join(_text(v) for v in row) for row in conn.execute(select(table)))
            digests[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return digests


def demo_digest(digests: dict[str, tuple[int, str]]) -> str:
    lines = "\n".join(f"{name}\t{count}\t{digest}" for name, (count, digest) in digests.items())
    return hashlib.sha256(lines.encode()).hexdigest()


def test_demo_data_is_unchanged(empty_engine: Engine) -> None:
    seed_demo(empty_engine)
    digests = table_digests(empty_engine)
    assert digests["budget_line"][0] == 3944
    assert digests["survey_response"][0] == 9900
    found = demo_digest(digests)
    expected = EXPECTED[empty_engine.dialect.name]
    assert found == expected, "\n".join(f"{n} {c} {d[:12]}" for n, (c, d) in digests.items())


# The large scale at 80 projects (generated projects, all 12 categories), pinned on SQLite.
EXPECTED_LARGE_80 = "82e0e0b0e3c79b85a58c780e71c3393af0cc49746c77e7f68590ddf7f748ad55"


def test_large_demo_data_is_unchanged(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'large.db'}")
    upgrade_schema(engine)
    counts = seed_demo(engine, scale="large", n_projects=80)
    assert counts["project"] == 80
    assert demo_digest(table_digests(engine)) == EXPECTED_LARGE_80
    engine.dispose()
