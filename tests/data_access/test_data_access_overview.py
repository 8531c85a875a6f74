"""The overview queries on real SQLite and PostgreSQL, against hand-computed figures."""

import datetime as dt

import pytest

from data_access.budget import load_budget_totals
from data_access.engine import read_data_version
from data_access.projects import load_funding_by_project, load_insight_goals
from data_access.reference import load_departments, load_month_bounds
from data_access.survey import load_trust_groups, load_waves
from domain.filters import Filters
from kpis.portfolio import goals_on_time, joint_share
from kpis.trust_index import latest_wave_trust
from tests.factories import insert_tiny_portfolio

MARCH = Filters(as_of=dt.date(2026, 3, 1), period_start=dt.date(2026, 1, 1))


@pytest.fixture
def tiny(empty_engine):
    insert_tiny_portfolio(empty_engine)
    return empty_engine


def test_budget_totals(tiny) -> None:
    totals = load_budget_totals(engine=tiny, filters=MARCH)
    # A: planned 6 × 100 = 600; actual 5 × 110 − 20 = 530. B: planned 100, actual 50.
    assert totals == {"planned": pytest.approx(700.0), "actual": pytest.approx(580.0)}


def test_budget_totals_follow_department_status_and_period(tiny) -> None:
    it_only = Filters(as_of=MARCH.as_of, period_start=MARCH.period_start, departments=("IT",))
    assert load_budget_totals(engine=tiny, filters=it_only) == {"planned": 300.0, "actual": 200.0}
    done = Filters(as_of=MARCH.as_of, period_start=MARCH.period_start, statuses=("done",))
    assert load_budget_totals(engine=tiny, filters=done) == {"planned": 100.0, "actual": 50.0}
    january = Filters(as_of=dt.date(2026, 1, 1), period_start=dt.date(2026, 1, 1))
    assert load_budget_totals(engine=tiny, filters=january) == {"planned": 250.0, "actual": 270.0}


def test_funding_and_joint_share(tiny) -> None:
    funding = load_funding_by_project(engine=tiny, filters=MARCH)
    assert funding.to_dict("records") == [
        {"code": "A", "committed": 600.0, "n_funders": 2},
        {"code": "B", "committed": 400.0, "n_funders": 1},
    ]
    assert joint_share(funding).value == pytest.approx(0.6)
    it_only = Filters(as_of=MARCH.as_of, period_start=MARCH.period_start, departments=("IT",))
    assert joint_share(load_funding_by_project(engine=tiny, filters=it_only)).value == pytest.approx(1.0)


def test_insight_goals(tiny) -> None:
    goals = load_insight_goals(engine=tiny, filters=MARCH)
    assert list(goals["code"]) == ["G1", "G2", "G1"]
    assert goals_on_time(goals, as_of_end=dt.date(2026, 10, 31)).value == pytest.approx(0.5)


def test_trust_groups_flip_reverse_items_and_hide_small_groups(tiny) -> None:
    waves = load_waves(engine=tiny, filters=MARCH)
    assert list(waves["code"]) == ["W1"]
    groups = load_trust_groups(engine=tiny, filters=MARCH, wave_ids=list(waves["id"]))
    by_dept = groups.set_index("department")
    assert by_dept.loc["MKT", "respondents"] == 5 and by_dept.loc["MKT", "score_sum"] == 40  # 5×4 + 5×(6−2)
    assert by_dept.loc["FIN", "respondents"] == 2
    trust = latest_wave_trust(waves, groups)
    assert trust.current.index.value == pytest.approx(75.0)  # mean 4 → 75; FIN's ones are left out
    assert trust.current.hidden_groups == 1
    february = Filters(as_of=dt.date(2026, 2, 1), period_start=dt.date(2026, 1, 1))
    assert load_waves(engine=tiny, filters=february).empty


def test_reference_data_and_version(tiny) -> None:
    assert list(load_departments(engine=tiny)["code"]) == ["FIN", "IT", "MKT"]
    assert load_month_bounds(engine=tiny) == (dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    assert read_data_version(tiny) == 1
