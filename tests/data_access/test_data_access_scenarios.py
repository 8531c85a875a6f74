"""What-if data access on SQLite and PostgreSQL: baseline frames and saved scenarios."""

from __future__ import annotations

import datetime as dt

import pytest

from access.roles import NotAllowed, User
from data_access.audit import load_audit_trail
from data_access.budget import load_budget_by_month
from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from data_access.scenarios import (
    ScenarioNameTaken,
    delete_scenario,
    load_saved_scenario,
    load_saved_scenarios,
    load_scenario_baseline,
    load_trust_by_dimension,
    save_scenario,
)
from data_access.survey import load_trust_groups, load_waves
from domain.filters import Filters
from domain.scenario import ALL_JOINT, ScaleLever, Scenario
from kpis.scenario.comparison import compare
from kpis.scenario.transforms import apply_scenario
from kpis.trust_index import pooled_index
from tests.factories import insert_tiny_portfolio

FILTERS = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH)
ALICE = User(name="alice", email=None, role="cmo")
ALICE_NOW_VIEWER = User(name="alice", email=None, role="viewer")  # an author who lost the right
BOB = User(name="bob", email=None, role="viewer")
CAROL = User(name="carol", email=None, role="cio")
EDITOR = User(name="erin", email=None, role="editor")
SCENARIO = Scenario(delays={"P-001": 2}, scale=(ScaleLever("department", "MKT", -10.0),))


def test_baseline_frames_match_the_budget_queries(demo_engine) -> None:
    baseline = load_scenario_baseline(engine=demo_engine, filters=FILTERS)
    everything = load_budget_by_month(engine=demo_engine, filters=FILTERS, span="all")
    assert baseline.budget["planned"].sum() == pytest.approx(everything["planned"].sum())
    assert baseline.budget["actual"].sum() == pytest.approx(everything["actual"].sum())
    remaining = everything[everything["month"] > FILTERS.as_of]["planned"].sum()
    assert baseline.remaining_by_category["planned"].sum() == pytest.approx(remaining)
    assert set(baseline.remaining_by_category["month"]) == {dt.date(2026, 11, 1), dt.date(2026, 12, 1)}
    assert len(baseline.projects) == 25 and not baseline.goals.empty and not baseline.funding.empty


def test_trust_by_dimension_pools_to_the_overall_index(demo_engine) -> None:
    trust = load_trust_by_dimension(engine=demo_engine, filters=FILTERS)
    waves = load_waves(engine=demo_engine, filters=FILTERS)
    latest = int(waves.iloc[-1]["id"])
    groups = load_trust_groups(engine=demo_engine, filters=FILTERS, wave_ids=[latest])
    by_department = trust.groupby("department")[["score_sum", "answers"]].sum()
    overall = groups.set_index("department")
    for department in overall.index:
        assert by_department.loc[department, "score_sum"] == overall.loc[department, "score_sum"]
        assert by_department.loc[department, "answers"] == overall.loc[department, "answers"]
    assert set(trust["dimension"]) == {"ability", "benevolence", "integrity", "communication", "strategy"}
    assert pooled_index(groups).index.available


def test_demo_levers_move_the_right_kpis_by_the_right_amount(demo_engine) -> None:
    baseline = load_scenario_baseline(engine=demo_engine, filters=FILTERS)
    budget = baseline.budget
    remaining_mkt = budget[(budget["month"] > FILTERS.as_of) & (budget["department"] == "MKT")][
        "planned"
    ].sum()
    cut = {r.code: r for r in compare(baseline, apply_scenario(baseline, SCENARIO), tolerance=10)}
    p001_rest_of_year = budget[
        (budget["project"] == "P-001")
        & (budget["month"] > FILTERS.as_of)
        & (budget["month"].map(lambda m: m.year) == 2026)
    ]
    # The cut takes 10% of Marketing's remaining plan, then P-001's (cut) remaining plan leaves the year.
    p001_after_cut = (
        p001_rest_of_year[p001_rest_of_year["department"] == "MKT"]["planned"].sum() * 0.9
        + p001_rest_of_year[p001_rest_of_year["department"] != "MKT"]["planned"].sum()
    )
    assert cut["planned_full_year"].delta.value == pytest.approx(-0.1 * remaining_mkt - p001_after_cut)
    assert cut["realisation_ytd"].delta.value == pytest.approx(0.0)
    split = {
        r.code: r
        for r in compare(
            baseline,
            apply_scenario(baseline, Scenario(split_targets={ALL_JOINT: {"IT": 0.5, "MKT": 0.5}})),
            tolerance=10,
        )
    }
    assert split["planned_full_year"].delta.value == pytest.approx(0.0)
    assert split["bac"].delta.value == pytest.approx(0.0)


def test_save_list_open_and_delete(empty_engine) -> None:
    insert_tiny_portfolio(empty_engine)
    new_id = save_scenario(engine=empty_engine, user=ALICE, name="  IT pays  half ", scenario=SCENARIO)
    listed = load_saved_scenarios(engine=empty_engine)
    assert list(listed["name"]) == ["IT pays half"] and list(listed["author"]) == ["alice"]
    assert isinstance(listed.loc[0, "created_at"], dt.datetime)
    assert load_saved_scenario(engine=empty_engine, key=str(new_id)) == (
        new_id,
        "IT pays half",
        "alice",
        SCENARIO,
    )
    assert load_saved_scenario(engine=empty_engine, key="IT pays half")[0] == new_id
    assert load_saved_scenario(engine=empty_engine, key="nope") is None
    with pytest.raises(ScenarioNameTaken):
        save_scenario(engine=empty_engine, user=CAROL, name="IT pays half", scenario=SCENARIO)
    with pytest.raises(ValueError, match="name_missing"):
        save_scenario(engine=empty_engine, user=CAROL, name="   ", scenario=SCENARIO)
    with pytest.raises(ValueError, match="empty"):
        save_scenario(engine=empty_engine, user=CAROL, name="nothing", scenario=Scenario())
    with pytest.raises(NotAllowed):  # viewers save nothing (README, rights table)
        save_scenario(engine=empty_engine, user=BOB, name="Bob's", scenario=SCENARIO)
    with pytest.raises(NotAllowed):
        delete_scenario(engine=empty_engine, user=BOB, scenario_id=new_id)
    assert len(load_saved_scenarios(engine=empty_engine)) == 1
    assert delete_scenario(engine=empty_engine, user=ALICE_NOW_VIEWER, scenario_id=new_id)
    assert load_saved_scenarios(engine=empty_engine).empty
    assert not delete_scenario(engine=empty_engine, user=ALICE, scenario_id=new_id)
    other = save_scenario(engine=empty_engine, user=CAROL, name="Carol's", scenario=SCENARIO)
    assert delete_scenario(engine=empty_engine, user=EDITOR, scenario_id=other)
    trail = load_audit_trail(engine=empty_engine, entity="saved_scenario")
    assert sorted(trail["action"]) == ["delete", "delete", "insert", "insert"]
    assert set(trail["user_name"]) == {"alice", "carol", "erin"}
