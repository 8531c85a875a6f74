"""The budget_month rollup (migration 0012) stays equal to budget_line on every write path,
and the budget queries give the same figures from it as from the lines."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, delete, insert, select, text, update

from data_access import budget
from data_access.engine import bump_data_version
from data_access.models import BudgetLine, Department, Funding, Project
from domain.filters import Filters
from tests.factories import insert_tiny_portfolio

D = dt.date

GROUPED_FROM_LINES = text(
    "SELECT project_id, month, department_id, SUM(planned), SUM(actual), COUNT(actual), COUNT(*) "
    "FROM budget_line GROUP BY project_id, month, department_id ORDER BY project_id, month, department_id"
)
ROLLUP = text(
    "SELECT project_id, month, department_id, planned, actual, booked, lines "
    "FROM budget_month ORDER BY project_id, month, department_id"
)


def _normalised(rows: list) -> list[tuple]:
    return [
        (
            p,
            str(m)[:10],
            d,
            round(float(pl), 2),
            None if a is None else round(float(a), 2),
            int(b),
            int(n),
        )
        for p, m, d, pl, a, b, n in rows
    ]


def assert_rollup_matches(engine: Engine) -> None:
    with engine.connect() as conn:
        expected = _normalised(conn.execute(GROUPED_FROM_LINES).all())
        actual = _normalised(conn.execute(ROLLUP).all())
    assert actual == expected


def test_rollup_equals_the_lines_after_the_demo(demo_engine: Engine) -> None:
    assert_rollup_matches(demo_engine)
    with demo_engine.connect() as conn:
        assert conn.scalar(text("SELECT COUNT(*) FROM budget_month")) > 0


def test_rollup_follows_inserts_updates_deletes_and_cascades(empty_engine: Engine) -> None:
    insert_tiny_portfolio(empty_engine)
    assert_rollup_matches(empty_engine)
    with empty_engine.begin() as conn:
        # A booking on an unbooked line, a correction, and a line moved to another month.
        conn.execute(update(BudgetLine).where(BudgetLine.actual.is_(None)).values(actual=7.5))
        conn.execute(
            update(BudgetLine).where(BudgetLine.month == D(2026, 1, 1)).values(planned=BudgetLine.planned + 1)
        )
        first = conn.scalar(select(BudgetLine.id).order_by(BudgetLine.id).limit(1))
        conn.execute(update(BudgetLine).where(BudgetLine.id == first).values(month=D(2026, 6, 1)))
    assert_rollup_matches(empty_engine)
    with empty_engine.connect() as conn:
        moved = conn.execute(text("SELECT COUNT(*) FROM budget_month WHERE month = :m"), {"m": D(2026, 6, 1)})
        assert moved.scalar() == 1
    with empty_engine.begin() as conn:
        conn.execute(delete(BudgetLine).where(BudgetLine.month == D(2026, 2, 1)))
    assert_rollup_matches(empty_engine)
    with empty_engine.begin() as conn:
        # A deleted project takes its lines with it (ON DELETE CASCADE), and its rollup rows.
        conn.execute(delete(Project).where(Project.code == "B"))
    assert_rollup_matches(empty_engine)
    with empty_engine.begin() as conn:
        project = conn.scalar(select(Project.id).where(Project.code == "A"))
        conn.execute(
            insert(BudgetLine),
            [
                {
                    "project_id": project,
                    "month": D(2027, 1, 1),
                    "department_id": 1,
                    "category_id": 1,
                    "planned": 5,
                },
                {
                    "project_id": project,
                    "month": D(2027, 1, 1),
                    "department_id": 2,
                    "category_id": 1,
                    "planned": 6,
                },
            ],
        )
    assert_rollup_matches(empty_engine)


def test_a_failed_write_leaves_the_rollup_as_it_was(empty_engine: Engine) -> None:
    insert_tiny_portfolio(empty_engine)
    with empty_engine.connect() as conn:
        before = conn.execute(ROLLUP).all()
    with pytest.raises(RuntimeError), empty_engine.begin() as conn:
        conn.execute(update(BudgetLine).values(planned=BudgetLine.planned * 2))
        raise RuntimeError("abort")
    with empty_engine.connect() as conn:
        assert conn.execute(ROLLUP).all() == before


CASES = [
    ((), "period", "lines"),
    (("project",), "all", "lines"),
    (("department",), "period_to_year_end", "lines"),
    (("project", "department"), "all", "funders"),
    (("status",), "year", "lines"),
]
FILTERS = [
    Filters.year_to_date(D(2026, 10, 1)),
    Filters.year_to_date(D(2026, 5, 1), departments=("MKT",)),
    Filters.year_to_date(D(2026, 9, 1), statuses=("active",), departments=("IT", "FIN")),
    Filters(as_of=D(2025, 12, 1), period_start=D(2025, 7, 1), projects=("P-001", "P-002", "P-012")),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f"{f.as_of}-{f.departments}-{f.statuses}")
def test_monthly_budget_from_the_rollup_equals_the_lines(
    demo_engine: Engine, filters: Filters, monkeypatch: pytest.MonkeyPatch
) -> None:
    for by, span, department_filter in CASES:
        kwargs = {"engine": demo_engine, "filters": filters, "by": by, "span": span}
        fast = budget.load_budget_by_month(**kwargs, department_filter=department_filter)
        with monkeypatch.context() as patch:
            patch.setattr(budget, "budget_source", lambda **_: BudgetLine)
            slow = budget.load_budget_by_month(**kwargs, department_filter=department_filter)
        assert len(slow) > 0
        pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-12, atol=1e-6)
        fast_totals = budget.load_budget_totals(engine=demo_engine, filters=filters)
        with monkeypatch.context() as patch:
            patch.setattr(budget, "budget_source", lambda **_: BudgetLine)
            slow_totals = budget.load_budget_totals(engine=demo_engine, filters=filters)
        assert fast_totals == pytest.approx(slow_totals, rel=1e-12)


def test_category_queries_still_read_the_lines(demo_engine: Engine) -> None:
    filters = Filters.year_to_date(D(2026, 10, 1), categories=("licences",))
    assert budget.budget_source(filters=filters) is BudgetLine
    assert budget.budget_source(filters=Filters.year_to_date(D(2026, 10, 1)), by=("category",)) is BudgetLine
    frame = budget.load_budget_by_month(
        engine=demo_engine, filters=Filters.year_to_date(D(2026, 10, 1)), by=("category",)
    )
    assert frame["category"].nunique() > 1


def test_the_in_memory_rollup_follows_the_data_version(empty_engine: Engine) -> None:
    insert_tiny_portfolio(empty_engine)
    filters = Filters.year_to_date(D(2026, 3, 1))
    before = budget.load_budget_totals(engine=empty_engine, filters=filters)
    frame_before = budget.load_budget_by_month(engine=empty_engine, filters=filters)
    assert frame_before["planned"].sum() == pytest.approx(before["planned"])
    with empty_engine.begin() as conn:
        conn.execute(update(BudgetLine).values(planned=BudgetLine.planned + 10))
        lines = conn.scalar(select(text("COUNT(*)")).select_from(BudgetLine))
        bump_data_version(conn)
    frame_after = budget.load_budget_by_month(engine=empty_engine, filters=filters)
    assert frame_after["planned"].sum() == pytest.approx(frame_before["planned"].sum() + 10 * lines)


def _grouped_by_columns(
    engine: Engine, filters: Filters, by: tuple[str, ...], span: budget.Span, department_filter: str
) -> pd.DataFrame:
    """The monthly frame grouped the straightforward way: the rollup's rows filtered, the
    actuals after the as-of month zeroed, a pandas group-by over the month and label columns."""
    rollup = budget.load_budget_rollup(engine=engine)
    start, end = budget.span_months(filters, span)
    rows = rollup.assign(month=[D(n // 12, n % 12 + 1, 1) for n in rollup["month_no"]])
    keep = pd.Series(True, index=rows.index)
    if filters.statuses:
        keep &= rows["status"].isin(filters.statuses)
    if filters.projects:
        keep &= rows["project"].isin(filters.projects)
    if start is not None:
        keep &= rows["month"] >= start
    if end is not None:
        keep &= rows["month"] <= end
    if filters.departments and department_filter == "lines":
        keep &= rows["department"].isin(filters.departments)
    elif filters.departments:
        query = (
            select(Project.code)
            .join(Funding, Funding.project_id == Project.id)
            .join(Department, Department.id == Funding.department_id)
            .where(Department.code.in_(filters.departments))
        )
        with engine.connect() as conn:
            funded = set(conn.scalars(query))
        keep &= rows["project"].astype(object).isin(funded)
    chosen = rows[keep]
    chosen = chosen.assign(actual=chosen["actual"].where(chosen["month"] <= filters.as_of, 0.0))
    frame = (
        chosen.astype({name: object for name in by})
        .groupby(["month", *by], sort=True)[["planned", "actual"]]
        .sum()
        .reset_index()
    )
    return frame.astype({"month": object, **{name: object for name in by}})


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f"{f.as_of}-{f.departments}-{f.statuses}")
def test_rollup_grouping_is_the_column_grouping_to_the_last_bit(
    demo_engine: Engine, filters: Filters
) -> None:
    """`load_budget_by_month` from the rollup groups on one integer key (and skips the
    grouping where every group is one row); each sum is the pandas group-by's exactly."""
    cases = [*CASES, (("project",), "all", "funders"), (("department", "status"), "all", "lines")]
    for by, span, department_filter in cases:
        fast = budget.load_budget_by_month(
            engine=demo_engine, filters=filters, by=by, span=span, department_filter=department_filter
        )
        straight = _grouped_by_columns(demo_engine, filters, by, span, department_filter)
        assert len(fast) > 0, (by, span)
        pd.testing.assert_frame_equal(fast, straight, check_exact=True)
