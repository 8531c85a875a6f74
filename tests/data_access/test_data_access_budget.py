"""Budget queries on real SQLite and PostgreSQL: hand-computed figures, the same on both,
and a hand-check of two demo projects computed independently from the raw rows."""

import datetime as dt

import pytest
from sqlalchemy import insert, text

from data_access.budget import (
    load_budget_by_month,
    load_funding_shares,
    load_project_progress,
    span_months,
)
from data_access.demo import DEMO_LAST_ACTUAL_MONTH, DEMO_PLANTED
from data_access.models import Funding, Progress
from domain.filters import Filters
from kpis.budget import earned_value_table, frame_totals, year_summary
from kpis.funding import funding_drift
from tests.factories import insert_tiny_portfolio

D = dt.date
MARCH = Filters(as_of=D(2026, 3, 1), period_start=D(2026, 1, 1))
FEBRUARY = Filters(as_of=D(2026, 2, 1), period_start=D(2026, 1, 1))


@pytest.fixture
def tiny(empty_engine):
    insert_tiny_portfolio(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(
            insert(Progress),
            [
                {"project_id": 1, "month": D(2026, 1, 1), "pct_complete": 20.0},
                {"project_id": 1, "month": D(2026, 3, 1), "pct_complete": 45.5},
            ],
        )
        conn.execute(
            Funding.__table__.update()
            .where(Funding.project_id == 1, Funding.department_id == 1)
            .values(agreed_share=0.6)
        )
    return empty_engine


def test_budget_by_month_grouped_in_the_database(tiny) -> None:
    frame = load_budget_by_month(engine=tiny, filters=MARCH, by=("project", "department"))
    assert list(frame.columns) == ["month", "project", "department", "planned", "actual"]
    records = frame.to_dict("records")
    assert records[0] == {
        "month": D(2026, 1, 1),
        "project": "A",
        "department": "IT",
        "planned": 100.0,
        "actual": 110.0,
    }
    assert {
        "month": D(2026, 3, 1),
        "project": "A",
        "department": "IT",
        "planned": 100.0,
        "actual": -20.0,
    } in records
    # B in February: planned 50, no actual booked (NULL) -> 0
    assert {
        "month": D(2026, 2, 1),
        "project": "B",
        "department": "MKT",
        "planned": 50.0,
        "actual": 0.0,
    } in records
    assert len(records) == 8
    assert frame_totals(frame) == {"planned": 700.0, "actual": 580.0}


def test_budget_by_month_span_leaves_later_actuals_out(tiny) -> None:
    year = load_budget_by_month(engine=tiny, filters=FEBRUARY, span="year")
    assert list(year.columns) == ["month", "planned", "actual"]
    assert year.to_dict("records") == [
        {"month": D(2026, 1, 1), "planned": 250.0, "actual": 270.0},
        {"month": D(2026, 2, 1), "planned": 250.0, "actual": 220.0},
        {"month": D(2026, 3, 1), "planned": 200.0, "actual": 0.0},  # books of March not closed
    ]
    summary = year_summary(year, as_of=FEBRUARY.as_of)
    assert (summary.planned_ytd, summary.actual_ytd, summary.planned_full_year) == (500.0, 490.0, 700.0)
    period = load_budget_by_month(engine=tiny, filters=FEBRUARY)
    assert list(period["month"]) == [D(2026, 1, 1), D(2026, 2, 1)]


def test_budget_by_month_filters_and_whitelist(tiny) -> None:
    it_lines = Filters(as_of=MARCH.as_of, period_start=MARCH.period_start, departments=("IT",))
    lines = load_budget_by_month(engine=tiny, filters=it_lines, by=("department",))
    assert set(lines["department"]) == {"IT"} and frame_totals(lines) == {"planned": 300.0, "actual": 200.0}
    funders = load_budget_by_month(
        engine=tiny, filters=it_lines, by=("project", "department"), department_filter="funders"
    )
    assert set(funders["project"]) == {"A"} and set(funders["department"]) == {"IT", "MKT"}
    by_category = load_budget_by_month(engine=tiny, filters=MARCH, by=("category", "status"))
    assert set(by_category["category"]) == {"people"} and set(by_category["status"]) == {"active", "done"}
    done = Filters(as_of=MARCH.as_of, period_start=MARCH.period_start, statuses=("done",))
    assert frame_totals(load_budget_by_month(engine=tiny, filters=done)) == {"planned": 100.0, "actual": 50.0}
    with pytest.raises(ValueError, match="Group by"):
        load_budget_by_month(engine=tiny, filters=MARCH, by=("project; DROP TABLE budget_line",))
    with pytest.raises(ValueError, match="Group by"):
        load_budget_by_month(engine=tiny, filters=MARCH, by=("project", "project"))
    with pytest.raises(ValueError, match="span"):
        load_budget_by_month(engine=tiny, filters=MARCH, span="forever")


def test_span_months() -> None:
    filters = Filters(as_of=D(2026, 5, 1), period_start=D(2025, 11, 1))
    assert span_months(filters, "period") == (D(2025, 11, 1), D(2026, 5, 1))
    assert span_months(filters, "period_to_year_end") == (D(2025, 11, 1), D(2026, 12, 1))
    assert span_months(filters, "year") == (D(2026, 1, 1), D(2026, 12, 1))
    assert span_months(filters, "all") == (None, None)


def test_project_progress_is_the_latest_on_or_before_as_of(tiny) -> None:
    progress = load_project_progress(engine=tiny, filters=FEBRUARY)
    assert progress.to_dict("records") == [
        {
            "project": "A",
            "name": "Alpha",
            "status": "active",
            "pct_complete": 20.0,
            "progress_month": D(2026, 1, 1),
        },
        {"project": "B", "name": "Beta", "status": "done", "pct_complete": None, "progress_month": None},
    ]
    assert load_project_progress(engine=tiny, filters=MARCH).loc[0, "pct_complete"] == 45.5
    it_only = Filters(as_of=MARCH.as_of, period_start=MARCH.period_start, departments=("IT",))
    assert list(load_project_progress(engine=tiny, filters=it_only)["project"]) == ["A"]


def test_funding_shares_and_drift(tiny) -> None:
    funding = load_funding_shares(engine=tiny, filters=MARCH)
    assert funding.to_dict("records") == [
        {"project": "A", "department": "IT", "committed": 300.0, "agreed_share": None},
        {"project": "A", "department": "MKT", "committed": 300.0, "agreed_share": 0.6},
        {"project": "B", "department": "MKT", "committed": 400.0, "agreed_share": None},
    ]
    spend = load_budget_by_month(engine=tiny, filters=MARCH, by=("project", "department"), span="all")
    drift = funding_drift(spend, funding, tolerance=10.0).set_index("department")
    # A: MKT 330 of 530 = 62.3% against 60% -> +2.3 pp; IT 200/530 = 37.7% against 40%
    assert drift.loc["MKT", "drift_pp"].value == pytest.approx((330 / 530 - 0.6) * 100)
    assert drift.loc["IT", "drift_pp"].value == pytest.approx((200 / 530 - 0.4) * 100)


def _raw(engine, sql: str, **params) -> list:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def _hand_check(engine, code: str, as_of: dt.date) -> dict[str, float]:
    """BAC, PV, AC, % complete and per-department actual from the raw rows, without our code."""
    rows = _raw(
        engine,
        "SELECT b.month, d.code, b.planned, b.actual FROM budget_line b "
        "JOIN project p ON p.id = b.project_id JOIN department d ON d.id = b.department_id WHERE p.code = :code",
        code=code,
    )
    months = [
        (D.fromisoformat(str(m)[:10]), dept, float(p), None if a is None else float(a))
        for m, dept, p, a in rows
    ]
    pct = _raw(
        engine,
        "SELECT g.pct_complete FROM progress g JOIN project p ON p.id = g.project_id "
        "WHERE p.code = :code AND g.month <= :as_of ORDER BY g.month DESC",
        code=code,
        as_of=as_of,
    )
    figures = {
        "bac": sum(p for _, _, p, _ in months),
        "pv": sum(p for m, _, p, _ in months if m <= as_of),
        "ac": sum(a for m, _, _, a in months if m <= as_of and a is not None),
        "pct": float(pct[0][0]),
    }
    for dept in {d for _, d, _, _ in months}:
        figures[dept] = sum(a for m, d, _, a in months if d == dept and m <= as_of and a is not None)
    return figures


@pytest.mark.parametrize("code", ["P-001", "P-002"])
def test_hand_check_of_demo_projects(demo_engine, code) -> None:
    assert code in DEMO_PLANTED["over_budget"] + DEMO_PLANTED["funding_drift"]
    as_of = DEMO_LAST_ACTUAL_MONTH
    filters = Filters.year_to_date(as_of)
    expected = _hand_check(demo_engine, code, as_of)
    ev = expected["pct"] / 100 * expected["bac"]
    table = earned_value_table(
        load_budget_by_month(engine=demo_engine, filters=filters, by=("project",), span="all"),
        load_project_progress(engine=demo_engine, filters=filters),
        as_of=as_of,
    ).set_index("project")
    row = table.loc[code]
    assert row["bac"] == pytest.approx(expected["bac"], abs=0.01)
    assert row["pv"] == pytest.approx(expected["pv"], abs=0.01)
    assert row["ac"] == pytest.approx(expected["ac"], abs=0.01)
    assert row["ev"].value == pytest.approx(ev, abs=0.01)
    assert row["cpi"].value == pytest.approx(ev / expected["ac"])
    assert row["spi"].value == pytest.approx(ev / expected["pv"])
    assert row["eac"].value == pytest.approx(expected["bac"] / (ev / expected["ac"]))
    spend = load_budget_by_month(
        engine=demo_engine, filters=filters, by=("project", "department"), span="all"
    )
    drift = funding_drift(spend, load_funding_shares(engine=demo_engine, filters=filters), tolerance=10.0)
    drift = drift[drift["project"] == code].set_index("department")
    for dept in ("MKT", "IT"):  # both funded 50/50 without a recorded share
        share = expected[dept] / (expected["MKT"] + expected["IT"])
        assert drift.loc[dept, "drift_pp"].value == pytest.approx((share - 0.5) * 100)
    if code == "P-001":  # planted: about 20% over plan, so CPI well below 0.85
        assert row["cpi"].value < 0.85 and not drift["flagged"].any()
    else:  # planted: marketing pays about 65%, beyond the 10-point tolerance
        assert drift.loc["MKT", "drift_pp"].value > 10 and drift["flagged"].all()


def test_demo_project_without_progress_keeps_realisation(demo_engine) -> None:
    filters = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH)
    (code,) = DEMO_PLANTED["no_progress"]
    table = earned_value_table(
        load_budget_by_month(engine=demo_engine, filters=filters, by=("project",), span="all"),
        load_project_progress(engine=demo_engine, filters=filters),
        as_of=filters.as_of,
    ).set_index("project")
    assert not table.loc[code, "has_progress"] and table.loc[code, "cpi"].reason == "budget.na.no_progress"
    assert table.loc[code, "ac"] > 0 and table.loc[code, "pv"] > 0
