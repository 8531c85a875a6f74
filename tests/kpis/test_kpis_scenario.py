"""The what-if engine on hand-made frames with hand-computed answers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from domain.scenario import ALL_JOINT, ScaleLever, Scenario, describe_changes, lever_groups, restrict
from kpis.common import KpiValue
from kpis.funding import funding_drift
from kpis.scenario.comparison import (
    compare,
    drift_effects,
    figures,
    goal_effects,
    goals_due_rest_of_year,
    lever_effects,
    plan_series,
    trust_gaps,
)
from kpis.scenario.transforms import BaselineFrames, apply_scenario, default_split, projected_spend

D = dt.date
AS_OF = D(2026, 10, 1)


def tiny() -> BaselineFrames:
    """Projects J (joint MKT+IT, agreed 50/50) and S (MKT only), plans Sep..Dec 2026.

    J: MKT plans 100/month, IT plans 100/month; Sep+Oct actual MKT 150, IT 50 per month.
    S: MKT plans 40/month, actual 40 in Sep and Oct. Remaining months: Nov, Dec.
    Categories of the remaining plan: J MKT 60 people + 40 tools; J IT 100 people; S 40 tools.
    Goals: J-G1 target 2026-11-15 open; J-G2 target 2026-09-30 reached 2026-09-20; S-G1
    target 2026-08-31 open (late).
    """
    months = [D(2026, m, 1) for m in (9, 10, 11, 12)]
    rows = []
    for m in months:
        past = m <= AS_OF
        rows.append([m, "J", "MKT", 100.0, 150.0 if past else 0.0])
        rows.append([m, "J", "IT", 100.0, 50.0 if past else 0.0])
        rows.append([m, "S", "MKT", 40.0, 40.0 if past else 0.0])
    budget = pd.DataFrame(rows, columns=["month", "project", "department", "planned", "actual"])
    cats = []
    for m in months[2:]:
        cats += [
            [m, "J", "MKT", "people", 60.0],
            [m, "J", "MKT", "tools", 40.0],
            [m, "J", "IT", "people", 100.0],
            [m, "S", "MKT", "tools", 40.0],
        ]
    by_category = pd.DataFrame(cats, columns=["month", "project", "department", "category", "planned"])
    funding = pd.DataFrame(
        [["J", "IT", 400.0, None], ["J", "MKT", 400.0, None], ["S", "MKT", 160.0, None]],
        columns=["project", "department", "committed", "agreed_share"],
    )
    projects = pd.DataFrame(
        [["J", "Joint", "active", 50.0, AS_OF], ["S", "Solo", "active", 50.0, AS_OF]],
        columns=["project", "name", "status", "pct_complete", "progress_month"],
    )
    goals = pd.DataFrame(
        [
            ["J", "J-G1", D(2026, 11, 15), None],
            ["J", "J-G2", D(2026, 9, 30), D(2026, 9, 20)],
            ["S", "S-G1", D(2026, 8, 31), None],
        ],
        columns=["project", "code", "target_date", "achieved_date"],
    )
    trust = pd.DataFrame(
        [
            ["ability", "MKT", 6, 6 * 4 * 3.0, 6 * 4],  # mean 3 -> index 50
            ["ability", "IT", 2, 2 * 4 * 5.0, 2 * 4],  # hidden: 2 < 5 respondents
            ["integrity", "IT", 2, 8.0, 2],
        ],
        columns=["dimension", "department", "respondents", "score_sum", "answers"],
    )
    return BaselineFrames(AS_OF, budget, by_category, funding, projects, goals, trust)


def totals_by(frame: pd.DataFrame, keys: list[str]) -> dict:
    return frame.groupby(keys)["planned"].sum().to_dict()


def test_empty_scenario_changes_nothing() -> None:
    base = tiny()
    same = apply_scenario(base, Scenario())
    assert same.budget.equals(base.budget)
    assert all(
        row.delta == KpiValue(0.0) or not row.delta.available for row in compare(base, same, tolerance=10)
    )


def test_delay_moves_remaining_plan_and_open_goals() -> None:
    base = tiny()
    scen = apply_scenario(base, Scenario(delays={"J": 2}))
    j = scen.budget[scen.budget["project"] == "J"]
    by_month = j.groupby("month")["planned"].sum().to_dict()
    # Sep and Oct stay; Nov and Dec (200 each) move to Jan and Feb 2027.
    assert by_month == {
        D(2026, 9, 1): 200.0,
        D(2026, 10, 1): 200.0,
        D(2027, 1, 1): 200.0,
        D(2027, 2, 1): 200.0,
    }
    assert j["actual"].sum() == base.budget[base.budget["project"] == "J"]["actual"].sum() == 400.0
    # S untouched.
    assert totals_by(scen.budget[scen.budget["project"] == "S"], ["month"]) == totals_by(
        base.budget[base.budget["project"] == "S"], ["month"]
    )
    goals = dict(zip(scen.goals["code"], scen.goals["target_date"], strict=True))
    assert goals == {"J-G1": D(2027, 1, 15), "J-G2": D(2026, 9, 30), "S-G1": D(2026, 8, 31)}
    assert goals_due_rest_of_year(base.goals, as_of=AS_OF) == 1
    assert goals_due_rest_of_year(scen.goals, as_of=AS_OF) == 0
    effects = goal_effects(base, scen)
    assert list(effects["code"]) == ["J-G1"] and list(effects["status_after"]) == ["open"]
    rows = {r.code: r for r in compare(base, scen, tolerance=10)}
    # Full-year plan: 2 × (200 + 40) + 2 × (200 + 40) = 960 -> J's 400 of Nov/Dec leave the year.
    assert rows["planned_full_year"].baseline.value == 960.0
    assert rows["planned_full_year"].delta.value == -400.0
    assert rows["goals_due_rest_of_year"].delta.value == -1.0
    # The total plan (BAC) of the portfolio is unchanged by a delay.
    assert rows["bac"].delta.value == 0.0


def test_split_moves_shares_but_not_totals() -> None:
    base = tiny()
    scen = apply_scenario(base, Scenario(split_targets={"J": {"MKT": 0.3, "IT": 0.7}}))
    assert totals_by(scen.budget, ["month", "project"]) == totals_by(base.budget, ["month", "project"])
    future = scen.budget[(scen.budget["project"] == "J") & (scen.budget["month"] > AS_OF)]
    shares = (future.groupby("department")["planned"].sum() / future["planned"].sum()).to_dict()
    assert shares == pytest.approx({"MKT": 0.3, "IT": 0.7})
    # Past months keep their plan.
    past = scen.budget[[m <= AS_OF for m in scen.budget["month"]]]
    assert totals_by(past, ["month", "project", "department"]) == totals_by(
        base.budget[[m <= AS_OF for m in base.budget["month"]]], ["month", "project", "department"]
    )
    # The agreement is not rewritten: the split lever changes who pays, not what was agreed.
    assert scen.funding.equals(base.funding)
    # Projected spend at completion for J: MKT 300 + 2 × 60 = 420, IT 100 + 2 × 140 = 380 of 800,
    # measured against the agreed 50/50.
    drift = funding_drift(projected_spend(scen), scen.funding, tolerance=10).set_index("department")
    assert drift.loc["MKT", "drift_pp"].value == pytest.approx((420 / 800 - 0.5) * 100)
    base_drift = funding_drift(projected_spend(base), base.funding, tolerance=10).set_index("department")
    # Baseline: MKT 300 + 200 = 500 of 800 against 50%.
    assert base_drift.loc["MKT", "drift_pp"].value == pytest.approx((500 / 800 - 0.5) * 100)
    effects = drift_effects(base, scen, tolerance=10)
    assert set(effects[effects["changed"]]["department"]) == {"IT", "MKT"}


def test_split_all_joint_restores_the_agreed_half() -> None:
    base = tiny()
    scen = apply_scenario(base, Scenario(split_targets={ALL_JOINT: {"MKT": 0.5, "IT": 0.5}}))
    # Only J is joint; S (one funder) keeps its plan.
    assert totals_by(scen.budget[scen.budget["project"] == "S"], ["month", "department"]) == totals_by(
        base.budget[base.budget["project"] == "S"], ["month", "department"]
    )
    assert totals_by(scen.budget, ["month", "project"]) == totals_by(base.budget, ["month", "project"])


def test_cut_reduces_only_remaining_months() -> None:
    base = tiny()
    scen = apply_scenario(base, Scenario(scale=(ScaleLever("department", "MKT", -10.0),)))
    before = totals_by(base.budget, ["month", "project", "department"])
    after = totals_by(scen.budget, ["month", "project", "department"])
    for key, value in before.items():
        month, _, department = key
        expected = value * 0.9 if month > AS_OF and department == "MKT" else value
        assert after[key] == pytest.approx(expected)
    rows = {r.code: r for r in compare(base, scen, tolerance=10)}
    # MKT remaining: Nov+Dec × (100 + 40) = 280 -> −28.
    assert rows["planned_full_year"].delta.value == pytest.approx(-28.0)
    assert rows["realisation_ytd"].delta.value == 0.0


def test_category_cut_uses_the_category_plan() -> None:
    base = tiny()
    scen = apply_scenario(base, Scenario(scale=(ScaleLever("category", "tools", -50.0),)))
    after = totals_by(scen.budget, ["month", "project", "department"])
    nov = D(2026, 11, 1)
    # J MKT: 100 − 40 × 50% = 80; S MKT: 40 − 20 = 20; J IT has no tools: 100.
    assert (
        after[(nov, "J", "MKT")] == 80.0
        and after[(nov, "S", "MKT")] == 20.0
        and after[(nov, "J", "IT")] == 100.0
    )
    assert after[(D(2026, 10, 1), "J", "MKT")] == 100.0


def test_levers_combine_cut_then_split_then_delay() -> None:
    base = tiny()
    scenario = Scenario(
        scale=(ScaleLever("department", "IT", -50.0),),
        split_targets={"J": {"MKT": 0.5, "IT": 0.5}},
        delays={"J": 1},
    )
    scen = apply_scenario(base, scenario)
    j = scen.budget[scen.budget["project"] == "J"]
    # Nov: (100 + 50) split 75/75, moved to Dec; Dec moved to Jan.
    assert totals_by(j, ["month", "department"])[(D(2026, 12, 1), "IT")] == 75.0
    assert totals_by(j, ["month", "department"])[(D(2027, 1, 1), "MKT")] == 75.0
    assert D(2026, 11, 1) not in set(j["month"])


def test_trust_gap_never_counts_hidden_groups() -> None:
    gaps = trust_gaps(tiny().trust, {"ability": 70.0, "integrity": 60.0}, min_group=5).set_index("dimension")
    assert gaps.loc["ability", "index"].value == 50.0  # IT's 2 respondents are left out
    assert gaps.loc["ability", "gap"].value == 20.0
    assert not gaps.loc["integrity", "index"].available  # the only group is too small
    assert not gaps.loc["integrity", "gap"].available


def test_plan_series_has_both_plans_and_actuals_to_date() -> None:
    base = tiny()
    scen = apply_scenario(base, Scenario(delays={"J": 2}))
    series = plan_series(base, scen, start=D(2026, 9, 1))
    last = series.groupby("series")["cumulative"].last().to_dict()
    assert last["baseline"] == last["scenario"] == 960.0
    assert last["actual"] == 480.0
    assert max(series[series["series"] == "actual"]["month"]) == AS_OF


def test_restrict_drops_unknown_codes() -> None:
    scenario = Scenario(delays={"P-001": 1, "NOPE": 2}, scale=(ScaleLever("category", "x", 5.0),))
    kept, dropped = restrict(
        scenario, projects={"P-001"}, departments={"IT"}, categories={"people"}, dimensions={"ability"}
    )
    assert dropped and kept == Scenario(delays={"P-001": 1})
    assert restrict(kept, projects={"P-001"}, departments=set(), categories=set(), dimensions=set()) == (
        kept,
        False,
    )


def test_changes_in_words_follow_the_levers() -> None:
    changes = describe_changes(
        Scenario(
            delays={"P-003": 2},
            scale=(ScaleLever("department", "MKT", -10.0),),
            trust_targets={"ability": 60},
        )
    )
    assert [c.key for c in changes] == [
        "whatif.change.scale_department",
        "whatif.change.delay",
        "whatif.change.trust",
    ]
    assert changes[1].params == {"project": "P-003", "months": 2}


def test_default_split_is_equal_between_the_usual_partners() -> None:
    funding = pd.DataFrame(
        [
            ["A", "IT", 1.0, None],
            ["A", "MKT", 1.0, None],
            ["B", "IT", 1.0, None],
            ["B", "MKT", 1.0, None],
            ["B", "FIN", 1.0, None],
            ["C", "MKT", 1.0, None],
            ["D", "IT", 1.0, None],
            ["D", "MKT", 1.0, None],
        ],
        columns=["project", "department", "committed", "agreed_share"],
    )
    assert default_split(funding) == {"IT": 0.5, "MKT": 0.5}
    assert default_split(funding[funding["project"] == "C"]) == {}


def test_only_a_category_lever_needs_the_plan_by_category() -> None:
    from domain.scenario import ScaleLever, Scenario, needs_categories

    assert not needs_categories(Scenario())
    assert not needs_categories(
        Scenario(scale=(ScaleLever("department", "MKT", -10.0),), delays={"P-001": 2})
    )
    assert needs_categories(
        Scenario(scale=(ScaleLever("department", "MKT", -10.0), ScaleLever("category", "x", 5.0)))
    )


def test_a_split_away_from_the_agreement_shows_more_drift_not_less() -> None:
    """Marketing already pays more than its agreed half of J; a 60/40 split for the rest has it
    pay even more, so the drift at completion grows (the agreement stays 50/50)."""
    base = tiny()
    scen = apply_scenario(base, Scenario(split_targets={"J": {"MKT": 0.6, "IT": 0.4}}))
    effects = drift_effects(base, scen, tolerance=10).set_index("department")
    # Baseline MKT 300 + 200 = 500 of 800: +12.5 pp; scenario 300 + 2 × 120 = 540: +17.5 pp.
    assert effects.loc["MKT", "drift_before"].value == pytest.approx(12.5)
    assert effects.loc["MKT", "drift_after"].value == pytest.approx(17.5)
    assert effects.loc["IT", "drift_after"].value == pytest.approx(-17.5)
    assert effects.loc["IT", "agreed_after"] == effects.loc["IT", "agreed_before"]
    rows = {r.code: r for r in compare(base, scen, tolerance=10)}
    assert rows["max_drift_at_completion"].delta.value == pytest.approx(5.0)


def test_no_lever_changes_anything_up_to_the_as_of_month() -> None:
    """Every to-date figure of any scenario equals the baseline's: levers act on later months."""
    base = tiny()
    scenario = Scenario(
        scale=(ScaleLever("department", "MKT", -50.0), ScaleLever("category", "tools", 100.0)),
        split_targets={ALL_JOINT: {"MKT": 0.2, "IT": 0.8}},
        delays={"J": 3, "S": 2},
    )
    scen = apply_scenario(base, scenario)
    rows = {r.code: r for r in compare(base, scen, tolerance=10)}
    for code in ("realisation_ytd", "max_drift_to_date", "goals_on_time"):
        assert rows[code].delta == KpiValue(0.0), code
    past = [m <= AS_OF for m in scen.budget["month"]]
    base_past = [m <= AS_OF for m in base.budget["month"]]
    assert totals_by(scen.budget[past], ["month", "project", "department"]) == totals_by(
        base.budget[base_past], ["month", "project", "department"]
    )
    # S-G1 was due on 31 August and is not reached: delaying S does not make it "not yet due".
    goals = dict(zip(scen.goals["code"], scen.goals["target_date"], strict=True))
    assert goals["S-G1"] == D(2026, 8, 31)
    assert goals["J-G1"] == D(2027, 2, 15)


