"""Time the memoised loaders against the per-filter SQL after a cold filter change.

    .venv/bin/python -m bench.memo sqlite:////tmp/bench_data.db [changes]

For each of `changes` distinct filter sets (as-of month, department and status subsets) it
times, in one process and interleaved: the single view (compute_single_view), the Trust
page's loaders and KPI frames, and the Projects page's loaders, three ways: the old path
(tests/oracles.py: the filters in SQL, one team query per trend month), the memo warm (base
aggregates already loaded for this data version) and the memo cold (memo cleared before
the call: the first rerun after an import or edit). Prints medians and p90 in ms and the
memory of the memoised frames.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import data_access.projects as projects
import data_access.survey as survey
import services.single_view as single_view
import services.single_view_model as single_view_model
import services.single_view_tiles as single_view_tiles
import services.single_view_trust as single_view_trust
import services.survey_reliability as reliability
import tests.oracles as oracles
from data_access.engine import create_db_engine, describe_url
from data_access.memo import clear_memo, memo_usage
from data_access.targets import load_targets
from domain.filters import Filters
from domain.months import add_months
from kpis.trust import trust_report

STATUS_SETS = [(), ("active",), ("active", "on_hold"), ("active", "done"), ()]


def filter_sets(count: int, departments: list[str]) -> list[Filters]:
    subsets = [(), *[(d,) for d in departments], tuple(departments[:2])]
    sets = []
    for index in range(count):
        as_of = add_months(dt.date(2026, 9, 1), -index)
        sets.append(
            Filters.year_to_date(
                as_of,
                departments=subsets[index % len(subsets)],
                statuses=STATUS_SETS[index % len(STATUS_SETS)],
            )
        )
    return sets


@contextmanager
def old_path() -> Iterator[None]:
    """Route every memoised loader to its per-filter SQL, as before the memo."""
    saved: list[tuple[Any, str, Any]] = []

    def swap(module: Any, name: str, value: Any) -> None:
        saved.append((module, name, getattr(module, name)))
        setattr(module, name, value)

    for name in ("respondent_scores", "trust_groups", "item_distribution", "response_counts"):
        swap(survey, f"load_{name}", getattr(oracles, f"query_{name}"))
    for name in ("funding_split", "team_by_department", "ownership"):
        swap(projects, f"load_{name}", getattr(oracles, f"query_{name}"))
    swap(reliability, "load_reliability", reliability.reliability_of_waves)
    swap(single_view_trust, "load_respondent_scores", oracles.query_respondent_scores)
    swap(single_view_trust, "load_trust_groups", oracles.query_trust_groups)
    swap(single_view_tiles, "load_funding_split", oracles.query_funding_split)
    swap(
        single_view_tiles,
        "load_team_by_months",
        lambda *, engine, filters, months, replay=False: {
            m: oracles.query_team_by_department(
                engine=engine, filters=single_view_model.period_for(filters, m), as_of=m if replay else None
            )
            for m in months
        },
    )
    try:
        yield
    finally:
        for module, name, value in reversed(saved):
            setattr(module, name, value)


def trust_page(engine: Any, filters: Filters) -> None:
    waves = survey.load_waves(engine=engine, filters=filters)
    ids = [int(i) for i in waves["id"]]
    report = trust_report(
        waves=waves,
        respondent_scores=survey.load_respondent_scores(engine=engine, filters=filters, wave_ids=ids),
        item_distribution=survey.load_item_distribution(engine=engine, filters=filters, wave_ids=ids),
        response_counts=survey.load_response_counts(engine=engine, filters=filters, wave_ids=ids),
        min_group=10,
    )
    survey.load_trust_groups(engine=engine, filters=filters, wave_ids=ids)
    assert not report.groups.empty or not ids
    reliability.load_reliability(engine=engine, filters=filters, wave_ids=ids, min_group=10)


def projects_page(engine: Any, filters: Filters) -> None:
    for loader in (
        projects.load_projects,
        projects.load_funding_split,
        projects.load_team_by_department,
        projects.load_ownership,
        projects.load_insight_goals,
        projects.load_actual_spend_by_project,
        projects.load_funding_by_project,
        projects.load_fte_by_month,
    ):
        loader(engine=engine, filters=filters)


def overview(engine: Any, filters: Filters) -> None:
    single_view.compute_single_view(engine=engine, filters=filters, min_group=10)


def overview_parts(engine: Any, filters: Filters) -> None:
    """The single view's survey and project/team parts (this change), without budget."""
    months = single_view_model.trend_months(filters.as_of)
    targets = load_targets(engine=engine)
    _, frames = single_view_tiles.portfolio_tiles(engine, filters, months, targets, {})
    single_view_tiles.collaboration_tiles(engine, filters, months, targets, frames["goals"], {})
    single_view_trust.trust_tiles(engine, filters, months, targets, 10, {})


def timed(call: Callable[[], None]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main(argv: list[str]) -> int:
    url = argv[0]
    count = int(argv[1]) if len(argv) > 1 else 10
    engine = create_db_engine(url)
    with engine.connect() as conn:
        departments = [row[0] for row in conn.exec_driver_sql("SELECT code FROM department ORDER BY code")]
    sets = filter_sets(count, departments)
    targets = {
        "overview (single view)": overview,
        "overview: survey+team parts": overview_parts,
        "trust page data": trust_page,
        "projects page data": projects_page,
    }
    results: dict[tuple[str, str], list[float]] = {
        (t, m): [] for t in targets for m in ("old", "warm", "cold")
    }
    overview(engine, Filters.year_to_date(dt.date(2020, 1, 1)))  # connections, imports
    for filters in sets:
        for name, target in targets.items():
            with old_path():
                results[(name, "old")].append(timed(lambda t=target, f=filters: t(engine, f)))
            clear_memo()
            results[(name, "cold")].append(timed(lambda t=target, f=filters: t(engine, f)))
            # Warm: the memo holds this version's bases (loaded by another filter set).
            target(engine, Filters.year_to_date(dt.date(2021, 1, 1)))
            results[(name, "warm")].append(timed(lambda t=target, f=filters: t(engine, f)))
    print(f"{describe_url(url)}: {count} distinct cold filter changes (median / p90 ms)")
    print(f"{'target':28s} {'old SQL':>16s} {'memo warm':>16s} {'memo cold':>16s}")
    for name in targets:
        cells = []
        for mode in ("old", "warm", "cold"):
            values = sorted(results[(name, mode)])
            p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
            cells.append(f"{statistics.median(values):7.0f} / {p90:6.0f}")
        print(f"{name:28s} {cells[0]:>16s} {cells[1]:>16s} {cells[2]:>16s}")
    for filters in sets[:3]:  # load every base
        for target in targets.values():
            target(engine, filters)
    usage = memo_usage()
    print("memoised frames (memory_usage(deep=True)):")
    for name, size in sorted(usage.items()):
        print(f"  {name:28s} {size / 1e6:7.2f} MB")
    print(f"  {'total':28s} {sum(usage.values()) / 1e6:7.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
