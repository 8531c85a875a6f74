"""What "nothing lost" is checked against: every table's row count and content checksum,
and the Overview's figures as the user reads them."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
from typing import Any

from sqlalchemy import Engine, MetaData, select

from data_access.reference import load_month_bounds
from domain.filters import Filters


def _canonical(value: Any) -> str:
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(round(value, 9))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return repr(value)


def table_fingerprints(
    engine: Engine, columns: dict[str, list[str]] | None = None
) -> dict[str, tuple[int, str]]:
    """table -> (row count, sha256 of every row's values in primary-key order).

    `columns` limits the check to those tables and columns (what an older schema had).
    """
    metadata = MetaData()
    metadata.reflect(engine, only=list(columns) if columns is not None else None)
    result: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for name, table in sorted(metadata.tables.items()):
            if columns is not None and name not in columns:
                continue  # reflected only as the target of a foreign key (PostgreSQL)
            order = list(table.primary_key.columns) or list(table.columns)
            kept = [c for c in table.columns if columns is None or c.name in columns[name]]
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(select(*kept).order_by(*order)):
                digest.update("\x1f".join(_canonical(v) for v in row).encode())
                digest.update(b"\x1e")
                count += 1
            result[name] = (count, digest.hexdigest())
    return result


def overview_figures(engine: Engine, lang: str = "en") -> list[tuple[str, str, str | None]]:
    """The Overview's tiles (name, value, change) at the last month with actuals."""
    from presentation.overview import tile_texts
    from services.single_view import compute_single_view

    _, _, last_actual = load_month_bounds(engine=engine)
    assert last_actual is not None, "the database has no actuals to show"
    filters = Filters(as_of=last_actual, period_start=dt.date(last_actual.year, 1, 1))
    view = compute_single_view(engine=engine, filters=filters, min_group=5)
    return [(tile.name, tile.value, tile.change) for tile in tile_texts(view, lang)]