def test_each_lever_on_its_own_and_combined() -> None:
    base = tiny()
    cut = ScaleLever("department", "MKT", -10.0)
    scenario = Scenario(scale=(cut,), delays={"J": 2}, trust_targets={"ability": 70.0})
    groups = lever_groups(scenario)
    assert groups == [Scenario(scale=(cut,)), Scenario(delays={"J": 2})]
    effects = lever_effects(base, scenario, tolerance=10)
    own = [{r.code: r.delta.value for r in effect.rows} for effect in effects]
    # The cut alone: MKT's Nov+Dec (100 + 40) × 2 × 10% = −28 in the year; the delay alone: J's
    # Nov+Dec 400 leave the year.
    assert own[0]["planned_full_year"] == pytest.approx(-28.0)
    assert own[1]["planned_full_year"] == pytest.approx(-400.0)
    combined = {r.code: r.delta.value for r in compare(base, apply_scenario(base, scenario), tolerance=10)}
    # Together: the cut J MKT 2 × 10 moves out of the year with J, so the effects do not add up.
    assert combined["planned_full_year"] == pytest.approx(-400.0 - 8.0)
    assert lever_effects(base, Scenario(delays={"J": 2}), tolerance=10) == []


def test_a_category_lever_on_its_own_uses_the_plan_by_category() -> None:
    base = tiny()
    scenario = Scenario(scale=(ScaleLever("category", "tools", -50.0),), delays={"S": 1})
    before = figures(base, 10)
    effects = lever_effects(base, scenario, tolerance=10, baseline_figures=before)
    own = {r.code: r.delta.value for r in effects[0].rows}
    # Tools in Nov and Dec: J MKT 40 and S 40 a month, halved: −80 in the year.
    assert own["planned_full_year"] == pytest.approx(-80.0)
