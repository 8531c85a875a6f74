"""Query plans of the Overview's queries: `python -m bench.plans [URL ...]` writes bench/PLANS.md.

Each data_access function the Overview calls runs once with typical filters while its SQL
is captured; then EXPLAIN QUERY PLAN (SQLite) or EXPLAIN ANALYZE (PostgreSQL) shows how
the database answers it.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, event, text

from bench.datasets import PRODUCTION_LINES, ensure_postgres, ensure_sqlite
from data_access import budget
from data_access.budget import load_budget_by_month, load_budget_totals
from data_access.engine import create_db_engine, describe_url
from data_access.memo import clear_memo
from data_access.projects import load_funding_by_project, load_insight_goals
from data_access.reference import load_month_bounds
from data_access.survey import load_trust_groups, load_waves
from domain.filters import Filters

OUTPUT = Path(__file__).resolve().parent / "PLANS.md"
FILTERS = Filters(
    as_of=dt.date(2026, 8, 1), period_start=dt.date(2026, 1, 1), departments=("IT",), statuses=("active",)
)


def _cold_rollup(engine: Engine) -> object:
    clear_memo()  # the in-memory copy: time the read itself
    return budget.load_budget_rollup(engine=engine)


def _calls(engine: Engine) -> list[tuple[str, Callable[[], object]]]:
    waves = load_waves(engine=engine, filters=FILTERS)
    wave_ids = [int(i) for i in waves["id"]]
    return [
        ("load_month_bounds", lambda: load_month_bounds(engine=engine)),
        # Once per data version: the whole budget_month rollup (then filters are pandas work).
        ("load_budget_rollup", lambda: _cold_rollup(engine)),
        ("load_budget_totals", lambda: load_budget_totals(engine=engine, filters=FILTERS)),
        (
            "load_budget_by_month by category (budget_line)",
            lambda: load_budget_by_month(engine=engine, filters=FILTERS, by=("category",)),
        ),
        ("load_funding_by_project", lambda: load_funding_by_project(engine=engine, filters=FILTERS)),
        ("load_insight_goals", lambda: load_insight_goals(engine=engine, filters=FILTERS)),
        ("load_trust_groups", lambda: load_trust_groups(engine=engine, filters=FILTERS, wave_ids=wave_ids)),
    ]


def plans(engine: Engine) -> list[str]:
    """Markdown: per query its time, its SQL and its plan."""
    out: list[str] = []
    for name, call in _calls(engine):
        captured: list[tuple[str, object]] = []

        def capture(conn, cursor, statement, parameters, context, executemany, sink=captured):
            sink.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", capture)
        try:
            call()
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        started = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - started) * 1000
        statement, parameters = (
            next((item for item in captured if "budget_month" in item[0]), captured[-1])
            if name == "load_budget_rollup"
            else captured[-1]
        )
        prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, COSTS OFF) "
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
        plan = [" ".join(str(c) for c in row[-1:]) for row in rows]
        out += [
            f"### {name} ({elapsed:.1f} ms)",
            "",
            "```sql",
            statement.strip(),
            "```",
            "",
            "```",
            *plan,
            "```",
            "",
        ]
    return out


def main(argv: list[str] | None = None) -> int:
    urls = argv if argv is not None else sys.argv[1:]
    if not urls:
        urls = [ensure_sqlite(PRODUCTION_LINES).url]
    lines = ["# Query plans of the Overview at production scale", "", f"Filters: {FILTERS}", ""]
    for url in urls:
        if url.startswith("postgresql") and "bench_" not in url:
            url = ensure_postgres(url, PRODUCTION_LINES).url
        engine = create_db_engine(url)
        try:
            with engine.connect() as conn:
                if engine.dialect.name == "postgresql":
                    conn.execute(text("SELECT 1"))
            lines += [f"## {engine.dialect.name}: {describe_url(url)}", "", *plans(engine)]
        finally:
            engine.dispose()
    OUTPUT.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
